"""Writing records out: ISO 2709, MARCXML, MARC-in-JSON and Dublin Core (oai_dc).

Always UTF-8, never MARC-8: MARC-8 cannot hold every Vietnamese letter, and the
conversion loses them silently ("Thư viện" -> "Thư vin"). Every writer sets leader/09
to 'a' whatever the record said.

The ``iter_*`` writers take any iterable of records (a database cursor, a generator)
and yield bytes in chunks of about 64 KiB, so an export of 100,000 records holds one
chunk in memory, not the file. A record that cannot be written (a field longer than
ISO 2709 allows, a tag MARCXML refuses) raises ``WriteError``, or, when ``on_error``
is given, is reported to it with its position and left out while the rest is written.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Iterator

from thuvien.catalog.marc.dublin_core import OAI_DC_NS, PURL_DC_NS, dc_elements
from thuvien.catalog.marc.record import ControlField, DataField, Record

__all__ = [
    "MARCXML_NS",
    "WriteError",
    "iter_iso2709",
    "iter_marc_json",
    "iter_marcxml",
    "iter_oai_dc",
    "to_iso2709",
    "to_marc_json",
    "to_marcxml",
    "to_oai_dc",
]

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
_FIELD_END = b"\x1e"
_RECORD_END = b"\x1d"
_SUBFIELD = b"\x1f"
_CHUNK = 64 * 1024
_MAX_FIELD = 9999  # four digits of field length in the directory
_MAX_RECORD = 99999  # five digits of record length in the leader
# ISO 2709 structure characters inside data would cut the record; XML 1.0 cannot
# carry the other C0 controls, lone surrogates or U+FFFE/U+FFFF at all.
_NOT_IN_ISO = re.compile("[\x1d\x1e\x1f]")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F))
_INDICATOR = re.compile(r"^[0-9a-z ]$")
_XML_PAIRS = frozenset(a + b for a in "0123456789abcdefghijklmnopqrstuvwxyz " for b in
                       "0123456789abcdefghijklmnopqrstuvwxyz ")  # fmt: skip
_ISO_TAG = re.compile(r"^[0-9A-Za-z]{3}$")
_CONTROL_TAG = re.compile(r"^00[1-9A-Za-z]$")
_DATA_TAG = re.compile(
    r"^(?:0[1-9A-Z][0-9A-Z]|0[1-9a-z][0-9a-z]|[1-9A-Z][0-9A-Z]{2}|[1-9a-z][0-9a-z]{2})$"
)
# MARC21slim's subfield codes: ASCII letters, digits and graphic punctuation.
# ISO 2709 takes any one-byte code but its own separators (a stray control code read
# from a damaged record is kept as it came).
_ISO_CODES = frozenset(chr(c) for c in range(0x80)) - {"\x1d", "\x1e", "\x1f"}
_VALID_CODES = frozenset(string.ascii_letters + string.digits + "!\"#$%&'()*+,-./:;<=>?{}_^`~[]\\")
_LEADER_TEXT = re.compile(r"^[0-9A-Za-z ]$")


class WriteError(ValueError):
    """A record that the chosen format cannot express; the message is bilingual."""

    def __init__(self, vi: str, en: str, position: int | None = None):
        self.position = position
        where_vi = f"Bản ghi {position}: " if position else ""
        where_en = f"Record {position}: " if position else ""
        super().__init__(f"{where_vi}{vi} / {where_en}{en}")
        self.vi, self.en = vi, en


def _leader(
    leader: str, length: int | None = None, base: int | None = None, *, xml: bool = False
) -> str:
    """A 24-character leader declaring UTF-8 and the standard entry map. MARCXML's
    schema also wants letters, digits or blanks in the coded positions and a record type."""
    chars = list((leader or "").ljust(24)[:24])
    for i in (5, 6, 7, 8, 17, 18, 19):
        allowed = _LEADER_TEXT.match(chars[i]) if xml else " " <= chars[i] <= "~"
        if not allowed and not (i == 6 and xml):
            chars[i] = " "
    if xml and not (_LEADER_TEXT.match(chars[6]) and chars[6] != " "):
        raise WriteError(
            f"đầu biểu (leader) vị trí 06 không hợp lệ: {chars[6]!r}",
            f"leader position 06 is not valid: {chars[6]!r}",
        )
    chars[9:12] = "a22"
    chars[20:24] = "4500"
    chars[0:5] = f"{length:05d}" if length is not None else "".join(chars[0:5])
    chars[12:17] = f"{base:05d}" if base is not None else "".join(chars[12:17])
    for i in (*range(0, 5), *range(12, 17)):
        if not chars[i].isdigit() or not chars[i].isascii():
            chars[i] = "0"
    return "".join(chars)


_ISO_PAIRS = frozenset(a + b for a in _PRINTABLE for b in _PRINTABLE)


def _indicators(value: str, *, xml: bool = False) -> str:
    """Two indicators: any printable ASCII character in ISO 2709 and JSON (kept as
    catalogued); in MARCXML only digits, lower-case letters and blank, so "#" (the MARC
    documentation's blank) and anything else the schema refuses is written as a blank."""
    if value in (_XML_PAIRS if xml else _ISO_PAIRS):
        return value
    pair = (value or "").ljust(2)[:2]
    if xml:
        return "".join(c if _INDICATOR.match(c) else " " for c in pair)
    return "".join(c if c in _PRINTABLE else " " for c in pair)


def _check_field(f: ControlField | DataField, *, xml: bool = False) -> None:
    """Tags and subfield codes a format can carry: one ASCII byte per code and three
    alphanumerics per tag in ISO 2709 and JSON; MARCXML's patterns for MARCXML."""
    if isinstance(f, ControlField):
        if not (_CONTROL_TAG if xml else _ISO_TAG).match(f.tag):
            raise WriteError(
                f"nhãn trường điều khiển không hợp lệ: {f.tag!r}",
                f"invalid control field tag: {f.tag!r}",
            )
        return
    if not (_DATA_TAG if xml else _ISO_TAG).match(f.tag):
        raise WriteError(f"nhãn trường không hợp lệ: {f.tag!r}", f"invalid field tag: {f.tag!r}")
    codes = _VALID_CODES if xml else _ISO_CODES
    for code, _ in f.subfields:
        if code not in codes:
            raise WriteError(
                f"trường {f.tag}: mã trường con không hợp lệ {code!r}",
                f"field {f.tag}: invalid subfield code {code!r}",
            )


def _chunked(
    records: Iterable[Record],
    render: Callable[[Record], bytes],
    on_error: Callable[[int, WriteError], None] | None,
    head: bytes = b"",
    tail: bytes = b"",
    separator: bytes = b"",
) -> Iterator[bytes]:
    buffer = bytearray(head)
    written = 0
    for position, record in enumerate(records, start=1):
        try:
            data = render(record)
        except WriteError as error:
            located = WriteError(error.vi, error.en, position)
            if on_error is None:
                raise located from None
            on_error(position, located)
            continue
        if written and separator:
            buffer += separator
        buffer += data
        written += 1
        if len(buffer) >= _CHUNK:
            yield bytes(buffer)
            buffer.clear()
    buffer += tail
    if buffer:
        yield bytes(buffer)


# --- ISO 2709 ---------------------------------------------------------------------


def _iso_field(f: ControlField | DataField) -> bytes:
    if isinstance(f, ControlField):
        return (_NOT_IN_ISO.sub("\ufffd", f.value) + "\x1e").encode("utf-8")
    subfields = f.subfields
    if _NOT_IN_ISO.search("".join(v for _, v in subfields)):
        subfields = [(c, _NOT_IN_ISO.sub("\ufffd", v)) for c, v in subfields]
    body = "".join(f"\x1f{c}{v}" for c, v in subfields)
    return (_indicators(f.indicators) + body + "\x1e").encode("utf-8")


def to_iso2709(record: Record) -> bytes:
    """One record in ISO 2709 (MARC 21 exchange format), UTF-8, leader/09 'a'."""
    directory: list[bytes] = []
    body: list[bytes] = []
    offset = 0
    for f in record.fields:
        _check_field(f)
        data = _iso_field(f)
        if len(data) > _MAX_FIELD:
            raise WriteError(
                f"trường {f.tag} dài {len(data)} byte, ISO 2709 cho tối đa {_MAX_FIELD}",
                f"field {f.tag} is {len(data)} bytes long, ISO 2709 allows {_MAX_FIELD}",
            )
        directory.append(f"{f.tag}{len(data):04d}{offset:05d}".encode("ascii"))
        body.append(data)
        offset += len(data)
    base = 24 + 12 * len(directory) + 1
    length = base + offset + 1
    if length > _MAX_RECORD:
        raise WriteError(
            f"bản ghi dài {length} byte, ISO 2709 cho tối đa {_MAX_RECORD}",
            f"record is {length} bytes long, ISO 2709 allows {_MAX_RECORD}",
        )
    leader = _leader(record.leader, length, base).encode("ascii")
    return b"".join([leader, *directory, _FIELD_END, *body, _RECORD_END])


def _leader_for(record: Record, *, xml: bool = False) -> str:
    """The leader with the lengths the record has in ISO 2709, so that every format
    declares the same leader ("00000" when too long for ISO 2709 to say)."""
    body = sum(len(_iso_field(f)) for f in record.fields)
    base = 24 + 12 * len(record.fields) + 1
    length = base + body + 1
    if length > _MAX_RECORD:
        return _leader(record.leader, 0, base if base <= _MAX_RECORD else 0, xml=xml)
    return _leader(record.leader, length, base, xml=xml)


def iter_iso2709(
    records: Iterable[Record], on_error: Callable[[int, WriteError], None] | None = None
) -> Iterator[bytes]:
    """Records one after another in ISO 2709, in chunks."""
    return _chunked(records, to_iso2709, on_error)


# --- MARCXML ----------------------------------------------------------------------


def _xml_text(value: str) -> str:
    value = _NOT_IN_XML.sub("\ufffd", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A parser turns a raw carriage return into a line feed; a reference keeps it.
    return value.replace("\r", "&#13;")


def _xml_attr(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;")


def _marcxml_lines(record: Record) -> list[str]:
    """MARCXML wants the control fields before the data fields and at least one
    subfield in a data field: fields are put in that order, and a data field with no
    subfield (nothing but its indicators) is left out."""
    for f in record.fields:
        _check_field(f, xml=True)
    lines = [f"<leader>{_leader_for(record, xml=True)}</leader>"]
    controls = [f for f in record.fields if isinstance(f, ControlField)]
    lines.extend(
        f'<controlfield tag="{f.tag}">{_xml_text(f.value)}</controlfield>' for f in controls
    )
    for f in record.fields:
        if isinstance(f, ControlField) or not f.subfields:
            continue
        ind = _indicators(f.indicators, xml=True)
        lines.append(f'<datafield tag="{f.tag}" ind1="{ind[0]}" ind2="{ind[1]}">')
        lines.extend(
            f'<subfield code="{_xml_attr(code)}">{_xml_text(value)}</subfield>'
            for code, value in f.subfields
        )
        lines.append("</datafield>")
    return lines


def to_marcxml(record: Record, *, namespace: bool = True) -> str:
    """One ``<record>`` element of MARCXML (MARC21slim)."""
    xmlns = f' xmlns="{MARCXML_NS}"' if namespace else ""
    return f"<record{xmlns}>" + "".join(_marcxml_lines(record)) + "</record>"


def iter_marcxml(
    records: Iterable[Record], on_error: Callable[[int, WriteError], None] | None = None
) -> Iterator[bytes]:
    """A MARCXML ``<collection>`` document, in chunks."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARCXML_NS}">\n'
    return _chunked(
        records,
        lambda r: (to_marcxml(r, namespace=False) + "\n").encode("utf-8"),
        on_error,
        head=head.encode(),
        tail=b"</collection>\n",
    )


# --- MARC-in-JSON -----------------------------------------------------------------


def to_marc_json(record: Record) -> dict:
    """One record as MARC-in-JSON (leader, then fields as one-key objects)."""
    fields: list[dict] = []
    for f in record.fields:
        _check_field(f)
        if isinstance(f, ControlField):
            fields.append({f.tag: f.value})
            continue
        ind = _indicators(f.indicators)
        subfields = [{code: value} for code, value in f.subfields]
        fields.append({f.tag: {"ind1": ind[0], "ind2": ind[1], "subfields": subfields}})
    return {"leader": _leader_for(record), "fields": fields}


def iter_marc_json(
    records: Iterable[Record], on_error: Callable[[int, WriteError], None] | None = None
) -> Iterator[bytes]:
    """A JSON array of MARC-in-JSON records, in chunks."""
    return _chunked(
        records,
        lambda r: json.dumps(to_marc_json(r), ensure_ascii=False).encode("utf-8"),
        on_error,
        head=b"[",
        tail=b"]\n",
        separator=b",\n",
    )


# --- Dublin Core ------------------------------------------------------------------


def to_oai_dc(record: Record, *, namespaces: bool = True) -> str:
    """One ``<oai_dc:dc>`` element, mapped by the LC MARC to Dublin Core crosswalk."""
    declared = (
        f' xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{PURL_DC_NS}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"'
        if namespaces
        else ""
    )
    inner = "".join(
        f"<dc:{name}>{_xml_text(value)}</dc:{name}>" for name, value in dc_elements(record)
    )
    return f"<oai_dc:dc{declared}>{inner}</oai_dc:dc>"


def iter_oai_dc(
    records: Iterable[Record], on_error: Callable[[int, WriteError], None] | None = None
) -> Iterator[bytes]:
    """Many ``<oai_dc:dc>`` records in one document.

    oai_dc defines no container, so the records sit in an ``oai_dc:dcCollection``
    element as LC's MARC21slim2OAIDC stylesheet writes them; each record on its own
    is valid against oai_dc.xsd.
    """
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<oai_dc:dcCollection xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{PURL_DC_NS}">\n'
    )
    return _chunked(
        records,
        lambda r: (to_oai_dc(r, namespaces=False) + "\n").encode("utf-8"),
        on_error,
        head=head.encode(),
        tail=b"</oai_dc:dcCollection>\n",
    )
