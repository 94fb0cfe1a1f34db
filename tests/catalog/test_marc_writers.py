"""Writers checked against independent readers and validators: pymarc (reading back and
its own ISO 2709 writer), YAZ's yaz-marcdump, the MARC21slim and oai_dc XML schemas
(lxml and xmllint), on the 121 LC Vietnamese records and the Koha fixture."""

import json
import shutil
import subprocess
from io import BytesIO

import pymarc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.fixtures.catalog.records import SCHEMAS, lc_vie, lc_vie_raw, marcxml, schema
from thuvien.catalog.marc.record import ControlField, DataField, Record
from thuvien.catalog.marc.writers import (
    MARCXML_NS,
    WriteError,
    iter_iso2709,
    iter_marc_json,
    iter_marcxml,
    to_iso2709,
    to_marc_json,
    to_marcxml,
)

needs_yaz = pytest.mark.skipif(
    shutil.which("yaz-marcdump") is None, reason="yaz-marcdump not installed (Debian: yaz)"
)
needs_xmllint = pytest.mark.skipif(
    shutil.which("xmllint") is None, reason="xmllint not installed (Debian: libxml2-utils)"
)


def _fields(record: Record) -> list:
    return [
        (f.tag, f.value) if isinstance(f, ControlField) else (f.tag, f.indicators, f.subfields)
        for f in record.fields
    ]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return [*lc_vie(), marcxml("koha-vie-items.xml"), marcxml("koha_lfl_5.xml")]


# --- ISO 2709 ---------------------------------------------------------------------


def test_unchanged_records_are_written_back_byte_for_byte():
    """LC's own file is well-formed UTF-8 ISO 2709: the writer must reproduce it."""
    for record, raw in zip(lc_vie(normalise=False), lc_vie_raw(), strict=True):
        assert to_iso2709(record) == raw, record.control_number


def test_iso2709_matches_pymarc_writer_and_reads_back_field_for_field(records):
    for record in records:
        data = to_iso2709(record)
        assert data == record.to_pymarc().as_marc(), record.control_number
        back = pymarc.Record(data=data, to_unicode=True, force_utf8=True)
        assert _fields(Record.from_pymarc(back)) == _fields(record)
        assert back.leader[9] == "a"
        assert int(back.leader[0:5]) == len(data)


@needs_yaz
def test_yaz_reads_our_iso2709_and_writes_the_same_bytes_from_our_marcxml(tmp_path, records):
    iso, xml = tmp_path / "out.mrc", tmp_path / "out.xml"
    iso.write_bytes(b"".join(iter_iso2709(records)))
    xml.write_bytes(b"".join(iter_marcxml(records)))
    check = subprocess.run(["yaz-marcdump", "-n", "-i", "marc", str(iso)], capture_output=True)
    assert check.returncode == 0 and not check.stderr
    from_xml = subprocess.run(
        ["yaz-marcdump", "-i", "marcxml", "-o", "marc", str(xml)], capture_output=True, check=True
    )
    assert from_xml.stdout == iso.read_bytes()


@needs_yaz
def test_yaz_json_of_our_iso2709_equals_our_marc_in_json(tmp_path, records):
    iso = tmp_path / "out.mrc"
    iso.write_bytes(b"".join(iter_iso2709(records)))
    dumped = subprocess.run(
        ["yaz-marcdump", "-i", "marc", "-o", "json", str(iso)], capture_output=True, check=True
    ).stdout.decode("utf-8")
    decoder, position, theirs = json.JSONDecoder(), 0, []
    while position < len(dumped.rstrip()):
        obj, position = decoder.raw_decode(dumped, position)
        theirs.append(obj)
        while position < len(dumped) and dumped[position].isspace():
            position += 1
    assert theirs == [to_marc_json(r) for r in records]


# --- MARCXML ----------------------------------------------------------------------


def test_marcxml_is_valid_and_reads_back_with_pymarc(records):
    document = b"".join(iter_marcxml(records))
    root = etree.fromstring(document)
    schema("MARC21slim.xsd").assertValid(root)
    assert len(root) == len(records)
    back = pymarc.parse_xml_to_array(BytesIO(document))
    for ours, theirs in zip(records, back, strict=True):
        assert _fields(Record.from_pymarc(theirs)) == _fields(ours)


@needs_xmllint
def test_xmllint_validates_marcxml_against_the_schema(tmp_path, records):
    path = tmp_path / "records.xml"
    path.write_bytes(b"".join(iter_marcxml(records)))
    result = subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(SCHEMAS / "MARC21slim.xsd"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "validates" in result.stderr


def test_one_marcxml_record_carries_its_namespace():
    element = etree.fromstring(to_marcxml(lc_vie()[0]).encode())
    assert element.tag == f"{{{MARCXML_NS}}}record"
    schema("MARC21slim.xsd").assertValid(element)


# --- MARC-in-JSON -----------------------------------------------------------------


def test_marc_in_json_reads_back_with_pymarc(records):
    document = b"".join(iter_marc_json(records))
    parsed = json.loads(document)
    assert len(parsed) == len(records)
    back = list(pymarc.JSONReader(document.decode("utf-8")))
    for ours, theirs in zip(records, back, strict=True):
        assert _fields(Record.from_pymarc(theirs)) == _fields(ours)
    assert all(r["leader"][9] == "a" for r in parsed)


# --- never MARC-8, bad records, streaming -----------------------------------------


def _vietnamese(leader: str = "00000nam  2200000 a 4500") -> Record:
    return Record(
        leader,
        [
            ControlField("001", "VN-1"),
            DataField("245", "00", [("a", "Thư viện và thông tin /"), ("c", "Đặng Thị Ưng.")]),
        ],
    )


def test_a_record_that_said_marc8_is_written_as_utf8_in_every_format():
    record = _vietnamese()  # leader/09 ' ' claims MARC-8
    iso = to_iso2709(record)
    assert iso[9:10] == b"a" and "Thư viện và thông tin".encode() in iso
    assert etree.fromstring(to_marcxml(record).encode())[0].text[9] == "a"
    assert to_marc_json(record)["leader"][9] == "a"
    back = pymarc.Record(data=iso, to_unicode=True)
    assert back["245"]["a"] == "Thư viện và thông tin /"


def test_structure_and_xml_forbidden_characters_are_replaced_visibly():
    record = Record(
        "00000nam a2200000 a 4500",
        [DataField("245", "00", [("a", "A\x1eB\x1fC\x00D")]), DataField("500", "##", [("a", "x")])],
    )
    back = pymarc.Record(data=to_iso2709(record), to_unicode=True)
    assert back["245"]["a"] == "A\ufffdB\ufffdC\x00D"
    element = etree.fromstring(to_marcxml(record).encode())
    schema("MARC21slim.xsd").assertValid(element)
    assert element[1][0].text == "A\ufffdB\ufffdC\ufffdD"
    assert element[2].get("ind1") == " "  # "#" is how the MARC documentation writes blank


def test_odd_indicators_are_kept_in_iso2709_and_blanked_only_where_the_schema_says():
    record = Record(
        "00000nam a2200000 a 4500",
        [DataField("245", "-A", [("a", "Tên")]), DataField("650", "ư4", [("a", "Chủ đề")])],
    )
    back = pymarc.Record(data=to_iso2709(record), to_unicode=True, force_utf8=True)
    assert [list(f.indicators) for f in back.get_fields("245", "650")] == [["-", "A"], [" ", "4"]]
    assert to_marc_json(record)["fields"][0]["245"]["ind1"] == "-"
    element = etree.fromstring(to_marcxml(record).encode())
    schema("MARC21slim.xsd").assertValid(element)
    assert [(d.get("ind1"), d.get("ind2")) for d in element[1:]] == [(" ", " "), (" ", "4")]


def test_unwritable_records_are_reported_with_their_position_and_the_rest_written():
    too_long = Record("00000nam a2200000 a 4500", [DataField("520", "  ", [("a", "ư" * 6000)])])
    bad_code = Record("00000nam a2200000 a 4500", [DataField("245", "00", [("ư", "x")])])
    bad_tag = Record("00000nam a2200000 a 4500", [DataField("24", "00", [("a", "x")])])
    good = _vietnamese("00000nam a2200000 a 4500")
    with pytest.raises(WriteError) as error:
        to_iso2709(too_long)
    assert "tối đa 9999" in str(error.value) and "allows 9999" in str(error.value)
    reported: list[tuple[int, str]] = []
    data = b"".join(
        iter_iso2709(
            [good, too_long, bad_code, bad_tag, good], lambda n, e: reported.append((n, str(e)))
        )
    )
    assert [n for n, _ in reported] == [2, 3, 4]
    assert reported[0][1].startswith("Bản ghi 2: ") and "/ Record 2: " in reported[0][1]
    assert data == to_iso2709(good) * 2
    xml = b"".join(iter_marcxml([bad_tag, good], lambda n, e: reported.append((n, str(e)))))
    schema("MARC21slim.xsd").assertValid(etree.fromstring(xml))
    with pytest.raises(WriteError, match="Bản ghi 1"):
        b"".join(iter_marc_json([bad_code]))


def test_a_leader_without_a_record_type_is_refused_for_marcxml():
    with pytest.raises(WriteError, match="leader position 06"):
        to_marcxml(Record("00000n  a2200000 a 4500", [ControlField("001", "1")]))


def test_streaming_writers_consume_lazily_and_yield_bounded_chunks():
    """100,000 records go through in chunks of about 64 KiB; the writer has read only a
    few hundred records when the first chunk comes out."""
    base = lc_vie()
    consumed = 0

    def source(n):
        nonlocal consumed
        for i in range(n):
            consumed += 1
            yield base[i % len(base)]

    chunks = iter_iso2709(source(100_000))
    first = next(chunks)
    assert consumed < 200 and 64 * 1024 <= len(first) < 64 * 1024 + 100_000
    total, largest, count = len(first), len(first), 1
    for chunk in chunks:
        total += len(chunk)
        largest = max(largest, len(chunk))
        count += 1
    assert consumed == 100_000
    assert largest < 64 * 1024 + 100_000
    per_cycle = sum(len(to_iso2709(r)) for r in base)
    full, rest = divmod(100_000, len(base))
    assert total == full * per_cycle + sum(len(to_iso2709(r)) for r in base[:rest])
    assert count > 1000


@pytest.mark.parametrize("writer", [iter_iso2709, iter_marcxml, iter_marc_json])
def test_empty_exports_are_well_formed(writer):
    data = b"".join(writer([]))
    if writer is iter_marcxml:
        schema("MARC21slim.xsd").assertValid(etree.fromstring(data))
    elif writer is iter_marc_json:
        assert json.loads(data) == []
    else:
        assert data == b""


# --- generated records ------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1d\x1e\x1f"),
    max_size=40,
)
_CODES = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789"))
_DATA_FIELDS = st.builds(
    DataField,
    st.from_regex(r"[1-9][0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9a-z ]{2}", fullmatch=True),
    st.lists(st.tuples(_CODES, _TEXT), max_size=5),
)
_CONTROL_FIELDS = st.builds(ControlField, st.from_regex(r"00[1-9]", fullmatch=True), _TEXT)
_RECORDS = st.builds(
    Record,
    st.from_regex(r"[0-9]{5}[a-z][a-z][a-z ]{3}22[0-9]{5}[a-z0-9 ]{3}4500", fullmatch=True),
    st.lists(st.one_of(_CONTROL_FIELDS, _DATA_FIELDS), min_size=1, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(_RECORDS)
def test_generated_records_round_trip_in_every_format(record):
    back = pymarc.Record(data=to_iso2709(record), to_unicode=True, force_utf8=True)
    assert _fields(Record.from_pymarc(back)) == _fields(record)
    element = etree.fromstring(to_marcxml(record).encode("utf-8"))
    assert schema("MARC21slim.xsd").validate(element)
    # In MARCXML control fields come first, and empty data fields carry nothing.
    controls = [f for f in record.fields if isinstance(f, ControlField)]
    datas = [f for f in record.fields if isinstance(f, DataField) and f.subfields]
    expected_xml = _xml_safe(_fields(Record(record.leader, controls + datas)))
    back_xml = pymarc.parse_xml_to_array(BytesIO(etree.tostring(element)))[0]
    assert _fields(Record.from_pymarc(back_xml)) == expected_xml
    parsed = json.loads(b"".join(iter_marc_json([record])))
    assert [next(iter(f)) for f in parsed[0]["fields"]] == [f.tag for f in record.fields]


def _xml_safe(shape: list) -> list:
    """What XML 1.0 can carry: other C0 controls and U+FFFE/U+FFFF become U+FFFD."""

    def safe(text: str) -> str:
        return "".join(
            "\ufffd" if (ord(c) < 32 and c not in "\t\n\r") or c in "\ufffe\uffff" else c
            for c in text
        )

    out = []
    for item in shape:
        if len(item) == 2:
            out.append((item[0], safe(item[1])))
        else:
            out.append((item[0], item[1], [(c, safe(v)) for c, v in item[2]]))
    return out
