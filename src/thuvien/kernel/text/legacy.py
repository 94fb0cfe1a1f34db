"""Detect and convert legacy Vietnamese encodings: TCVN3 (ABC), VNI, VISCII and CP1258.

Detection decodes the input every plausible way and asks which reading yields real
Vietnamese syllables (onset + vowel cluster + coda, tone rules). Words that are plain
ASCII read the same in every encoding and are not counted; only words that differ
carry evidence. The input itself (Unicode text, or bytes in a Western code page) is
always one of the candidates, and a conversion has to beat it clearly, so ordinary
Unicode Vietnamese, English or French text is never "fixed".

Works on raw bytes and on mojibake: legacy bytes already shown in a Western code page
(what a browser, Excel or a PDF extractor gives for a .VnTime or VNI-Times document).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from thuvien.kernel.text.codetables import (
    LEGACY_ENCODINGS,
    decode_byte_chars,
    to_byte_chars,
    unmapped_letters,
)
from thuvien.kernel.text.lexicon import COMMON_SYLLABLES
from thuvien.kernel.text.syllable import canonical_tone_placement, is_vietnamese_syllable

__all__ = [
    "LEGACY_ENCODINGS",
    "Detection",
    "Repair",
    "detect_encoding",
    "repair",
    "repair_report",
    "to_unicode",
]

ASCII, UTF8, UNICODE, WESTERN = "ascii", "utf-8", "unicode", "cp1252"
_NAMES = {
    "TCVN3": "TCVN3 (ABC)",
    "VNI": "VNI",
    "VISCII": "VISCII",
    "CP1258": "CP1258",
    "UTF-8": "UTF-8",
}
_ALIASES = {
    "abc": "tcvn3",
    "tcvn": "tcvn3",
    "tcvn5712": "tcvn3",
    "vn3": "tcvn3",
    "vniwindows": "vni",
    "windows1258": "cp1258",
    "utf8": UTF8,
    "latin1": WESTERN,
    "windows1252": WESTERN,
    "iso88591": WESTERN,
}
# Ties go to the encoding most common in Vietnamese library data.
_PRIORITY = {name: rank for rank, name in enumerate(LEGACY_ENCODINGS)}
_VISCII_C0_LETTERS = frozenset(b"\x02\x05\x06\x14\x19\x1e")
_SAMPLE_CHARS = 200_000
_MIN_RATIO = 0.5
REPAIR_MIN_CONFIDENCE = 0.7

# A word for scoring: anything but spaces, digits and punctuation. Symbols such as
# ÷ ¾ © stay inside the word, so a mojibake reading of it fails as a syllable.
_WORDISH = re.compile(r"[^\s\d!-/:-@\[-`{-~«»“”‘’„…–—‐‑\u00a0\u00ad\u2212]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_ABBREVIATION = re.compile(r"[BCDĐGHKLMNPQRSTVX]{2,}")
_BARE_ONSET = re.compile(r"(?i:ngh|ng|gh|ch|kh|nh|ph|th|tr|qu)|[bcdđghklmnpqrstvx]")


@dataclass(frozen=True, slots=True)
class Detection:
    """What the input most likely is, how sure we are, and why.

    ``encoding`` is one of ``LEGACY_ENCODINGS``, or ``"ascii"``, ``"utf-8"`` (bytes, or
    for text: UTF-8 shown in a Western code page), ``"unicode"`` (text that is already
    right) or ``"cp1252"`` (bytes in a Western code page, not Vietnamese legacy).
    ``needs_review`` flags converted text with words that look damaged (dropped bytes).
    """

    encoding: str
    confidence: float
    reason: str
    needs_review: bool = False
    suspects: tuple[str, ...] = ()

    @property
    def is_legacy(self) -> bool:
        return self.encoding in LEGACY_ENCODINGS


@dataclass(frozen=True, slots=True)
class Repair:
    """Result of :func:`repair_report`: the text, the encoding converted from (or None)."""

    text: str
    encoding: str | None
    detection: Detection

    @property
    def needs_review(self) -> bool:
        return self.encoding is not None and self.detection.needs_review


@dataclass(frozen=True, slots=True)
class _Score:
    name: str
    valid: int
    weight: float
    evidence: int
    decoded: str

    @property
    def ratio(self) -> float:
        return self.weight / self.evidence if self.evidence else 0.0


def canonical_encoding(name: str) -> str:
    """Normalise an encoding name ("TCVN3", "ABC", "VNI-Windows", "windows-1258" ...)."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    key = _ALIASES.get(key, key)
    if key in LEGACY_ENCODINGS or key in (ASCII, UTF8, UNICODE, WESTERN):
        return key
    raise ValueError(
        f"Bảng mã không được hỗ trợ: {name!r} / Unsupported encoding: {name!r} "
        f"(tcvn3, vni, viscii, cp1258, utf-8, cp1252)"
    )


@lru_cache(maxsize=65536)
def _word_weight(word: str) -> float:
    """1 for a common syllable, 0.6 for a well-formed but rarer one, 0 otherwise."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return 0.0  # "viỶn": a wrong table mixes cases inside a word
    if _ABBREVIATION.fullmatch(word):
        return 0.3  # NĐ-CP, QĐ-TTg: abbreviations are everywhere in official text
    lowered = unicodedata.normalize("NFC", word.lower())
    if not is_vietnamese_syllable(lowered):
        return 0.0
    return 1.0 if canonical_tone_placement(lowered) in COMMON_SYLLABLES else 0.6


def _score(name: str, decoded: str) -> _Score:
    valid = evidence = 0
    weight = 0.0
    for word in _WORDISH.findall(decoded[:_SAMPLE_CHARS]):
        if word.isascii():
            continue
        evidence += 1
        word_weight = _word_weight(word)
        valid += word_weight > 0
        weight += word_weight
    return _Score(name, valid, weight, evidence, decoded)


def _decode(byte_chars: str, name: str) -> str:
    text = decode_byte_chars(byte_chars, name)
    return restore_tcvn3_case(text) if name == "tcvn3" else text


def _confidence(best: _Score, runner_up: float) -> float:
    """Share of real syllables in the reading, times how clearly it beats the next
    reading, counted in words of advantage (one common word 0.6, two 0.84, four 0.97)."""
    advantage = (best.ratio - runner_up) * best.evidence
    return best.valid / best.evidence * (1.0 - 0.5 ** (advantage / 0.75))


def _suspects(decoded: str) -> tuple[str, ...]:
    """Words of converted text that look damaged: a bare onset (x, th) or a non-syllable."""
    found: list[str] = []
    for match in _LETTERS.finditer(decoded):
        word = match.group()
        after = decoded[match.end() : match.end() + 1]
        if after == "." or after.isdigit() or _ABBREVIATION.fullmatch(word):
            continue  # Th.S, v.v., c1999, NĐ-CP
        if _BARE_ONSET.fullmatch(word):
            if not (len(word) == 1 and word.isupper()):
                found.append(word)
        elif not word.isascii() and not is_vietnamese_syllable(word.lower()):
            found.append(word)
    return tuple(dict.fromkeys(found))


def _legacy_detection(best: _Score, runner_up: float) -> Detection:
    confidence = _confidence(best, runner_up)
    evidence = best.evidence
    suspects = _suspects(best.decoded[:_SAMPLE_CHARS])
    label = _NAMES[best.name.upper()]
    reason = (
        f"{best.valid}/{evidence} từ đọc thành âm tiết tiếng Việt theo {label}"
        f" / {best.valid}/{evidence} words read as Vietnamese syllables in {label}"
    )
    if suspects:
        reason += (
            f"; có từ nghi mất byte, cần kiểm tra: {', '.join(suspects[:5])}"
            f" / words that look like dropped bytes, review: {', '.join(suspects[:5])}"
        )
    return Detection(best.name, round(confidence, 3), reason, bool(suspects), suspects)


def _as_is_detection(as_is: _Score, best_legacy: float) -> Detection:
    reason = (
        "không bảng mã cũ nào đọc văn bản này thành tiếng Việt tốt hơn"
        " / no legacy encoding reads this as Vietnamese better than it is"
    )
    confidence = max(0.5, 1.0 - best_legacy) if as_is.evidence else 0.5
    return Detection(as_is.name, round(confidence, 3), reason)


def _choose(as_is: _Score, byte_chars: str) -> Detection:
    scores = [_score(name, _decode(byte_chars, name)) for name in LEGACY_ENCODINGS]
    scores.sort(key=lambda s: (-s.ratio, -s.valid, _PRIORITY[s.name]))
    best, second = scores[0], scores[1]
    if best.valid <= _MIN_RATIO * best.evidence or best.ratio <= as_is.ratio:
        return _as_is_detection(as_is, best.ratio)
    return _legacy_detection(best, max(second.ratio, as_is.ratio))


def _detect_bytes(data: bytes) -> Detection:
    if data.isascii() and not _VISCII_C0_LETTERS.intersection(data):
        return Detection(ASCII, 1.0, "chỉ có ký tự ASCII / ASCII only")
    byte_chars = data.decode("latin-1")
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        return _choose(_score(WESTERN, decode_byte_chars(byte_chars, WESTERN)), byte_chars)
    # Short legacy strings can be valid UTF-8 by chance ("ĐỊNH" in VISCII reads "ИNH"),
    # so a legacy reading may still win, but only by reading better as Vietnamese.
    detection = _choose(_score(UTF8, as_utf8), byte_chars)
    if detection.is_legacy:
        return detection
    return Detection(UTF8, 0.99, "giải mã hợp lệ theo UTF-8 / valid UTF-8")


def _double_utf8(byte_chars: str) -> str | None:
    """The text, if ``byte_chars`` are UTF-8 bytes shown in a Western code page."""
    if byte_chars.isascii() or any(ord(char) > 0xFF for char in byte_chars):
        return None
    try:
        return byte_chars.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None


def _detect_text(text: str) -> Detection:
    if text.isascii() and not any(chr(b) in text for b in _VISCII_C0_LETTERS):
        return Detection(ASCII, 1.0, "chỉ có ký tự ASCII / ASCII only")
    if unmapped_letters(text):
        return Detection(
            UNICODE,
            0.99,
            "có chữ cái Unicode ngoài mọi bảng mã 8 bit"
            " / has Unicode letters outside any 8-bit code page",
        )
    byte_chars = to_byte_chars(text)
    if _double_utf8(byte_chars) is not None:
        return Detection(
            UTF8,
            0.95,
            "văn bản UTF-8 bị hiển thị theo bảng mã phương Tây"
            " / UTF-8 text shown in a Western code page",
        )
    return _choose(_score(UNICODE, text), byte_chars)


def detect_encoding(data: bytes | bytearray | memoryview | str) -> Detection:
    """Guess what ``data`` is encoded in; never raises on any input."""
    if isinstance(data, str):
        return _detect_text(data)
    return _detect_bytes(bytes(data))


def _byte_chars(data: bytes | bytearray | memoryview | str) -> str:
    if isinstance(data, str):
        return to_byte_chars(data)
    return bytes(data).decode("latin-1")


def to_unicode(
    data: bytes | bytearray | memoryview | str, encoding: str, *, restore_case: bool = True
) -> str:
    """Convert ``data`` from ``encoding`` to NFC Unicode.

    ``data`` may be raw bytes or mojibake text (the bytes shown in a Western code page).
    For TCVN3, ``restore_case`` upper-cases words typed in capitals whose accented
    letters came out lower case (VN3 has no capital accented letters).
    """
    name = canonical_encoding(encoding)
    if name in LEGACY_ENCODINGS:
        text = decode_byte_chars(_byte_chars(data), name)
        return restore_tcvn3_case(text) if name == "tcvn3" and restore_case else text
    if name == UTF8:
        byte_chars = _byte_chars(data)
        raw = byte_chars.encode("latin-1", errors="replace")
        return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    if name == UNICODE:
        raise ValueError("Dữ liệu là byte, cần nêu bảng mã / Data is bytes: name its encoding")
    return decode_byte_chars(bytes(data).decode("latin-1"), WESTERN)


def restore_tcvn3_case(text: str) -> str:
    """Upper-case TCVN3 words typed in capitals ("QUYếT ĐịNH" -> "QUYẾT ĐỊNH").

    VN3 has both cases only for ASCII letters and ă â ê ô ơ ư đ; those carry the case
    the typist meant. A word is restored when two or more of them are capitals and
    none is lower case, or when its whole line is in capitals. Text typed in lower case
    for a .VnTimeH font cannot be told apart and stays as it is.
    """
    if not text.isascii():
        return "".join(_restore_line(line) for line in text.splitlines(keepends=True))
    return text


_VN3_CASED = frozenset("ăâêôơưđĂÂÊÔƠƯĐ")


def _cased_letters(word: str) -> str:
    return "".join(char for char in word if char.isascii() or char in _VN3_CASED)


def _restore_line(line: str) -> str:
    cased = "".join(_cased_letters(word) for word in _LETTERS.findall(line))
    if len(cased) >= 2 and cased.isupper():
        return line.upper()

    def restore(match: re.Match[str]) -> str:
        word = match.group()
        letters = _cased_letters(word)
        return word.upper() if len(letters) >= 2 and letters.isupper() else word

    return _LETTERS.sub(restore, line)


def repair_report(text: str, *, min_confidence: float = REPAIR_MIN_CONFIDENCE) -> Repair:
    """Convert ``text`` from a legacy encoding only when the evidence is strong."""
    detection = detect_encoding(text)
    convert = detection.is_legacy or detection.encoding == UTF8
    if not convert or detection.confidence < min_confidence:
        return Repair(text, None, detection)
    return Repair(to_unicode(text, detection.encoding), detection.encoding, detection)


def repair(text: str) -> tuple[str, str | None]:
    """Return ``(text, encoding converted from)``, or ``(text, None)`` when left alone."""
    report = repair_report(text)
    return report.text, report.encoding
