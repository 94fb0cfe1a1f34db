"""Legacy encodings, checked against real samples and independent converters.

Oracles (never our own output): glibc iconv (VISCII, CP1258, TCVN5712-1 for the
letters VN3 shares with VN1), Python's cp1258 codec, and the viparse package's TCVN3
and VNI tables, inverted to encode.
"""

import csv
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from viparse.normalize.encodings import CHARMAPS

from thuvien.kernel.text.codetables import CP1258, TCVN3, VISCII, VNI
from thuvien.kernel.text.legacy import (
    canonical_encoding,
    detect_encoding,
    repair,
    repair_report,
    to_unicode,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-encodings"
ASCII_PUNCTUATION = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}
)
_QUALITY_MARKS = "\u0302\u0306\u031b"


def iconv(data: bytes, source: str, target: str) -> bytes:
    assert shutil.which("iconv"), "glibc iconv is needed for these tests (Debian: libc-bin)"
    done = subprocess.run(["iconv", "-f", source, "-t", target], input=data, capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def corpus_lines(name: str) -> list[str]:
    """Vietnamese lines of a corpus, NFC, typographic punctuation made ASCII."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    lines = (
        unicodedata.normalize("NFC", line).translate(ASCII_PUNCTUATION)
        for line in text.splitlines()
    )
    return [line.strip() for line in lines if not line.isascii() and line.strip()]


def vietnamese_only(lines: list[str]) -> list[str]:
    """Lines every legacy table can hold (no stray combining marks, no foreign letters)."""
    return [line for line in lines if all(c.isascii() or c in VISCII.values() for c in line)]


CORPUS = vietnamese_only(corpus_lines("corpus-ke-hoach-chuyen-doi-so.txt")) + vietnamese_only(
    corpus_lines("corpus-lc-vie-headings.txt")
)


def viparse_encoder(name: str) -> Callable[[str], bytes | None]:
    """Encode with viparse's table read backwards; None when it lacks a letter."""
    inverse = {unicode: legacy for legacy, unicode in CHARMAPS[name].pairs}

    def encode(text: str) -> bytes | None:
        if any(not char.isascii() and char not in inverse for char in text):
            return None
        return "".join(inverse.get(char, char) for char in text).encode("latin-1")

    return encode


def cp1258_form(text: str) -> str:
    """Windows-1258 spelling: vowel marks precomposed (â ơ ư ă), tones combining."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        quality = "".join(m for m in decomposed[1:] if m in _QUALITY_MARKS)
        tones = "".join(m for m in decomposed[1:] if m not in _QUALITY_MARKS)
        out.append(unicodedata.normalize("NFC", decomposed[0] + quality) + tones)
    return "".join(out)


def mojibake(data: bytes) -> str:
    """Bytes as a Western browser or spreadsheet shows them (cp1252, else Latin-1)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


# --- the tables against independent converters -----------------------------------------


def test_viscii_table_matches_glibc_on_every_byte() -> None:
    every_byte = bytes(range(256))
    theirs = iconv(every_byte, "VISCII", "UTF-8").decode("utf-8")
    assert to_unicode(every_byte, "viscii") == unicodedata.normalize("NFC", theirs)
    assert len(VISCII) == 134


def test_cp1258_table_matches_python_codec_and_glibc() -> None:
    defined = bytes(b for b in range(256) if b not in b"\x81\x8a\x8d\x8e\x8f\x90\x9a\x9d\x9e")
    for byte in defined:
        assert CP1258.get(byte, chr(byte)) == bytes([byte]).decode("cp1258"), hex(byte)
    glibc = iconv(defined, "CP1258", "UTF-8").decode("utf-8")
    assert to_unicode(defined, "cp1258") == unicodedata.normalize("NFC", glibc)


def test_tcvn3_letters_match_glibc_vn1_and_viparse() -> None:
    # VN3 is the subset of VN1 (glibc TCVN5712-1) without capital toned letters.
    for byte, letter in TCVN3.items():
        assert iconv(bytes([byte]), "TCVN5712-1", "UTF-8").decode("utf-8") == letter, hex(byte)
    viparse = {ord(legacy): unicode for legacy, unicode in CHARMAPS["tcvn3"].pairs}
    assert viparse == TCVN3


def test_vni_decodes_every_viparse_sequence() -> None:
    pairs = CHARMAPS["vni"].pairs
    assert len(pairs) > 120
    for legacy, unicode in pairs:
        assert to_unicode(legacy, "vni") == unicode, legacy
    assert {ord("ô"), ord("ö"), ord("ñ"), ord("ò"), ord("ó"), ord("æ")} <= VNI.keys()


# --- round trips: encode with an oracle, decode with ours ------------------------------


def test_corpus_is_substantial() -> None:
    assert len(CORPUS) > 500
    assert sum(len(line) for line in CORPUS) > 30_000


def test_viscii_round_trip_through_glibc() -> None:
    text = "\n".join(CORPUS)
    encoded = iconv(text.encode("utf-8"), "UTF-8", "VISCII")
    assert to_unicode(encoded, "viscii") == text
    assert to_unicode(mojibake(encoded), "viscii") == text


def test_cp1258_round_trip_through_python_codec_and_glibc() -> None:
    text = "\n".join(CORPUS)
    by_python = cp1258_form(text).encode("cp1258")
    by_glibc = iconv(text.encode("utf-8"), "UTF-8", "CP1258")
    assert to_unicode(by_python, "cp1258") == text
    assert to_unicode(by_glibc, "cp1258") == text
    assert to_unicode(mojibake(by_python), "cp1258") == text


def test_tcvn3_round_trip_through_viparse_table() -> None:
    # VN3 has no capital toned letters, so running text is compared in lower case.
    encode = viparse_encoder("tcvn3")
    text = "\n".join(CORPUS).lower()
    encoded = encode(text)
    assert encoded is not None
    assert to_unicode(encoded, "tcvn3") == text
    assert to_unicode(mojibake(encoded), "tcvn3") == text


def test_vni_round_trip_through_viparse_table() -> None:
    encode = viparse_encoder("vni")
    encoded = [(line, encode(line)) for line in CORPUS]
    usable = [(line, data) for line, data in encoded if data is not None]
    assert len(usable) > 0.95 * len(CORPUS)  # viparse lacks ẳ/Ẳ
    for line, data in usable:
        assert to_unicode(data, "vni") == line
        assert to_unicode(mojibake(data), "vni") == line


def test_tcvn3_capitals_typed_for_vntimeh_are_restored() -> None:
    """Capital ASCII plus lower-case toned bytes: QUYÕT §ÞNH -> QUYẾT ĐỊNH."""
    encode = viparse_encoder("tcvn3")
    headings = [line for line in CORPUS if line.isupper() and len(line) > 15]
    assert len(headings) >= 5
    for heading in headings:
        # VN3 keeps Ă Â Ê Ô Ơ Ư Đ; capital toned letters are typed lower case.
        typed = "".join(c if c.isascii() or c in TCVN3.values() else c.lower() for c in heading)
        data = encode(typed)
        assert data is not None
        assert to_unicode(data, "tcvn3") == heading
        assert to_unicode(data, "tcvn3", restore_case=False) == typed


# --- the real samples --------------------------------------------------------------------


def samples() -> list[dict[str, str]]:
    with (FIXTURES / "samples.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s["unicode"])
def test_real_samples_are_detected_and_repaired(sample: dict[str, str]) -> None:
    detection = detect_encoding(sample["as_seen"])
    assert detection.encoding == "tcvn3"
    assert repair(sample["as_seen"]) == (sample["unicode"], "tcvn3")
    assert not detection.needs_review


@pytest.mark.parametrize(
    ("as_seen", "converted", "suspect"),
    [
        ("Th− viÖn Khoa häc x héi", "Thư viện Khoa học x hội", "x"),  # ã (0xB7) dropped
        ("Nh÷ng nguyªn t¾c cÇn tu©n th", "Những nguyên tắc cần tuân th", "th"),
        ("Th viÖn Khoa häc x· héi", "Th viện Khoa học xã hội", "Th"),  # soft hyphen (ư) lost
    ],
)
def test_dropped_bytes_are_flagged_for_review(as_seen: str, converted: str, suspect: str) -> None:
    report = repair_report(as_seen)
    assert report.text == converted
    assert report.encoding == "tcvn3"
    assert report.needs_review
    assert suspect in report.detection.suspects


def test_minus_sign_between_digits_stays_a_minus_sign() -> None:
    text, encoding = repair("Th− viÖn Khoa häc x· héi: 5 − 3")
    assert (text, encoding) == ("Thư viện Khoa học xã hội: 5 − 3", "tcvn3")


def test_utf8_shown_in_a_western_code_page_is_repaired() -> None:
    original = CORPUS[3]
    assert repair(original.encode("utf-8").decode("cp1252", errors="replace")) != (original, None)
    shown = mojibake(original.encode("utf-8"))
    assert repair(shown) == (original, "utf-8")


# --- never "fix" what is not broken --------------------------------------------------------


def test_unicode_vietnamese_is_left_alone() -> None:
    for line in CORPUS + [line.lower() for line in CORPUS]:
        assert repair(line) == (line, None), line
        nfd = unicodedata.normalize("NFD", line)
        assert repair(nfd) == (nfd, None)


def django_messages(language: str) -> list[str]:
    import django

    po = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"
    found = []
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr ") and len(line) > 10:
            found.append(line[len('msgstr "') : -1])
    return found


@pytest.mark.parametrize("language", ["vi", "en", "fr", "de", "es", "pt", "it", "nl", "ca"])
def test_real_interface_strings_in_other_languages_are_left_alone(language: str) -> None:
    messages = django_messages(language) if language != "en" else django_messages("en_GB")
    messages += [m for m in django_messages("fr") if language == "en"]  # en_GB is sparse
    assert len(messages) > 100
    changed = [m for m in messages if repair(m)[1] is not None]
    assert changed == []


def test_ascii_and_english() -> None:
    assert detect_encoding("The National Library of Vietnam").encoding == "ascii"
    assert detect_encoding(b"Hanoi 2024").encoding == "ascii"
    assert repair("café au lait, naïve résumé") == ("café au lait, naïve résumé", None)


# --- the API --------------------------------------------------------------------------------


def test_raw_bytes_and_mojibake_give_the_same_result() -> None:
    data = viparse_encoder("vni")("Thư viện Quốc gia Việt Nam")
    assert data is not None
    assert detect_encoding(data).encoding == "vni"
    assert detect_encoding(mojibake(data)).encoding == "vni"
    assert to_unicode(data, "VNI-Windows") == to_unicode(mojibake(data), "vni")


def test_utf8_bytes_are_recognised() -> None:
    detection = detect_encoding("Thư viện Quốc gia".encode())
    assert detection.encoding == "utf-8"
    assert to_unicode("Thư viện".encode(), "utf-8") == "Thư viện"


def test_encoding_names_and_errors() -> None:
    assert canonical_encoding("TCVN3") == canonical_encoding("ABC") == "tcvn3"
    assert canonical_encoding("windows-1258") == "cp1258"
    with pytest.raises(ValueError, match=r"^Bảng mã không được hỗ trợ.*/ Unsupported encoding"):
        to_unicode(b"x", "koi8-r")
    with pytest.raises(ValueError, match="Dữ liệu là byte"):
        to_unicode(b"x", "unicode")
