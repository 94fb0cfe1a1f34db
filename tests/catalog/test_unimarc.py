"""UNIMARC -> MARC 21 on a handcrafted record modelled on a Vietnamese book (the expected
MARC 21 written by hand from the UNIMARC and MARC 21 manuals), detection against the real
MARC 21 records, and refusals."""

import pymarc
import pytest
from lxml import etree

from tests.fixtures.catalog.records import lc_vie, marcxml, schema
from thuvien.catalog.marc.citation import apa, tcvn4743
from thuvien.catalog.marc.extract import Holding, extract
from thuvien.catalog.marc.record import ControlField, DataField, Record
from thuvien.catalog.marc.unimarc import (
    UnimarcError,
    convert,
    is_unimarc,
    to_marc21,
    unimarc_signs,
)
from thuvien.catalog.marc.writers import to_iso2709, to_marcxml

KIEU = "unimarc-truyen-kieu.xml"

EXPECTED = [
    ("001", "VN-TVQG-0001234"),
    ("005", "20230115103000.0"),
    # 100 $a 20230115 d 2022: entered 230115, single date 's' 2022; 102 VN -> "vm "; 101 vie
    ("008", "230115s2022    vm " + " " * 17 + "vie d"),
    ("020", "  ", [("a", "978-604-580-123-9"), ("q", "bìa mềm"), ("c", "85000đ")]),
    (
        "040",
        "  ",
        [("a", "Thư viện Quốc gia Việt Nam"), ("b", "vie"), ("c", "Thư viện Quốc gia Việt Nam")],
    ),
    ("041", "0 ", [("a", "vie")]),
    ("080", "  ", [("a", "821.922-1")]),
    ("082", "04", [("a", "895.92212"), ("2", "23")]),
    ("100", "0 ", [("a", "Nguyễn Du,"), ("d", "1765-1820."), ("4", "aut")]),
    (
        "245",
        "10",
        [
            ("a", "Truyện Kiều :"),
            ("b", "Đoạn trường tân thanh /"),
            ("c", "Nguyễn Du ; Đào Duy Anh khảo đính và chú thích."),
        ],
    ),
    ("246", "31", [("a", "The tale of Kieu")]),
    ("250", "  ", [("a", "Tái bản lần thứ 3.")]),
    ("260", "  ", [("a", "Hà Nội :"), ("b", "Văn học,"), ("c", "2022.")]),
    ("300", "  ", [("a", "412 tr. :"), ("b", "minh họa ;"), ("c", "21 cm.")]),
    ("490", "1 ", [("a", "Tủ sách Văn học cổ điển Việt Nam ;"), ("v", "5")]),
    ("500", "  ", [("a", "Thư mục: tr. 405-410")]),
    (
        "520",
        "  ",
        [
            (
                "a",
                "Truyện thơ Nôm 3.254 câu lục bát kể về cuộc đời Thúy Kiều, kèm khảo đính và "
                "chú thích.",
            )
        ],
    ),
    ("600", "04", [("a", "Nguyễn Du,"), ("d", "1765-1820"), ("x", "Tác phẩm.")]),
    # UNIMARC $y (place) and $z (period) swap places in MARC 21.
    (
        "650",
        " 7",
        [("a", "Văn học cổ điển"), ("z", "Việt Nam"), ("y", "Thế kỷ 19."), ("2", "Bộ TK TVQG")],
    ),
    ("653", "  ", [("a", "Truyện thơ"), ("a", "Truyện Nôm")]),
    ("700", "1 ", [("a", "Đào, Duy Anh,"), ("d", "1904-1988."), ("4", "edt")]),
    ("830", " 0", [("a", "Tủ sách Văn học cổ điển Việt Nam ;"), ("v", "5.")]),
    # Koha's UNIMARC items (995) become its MARC 21 items (952).
    (
        "952",
        "  ",
        [
            ("a", "TVQG"),
            ("b", "TVQG"),
            ("c", "KHODOC"),
            ("p", "VV.045678"),
            ("o", "895.922 NG-D"),
            ("7", "0"),
        ],
    ),
]


def _shape(record: Record) -> list:
    return [
        (f.tag, f.value) if isinstance(f, ControlField) else (f.tag, f.indicators, f.subfields)
        for f in record.fields
    ]


def test_detection():
    kieu = marcxml(KIEU)
    assert is_unimarc(kieu)
    assert unimarc_signs(kieu) == [
        "200 $a (title proper)",
        "100 $a (general processing data)",
        "101 $a (language)",
        "801 (originating source)",
    ]
    for record in [*lc_vie(), marcxml("koha-vie-items.xml"), marcxml("koha_lfl_5.xml")]:
        assert not is_unimarc(record), record.control_number


def test_conversion_field_by_field():
    conversion = convert(marcxml(KIEU))
    assert conversion.record.leader == "00000nam a22000001i 4500"
    assert _shape(conversion.record) == EXPECTED
    assert conversion.dropped == ["105: không có trường MARC 21 tương ứng / no MARC 21 equivalent"]


def test_the_converted_record_indexes_cites_and_exports():
    record = to_marc21(marcxml(KIEU))
    ex = extract(record)
    assert ex.title == "Truyện Kiều : Đoạn trường tân thanh"
    assert ex.authors == ["Nguyễn Du", "Đào, Duy Anh"]
    assert ex.isbns == ["9786045801239", "6045801237"]
    assert (ex.year, ex.language, ex.pages, ex.edition) == (2022, "vie", 412, "Tái bản lần thứ 3")
    assert ex.series == ["Tủ sách Văn học cổ điển Việt Nam ; 5"]
    assert ex.ddc == ["895.92212"] and ex.udc == ["821.922-1"]
    assert ex.holdings == [Holding("TVQG", "KHODOC", "895.922 NG-D", 1, 1, ("VV.045678",), "952")]
    assert apa(record).text == (
        "Nguyễn Du. (2022). Truyện Kiều: Đoạn trường tân thanh (Tái bản lần thứ 3). Văn học."
    )
    assert tcvn4743(record).text == (
        "Truyện Kiều : Đoạn trường tân thanh / Nguyễn Du ; Đào Duy Anh khảo đính và chú thích. "
        "- Tái bản lần thứ 3. - Hà Nội : Văn học, 2022. - 412 tr. : minh họa ; 21 cm. - (Tủ "
        "sách Văn học cổ điển Việt Nam ; 5). - ISBN 9786045801239."
    )
    schema("MARC21slim.xsd").assertValid(etree.fromstring(to_marcxml(record).encode()))
    back = pymarc.Record(data=to_iso2709(record), to_unicode=True, force_utf8=True)
    assert back["245"]["a"] == "Truyện Kiều :"


def _unimarc(*fields, leader="00000nam0 22000001i 450 "):
    coded = DataField("100", "  ", [("a", "20240101d2015    k  y0fre0103    ba")])
    return Record(leader, [coded, *fields])


def test_non_sort_markers_give_the_nonfiling_count_and_disappear():
    record = _unimarc(
        DataField(
            "200", "1 ", [("a", "\x88Le \x89Petit prince"), ("f", "Antoine de Saint-Exupéry")]
        ),
        DataField(
            "210",
            "  ",
            [
                ("a", "Paris"),
                ("c", "Gallimard"),
                ("d", "2015"),
                ("e", "Lonrai"),
                ("g", "Normandie"),
            ],
        ),
    )
    converted = to_marc21(record)
    title = converted.data_fields("245")[0]
    assert title.indicators == "03"
    assert title.subfields == [("a", "Le Petit prince /"), ("c", "Antoine de Saint-Exupéry.")]
    assert extract(converted).title_sort.startswith("petit prince")
    assert converted.data_fields("260")[0].subfields == [
        ("a", "Paris :"),
        ("b", "Gallimard,"),
        ("c", "2015"),
        ("e", "(Lonrai :"),
        ("f", "Normandie)."),
    ]


def test_publication_214_corporate_meeting_and_unknown_relators():
    record = _unimarc(
        DataField("200", "1 ", [("a", "Kỷ yếu hội thảo"), ("h", "Tập 2"), ("i", "Thư viện số")]),
        DataField("214", " 1", [("a", "Hà Nội"), ("c", "Đại học Quốc gia Hà Nội"), ("d", "2024")]),
        DataField("710", "02", [("a", "Thư viện Quốc gia Việt Nam"), ("4", "999")]),
        DataField(
            "711",
            "12",
            [("a", "Hội thảo Thư viện số"), ("d", "3"), ("f", "2024"), ("e", "Hà Nội")],
        ),
    )
    conversion = convert(record)
    converted = conversion.record
    assert converted.data_fields("245")[0].subfields == [
        ("a", "Kỷ yếu hội thảo."),
        ("n", "Tập 2,"),
        ("p", "Thư viện số."),
    ]
    assert converted.data_fields("264")[0].indicators == " 1"
    assert converted.data_fields("110")[0].subfields == [("a", "Thư viện Quốc gia Việt Nam.")]
    assert converted.data_fields("711")[0].subfields == [
        ("a", "Hội thảo Thư viện số"),
        ("n", "(3 :"),
        ("d", "2024 :"),
        ("c", "Hà Nội)"),
    ]
    assert "710 $4 999: mã trách nhiệm không rõ / unknown relator code" in conversion.dropped
    assert extract(converted).year == 2024


@pytest.mark.parametrize(
    ("record", "vi", "en"),
    [
        (
            Record("00000nam a2200000 a 4500", [DataField("245", "10", [("a", "A")])]),
            "Bản ghi đã có trường 245",
            "it is MARC 21, not UNIMARC",
        ),
        (
            Record("00000nx  a2200000   4500", [DataField("200", "1 ", [("a", "Nguyễn Du")])]),
            "không phải bản ghi thư mục UNIMARC",
            "not a UNIMARC bibliographic record",
        ),
        (
            Record("00000nam0 22000001i 450 ", [DataField("200", "1 ", [("e", "phụ đề")])]),
            "không có nhan đề chính (trường 200 $a)",
            "has no title proper (field 200 $a)",
        ),
    ],
)
def test_refusals_say_why_in_both_languages(record, vi, en):
    with pytest.raises(UnimarcError) as refused:
        to_marc21(record)
    assert vi in refused.value.vi and en in refused.value.en
    assert str(refused.value).index(vi) < str(refused.value).index(en)
