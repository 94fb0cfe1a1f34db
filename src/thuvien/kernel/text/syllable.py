"""Vietnamese syllable structure: tones, vowel clusters and canonical tone placement.

A written Vietnamese syllable is ``onset + vowel cluster + coda`` with at most one tone
mark. Knowing that structure lets us (a) put the tone mark in one canonical place, so
that "hoà" and "hòa" compare equal, and (b) tell whether a decoded word is a plausible
Vietnamese syllable, which is the evidence the legacy-encoding detector weighs.
"""

import re
import unicodedata
from functools import lru_cache

# Tone index: 0 level (ngang), then huyền, sắc, hỏi, ngã, nặng.
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_TONE_OF_MARK = {mark: index + 1 for index, mark in enumerate(TONE_MARKS)}
SAC, NANG = 2, 5

VOWELS = "aăâeêioôơuưy"
_CONSONANTS = frozenset("bcdđghklmnpqrstvx")
_QUALITY_VOWELS = frozenset("ăâêôơư")


def _build_tone_tables() -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    for base in VOWELS:
        split[base] = (base, 0)
        join[(base, 0)] = base
        for mark, tone in _TONE_OF_MARK.items():
            toned = unicodedata.normalize("NFC", base + mark)
            split[toned] = (base, tone)
            join[(base, tone)] = toned
    return split, join


# Lower-case only: callers lower-case first.
SPLIT_TONE, JOIN_TONE = _build_tone_tables()

_ONSETS = "ngh|ng|gh|gi|qu|ch|kh|nh|ph|th|tr|[bcdđghklmnprstvx]"
_CODAS = "ch|ng|nh|[cmnpt]"
# Vowel clusters that end the syllable (their last letter is a glide) ...
_OPEN = (
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu oai oay oao oeo uây uôi "
    "uya uyu ươi ươu iêu yêu uơ"
).split()
# ... that must be followed by a consonant ...
_CLOSED = "ă â iê yê uô ươ uyê oă uâ oo".split()
# ... and that may or may not be.
_EITHER = "a e ê i o ô ơ u ư y oa oe uê uy".split()


def _alternation(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_SYLLABLE = re.compile(
    rf"(?P<onset>{_ONSETS})?"
    rf"(?:(?P<open>{_alternation(_OPEN)})"
    rf"|(?P<closed>{_alternation(_CLOSED)})(?P<coda1>{_CODAS})"
    rf"|(?P<either>{_alternation(_EITHER)})(?P<coda2>{_CODAS})?)"
)
_STOP_ENDINGS = ("c", "ch", "p", "t")
# Rhymes the orthography does not use: ch/nh follow only a, ê, i, y (anh, ếch, ính,
# huỳnh); c/ng never follow i, ê, ơ or y (those are spelled ch/nh or iê, ươ).
_PALATAL_CLUSTERS = frozenset("a oa ê uê i y uy".split())
_NO_VELAR_CLUSTERS = frozenset("i ê ơ y uy uê".split())


def split_tone(word: str) -> tuple[str, int] | None:
    """Return ``(word without tone mark, tone)`` for a lower-case NFC word.

    ``None`` when the word carries two tone marks or a letter outside the Vietnamese
    alphabet, so it cannot be one syllable.
    """
    tone = 0
    letters: list[str] = []
    for char in word:
        pair = SPLIT_TONE.get(char)
        if pair is None:
            if char not in _CONSONANTS:
                return None
            letters.append(char)
            continue
        letters.append(pair[0])
        if pair[1]:
            if tone:
                return None
            tone = pair[1]
    return "".join(letters), tone


@lru_cache(maxsize=131072)
def is_vietnamese_syllable(word: str) -> bool:
    """True when the lower-case NFC ``word`` is a well-formed Vietnamese syllable."""
    parts = split_tone(word)
    if parts is None:
        return False
    bare, tone = parts
    match = _SYLLABLE.fullmatch(bare)
    if match is None or not _rhyme_is_used(match):
        return False
    # Syllables closed by a stop (c, ch, p, t) only take the sắc or nặng tone.
    return not (bare.endswith(_STOP_ENDINGS) and tone not in (SAC, NANG))


def _rhyme_is_used(match: re.Match[str]) -> bool:
    coda = match["coda1"] or match["coda2"]
    cluster = match["closed"] or match["either"]
    if coda in ("ch", "nh"):
        return cluster in _PALATAL_CLUSTERS
    if coda in ("c", "ng"):
        return cluster not in _NO_VELAR_CLUSTERS
    return True


def _tone_position(cluster: str, has_coda: bool) -> int:
    """Index in ``cluster`` that carries the tone, in the "new" (phonological) style."""
    marked = [index for index, vowel in enumerate(cluster) if vowel in _QUALITY_VOWELS]
    if marked:
        return marked[-1]  # ươ -> ơ, uyê -> ê, ưa -> ư
    if len(cluster) == 1:
        return 0
    if has_coda:
        return len(cluster) - 1  # hoàng, khuỳnh
    if len(cluster) == 3:
        return 1  # hoài, xoáy, khuỵu, ngoẹo
    # Open oa, oe, uy: the main vowel is the second one (hoà, khoẻ, thuỷ);
    # in ai, ao, ia, ua ... the second letter is a glide (hài, mùa, kìa).
    return 1 if cluster in ("oa", "oe", "uy") else 0


@lru_cache(maxsize=131072)
def canonical_tone_placement(word: str) -> str:
    """Move the tone mark of a lower-case NFC syllable to its canonical vowel.

    Words that are not a single well-formed syllable come back unchanged.
    """
    parts = split_tone(word)
    if parts is None or parts[1] == 0:
        return word
    bare, tone = parts
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return word
    onset = match["onset"] or ""
    cluster = match["open"] or match["closed"] or match["either"] or ""
    coda = match["coda1"] or match["coda2"] or ""
    index = len(onset) + _tone_position(cluster, bool(coda))
    toned = JOIN_TONE[(bare[index], tone)]
    return bare[:index] + toned + bare[index + 1 :]
