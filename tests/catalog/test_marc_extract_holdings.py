"""Holdings from 852 (real Oxford and McGill records from the marc4j test files) and
from Koha's 952 items (a handcrafted Koha record of a Vietnamese book)."""

from tests.fixtures.catalog.records import iso2709, marcxml
from thuvien.catalog.marc.extract import Holding, extract, holdings


def test_koha_items_grouped_by_branch_location_and_call_number():
    found = extract(marcxml("koha-vie-items.xml")).holdings
    call = "959.7042 V500N"
    assert found == [
        # VV.012346 is reference only ($7 = 1): held but not lendable.
        Holding("TVBD", "KHODOC", call, 2, 1, ("VV.012345", "VV.012346"), "952"),
        # VM.023456 is on loan ($q due date).
        Holding("TVBD", "KHOMUON", call, 2, 1, ("VM.023456", "VM.023457"), "952"),
        # TDM.000789 is lost ($1 = 1); TDM.000790 sits at TVBD ($b) but belongs to TDM ($a).
        Holding("TDM", "KHOMUON", call, 2, 1, ("TDM.000789", "TDM.000790"), "952"),
        # No status subfields at all: availability unknown.
        Holding("TVBD", "KHOLUU", call, 1, None, ("LT.000101",), "952"),
    ]
    assert sum(h.items for h in found) == 7


def test_852_holdings_of_real_records():
    records = iso2709("holdings-852.mrc")
    assert [holdings(r) for r in records[:2]] == [
        [Holding("UkOxU", "Bodleian, BOD Bookstack", "M94.G00395", 1, None, ("500881138",), "852")],
        [
            Holding("UkOxU", "Bodleian, BOD Nuneham", "256 f.2739", 1, None, ("502161351",), "852"),
            Holding(
                "UkOxU", "St Anne's, ANN Main Libr", "823.25 1", 1, None, ("303664056",), "852"
            ),
            Holding(
                "UkOxU",
                "Worcester C., WOR Upper Lib",
                "11 w 23/10 (1967 printing)",
                1,
                None,
                ("305501776",),
                "852",
            ),
        ],
    ]
    # McGill: four copies, one 852 each, no institution code and no barcodes.
    assert holdings(records[2]) == [Holding(None, "MCL, MAIN", "PR4031 C49", 4, None, (), "852")]
    oxford = holdings(records[3])
    assert [(h.location, h.call_number, h.items) for h in oxford] == [
        ("Bodleian, BOD Bookstack", "M95.G00363", 1),
        ("Continuing Ed, CED Main Libr", "823.7 AUS", 3),
        ("Continuing Ed, CED Reserve", "823.7 AUS", 3),
    ]
    assert all(h.available is None for h in oxford)  # 852 says nothing about loans
