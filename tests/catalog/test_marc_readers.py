"""The ISO 2709 reader on real files: field for field the same as pymarc on every record
pymarc reads, and every bad record of marc4j's edge cases kept with its raw bytes.

Helpers used by the other reader tests live here too (``FIXTURES``, ``iso_record``...).
"""

import contextlib
import io
import re
from pathlib import Path

import pymarc
import pytest

from thuvien.catalog.marc.encodings import nfc
from thuvien.catalog.marc.iso2709 import READ_SIZE
from thuvien.catalog.marc.readers import ReadItem, read_iso2709, read_records
from thuvien.catalog.marc.record import ControlField, Record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "marc"
LC_VIE = FIXTURES / "lc-vie" / "lc_booksall2016_part01_vie.mrc"
MARC4J = FIXTURES / "marc4j"
YAZ = FIXTURES / "yaz" / "marc-files"


def iso_record(
    fields: list[tuple[str, bytes]], leader: bytes = b"nam a22", tail=b" a 4500"
) -> bytes:
    """An ISO 2709 record assembled independently of the reader: ``fields`` are (tag,
    bytes without the field terminator); ``leader`` gives leader/05-11."""
    directory, data = b"", b""
    for tag, body in fields:
        directory += tag.encode() + b"%04d%05d" % (len(body) + 1, len(data))
        data += body + b"\x1e"
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    return b"%05d" % length + leader + b"%05d" % base + tail + directory + b"\x1e" + data + b"\x1d"


def shape(record: Record) -> list:
    """A record's fields as plain tuples, for comparisons."""
    return [
        (f.tag, f.value) if isinstance(f, ControlField) else (f.tag, f.indicators, f.subfields)
        for f in record.fields
    ]


def pymarc_records(path: Path, force_utf8: bool) -> list[pymarc.Record | None]:
    """pymarc's reading (to_unicode), with values put in NFC like ours."""
    with path.open("rb") as handle, contextlib.redirect_stderr(io.StringIO()):
        reader = pymarc.MARCReader(
            handle, to_unicode=True, force_utf8=force_utf8, hide_utf8_warnings=True
        )
        return list(reader)


def pymarc_shape(record: pymarc.Record) -> list:
    out: list = []
    for f in record.fields:
        if f.is_control_field():
            out.append((f.tag, nfc(f.data)))
        else:
            subfields = [(s.code, nfc(s.value)) for s in f.subfields]
            out.append((f.tag, "".join(f.indicators), subfields))
    return out


def read(path: Path) -> list[ReadItem]:
    with path.open("rb") as handle:
        return list(read_iso2709(handle))


def record_ends(data: bytes) -> int:
    return data.count(b"\x1d")


# --- the same fields as pymarc ------------------------------------------------------------


def test_lc_vietnamese_records_match_pymarc_field_for_field():
    ours = read(LC_VIE)
    theirs = pymarc_records(LC_VIE, force_utf8=True)
    assert len(ours) == len(theirs) == 121
    for item, record in zip(ours, theirs, strict=True):
        assert item.error is None
        assert shape(item.record) == pymarc_shape(record), item.position
        leader = str(record.leader)
        assert item.record.leader == leader[:9] + "a" + leader[10:]


# Records where we read differently from pymarc on purpose (the reason is the test's id).
INTENDED_DIFFERENCES = {
    # MARC-8 ligature halves (U+FE20/FE21) become the double diacritic U+0361, as in the
    # UTF-8 twin file brkrtest_UTF8.mrc and as yaz converts them.
    ("brkrtest.mrc", 2),
    ("brkrtest.mrc", 3),
    ("brkrtest.mrc", 5),
    ("brkrtest.mrc", 6),
    ("cyrillic_capital_e.mrc", 1),  # same, and Э written as 0x1F after ESC ( N
    ("cyrillic_capital_e.mrc", 2),
    ("chinese_mangled_multibyte.mrc", 1),  # pymarc turns unreadable EACC units into spaces
    ("chinese_mangled_multibyte.mrc", 3),  # &#x8ECA; references decoded
    ("greekmissingcharsetchange.mrc", 1),  # ":" "," and digits left in the Greek set
    ("greekmissingcharsetchange.mrc", 2),  # &#x03B1; references decoded
    ("bad-characters-in-various-fields.mrc", 1),  # pymarc's MARC-8 path drops C0 controls
}


@pytest.mark.parametrize("path", sorted(MARC4J.glob("*.mrc")), ids=lambda p: p.name)
def test_marc4j_records_match_pymarc_wherever_pymarc_reads_them(path: Path):
    ours = read(path)
    assert len(ours) == record_ends(path.read_bytes())  # every record yields one item
    theirs = pymarc_records(path, force_utf8="UTF8" in path.name or "utf8" in path.name)
    differing = set()
    for position, record in enumerate(theirs, 1):
        if record is None:
            continue  # pymarc gave up; the edge-case tests below say what we do
        item = ours[position - 1]
        assert item.record is not None, item.error
        if shape(item.record) != pymarc_shape(record):
            differing.add((path.name, position))
    assert differing == {d for d in INTENDED_DIFFERENCES if d[0] == path.name}


# --- bad input: every record yields an item, good ones are kept ------------------------------


def test_every_item_keeps_the_raw_bytes_of_its_record():
    for path in [*sorted(MARC4J.glob("*.mrc")), LC_VIE]:
        data = path.read_bytes()
        items = read(path)
        assert b"".join(item.raw for item in items) == data
        for item in items:
            assert data[item.offset : item.offset + len(item.raw)] == item.raw
            assert (item.record is None) != (item.error is None)


def test_hathitrust_record_over_the_iso_limits_is_read_by_its_field_terminators():
    """Record 4 is 1,096,887 bytes: its leader says 99999, its base address 99999 and its
    directory offsets wrap; its 12,654 fields end in 12,654 field terminators."""
    items = read(MARC4J / "bad_hathi_records.mrc")
    big = items[3]
    assert len(big.raw) == 1_096_887
    assert {"record-length-repaired", "base-address-repaired", "directory-repaired"} <= set(
        big.conversions
    )
    directory_end = big.raw.index(b"\x1e")
    assert len(big.record.fields) == (directory_end - 24) // 12 == 12_654
    assert big.record.control("001") == "003051567"
    assert big.record.first("245", "a") == "United States congressional serial set."
    assert all(item.record is not None and not item.conversions for item in items[:3] + items[4:])


def test_oversize_fields_with_wide_directory_entries_are_read():
    """A 520 of 11,241 bytes needs a 5-digit length (bad_oversize_field_bad_directory), a
    BNE record needs 6-digit starts (datos-20161010-slice): entries are 13 bytes."""
    oversize = read(MARC4J / "bad_oversize_field_bad_directory.mrc")
    assert [item.conversions for item in oversize] == [(), ("directory-repaired",), (), (), ()]
    summary = oversize[1].record.first("520", "a")
    # 11,242 bytes: indicators, delimiter and code, the value, the field terminator.
    assert summary.startswith("Kollektive Identität") and len(summary.encode()) == 11_242 - 5
    datos = read(MARC4J / "datos-20161010-slice.mrc")[0]
    assert datos.record.first("245", "a") == "Calculadora graficadora TI-nspirecx CAS"
    assert len(datos.record.fields) == datos.raw[12_450:].count(b"\x1e")


def test_record_longer_than_its_leader_says_is_framed_by_its_terminator():
    """bad_too_long_plus_2: the leader says 23,375 bytes, the record has 123,375; the two
    records after it must not be lost."""
    items = read(MARC4J / "bad_too_long_plus_2.mrc")
    assert [len(item.raw) for item in items] == [123_375, 1_307, 1_207]
    assert "record-length-repaired" in items[0].conversions
    for item in items:  # 001 is the first field: it starts at the base address
        base = int(item.raw[12:17])
        assert item.record.control("001") == item.raw[base : item.raw.index(b"\x1e", base)].decode()


def test_leader_one_byte_short_is_repaired_from_the_directory():
    """In pride-and-prejudice-with-many-errors, some leaders lost a byte; the fixed twin
    file has the same fields."""
    broken = read(MARC4J / "pride-and-prejudice-with-many-errors.mrc")
    fixed = read(MARC4J / "pride-and-prejudice-fixed.mrc")
    repaired = [i for i, item in enumerate(broken) if "leader-repaired" in item.conversions]
    assert repaired  # the file has them: see its README
    for index in repaired:
        ours, theirs = broken[index].record, fixed[index].record
        assert [f.tag for f in ours.fields] == [f.tag for f in theirs.fields]
        assert ours.control("001") == theirs.control("001")


def test_truncated_record_is_an_error_and_the_next_record_is_kept():
    records = read(LC_VIE)[:3]
    cut = records[1].raw[: len(records[1].raw) // 2]
    data = records[0].raw + cut + records[2].raw
    items = list(read_iso2709(io.BytesIO(data)))
    assert [item.record is not None for item in items] == [True, False, True]
    assert items[1].raw == cut and items[1].offset == len(records[0].raw)
    assert "Biểu ghi 2" in items[1].error and "Record 2" in items[1].error
    assert shape(items[2].record) == shape(records[2].record)


def test_truncated_last_record_is_an_error():
    data = LC_VIE.read_bytes()
    items = list(read_iso2709(io.BytesIO(data[:-100])))
    assert len(items) == 121
    assert items[-1].record is None and "truncated" in items[-1].error
    assert all(item.record is not None for item in items[:-1])


def test_directory_entry_pointing_outside_the_record_is_an_error_naming_the_field():
    good = read(LC_VIE)[0].raw
    entry = 24 + 12 * 5  # the sixth directory entry: length and start both wrong
    tag = good[entry : entry + 3].decode()
    broken = good[: entry + 3] + b"999999999" + good[entry + 12 :]
    item = next(read_iso2709(io.BytesIO(broken)))
    assert item.record is None and item.raw == broken
    assert "Biểu ghi 1 (byte 0)" in item.error and "Record 1 (byte 0)" in item.error
    assert f"mục danh mục 6 (trường {tag})" in item.error
    assert f"directory entry 6 (field {tag}) points outside the record" in item.error


def test_wrong_start_is_recomputed_when_the_lengths_fit_the_terminators():
    first = read(LC_VIE)[0]
    entry = 24 + 12 * 5
    broken = first.raw[: entry + 7] + b"99999" + first.raw[entry + 12 :]
    item = next(read_iso2709(io.BytesIO(broken)))
    assert "directory-repaired" in item.conversions
    assert shape(item.record) == shape(first.record)


def test_lengths_counted_in_characters_are_repaired():
    """Some exporters write UTF-8 field lengths in characters, not bytes."""
    text = "Truyện Kiều /".encode()
    fields = [("001", b"vn-0001"), ("245", b"10\x1fa" + text + b"\x1fcNguy\xe1\xbb\x85n Du.")]
    good = iso_record(fields)
    directory_end = good.index(b"\x1e")
    directory, start = b"", 0
    for tag, body in fields:
        length = len(body.decode()) + 1
        directory += tag.encode() + b"%04d%05d" % (length, start)
        start += length
    by_characters = good[:24] + directory + good[directory_end:]
    item = next(read_iso2709(io.BytesIO(by_characters)))
    assert "directory-repaired" in item.conversions
    assert item.record.first("245", "a") == "Truyện Kiều /"
    assert item.record.first("245", "c") == "Nguyễn Du."


def test_wrong_length_in_the_leader_is_repaired_when_the_terminator_is_found():
    first, second = read(LC_VIE)[:2]
    wrong = b"00100" + first.raw[5:]
    items = list(read_iso2709(io.BytesIO(wrong + second.raw)))
    assert [item.conversions for item in items] == [
        ("record-length-repaired", "nfd->nfc"),
        ("nfd->nfc",),
    ]
    assert shape(items[0].record) == shape(first.record)


def test_line_ends_and_padding_between_records_are_skipped():
    records = read(LC_VIE)[:3]
    data = b"\r\n".join(item.raw for item in records) + b"\n\x00\x1a"
    items = list(read_iso2709(io.BytesIO(data)))
    assert [shape(i.record) for i in items] == [shape(r.record) for r in records]
    assert [data[i.offset : i.offset + 5] for i in items] == [r.raw[:5] for r in records]


def test_garbage_without_any_record_yields_errors_not_exceptions():
    items = list(read_iso2709(io.BytesIO(b"This is not MARC at all.\n" * 100)))
    assert items and all(item.record is None and item.error for item in items)


def test_text_between_indicators_and_subfields_is_flagged():
    """yaz's marc5.marc has a 250 with no subfield delimiter ("  2η εκδ."): pymarc keeps
    the indicators only; the record says so, and its raw bytes keep the text."""
    item = next(read_records(YAZ / "marc5.marc"))
    assert "text-outside-subfields:250" in item.conversions
    assert item.record.data_fields("250")[0].subfields == []
    assert "2η εκδ.".encode() in item.raw


def test_unordered_directory_entries_are_legal():
    item = read(MARC4J / "unordered-directory-entries.mrc")[0]
    data = item.raw
    starts = [int(data[i + 7 : i + 12]) for i in range(24, data.index(b"\x1e"), 12)]
    assert starts != sorted(starts)  # the file really is out of order
    assert item.conversions == () and item.record.first("245", "a")


def test_reading_streams_record_by_record():
    """The reader asks for a block at a time, not the whole file, before the first item."""

    class Counting(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            chunk = super().read(size)
            Counting.consumed += len(chunk)
            return chunk

    data = LC_VIE.read_bytes() * 40  # 3.7 MB
    next(read_iso2709(Counting(data)))
    assert Counting.consumed <= READ_SIZE < len(data)


def test_leader_09_is_set_to_a_and_values_are_nfc():
    for item in read(MARC4J / "brkrtest.mrc"):
        assert item.record.leader[9] == "a"
        assert "marc8->utf8" in item.conversions or not re.search(rb"[\x80-\xff]", item.raw)
    nfd = read(LC_VIE)
    assert all("nfd->nfc" in item.conversions for item in nfd)
    title = nfd[0].record.first("245", "a")
    assert title == nfc(title) and not re.search("[\u0300-\u036f]", title)


def test_read_records_takes_a_path_or_a_stream():
    by_path = list(read_records(LC_VIE))
    with LC_VIE.open("rb") as handle:
        by_stream = list(read_records(handle))
    assert [shape(a.record) for a in by_path] == [shape(b.record) for b in by_stream]
    assert len(by_path) == 121
