"""MARCXML (and turbomarc, OAI-PMH envelopes, Dublin Core) through the hardened parser:
yaz's XML goldens read like the ISO 2709 records yaz wrote from them, raw bytes are the
record elements as in the file, and hostile XML yields an error item, never file content."""

import io
import re

import pytest
from lxml import etree

from tests.catalog.test_marc_readers import MARC4J, YAZ, shape
from thuvien.catalog.marc.readers import read_marcxml, read_records

MARC_NS = "http://www.loc.gov/MARC21/slim"
OCLC = MARC4J / "OCLC_814388508.xml"
KOHA = MARC4J / "1474920681_KOHA_LFL_5.xml"

# yaz's MARCXML/turbomarc goldens and the ISO 2709 yaz wrote back from each. Left out:
# 1-3 are danmarc records whose 001 has subfields (a control field in ISO 2709 terms, a
# datafield in yaz's XML), 4 has no fields at all (an error both ways).
COMPARABLE = [0, 5, 6, 7, 8, 9, 10, 11, 12]


@pytest.mark.parametrize("prefix", ["marc", "tmarc", "xml2marc", "xml2tmarc"])
@pytest.mark.parametrize("number", COMPARABLE)
def test_yaz_xml_reads_like_the_iso2709_yaz_wrote_from_it(prefix, number):
    xml = list(read_records(YAZ / f"{prefix}{number}.xml"))
    iso = list(read_records(YAZ / f"{prefix}{number}.xml.marc"))
    assert len(xml) == len(iso) == 1
    assert shape(xml[0].record) == shape(iso[0].record)
    assert xml[0].record.leader[5:12] == iso[0].record.leader[5:12]


@pytest.mark.parametrize("prefix", ["marc", "tmarc", "xml2marc", "xml2tmarc"])
def test_record_without_fields_is_an_error_in_every_format(prefix):
    for path in (YAZ / f"{prefix}4.xml", YAZ / f"{prefix}4.xml.marc"):
        items = list(read_records(path))
        assert len(items) == 1 and items[0].record is None
        assert "no fields" in items[0].error or "points outside" in items[0].error


def test_every_yaz_xml_file_reads_without_exceptions():
    files = sorted(YAZ.glob("*.xml"))
    assert len(files) == 52
    for path in files:
        items = list(read_records(path))
        assert len(items) == 1
        assert (items[0].record is None) != (items[0].error is None)


def test_marc4j_marcxml_files():
    oclc = list(read_records(OCLC))
    assert len(oclc) == 1 and oclc[0].error is None
    root = etree.parse(str(OCLC)).getroot()  # a trusted local file: counted independently
    elements = root.findall(f".//{{{MARC_NS}}}controlfield") + root.findall(
        f".//{{{MARC_NS}}}datafield"
    )
    assert len(oclc[0].record.fields) == len(elements) == 30
    assert oclc[0].record.control("001") == "ocn814388508"
    koha = list(read_records(KOHA))  # Koha's <identifier>/<datestamp> children are skipped
    assert koha[0].record.control("001") == "121564"
    assert koha[0].record.first("020", "a") == "0851705774"


def test_raw_is_the_record_element_exactly_as_in_the_file():
    for path in (OCLC, KOHA, YAZ / "marc7.xml"):
        data = path.read_bytes()
        for item in read_records(path):
            assert data[item.offset : item.offset + len(item.raw)] == item.raw
            assert re.match(rb"<(\w+:)?record[\s>]", item.raw) and item.raw.endswith(b"record>")
            again = next(read_records(io.BytesIO(item.raw)))  # raw reads again on its own
            assert shape(again.record) == shape(item.record)


def _record_element(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<record") : text.rindex("</record>") + len("</record>")]


def oai_response(records: list[str]) -> bytes:
    """An OAI-PMH ListRecords response around real MARCXML records, with a deleted one."""
    body = "".join(
        f"<record><header><identifier>oai:example.vn:{i}</identifier>"
        f"<datestamp>2024-01-0{i}</datestamp></header><metadata>{marc}</metadata></record>\n"
        for i, marc in enumerate(records, 1)
    )
    deleted = (
        '<record><header status="deleted"><identifier>oai:example.vn:9</identifier>'
        "<datestamp>2024-01-09</datestamp></header></record>\n"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
        'xmlns:marc="http://www.loc.gov/MARC21/slim">\n'
        "<responseDate>2024-01-10T00:00:00Z</responseDate>\n"
        '<request verb="ListRecords" metadataPrefix="marc21">https://example.vn/oai</request>\n'
        f"<ListRecords>\n{deleted}{body}<resumptionToken>next</resumptionToken></ListRecords>\n"
        "</OAI-PMH>\n"
    ).encode()


def test_records_inside_an_oai_pmh_response():
    oclc = _record_element(OCLC).replace("<record>", f'<record xmlns="{MARC_NS}">', 1)
    koha = _record_element(KOHA)
    prefixed = oclc.replace(f'<record xmlns="{MARC_NS}">', "<marc:record>", 1)
    prefixed = re.sub(
        r"<(/?)(leader|controlfield|datafield|subfield|record)\b", r"<\1marc:\2", prefixed
    )
    prefixed = prefixed.replace("<marc:marc:record>", "<marc:record>")
    data = oai_response([oclc, koha, prefixed])
    items = list(read_records(io.BytesIO(data)))
    assert [item.position for item in items] == [1, 2, 3]  # the deleted record has no MARC
    expected = [next(read_records(OCLC)), next(read_records(KOHA)), next(read_records(OCLC))]
    for item, standalone in zip(items, expected, strict=True):
        assert shape(item.record) == shape(standalone.record)
        again = next(read_records(io.BytesIO(item.raw)))
        assert shape(again.record) == shape(item.record)
    # The first two declare their namespace: their raw bytes are slices of the response.
    for item in items[:2]:
        assert data[item.offset : item.offset + len(item.raw)] == item.raw
    # The third uses the envelope's marc: prefix: its raw is the element with it declared.
    assert items[2].raw.startswith(b"<marc:record") and b"xmlns:marc=" in items[2].raw


def test_marcxml_without_namespace():
    data = OCLC.read_bytes().replace(f' xmlns="{MARC_NS}"'.encode(), b"")
    assert MARC_NS.encode() not in data
    items = list(read_records(io.BytesIO(data)))
    assert shape(items[0].record) == shape(next(read_records(OCLC)).record)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE collection [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000nam a2200000 a 4500</leader>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&xxe;</subfield></datafield>
</record></collection>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000nam a2200000 a 4500</leader>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&lol4;</subfield></datafield>
</record></collection>"""


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_entities_are_refused_with_an_error_item(document):
    items = list(read_marcxml(io.BytesIO(document)))
    assert len(items) == 1 and items[0].record is None
    assert "Biểu ghi 1" in items[0].error and "Record 1" in items[0].error
    assert "ENTITY" in items[0].error
    everything = items[0].error.encode() + items[0].raw
    assert b"root:" not in everything and b"lollollol" not in everything


def test_broken_xml_keeps_the_records_before_the_break():
    good = OCLC.read_bytes()
    cut = good[: good.index(b"</record>")] + b"</record><record><leader>oops</leader><datafield"
    items = list(read_records(io.BytesIO(cut), "marcxml"))
    assert [item.record is not None for item in items] == [True, False]
    assert "Invalid XML" in items[1].error and "line" in items[1].error


DUBLIN_CORE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><header>
<identifier>oai:example.vn:1</identifier><datestamp>2024-01-01</datestamp></header>
<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Truyện Kiều</dc:title><dc:creator>Nguyễn, Du</dc:creator>
<dc:language>vi</dc:language><dc:date>1820</dc:date></oai_dc:dc></metadata>
</record></GetRecord></OAI-PMH>""".encode()


def test_dublin_core_is_crosswalked_record_by_record():
    items = list(read_records(io.BytesIO(DUBLIN_CORE)))
    assert len(items) == 1 and items[0].error is None
    record = items[0].record
    assert record.first("245", "a") == "Truyện Kiều" and record.first("100", "a") == "Nguyễn, Du"
    assert "dc->marc21" in items[0].conversions
    assert DUBLIN_CORE[items[0].offset :].startswith(items[0].raw)
