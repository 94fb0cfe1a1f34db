"""The hardened XML parser against hostile, broken and very large documents."""

import io
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from thuvien.kernel.xml import (
    XMLError,
    XMLParseError,
    XMLSecurityError,
    iterparse,
    parse_bytes,
    parse_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xml"
PASSWD = Path("/etc/passwd").read_text()
PASSWD_MARK = PASSWD.splitlines()[0]  # "root:x:0:0:..."

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE record [
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<record><title>&secret;</title></record>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE record [
  <!ENTITY % secret SYSTEM "file:///etc/passwd">
  %secret;
]>
<record/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz><a>&lol9;</a></lolz>"""


def test_real_document_parses() -> None:
    root = parse_file(FIXTURES / "MARC21slim.xsd")
    assert root.tag == "{http://www.w3.org/2001/XMLSchema}schema"
    names = root.xpath("//xsd:complexType/@name", namespaces={"xsd": str(root.nsmap["xsd"])})
    assert "recordType" in names


def test_character_references_and_predefined_entities_still_work() -> None:
    root = parse_bytes(b"<t>Th&#432; vi&#7879;n &amp; b&#7843;o t&#224;ng</t>")
    assert root.text == "Thư viện & bảo tàng"


@pytest.mark.parametrize("document", [XXE, XXE_PARAMETER], ids=["general", "parameter"])
def test_xxe_never_reads_local_files(document: bytes) -> None:
    with pytest.raises(XMLError) as caught:
        parse_bytes(document)
    assert PASSWD_MARK not in str(caught.value)
    with pytest.raises(XMLError):
        list(iterparse(io.BytesIO(document)))


def test_xxe_is_refused_with_its_position() -> None:
    with pytest.raises(XMLSecurityError) as caught:
        parse_bytes(XXE)
    assert (caught.value.line, caught.value.column) == (3, 3)
    assert str(caught.value).startswith("Tài liệu XML khai báo thực thể")
    assert "(line 3, column 3)" in str(caught.value)


def test_default_lxml_would_have_leaked_the_file() -> None:
    """Control: the payload is real, so the test above can fail."""
    unsafe = etree.XMLParser(resolve_entities=True, no_network=True)
    assert PASSWD_MARK in etree.fromstring(XXE, unsafe).findtext("title")


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(XMLSecurityError):
        parse_bytes(BILLION_LAUGHS)
    with pytest.raises(XMLSecurityError):
        list(iterparse(io.BytesIO(BILLION_LAUGHS), "a"))


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dtd_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    _Recorder.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_external_dtd_is_never_fetched(dtd_server: str) -> None:
    external_dtd = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{dtd_server}/r.dtd">\n<r>ok</r>'
    external_entity = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "{dtd_server}/x">]>\n<r>&x;</r>'
    )
    assert parse_bytes(external_dtd.encode()).text == "ok"
    assert [element.text for element in iterparse(io.BytesIO(external_dtd.encode()), "r")] == ["ok"]
    with pytest.raises(XMLSecurityError):
        parse_bytes(external_entity.encode())
    assert _Recorder.requests == []

    # Control: the server does record a fetch. (The libxml2 bundled with lxml 6 has no
    # HTTP client at all; no_network keeps a build on an older libxml2 just as safe.)
    with urllib.request.urlopen(f"{dtd_server}/r.dtd") as response:
        assert response.status == 200
    assert _Recorder.requests == ["/r.dtd"]


def test_local_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "record.dtd"
    dtd.write_text('<!ATTLIST r lang CDATA "vi"><!ENTITY x "text from the DTD">')
    document = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{dtd.as_uri()}">\n<r>ok</r>'.encode()
    with_reference = document.replace(b"<r>ok</r>", b"<r>\n&x;</r>")

    assert parse_bytes(document).attrib == {}  # the DTD's default attribute never came
    with pytest.raises(XMLParseError) as caught:
        parse_bytes(with_reference)
    assert "&x;" in str(caught.value) and caught.value.line == 4
    with pytest.raises(XMLParseError):
        list(iterparse(io.BytesIO(with_reference), "r"))

    # Control: a parser that loads DTDs does read the file.
    loading = etree.XMLParser(load_dtd=True, attribute_defaults=True)
    assert etree.fromstring(with_reference, loading).text == "\ntext from the DTD"


@pytest.mark.parametrize(
    ("document", "line"),
    [
        (b"<records>\n  <record>\n    <title>Sach</title>\n  </records>", 4),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<t>\n<a>Vi\xeat</a></t>', 3),  # Latin-1 byte
        (b"<r>\n<a b='1' b='2'/></r>", 2),
        (b"<r>\n\n<unclosed>", 3),
    ],
    ids=["mismatched", "bad-encoding", "duplicate-attribute", "truncated"],
)
def test_malformed_documents_name_the_line(document: bytes, line: int) -> None:
    with pytest.raises(XMLParseError) as caught:
        parse_bytes(document)
    message = str(caught.value)
    assert caught.value.line == line
    assert message.startswith("Tài liệu XML không hợp lệ")
    assert f"(dòng {line}, cột " in message and f"(line {line}, column " in message
    with pytest.raises(XMLParseError):
        list(iterparse(io.BytesIO(document)))


def test_empty_and_text_input() -> None:
    with pytest.raises(XMLParseError):
        parse_bytes(b"")
    with pytest.raises(TypeError):
        parse_bytes("<r/>")  # type: ignore[arg-type]


def test_size_limit_is_enforced_before_parsing(tmp_path: Path) -> None:
    document = b"<r>" + b"<a>x</a>" * 1000 + b"</r>"
    with pytest.raises(XMLSecurityError, match=r"quá lớn.*too large"):
        parse_bytes(document, max_bytes=1000)
    path = tmp_path / "big.xml"
    path.write_bytes(document)
    with pytest.raises(XMLSecurityError):
        parse_file(path, max_bytes=1000)
    with pytest.raises(XMLSecurityError):
        list(iterparse(io.BytesIO(document), "a", max_bytes=1000))
    assert len(parse_bytes(document, max_bytes=len(document))) == 1000


def test_excessive_nesting_hits_the_depth_limit() -> None:
    document = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(XMLSecurityError, match=r"giới hạn an toàn.*safety limit"):
        parse_bytes(document)


class _GeneratedMarcXml(io.RawIOBase):
    """A MARCXML-like stream produced on the fly: the whole document never exists."""

    def __init__(self, records: int):
        self._chunks = self._generate(records)
        self._buffer = b""

    @staticmethod
    def _generate(records: int) -> Iterator[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
        for number in range(records):
            yield (
                f'<record><controlfield tag="001">{number}</controlfield>'
                f'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Thư viện số {number}'
                f'</subfield><subfield code="c">Nguyễn Văn A</subfield></datafield>'
                f'<datafield tag="260" ind1=" " ind2=" "><subfield code="a">Hà Nội</subfield>'
                f"</datafield></record>\n"
            ).encode()
        yield b"</collection>\n"

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        while len(self._buffer) < len(target):
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_large_document_streams_in_bounded_memory() -> None:
    records = 200_000  # about 60 MB of XML
    stream = io.BufferedReader(_GeneratedMarcXml(records), buffer_size=64 * 1024)
    record_tag = "{http://www.loc.gov/MARC21/slim}record"
    start = _rss_kib()
    peak = start
    count = 0
    for element in iterparse(stream, record_tag):
        assert element[0].text == str(count)
        count += 1
        if count % 10_000 == 0:
            peak = max(peak, _rss_kib())
    assert count == records
    # Held whole, lxml would need several hundred MB for this tree.
    assert peak - start < 40 * 1024


@settings(max_examples=200)
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: f"<r>{t}</r>".encode()))
def test_fuzzed_input_raises_only_xml_errors(data: bytes) -> None:
    try:
        parse_bytes(data)
    except XMLError as error:
        assert " / " in str(error)
