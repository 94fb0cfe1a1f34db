"""MARC-8 to Unicode, through pymarc's converter, after putting broken escapes right.

Real MARC-8 records break the escape rules in a few known ways; each is repaired before
the bytes reach pymarc's ``MARC8ToUnicode`` (which would raise, print to stderr, or turn
the bytes into spaces):

- incomplete or unknown escape sequences (``ESC $`` at the end of a field): dropped;
- a record that "forgets" to switch back to Basic Latin: bytes that the current non-Latin
  set does not define (":" "," "-" in Greek) are read as ASCII, and in the Basic Greek set
  a run of two or more digits is read as digits (the set puts «»“”ʹ͵ at those positions,
  which never come in runs);
- East Asian (EACC) text with a unit that is not a three-byte character (a lone space,
  punctuation typed without switching back): that byte is read as ASCII;
- basic Cyrillic with 0x1F (the subfield delimiter) right after the escape: the capital Э
  (0x7C) written as 0x1F, seen in real records; without the repair the field splits;
- numeric character references (``&#x03B1;``), MARC 21's lossless escape for characters
  outside MARC-8, are decoded, with any MARC-8 diacritic written before them;
- a 0x1F right before an escape sequence or a space is a stray byte, not a subfield
  delimiter (a subfield code is never ESC or a space); bytes the designated G1 set does
  not define are dropped (pymarc would turn them into spaces, yaz drops them);
- the halves of a ligature or double tilde (U+FE20/FE21, U+FE22/FE23) become the single
  double diacritic (U+0361, U+0360) on the first letter, as in UTF-8 MARC records and
  as yaz converts them.
"""

from __future__ import annotations

import re

from pymarc import marc8_mapping
from pymarc.marc8 import MARC8ToUnicode

__all__ = ["decode_marc8_field", "marc8_violations"]

ESC = 0x1B
BASIC_LATIN, ANSEL, EACC, CYRILLIC, GREEK = 0x42, 0x45, 0x31, 0x4E, 0x53
_SETS = marc8_mapping.CODESETS
_G0_INTERMEDIATES = frozenset(b"(,")
_G1_INTERMEDIATES = frozenset(b")-")
_LOCKING_SHIFTS = {0x62: 0x62, 0x67: 0x67, 0x70: 0x70, 0x73: BASIC_LATIN}  # ESC b/g/p/s
_DIGITS = frozenset(b"0123456789")
_C1_CONTROLS = frozenset(range(0x80, 0xA0))  # pymarc drops them; not worth a repair note
_ANSEL_DEFINED = frozenset(_SETS[ANSEL])
_ANSEL_COMBINING = frozenset(code for code, (_, combining) in _SETS[ANSEL].items() if combining)
# After a combining diacritic MARC-8 needs the letter it goes on.
_NOT_A_BASE = frozenset(b" \t\x1e\x1f.,;:!?()[]/\"'-")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_NCR = re.compile(r"&([\u0300-\u036f\ufe20-\ufe2f]*)#x([0-9A-Fa-f]{2,6});")
# Ligature and double tilde: the first half becomes the double diacritic, the second goes.
_HALVES = str.maketrans({"\ufe20": "\u0361", "\ufe21": None, "\ufe22": "\u0360", "\ufe23": None})


class _Repairer:
    """Re-emits a field's MARC-8 bytes with well-formed escapes, only where needed."""

    def __init__(self, data: bytes):
        self.data = data
        self.out = bytearray()
        self.g0, self.g1 = BASIC_LATIN, ANSEL  # what the input has designated
        self.out_g0, self.out_g1 = BASIC_LATIN, ANSEL  # what the output has designated
        self.changed = False
        self.after_escape = False

    def run(self) -> bytes:
        data, i = self.data, 0
        while i < len(data):
            byte = data[i]
            if byte == ESC:
                i = self._escape(i)
                self.after_escape = True
                continue
            i = self._byte(i, byte)
            self.after_escape = False
        return bytes(self.out)

    def _escape(self, i: int) -> int:
        """Read the escape sequence at ``i``; return the index after it."""
        data = self.data
        second = data[i + 1] if i + 1 < len(data) else None
        if second in _LOCKING_SHIFTS:
            self.g0 = _LOCKING_SHIFTS[second]
            return i + 2
        at = i + 1
        if second == 0x24:  # "$": multibyte designation, maybe with an intermediate
            at += 1
        intermediate = data[at] if at < len(data) else None
        if intermediate in _G0_INTERMEDIATES or intermediate in _G1_INTERMEDIATES:
            final = data[at + 1] if at + 1 < len(data) else None
            length = at + 2 - i
        else:  # "ESC $ 1": G0 multibyte without an intermediate
            final = intermediate if second == 0x24 else None
            length = at + 1 - i
        if final is not None and final in _SETS:
            if intermediate in _G1_INTERMEDIATES:
                self.g1 = final
            else:
                self.g0 = final
            return i + length
        self.changed = True  # incomplete or unknown: drop ESC and what follows it
        return min(i + max(length, 1), len(data))

    def _byte(self, i: int, byte: int) -> int:
        if self.out[-1:] == b"\x1f":
            self.out.append(byte)  # a subfield code is ASCII whatever set is designated
            return i + 1
        if byte == 0x1F and self.data[i + 1 : i + 2] in (b"\x1b", b" "):
            self.changed = True  # a stray delimiter: a subfield code is never ESC or space
            return i + 1
        if byte < 0x20:
            if byte == 0x1F and self.after_escape and self.g0 == CYRILLIC:
                self.changed = True
                self._emit(CYRILLIC, b"|")
            else:
                self._leave_multibyte()
                self.out.append(byte)
            return i + 1
        if byte >= 0x80:
            if byte in _SETS.get(self.g1, ()) or byte in _C1_CONTROLS:
                self._emit_g1(byte)
            else:
                self.changed = True  # undefined in the set: dropped, as yaz does
            return i + 1
        if self.g0 == EACC:
            unit = self.data[i : i + 3]
            if len(unit) == 3 and int.from_bytes(unit, "big") in _SETS[EACC]:
                self._emit(EACC, unit)
                return i + 3
        elif self.g0 == BASIC_LATIN or self._defined_here(i, byte):
            self._emit(self.g0, bytes((byte,)))
            return i + 1
        self.changed = self.changed or byte != 0x20
        self._emit(BASIC_LATIN, bytes((byte,)))
        return i + 1

    def _defined_here(self, i: int, byte: int) -> bool:
        if byte not in _SETS.get(self.g0, ()):
            return False
        if self.g0 == GREEK and byte in _DIGITS:
            before = self.data[i - 1] if i else 0
            after = self.data[i + 1] if i + 1 < len(self.data) else 0
            return before not in _DIGITS and after not in _DIGITS
        return True

    def _emit(self, charset: int, chunk: bytes) -> None:
        if charset != self.out_g0:
            self.out += b"\x1b$1" if charset == EACC else b"\x1b(" + bytes((charset,))
            self.out_g0 = charset
        self.out += chunk

    def _leave_multibyte(self) -> None:
        # pymarc reads every byte as part of a three-byte unit while EACC is designated.
        if self.out_g0 == EACC:
            self.out += b"\x1b(B"
            self.out_g0 = BASIC_LATIN

    def _emit_g1(self, byte: int) -> None:
        self._leave_multibyte()
        if self.g1 != self.out_g1:
            self.out += b"\x1b)" + bytes((self.g1,))
            self.out_g1 = self.g1
        self.out.append(byte)


def decode_marc8_field(data: bytes) -> tuple[str, bool]:
    """Decode one field (indicators and subfields, delimiters kept as 0x1F), returning the
    text and whether broken escapes had to be repaired."""
    changed = False
    if ESC in data:
        repairer = _Repairer(data)
        data = repairer.run()
        changed = repairer.changed
    converter = MARC8ToUnicode(quiet=True)  # one per field: escapes carry across subfields
    first, *subfields = data.split(b"\x1f")
    parts = [_translate(converter, first)]
    parts.extend(part[:1].decode("latin-1") + _translate(converter, part[1:]) for part in subfields)
    return _after_pymarc("\x1f".join(parts)), changed


def _translate(converter: MARC8ToUnicode, data: bytes) -> str:
    if data.isascii() and ESC not in data and converter.g0 == BASIC_LATIN:
        return data.decode("ascii")
    try:
        return converter.translate(data)
    except (IndexError, TypeError, KeyError, ValueError):
        # pymarc fails on a few byte sequences the repairer does not foresee; keep what is
        # readable rather than lose the field.
        return data.decode("latin-1")


def _after_pymarc(text: str) -> str:
    if "&" in text:
        text = _NCR.sub(lambda m: chr(int(m.group(2), 16)) + m.group(1), text)
    if "\ufe20" in text or "\ufe21" in text or "\ufe22" in text or "\ufe23" in text:
        text = text.translate(_HALVES)
    return text


def marc8_violations(data: bytes) -> int:
    """How many bytes of ``data`` MARC-8 (ANSEL) cannot explain: undefined bytes, and
    combining diacritics with no letter after them. Latin-1 text trips this quickly
    ("été" ends in a diacritic; "Ö" is undefined); MARC-8 text never does."""
    violations = 0
    last = len(data) - 1
    for match in _HIGH_BYTE.finditer(data):
        index = match.start()
        byte = data[index]
        if byte not in _ANSEL_DEFINED:
            violations += 1
        elif byte in _ANSEL_COMBINING:
            following = data[index + 1] if index < last else 0x1E
            if following in _NOT_A_BASE:
                violations += 1
    return violations
