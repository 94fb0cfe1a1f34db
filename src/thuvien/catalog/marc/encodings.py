"""Which character encoding a record's bytes are really in, and turning them into Unicode.

Leader/09 says 'a' (UTF-8) or ' ' (MARC-8) but often lies. The decision is made per
record, from the bytes, cheapest test first:

1. all ASCII: nothing to decide (unless there are MARC-8 escape sequences);
2. valid UTF-8: UTF-8, whatever the leader says ("leader-marc8-but-utf8" when it said
   otherwise); MARC-8 text is practically never valid UTF-8 (its diacritics come before
   an ASCII letter, which UTF-8 forbids);
3. otherwise, field by field: fields that are valid UTF-8 stay UTF-8, fields with MARC-8
   escapes are MARC-8, and the fields with other 8-bit bytes are read, all alike, as the
   Vietnamese legacy encoding that reads them as Vietnamese (TCVN3, VNI, VISCII, CP1258),
   as MARC-8 when every byte is one MARC-8 can explain, or as Windows-1252/Latin-1.

Then every value goes to NFC, and text that is valid Unicode but legacy-encoded Vietnamese
shown in a Western code page (TCVN3 mojibake) is repaired when the detector is confident.
"""

from __future__ import annotations

import re
import unicodedata

from thuvien.catalog.marc.marc8 import decode_marc8_field, marc8_violations
from thuvien.kernel.text import nfc as _nfc  # the project's NFC rules, one definition
from thuvien.kernel.text.legacy import (
    LEGACY_ENCODINGS,
    REPAIR_MIN_CONFIDENCE,
    Detection,
    detect_encoding,
    to_unicode,
)

__all__ = [
    "MARC8",
    "NFC",
    "could_be_vietnamese",
    "decode_chunks",
    "is_nfc",
    "may_be_mojibake",
    "nfc",
    "repair_mojibake",
]

MARC8 = "marc8->utf8"
NFC = "nfd->nfc"
MARC8_BUT_UTF8 = "leader-marc8-but-utf8"
UTF8_BUT_MARC8 = "leader-utf8-but-marc8"
MARC8_REPAIRED = "marc8-repaired"
WESTERN = "latin1->utf8"
_UTF8, _ASCII, _ESCAPED, _EIGHT_BIT = "utf8", "ascii", "escaped", "8bit"
_LATIN1_RANGE = re.compile(r"[\u0080-\u00ff]")
# Mojibake is looked for only where Vietnamese can be: 008/35-37 'vie' or no language.
_MAYBE_VIETNAMESE = frozenset({"vie", "   ", "|||", "und", "mul", "###", ""})


def decode_chunks(
    leader9: str, tags: list[str], chunks: list[bytes]
) -> tuple[list[str], list[str]]:
    """Decode each field's bytes; return the texts and the conversions made."""
    blob = b"\x1e".join(chunks)
    if blob.isascii():
        if b"\x1b" not in blob and (leader9 == "a" or b"&#x" not in blob):
            return blob.decode("ascii").split("\x1e"), []
    elif b"\x1b" not in blob:
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return text.split("\x1e"), ([] if leader9 == "a" else [MARC8_BUT_UTF8])
    return _field_by_field(leader9, tags, chunks)


def _kind(chunk: bytes, leader9: str) -> str:
    if chunk.isascii():
        # MARC-8 records write what MARC-8 lacks as numeric references (&#x8ECA;).
        marc8 = b"\x1b" in chunk or (leader9 != "a" and b"&#x" in chunk)
        return _ESCAPED if marc8 else _ASCII
    if b"\x1b" in chunk:
        return _ESCAPED
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return _EIGHT_BIT
    return _UTF8


def _field_by_field(
    leader9: str, tags: list[str], chunks: list[bytes]
) -> tuple[list[str], list[str]]:
    kinds = [_kind(chunk, leader9) for chunk in chunks]
    eight_bit = [chunk for chunk, kind in zip(chunks, kinds, strict=True) if kind == _EIGHT_BIT]
    scheme = MARC8
    if eight_bit:
        fixed = chunks[tags.index("008")] if "008" in tags else b""
        language = fixed[35:38].decode("latin-1")
        scheme = _eight_bit_scheme(eight_bit, _ESCAPED in kinds, could_be_vietnamese(language))
    conversions: list[str] = []
    texts: list[str] = []
    for tag, chunk, kind in zip(tags, chunks, kinds, strict=True):
        if kind == _ASCII:
            texts.append(chunk.decode("ascii"))
        elif kind == _UTF8 and not _legacy_by_chance(chunk, scheme):
            texts.append(chunk.decode("utf-8"))
            if leader9 != "a" and MARC8_BUT_UTF8 not in conversions:
                conversions.append(MARC8_BUT_UTF8)
        elif kind == _ESCAPED or (kind == _EIGHT_BIT and scheme == MARC8):
            texts.append(_marc8(tag, chunk, leader9, conversions))
        else:
            texts.append(to_unicode(chunk, scheme))
            label = WESTERN if scheme == "cp1252" else f"{scheme}->unicode"
            conversions.append(f"{label}:{tag}")
    return texts, conversions


def _marc8(tag: str, chunk: bytes, leader9: str, conversions: list[str]) -> str:
    text, repaired = decode_marc8_field(chunk)
    _note(conversions, MARC8)
    if leader9 == "a":
        _note(conversions, UTF8_BUT_MARC8)
    if repaired:
        _note(conversions, f"{MARC8_REPAIRED}:{tag}")
    return text


def _legacy_by_chance(chunk: bytes, scheme: str) -> bool:
    """In a record whose other fields are in a legacy encoding, a short field can be valid
    UTF-8 by chance ("Hương" in VISCII reads "H߽ng"): it is legacy too if it reads
    better that way."""
    return scheme in LEGACY_ENCODINGS and detect_encoding(_values_only([chunk])).encoding == scheme


def _note(conversions: list[str], note: str) -> None:
    if note not in conversions:
        conversions.append(note)


def _eight_bit_scheme(chunks: list[bytes], has_escapes: bool, vietnamese: bool) -> str:
    """How to read fields with 8-bit bytes that are not UTF-8: a legacy Vietnamese
    encoding, MARC-8, or Windows-1252 (which includes Latin-1's letters)."""
    sample = b"\n".join(chunks)
    if vietnamese:
        detection = detect_encoding(_values_only(chunks))
        if detection.is_legacy and _confident(detection):
            return detection.encoding
    return MARC8 if has_escapes or marc8_violations(sample) == 0 else "cp1252"


def _values_only(chunks: list[bytes]) -> bytes:
    """The text of fields without indicators and subfield codes ("\x1faTrần" would read
    as the word "aTrần", which is no Vietnamese syllable)."""
    values: list[bytes] = []
    for chunk in chunks:
        first, *subfields = chunk.split(b"\x1f")
        if subfields:
            values.extend(subfield[1:] for subfield in subfields)
        else:
            values.append(first)  # a control field
    return b"\n".join(values)


def _confident(detection: Detection) -> bool:
    """Sure enough to convert: lists of accented letters (diacritics test records) read
    as one-letter "syllables" but leave many words that are not Vietnamese."""
    return detection.confidence >= REPAIR_MIN_CONFIDENCE and len(detection.suspects) <= 3


def nfc(text: str) -> str:
    """NFC by the project's rules (tone marks typed before a vowel mark are reordered)."""
    return _nfc(text)


def is_nfc(text: str) -> bool:
    """True if :func:`nfc` would leave ``text`` unchanged (cheap test, C speed)."""
    if text.isascii():
        return True
    return (
        unicodedata.is_normalized("NFC", text)
        and "\u0302" not in text
        and "\u0306" not in text
        and "\u031b" not in text
    )


def could_be_vietnamese(language: str) -> bool:
    """008/35-37 is 'vie' or says nothing: mojibake repair is worth trying."""
    return language in _MAYBE_VIETNAMESE


def may_be_mojibake(text: str) -> bool:
    """Legacy bytes shown in a Western code page leave characters U+0080-U+00FF."""
    return _LATIN1_RANGE.search(text) is not None


def repair_mojibake(values: list[tuple[str, str]]) -> tuple[dict[int, str], list[str]]:
    """Find values that are legacy-encoded Vietnamese shown in a Western code page.

    ``values`` are (tag, text) pairs; returns {index: repaired text} and the conversions.
    The record's text decides the encoding (more evidence than one field), then each
    field is converted only if it, too, reads better in that encoding.
    """
    candidates = [i for i, (_, text) in enumerate(values) if _LATIN1_RANGE.search(text)]
    if not candidates:
        return {}, []
    detection = detect_encoding("\n".join(values[i][1] for i in candidates))
    double_utf8 = detection.encoding == "utf-8" and detection.confidence >= REPAIR_MIN_CONFIDENCE
    if not (double_utf8 or (detection.is_legacy and _confident(detection))):
        return {}, []
    repaired: dict[int, str] = {}
    conversions: list[str] = []
    encoding = detection.encoding
    label = "double-utf8->utf8" if encoding == "utf-8" else f"{encoding}->unicode"
    for index in candidates:
        tag, text = values[index]
        if detect_encoding(text).encoding == encoding:
            repaired[index] = nfc(to_unicode(text, encoding))
            conversions.append(f"{label}:{tag}")
    return repaired, conversions
