"""Encodings: MARC-8, UTF-8 behind a lying leader, Latin-1, and the Vietnamese legacy
encodings, checked against independent sources: MARC-8/UTF-8 twin files, yaz's own
MARC-8 conversions, and Vietnamese records encoded by the viparse package's tables,
glibc iconv and Python's cp1258 codec (never by our own tables)."""

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Callable

import pytest
from viparse.normalize.encodings import CHARMAPS

from tests.catalog.test_marc_readers import LC_VIE, MARC4J, YAZ, iso_record, read, shape
from thuvien.catalog.marc.readers import ReadItem, read_iso2709, read_records
from thuvien.catalog.marc.record import ControlField, Record

_QUALITY_MARKS = "\u0302\u0306\u031b"


def viparse_encoder(name: str) -> Callable[[str], bytes | None]:
    """Encode with viparse's table read backwards; None when it lacks a letter."""
    inverse = {unicode: legacy for legacy, unicode in CHARMAPS[name].pairs}

    def encode(text: str) -> bytes | None:
        if any(not char.isascii() and char not in inverse for char in text):
            return None
        return "".join(inverse.get(char, char) for char in text).encode("latin-1")

    return encode


def cp1258_encoder(text: str) -> bytes | None:
    """Windows-1258 as Vietnamese keyboards type it: vowel marks precomposed, tones apart,
    then Python's own cp1258 codec."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        quality = "".join(m for m in decomposed[1:] if m in _QUALITY_MARKS)
        tones = "".join(m for m in decomposed[1:] if m not in _QUALITY_MARKS)
        out.append(unicodedata.normalize("NFC", decomposed[0] + quality) + tones)
    try:
        return "".join(out).encode("cp1258")
    except UnicodeEncodeError:
        return None


def viscii_encoder(text: str) -> bytes | None:
    done = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "VISCII"], input=text.encode(), capture_output=True
    )
    return done.stdout if done.returncode == 0 else None


def reencode(item: ReadItem, encode: Callable[[str], bytes | None], leader9: bytes) -> bytes | None:
    """The record rebuilt with every non-ASCII value in another encoding (None if the
    encoding lacks one of its letters)."""
    fields = []
    for field in item.record.fields:
        if isinstance(field, ControlField):
            fields.append((field.tag, field.value.encode("ascii")))
            continue
        body = field.indicators.encode()
        for code, value in field.subfields:
            encoded = value.encode() if value.isascii() else encode(value)
            if encoded is None:
                return None
            body += b"\x1f" + code.encode() + encoded
        fields.append((field.tag, body))
    return iso_record(fields, leader=item.raw[5:9] + leader9 + item.raw[10:12])


ORIGINALS = read(LC_VIE)
ENCODERS = {
    "tcvn3": viparse_encoder("tcvn3"),
    "vni": viparse_encoder("vni"),
    "cp1258": cp1258_encoder,
    "viscii": viscii_encoder,
}


@pytest.mark.parametrize("leader9", [b"a", b" "], ids=["leader-says-utf8", "leader-says-marc8"])
@pytest.mark.parametrize("encoding", ENCODERS)
def test_lc_vietnamese_records_in_legacy_encodings_read_back_exactly(encoding, leader9):
    if encoding == "viscii" and shutil.which("iconv") is None:
        pytest.fail("glibc iconv is needed for the VISCII oracle (Debian: libc-bin)")
    read_back = 0
    for item in ORIGINALS:
        data = reencode(item, ENCODERS[encoding], leader9)
        if data is None:
            continue  # e.g. TCVN3 (VN3) has no capital toned letters
        got = next(read_iso2709(io.BytesIO(data)))
        assert got.record is not None, got.error
        assert shape(got.record) == shape(item.record), (encoding, item.position)
        converted = {c.split(":")[1] for c in got.conversions if c.startswith(encoding)}
        assert converted == {
            f.tag for f in item.record.data_fields() if not all(v.isascii() for v in f.values())
        }
        read_back += 1
    assert read_back >= 100  # of 121: the oracles cover almost every record


def mojibake(data: bytes) -> str:
    """Legacy bytes as a Western program shows them (cp1252, else Latin-1)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def test_tcvn3_mojibake_in_utf8_records_is_repaired():
    encode = ENCODERS["tcvn3"]
    repaired = 0
    for item in ORIGINALS[:40]:
        title = item.record.data_fields("245")[0]
        legacy = [encode(value) for _, value in title.subfields]
        if any(b is None for b in legacy) or all(v.isascii() for v in title.values()):
            continue
        shown = [mojibake(b) for b in legacy]
        body = title.indicators.encode() + b"".join(
            b"\x1f" + code.encode() + text.encode()
            for (code, _), text in zip(title.subfields, shown, strict=True)
        )
        fields = [(f.tag, f.value.encode()) for f in item.record.fields if f.tag < "010"]
        data = iso_record([*fields, ("245", body)], leader=item.raw[5:12])
        got = next(read_iso2709(io.BytesIO(data)))
        assert got.record.data_fields("245")[0].subfields == title.subfields, item.position
        assert "tcvn3->unicode:245" in got.conversions
        repaired += 1
    assert repaired >= 20


def test_double_encoded_utf8_is_repaired():
    item = ORIGINALS[3]
    title = item.record.data_fields("245")[0]
    twice = [mojibake(value.encode()) for value in title.values()]
    assert twice[0] != title.values()[0]  # "Tháº¿..." as a Western program shows UTF-8
    body = title.indicators.encode() + b"".join(
        b"\x1f" + code.encode() + text.encode()
        for (code, _), text in zip(title.subfields, twice, strict=True)
    )
    fields = [(f.tag, f.value.encode()) for f in item.record.fields if f.tag < "010"]
    got = next(read_iso2709(io.BytesIO(iso_record([*fields, ("245", body)]))))
    assert "double-utf8->utf8:245" in got.conversions
    assert got.record.data_fields("245")[0].subfields == title.subfields


def test_unicode_vietnamese_and_western_text_is_never_repaired():
    for item in ORIGINALS:
        assert not any("->unicode" in c for c in item.conversions)
    for path in (MARC4J / "pride-and-prejudice-fixed.mrc", MARC4J / "brkrtest_UTF8.mrc"):
        assert not any("->unicode" in c for item in read(path) for c in item.conversions)


# --- MARC-8 -------------------------------------------------------------------------------


def test_marc8_and_utf8_twins_read_the_same():
    """brkrtest.mrc and brkrtest_UTF8.mrc: LC's test records with every ANSEL character."""
    marc8, utf8 = read(MARC4J / "brkrtest.mrc"), read(MARC4J / "brkrtest_UTF8.mrc")
    assert len(marc8) == len(utf8) == 8
    for ours, twin in zip(marc8, utf8, strict=True):
        assert shape(ours.record) == shape(twin.record)
        assert ours.record.leader[5:] == twin.record.leader[5:]


@pytest.mark.parametrize("number", [6, 7, 8, 9, 12])
def test_marc8_records_read_as_yaz_converts_them(number):
    """yaz-marcdump -f marc-8 -t utf-8 wrote marcN.xml from marcN.marc (see marcN.chr)."""
    assert (YAZ / f"marc{number}.chr").read_text().strip() == "marc-8"
    ours = next(read_records(YAZ / f"marc{number}.marc"))
    yaz = next(read_records(YAZ / f"marc{number}.xml"))
    plain_ascii = ours.raw.isascii() and b"\x1b" not in ours.raw
    assert plain_ascii or "marc8->utf8" in ours.conversions
    assert shape(ours.record) == shape(yaz.record)


def test_chinese_with_missing_escapes_reads_like_its_utf8_twin_where_it_can():
    items = read(MARC4J / "chinese_mangled_multibyte.mrc")
    mangled, escaped, references, utf8 = (item.record for item in items)
    assert all(item.error is None for item in items)
    assert escaped.data_fields("880") == utf8.data_fields("880")
    assert references.data_fields("880") == utf8.data_fields("880")  # &#x8ECA; decoded
    assert utf8.data_fields("880")[0].get("a") == "車輪滾滾"
    # The mangled copy lost bytes: its fields stay in place, the damage stays in them.
    assert [f.get("6") for f in mangled.data_fields("880")] == [
        f.get("6") for f in utf8.data_fields("880")
    ]
    assert mangled.data_fields("880")[1].get("b") == utf8.data_fields("880")[1].get("b")


def test_greek_without_the_switch_back_to_latin_keeps_punctuation_and_digits():
    marc8, references, utf8 = (
        item.record for item in read(MARC4J / "greekmissingcharsetchange.mrc")
    )
    assert references.data_fields("880") == utf8.data_fields("880")
    title = marc8.data_fields("880")[0]
    assert title.get("a") == utf8.data_fields("880")[0].get("a") == "Η αγορά στη Μεσόγειο :"
    assert "Κως, 14-17 Απριλίου 2011 =" in title.get("b")  # digits read as digits
    assert marc8.data_fields("880")[1:] == utf8.data_fields("880")[1:]


def test_cyrillic_capital_e_written_as_the_subfield_delimiter():
    first, second = (item.record for item in read(MARC4J / "cyrillic_capital_e.mrc"))
    publishers = [f.get("b") for r in (first, second) for f in r.data_fields("880") if f.get("b")]
    assert "Эксмо," in publishers and "ЭКСМО," in publishers
    for record in (first, second):
        codes = [c for f in record.data_fields("880") for c, _ in f.subfields]
        assert set(codes) <= set("6abc")  # no field split at the 0x1F
    assert first.data_fields("880")[0].get("a") == "Буйда, Юрий."


def test_incomplete_escape_sequence_does_not_stop_the_record():
    item = read(MARC4J / "incomplete_esc_seq.mrc")[0]
    assert "marc8-repaired:880" in item.conversions
    assert item.record.data_fields("880")[0].get("a") == "窃听风云"


def test_leader_saying_marc8_over_utf8_bytes():
    item = ORIGINALS[0]
    lying = item.raw[:9] + b" " + item.raw[10:]
    got = next(read_iso2709(io.BytesIO(lying)))
    assert "leader-marc8-but-utf8" in got.conversions
    assert shape(got.record) == shape(item.record) and got.record.leader[9] == "a"


def test_marc8_bytes_in_a_record_that_says_utf8():
    """pride-and-prejudice-with-many-errors: MARC-8 pound signs and umlauts under a
    leader that says UTF-8; the fixed twin file has them right."""
    broken = read(MARC4J / "pride-and-prejudice-with-many-errors.mrc")
    fixed = read(MARC4J / "pride-and-prejudice-fixed.mrc")
    checked = 0
    for ours, twin in zip(broken, fixed, strict=True):
        if "leader-utf8-but-marc8" not in ours.conversions:
            continue
        prices = [f.get("c") or f.get("a") for f in ours.record.data_fields("020", "350")]
        theirs = [f.get("c") or f.get("a") for f in twin.record.data_fields("020", "350")]
        if any(p and "£" in p for p in theirs):
            assert prices == theirs
            checked += 1
    assert checked >= 10


def test_latin1_bytes_in_a_record_that_says_utf8():
    broken = read(MARC4J / "pride-and-prejudice-with-many-errors.mrc")
    latin1 = [
        item for item in broken if any(c.startswith("latin1->utf8") for c in item.conversions)
    ]
    holdings = [v for item in latin1 for f in item.record.data_fields("852") for v in f.values()]
    assert "Östersund" in holdings


def test_danish_text_is_not_taken_for_vietnamese():
    """yaz's marc10/marc11 are in danmarc, a Danish 8-bit set: read as Latin-1, never as a
    Vietnamese legacy encoding (their 008 says Danish)."""
    for number in (10, 11):
        item = next(read_records(YAZ / f"marc{number}.marc"))
        assert all(c.startswith("latin1->utf8") for c in item.conversions)
        assert "tegnsæt" in item.record.first("245", "a").lower()


def test_nfd_is_normalised_and_marks_put_in_vietnamese_order():
    """Tone mark typed before the vowel mark ("e" + acute + circumflex): NFC alone leaves
    it uncomposed; the project's rule gives "ế"."""
    value = "Vi\u0065\u0301\u0302t Nam".encode()
    data = iso_record([("001", b"x1"), ("245", b"10\x1fa" + value)])
    got = next(read_iso2709(io.BytesIO(data)))
    assert got.record.first("245", "a") == "Viết Nam"
    assert "nfd->nfc" in got.conversions
    for item in ORIGINALS:
        for field in item.record.data_fields():
            assert all(unicodedata.is_normalized("NFC", v) for v in field.values())


def test_record_model_round_trips_through_pymarc():
    record: Record = ORIGINALS[5].record
    assert shape(Record.from_pymarc(record.to_pymarc())) == shape(record)
