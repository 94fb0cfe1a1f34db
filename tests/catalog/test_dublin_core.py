"""Dublin Core both ways: MARC -> oai_dc validated against oai_dc.xsd (lxml and xmllint)
with the LC crosswalk checked by hand on real records, and oai_dc -> MARC 21 from a
harvested record parsed by the hardened XML parser."""

import shutil
import subprocess
from datetime import date

import pytest
from lxml import etree

from tests.fixtures.catalog.records import HERE, SCHEMAS, lc_vie, lc_vie_by_number, marcxml, schema
from thuvien.catalog.marc.dublin_core import (
    OAI_DC_NS,
    PURL_DC_NS,
    DublinCoreError,
    dc_elements,
    read_oai_dc,
)
from thuvien.catalog.marc.extract import extract
from thuvien.catalog.marc.writers import iter_oai_dc, to_marcxml, to_oai_dc
from thuvien.kernel.xml import parse_bytes


def _dc(record) -> etree._Element:
    return etree.fromstring(to_oai_dc(record).encode("utf-8"))


def test_every_lc_record_is_valid_oai_dc():
    oai_dc = schema("oai_dc.xsd")
    for record in lc_vie():
        element = _dc(record)
        assert oai_dc.validate(element), (record.control_number, oai_dc.error_log)


def test_a_collection_export_holds_valid_oai_dc_records():
    document = b"".join(iter_oai_dc([*lc_vie()[:5], marcxml("koha_lfl_5.xml")]))
    root = etree.fromstring(document)
    assert root.tag == f"{{{OAI_DC_NS}}}dcCollection" and len(root) == 6
    for element in root:
        schema("oai_dc.xsd").assertValid(etree.fromstring(etree.tostring(element)))


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint not installed")
def test_xmllint_validates_oai_dc(tmp_path):
    path = tmp_path / "dc.xml"
    path.write_text(to_oai_dc(lc_vie_by_number("00369139")), encoding="utf-8")
    result = subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(SCHEMAS / "oai_dc.xsd"), str(path)],
        capture_output=True,
        text=True,
        env={"XML_CATALOG_FILES": str(SCHEMAS / "catalog.xml")},
    )
    assert result.returncode == 0, result.stderr


def test_crosswalk_of_an_lc_record():
    """00369139, mapped by hand: 245 -> title (and 246), 100/700 -> creator, 050 and 650
    -> subject (650 subdivisions joined with "--"), 504 -> description, 260 $a$b ->
    publisher, 260 $c -> date, leader/06 'a' -> text, 020 -> URN:ISBN, 008/35-37 -> language."""
    assert dc_elements(lc_vie_by_number("00369139")) == [
        ("title", "Chim Việt Nam"),
        ("title", "Subtitle on cover: Cuốn sách hướng dẫn về các loài chim ở Việt Nam"),
        ("creator", "Nguyễn, Cử"),
        ("creator", "Lê, Trọng Trải"),
        ("creator", "Phillipps, Karen"),
        ("subject", "QL691.V5 N48 2000"),
        ("subject", "Birds--Vietnam--Identification"),
        ("description", "Includes bibliographical references (p. 206)"),
        ("publisher", "[Hà Nội] : Nhà xuất bản Lao động - xã hội"),
        ("date", "2000"),
        ("type", "text"),
        ("identifier", "URN:ISBN:094688840X"),
        ("language", "vie"),
    ]


def test_crosswalk_dates_coverage_language_notes_and_links():
    # 00280640: 041 $aviechieng, 546 language note, 651 -> coverage (not subject).
    pairs = dc_elements(lc_vie_by_number("00280640"))
    assert [v for n, v in pairs if n == "language"] == [
        "vie",
        "chi",
        "eng",
        "Vietnamese, Chinese, and English",
    ]
    assert [v for n, v in pairs if n == "coverage"] == ["Củ Chi (Vietnam : Quận)--History"]
    assert ("creator", "Hò̂, Sĩ Thành, 1946-") in pairs  # the mis-ordered marks are LC's
    koha = dc_elements(marcxml("koha_lfl_5.xml"))
    assert [v for n, v in koha if n == "identifier"] == [
        "URN:ISBN:0851705774",
        "http://www.loc.gov/catdir/enhancements/fy0812/97112390-d.html",
        "http://www.loc.gov/catdir/enhancements/fy0812/97112390-t.html",
    ]


@pytest.fixture(scope="module")
def harvested():
    root = parse_bytes((HERE / "oai-dc-luan-van.xml").read_bytes())
    return read_oai_dc(root, entered=date(2024, 3, 11))


def _field(record, tag):
    return [(f.indicators, f.subfields) for f in record.data_fields(tag)]


def test_reading_a_harvested_oai_dc_record(harvested):
    assert harvested.leader == "00000nam a2200000uc 4500"
    assert harvested.control("008") == "240311s2023    xx " + " " * 17 + "vie d"
    assert _field(harvested, "100") == [("1 ", [("a", "Nguyễn, Thị Minh Hoà")])]
    assert _field(harvested, "700") == [("0 ", [("a", "Trần Văn Bình")])]
    assert _field(harvested, "710") == [("2 ", [("a", "Trường Đại học Văn hoá Hà Nội")])]
    assert _field(harvested, "245") == [
        ("10", [("a", "Nghiên cứu ứng dụng công nghệ số trong thư viện công cộng cấp tỉnh")])
    ]
    assert _field(harvested, "246") == [
        ("33", [("a", "Applying digital technology in provincial public libraries")])
    ]
    assert _field(harvested, "020") == [("  ", [("a", "9786043200171")])]
    assert _field(harvested, "022") == [("  ", [("a", "2049-3630")])]
    assert _field(harvested, "024") == [("8 ", [("a", "LV-TV-2023-045")])]
    assert _field(harvested, "041") == [("  ", [("a", "vie")])]
    assert _field(harvested, "546") == [("  ", [("a", "Tiếng Tày")])]
    assert _field(harvested, "856") == [
        (
            "40",
            [
                ("u", "https://repository.example.edu.vn/handle/123456789/4321"),
                ("q", "application/pdf"),
            ],
        )
    ]
    assert _field(harvested, "260") == [
        ("  ", [("b", "Trường Đại học Văn hoá Hà Nội"), ("c", "2023-06-15")])
    ]
    assert _field(harvested, "300") == [("  ", [("a", "118 tr.")])]
    assert [s for _, s in _field(harvested, "650")] == [
        [("a", "Thư viện công cộng")],
        [("a", "Chuyển đổi số")],
        [("a", "Digital libraries")],
    ]
    assert len(_field(harvested, "520")) == 2
    assert _field(harvested, "540") == [
        ("  ", [("a", "Chỉ đọc toàn văn trong mạng nội bộ của trường.")])
    ]
    assert _field(harvested, "502") == [("  ", [("a", "Thesis")])]


def test_a_harvested_record_indexes_and_exports(harvested):
    ex = extract(harvested)
    assert ex.format == "thesis" and ex.year == 2023 and ex.language == "vie"
    assert ex.isbns == ["9786043200171", "6043200171"]
    schema("MARC21slim.xsd").assertValid(etree.fromstring(to_marcxml(harvested).encode()))
    schema("oai_dc.xsd").assertValid(_dc(harvested))


def test_round_trip_keeps_the_searchable_values():
    for lccn in ("00369139", "00280615", "00236597"):
        original = lc_vie_by_number(lccn)
        back = read_oai_dc(_dc(original), entered=date(2024, 1, 1))
        before, after = extract(original), extract(back)
        assert after.title_proper.startswith(before.title_proper), lccn
        assert after.year == before.year and after.language == before.language, lccn
        assert after.isbns == before.isbns, lccn
        assert [a.split(",")[0] for a in after.authors] == [
            a.split(",")[0] for a in before.authors
        ], lccn


def test_records_that_cannot_be_read():
    with pytest.raises(DublinCoreError, match="No oai_dc:dc element"):
        read_oai_dc(etree.fromstring(b"<metadata/>"))
    namespaces = f'xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{PURL_DC_NS}"'
    empty = f"<oai_dc:dc {namespaces}><dc:creator>A</dc:creator></oai_dc:dc>"
    with pytest.raises(DublinCoreError) as error:
        read_oai_dc(etree.fromstring(empty.encode()))
    assert str(error.value).startswith("Bản ghi Dublin Core không có nhan đề")
    other = (
        f'<oai_dc:dc {namespaces} xmlns:x="urn:x">'
        "<x:title>ignored</x:title><dc:title>  Sách   hay </dc:title></oai_dc:dc>"
    )
    record = read_oai_dc(etree.fromstring(other.encode()), entered=date(2024, 1, 1))
    assert _field(record, "245") == [("00", [("a", "Sách hay")])]
    assert record.control("008")[6:15] == "nuuuuuuuu"
