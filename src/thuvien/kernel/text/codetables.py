"""Byte-to-Unicode tables for the legacy Vietnamese encodings, written from their code charts.

Sources: TCVN 5712:1993 (the VN3 "ABC" subset used by the .Vn* fonts), RFC 1456
(VISCII 1.1), the VNI-Windows keyboard/font chart, and Microsoft's Windows-1258 chart.
Tests compare every entry with independent converters (glibc iconv, Python's cp1258
codec, the viparse package).

Every decoder works on a *byte string held as Latin-1 text* (one character per byte,
U+0000..U+00FF). That single form serves both raw bytes and mojibake, which is legacy
bytes already shown in a Western code page and mapped back by ``to_byte_chars``.
"""

import re
import unicodedata


def _runs(*runs: tuple[int, str]) -> dict[int, str]:
    """Expand ``(first byte, consecutive letters)`` runs into a byte -> letter map."""
    return {
        start + offset: letter for start, letters in runs for offset, letter in enumerate(letters)
    }


# Windows-1252 C1 row: TCVN3 and VNI are Windows font encodings, so their punctuation
# (curly quotes, dashes) sits where cp1252 puts it.
_CP1252_C1 = {
    byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0xA0)
}

# TCVN3 (VN3): upper-case bases, then lower-case letters in all five tones. VN3 has no
# upper-case toned letters: .VnTimeH fonts draw the lower-case ones as capitals.
TCVN3 = _runs(
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđ"),
    (0xB5, "àảãáạ"),
    (0xBB, "ằẳẵắ"),
    (0xC6, "ặầẩẫấậè"),
    (0xCE, "ẻẽéẹềểễếệìỉ"),
    (0xDC, "ĩíịò"),
    (0xE1, "ỏõóọồổỗốộờởỡớợù"),
    (0xF1, "ủũúụừửữứựỳỷỹýỵ"),
)

# VISCII 1.1 (RFC 1456): all 134 letters, six of them in C0 and the C1 row full.
VISCII = _runs(
    (0x02, "Ẳ"),
    (0x05, "ẴẪ"),
    (0x14, "Ỷ"),
    (0x19, "Ỹ"),
    (0x1E, "Ỵ"),
    (0x80, "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"),
    (0xA0, "ÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"),
    (0xC0, "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"),
    (0xD0, "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"),
    (0xE0, "àáâãảăữẫèéêẻìíĩỉ"),
    (0xF0, "đựòóôõỏọụùúũủýợỮ"),
)

# Windows-1258: Latin-1 with Vietnamese letters and the five tones as combining marks
# (text is stored decomposed: base letter, then tone).
CP1258 = {
    **_CP1252_C1,
    0x8A: "\x8a",
    0x8E: "\x8e",
    0x9A: "\x9a",
    0x9E: "\x9e",
    0xC3: "Ă",
    0xCC: "\u0300",
    0xD0: "Đ",
    0xD2: "\u0309",
    0xD5: "Ơ",
    0xDD: "Ư",
    0xDE: "\u0303",
    0xE3: "ă",
    0xEC: "\u0301",
    0xF0: "đ",
    0xF2: "\u0323",
    0xF5: "ơ",
    0xFD: "ư",
    0xFE: "₫",
}

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"

# VNI-Windows is composite: a toned vowel is an ASCII base letter followed by one mark
# byte (tone, vowel mark, or both). The marks become combining characters and NFC
# composes them. Five letters have single bytes: ơ ư đ and the i-family ỉ ĩ ị.
_VNI_MARKS = {
    "ø": _GRAVE,
    "ù": _ACUTE,
    "û": _HOOK,
    "õ": _TILDE,
    "ï": _DOT,
    "â": _CIRCUMFLEX,
    "à": _CIRCUMFLEX + _GRAVE,
    "á": _CIRCUMFLEX + _ACUTE,
    "å": _CIRCUMFLEX + _HOOK,
    "ã": _CIRCUMFLEX + _TILDE,
    "ä": _CIRCUMFLEX + _DOT,
    "ê": _BREVE,
    "è": _BREVE + _GRAVE,
    "é": _BREVE + _ACUTE,
    "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị"}


def _vni_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for char, marks in _VNI_MARKS.items():
        table[ord(char)] = table[ord(char.upper())] = marks
    for char, letter in _VNI_LETTERS.items():
        table[ord(char)] = letter
        table[ord(char.upper())] = letter.upper()
    return table


VNI = _vni_table()


def _translate_table(letters: dict[int, str], *, windows_c1: bool) -> dict[int, str]:
    table = dict(_CP1252_C1) if windows_c1 else {}
    table.update(letters)
    return table


_TABLES = {
    "tcvn3": _translate_table(TCVN3, windows_c1=True),
    "vni": _translate_table(VNI, windows_c1=True),
    "viscii": _translate_table(VISCII, windows_c1=False),
    "cp1258": _translate_table(CP1258, windows_c1=False),
}
LEGACY_ENCODINGS = tuple(_TABLES)
# Bytes in a Western code page: the "not legacy" reading that detection compares with.
_TABLES["cp1252"] = dict(_CP1252_C1)


def decode_byte_chars(byte_chars: str, encoding: str) -> str:
    """Decode a Latin-1-held byte string in ``encoding`` (legacy or cp1252) to NFC Unicode.

    Characters above U+00FF (not bytes) pass through unchanged.
    """
    return unicodedata.normalize("NFC", byte_chars.translate(_TABLES[encoding]))


# Mojibake back to bytes: each byte's Latin-1 character, plus its cp1252 character in
# the C1 row (what a Western browser or Excel shows for 0x80..0x9F).
_TO_BYTE = {ord(char): chr(byte) for byte, char in _CP1252_C1.items() if ord(char) > 0xFF}
# PDF text layers of .VnTime documents put out U+2212 for TCVN3 0xAD (ư) and U+2219
# for 0xB7 (ã). Only next to a letter: between digits a minus sign is a minus sign.
_PDF_GLYPHS = re.compile(r"(?<=[^\W\d_])[\u2212\u2219]|[\u2212\u2219](?=[^\W\d_])")
_PDF_BYTES = {"\u2212": "\xad", "\u2219": "\xb7"}


def to_byte_chars(text: str) -> str:
    """Map text shown in a Western code page back to one character per original byte."""
    if "\u2212" in text or "\u2219" in text:
        text = _PDF_GLYPHS.sub(lambda match: _PDF_BYTES[match.group()], text)
    return text.translate(_TO_BYTE)


def unmapped_letters(text: str) -> int:
    """Count letters and marks that no single byte shows as (so the text is not mojibake)."""
    return sum(
        1
        for char in text
        if ord(char) > 0xFF and ord(char) not in _TO_BYTE and unicodedata.category(char)[0] in "LM"
    )
