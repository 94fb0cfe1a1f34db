"""sniff_format on a real file of each kind, and read_records choosing the reader by it."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.catalog.test_marc_readers import LC_VIE, MARC4J, YAZ
from tests.catalog.test_marc_readers_xml import DUBLIN_CORE, OCLC, oai_response
from thuvien.catalog.marc.readers import read_records, sniff_format

HEAD = 4096


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Nhan đề", "Tác giả", "Năm"])
    book.active.append(["Truyện Kiều", "Nguyễn Du", 1820])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


IDENTIFY = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-10T00:00:00Z</responseDate>
<request verb="Identify">https://example.vn/oai</request>
<Identify><repositoryName>Thu vien</repositoryName><baseURL>https://example.vn/oai</baseURL>
<protocolVersion>2.0</protocolVersion></Identify></OAI-PMH>"""
CSV = "Nhan đề;Tác giả;Năm\nTruyện Kiều;Nguyễn Du;1820\nLục Vân Tiên;Nguyễn Đình Chiểu;1864\n"


@pytest.mark.parametrize(
    "data, expected",
    [
        (LC_VIE.read_bytes(), "iso2709"),
        ((MARC4J / "bad_leaders_10_11.mrc").read_bytes(), "iso2709"),
        ((YAZ / "marc4.marc").read_bytes(), "iso2709"),  # a broken leader is still ISO 2709
        (OCLC.read_bytes(), "marcxml"),
        ((MARC4J / "1474920681_KOHA_LFL_5.xml").read_bytes(), "marcxml"),
        ((YAZ / "tmarc7.xml").read_bytes(), "marcxml"),  # turbomarc
        (OCLC.read_bytes().replace(b' xmlns="http://www.loc.gov/MARC21/slim"', b""), "marcxml"),
        (oai_response([]), "marcxml"),  # a marc21 ListRecords page, even an empty one
        (IDENTIFY, "unknown"),  # an OAI-PMH response without records
        (DUBLIN_CORE, "oai_dc"),
        ((MARC4J / "marc-in-json.json").read_bytes(), "marcjson"),
        ((YAZ / "marc7.json").read_bytes(), "marcjson"),
        (b"\xef\xbb\xbf" + CSV.encode(), "csv"),
        (CSV.encode("utf-16"), "csv"),
        (xlsx_bytes(), "xlsx"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "unknown"),
        (b'{"name": "not a record"}', "unknown"),
        (b"", "unknown"),
    ],
)
def test_sniff_format(data, expected):
    assert sniff_format(data[:HEAD]) == expected


def test_sniff_an_oai_pmh_response_carrying_marcxml():
    record = OCLC.read_text(encoding="utf-8")
    record = record[record.index("<record") : record.index("</record>") + 9]
    record = record.replace("<record>", '<record xmlns="http://www.loc.gov/MARC21/slim">', 1)
    assert sniff_format(oai_response([record])[:HEAD]) == "marcxml"


def test_xlsx_is_recognised_by_its_content_not_its_zip():
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert sniff_format(other_zip.getvalue()[:HEAD]) == "unknown"


class Pipe(io.RawIOBase):
    """A stream that cannot seek, like a socket or a pipe."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        return self._data.read(size)


@pytest.mark.parametrize(
    "data",
    [LC_VIE.read_bytes(), OCLC.read_bytes(), (MARC4J / "marc-in-json.json").read_bytes()],
    ids=["iso2709", "marcxml", "marcjson"],
)
def test_read_records_sniffs_seekable_and_unseekable_streams(data):
    expected = [item.record for item in read_records(io.BytesIO(data))]
    assert expected and all(expected)
    assert [item.record for item in read_records(Pipe(data))] == expected


@pytest.mark.parametrize("data", [CSV.encode(), xlsx_bytes(), b"plain text"])
def test_formats_the_marc_readers_do_not_read_say_so(data):
    items = list(read_records(io.BytesIO(data)))
    assert len(items) == 1 and items[0].record is None
    assert "column mapping" in items[0].error or "not read by the record readers" in items[0].error
