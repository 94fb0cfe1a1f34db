"""Unicode normalisation, exact search keys and diacritic-insensitive folding.

These run on every title, name and query (millions of strings in a reindex), so they
lean on C-level work: ``unicodedata.normalize``, ``str.translate`` tables and
precompiled regular expressions, with per-word results cached.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import chain

from thuvien.kernel.text.syllable import SPLIT_TONE, canonical_tone_placement

__all__ = ["fold_for_search", "normalize_text", "search_key", "tokens"]

# Lookalikes of đ/Đ seen in real data: Icelandic eth (Ð, ð) is typed for Đ because
# it looks the same and sits in Latin-1.
_EXACT_LOOKALIKES = str.maketrans({"ð": "đ"})

_TONED_VOWELS = "".join(char for char, (_, tone) in SPLIT_TONE.items() if tone)
# Only words holding a toned vowel can need their tone moved.
_TONED_WORD = re.compile(rf"[^\W\d_]*[{_TONED_VOWELS}][^\W\d_]*")

# A consonant onset followed by a lone final "y" (lý, kỹ, quý), but not "ay", "uy",
# "yê" or a bare "y": those are different sounds or words.
_ONSET_THEN_Y = re.compile(r"\b(ngh|ng|gh|ch|kh|nh|ph|qu|th|tr|[bcdghklmnprstvx])y\b")
_WORD = re.compile(r"[^\W_]+")
# A tone mark typed (or converted from MARC-8) before the vowel mark, "e\u0301\u0302"
# for "ế": both marks are in one combining class, so NFC keeps the order and leaves a
# stray mark. Vietnamese orthography puts the vowel mark first.
_VOWEL_MARKS = ("\u0302", "\u0306", "\u031b")
_TONE_BEFORE_VOWEL_MARK = re.compile("([\u0300\u0301\u0303\u0309\u0323]+)([\u0302\u0306\u031b])")


def _build_fold_table() -> dict[int, str | None]:
    """Map every Latin letter with diacritics to its bare lower-case letter."""
    table: dict[int, str | None] = {}
    latin = chain(range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for code in latin:
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = decomposed[0]
        marks = decomposed[1:]
        if base != chr(code) and base.isascii() and all(unicodedata.combining(m) for m in marks):
            table[code] = base.lower()
    for code in range(0x0300, 0x0370):  # combining diacritics, as in NFD input
        table[code] = None
    for letter in "đĐðÐ":
        table[ord(letter)] = "d"
    return table


_FOLD = _build_fold_table()


def nfc(text: str) -> str:
    """NFC, with tone marks that precede a vowel mark put after it first (whitespace kept)."""
    composed = unicodedata.normalize("NFC", text)
    if not any(mark in composed for mark in _VOWEL_MARKS):
        return composed
    decomposed = unicodedata.normalize("NFD", composed)
    return unicodedata.normalize("NFC", _TONE_BEFORE_VOWEL_MARK.sub(r"\2\1", decomposed))


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with surrounding whitespace trimmed and inner runs collapsed.

    Vietnamese marks stored in the wrong order ("é" + circumflex for "ế", as in some
    MARC-8 conversions) are put right so they compose.
    """
    return " ".join(nfc(text).split())


def search_key(text: str) -> str:
    """Exact-match key: NFC, lower case, whitespace collapsed, diacritics kept.

    The tone mark is moved to one canonical vowel (the "new" style: hoà, khoẻ, thuỷ),
    so the two spellings in everyday use, "hoà"/"hòa", "thuý"/"thúy", give one key.
    """
    lowered = nfc(nfc(text).lower())
    if lowered.isascii():
        return " ".join(lowered.split())
    return " ".join(map(_canonical_token, lowered.split()))


# Text is made of a few hundred thousand distinct space-separated tokens repeated
# millions of times, so per-token results are cached.
@lru_cache(maxsize=262144)
def _canonical_token(token: str) -> str:
    if token.isascii():
        return token
    return _TONED_WORD.sub(_canonical_word, token.translate(_EXACT_LOOKALIKES))


def _canonical_word(match: re.Match[str]) -> str:
    return canonical_tone_placement(match.group())


def fold_for_search(text: str) -> str:
    """Diacritic-insensitive key: lower case, tone and vowel marks removed, đ -> d.

    Spelling variants of i/y after a consonant are merged (lý/lí, kỹ/kĩ, quý/quí all
    fold to "...i"), so a search finds both spellings.
    """
    lowered = text.lower()
    if lowered.isascii():
        return " ".join(map(_fold_y, lowered.split()))
    # A token of lone combining marks folds to nothing: drop it, keep single spaces.
    return " ".join(filter(None, map(_fold_token, lowered.split())))


@lru_cache(maxsize=262144)
def _fold_token(token: str) -> str:
    return _fold_y(token.translate(_FOLD)) if not token.isascii() else _fold_y(token)


def _fold_y(token: str) -> str:
    return _ONSET_THEN_Y.sub(r"\1i", token) if "y" in token else token


def tokens(text: str) -> list[str]:
    """Folded words of ``text`` (letters and digits; punctuation splits words)."""
    words: list[str] = []
    for token in text.lower().split():
        words.extend(_token_words(token))
    return words


@lru_cache(maxsize=262144)
def _token_words(token: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_fold_token(token)))
