"""How alike two library names are, and what makes them incompatible.

Words are aligned in three passes: equal words; acronyms and run-together words
("KHTH" = "Khoa học Tổng hợp", "Hanoi" = "Hà Nội"); then typos in longer words. The
similarity is a weighted Dice coefficient over the aligned words (rare words weigh more,
generic words like "thư viện" or "library" little), blended with agreement of adjacent
distinctive words, which tells "Hà Nam" from "Nam Định" although both contain "Nam".
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from thuvien.registry.matching.config import NameSettings
from thuvien.registry.matching.normalize import PUBLIC, NameForm

WeightOf = Callable[[str, str | None], float]
_MAX_RUN = 6
_VOWELS = frozenset("aeiouy")
_TRANSPOSITION_QUALITY = 0.85

NUMBER = "number"
NUMBER_ONE_SIDED = "number-one-sided"
LEVEL = "level"
LEVEL_ONE_SIDED = "level-one-sided"
KIND = "kind"
KIND_SIBLING = "kind-sibling"
KIND_ONE_SIDED = "kind-one-sided"
KIND_PARTIAL = "kind-partial"
BRANCH = "branch"


@dataclass(frozen=True)
class NameComparison:
    similarity: float
    left: NameForm
    right: NameForm
    equivalent: bool  # every distinctive word of each name found in the other

    @property
    def conflicts(self) -> tuple[str, ...]:
        return name_conflicts(self.left, self.right)


@dataclass
class _Alignment:
    quality_a: list[float]
    quality_b: list[float]
    rewrite_a: dict[int, tuple[str, ...]]  # a's word -> the b words it stands for
    rewrite_b: dict[int, tuple[str, ...]]


NameCache = dict[tuple[int, tuple[str, ...], tuple[str | None, ...]], NameComparison]


def best_name_match(
    left: tuple[NameForm, ...],
    right: tuple[NameForm, ...],
    weight: WeightOf,
    settings: NameSettings,
    language: str,
    cache: NameCache | None = None,
) -> NameComparison | None:
    """The most similar pair among both records' names (official and other names).

    ``cache`` lives for one incoming row: a registry repeats names ("Trường THCS Nguyễn Du"
    in many communes), and the same two names compare the same way."""
    best: NameComparison | None = None
    for a in left:
        for b in right:
            if a.shortened and b.shortened:  # "X (ULB)" and "X (VUB)" must not meet as "X"
                continue
            key = (id(a), b.tokens, b.classes)
            found = cache.get(key) if cache is not None else None
            if found is None:
                found = compare_names(a, b, weight, settings, language)
                if cache is not None:
                    cache[key] = found
            else:
                found = NameComparison(found.similarity, a, b, found.equivalent)
            if best is None or found.similarity > best.similarity:
                best = found
    return best


def compare_names(
    a: NameForm, b: NameForm, weight: WeightOf, settings: NameSettings, language: str
) -> NameComparison:
    if a.tokens == b.tokens:
        return NameComparison(1.0, a, b, True)
    alignment = _align(a, b, settings, language)
    similarity = _weighted_dice(a, b, alignment, weight)
    share = settings.bigram_share.get(language, settings.bigram_share.get("other", 0.0))
    bigram = _bigram_dice(a, b, alignment)
    if bigram is not None and share > 0:
        similarity = (1 - share) * similarity + share * bigram
    equivalent = _all_distinctive_aligned(a, alignment.quality_a) and _all_distinctive_aligned(
        b, alignment.quality_b
    )
    return NameComparison(similarity, a, b, equivalent)


def _all_distinctive_aligned(form: NameForm, quality: list[float]) -> bool:
    return all(q > 0 for cls, q in zip(form.classes, quality, strict=True) if cls is None)


def name_conflicts(a: NameForm, b: NameForm) -> tuple[str, ...]:
    """Disagreements that alike words cannot outweigh: "số 1" and "số 2", "tỉnh" and
    "thành phố", a university and a public library, a branch and its parent; and kinds
    that only partly agree ("Public and University Library" and "University", "THCS &
    THPT" and "THPT"), which a person should look at."""
    found = [
        _disagreement(a.numbers, b.numbers, NUMBER, NUMBER_ONE_SIDED, exact=True),
        _disagreement(a.levels, b.levels, LEVEL, LEVEL_ONE_SIDED),
        _disagreement(a.kind_families, b.kind_families, KIND, "")
        or _disagreement(a.kinds, b.kinds, KIND_SIBLING, "")
        or _disagreement(a.kinds - {PUBLIC}, b.kinds - {PUBLIC}, KIND, KIND_ONE_SIDED)
        or (KIND_PARTIAL if a.kinds and b.kinds and a.kinds != b.kinds else ""),
        BRANCH if a.branch != b.branch else "",
    ]
    return tuple(conflict for conflict in found if conflict)


def _disagreement(
    a: frozenset[str], b: frozenset[str], both: str, one_sided: str, exact: bool = False
) -> str:
    if a and b:
        agree = a == b if exact else bool(a & b)
        return "" if agree else both
    return one_sided if a or b else ""


def _align(a: NameForm, b: NameForm, settings: NameSettings, language: str) -> _Alignment:
    alignment = _Alignment([0.0] * len(a.tokens), [0.0] * len(b.tokens), {}, {})
    _align_equal(a, b, alignment)
    _align_runs(a, b, alignment.quality_a, alignment.quality_b, alignment.rewrite_a)
    _align_runs(b, a, alignment.quality_b, alignment.quality_a, alignment.rewrite_b)
    _align_typos(a, b, alignment, settings, language)
    return alignment


def _align_equal(a: NameForm, b: NameForm, alignment: _Alignment) -> None:
    free: dict[str, list[int]] = {}
    for j, token in enumerate(b.tokens):
        free.setdefault(token, []).append(j)
    for i, token in enumerate(a.tokens):
        slots = free.get(token)
        if slots:
            alignment.quality_b[slots.pop(0)] = 1.0
            alignment.quality_a[i] = 1.0


def _align_runs(
    a: NameForm,
    b: NameForm,
    quality_a: list[float],
    quality_b: list[float],
    rewrite_a: dict[int, tuple[str, ...]],
) -> None:
    """An unmatched word of a that spells the initials, or the letters, of a run of b."""
    starts = {b.initials[j][0] for j, q in enumerate(quality_b) if not q}
    if not starts:
        return
    for i, token in enumerate(a.tokens):
        if quality_a[i] or token[0] not in starts or not token.isalpha():
            continue
        if not _may_be_acronym(token):
            continue
        run = _find_run(token, b, quality_b)
        if run is None:
            continue
        start, end = run
        for j in range(start, end):
            quality_b[j] = 1.0
        quality_a[i] = 1.0
        rewrite_a[i] = tuple(b.tokens[j] for j in range(start, end) if b.classes[j] is None)


def _may_be_acronym(token: str) -> bool:
    # Two-letter syllables with a vowel ("ha", "an") are words, not acronyms.
    return len(token) >= 3 or not set(token) & _VOWELS


def _find_run(token: str, b: NameForm, quality_b: list[float]) -> tuple[int, int] | None:
    for start in range(len(b.tokens)):
        initials, letters = "", ""
        for end in range(start, min(start + _MAX_RUN, len(b.tokens))):
            if quality_b[end]:
                break
            initials += b.initials[end]
            letters += b.tokens[end]
            if end > start and (initials == token or (letters == token and len(token) >= 4)):
                return start, end + 1
            if not token.startswith(initials) and not token.startswith(letters):
                break
    return None


def _is_transposition(a: str, b: str) -> bool:
    """Two neighbouring letters swapped ("khao" for "khoa"): a slip of the fingers, unlike a
    changed letter, which in Vietnamese often spells another real syllable."""
    if len(a) != len(b) or len(a) < 3:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and (a[diff[1]] == b[diff[0]])
    )


def _align_typos(
    a: NameForm, b: NameForm, alignment: _Alignment, settings: NameSettings, language: str
) -> None:
    min_len = settings.fuzzy_min_len.get(language, settings.fuzzy_min_len.get("other", 5))
    for i, token in enumerate(a.tokens):
        if alignment.quality_a[i] or token.isdigit():
            continue
        best_j, best = -1, settings.fuzzy_min_similarity
        for j, other in enumerate(b.tokens):
            if alignment.quality_b[j]:
                continue
            if _is_transposition(token, other):
                best_j, best = j, max(best, _TRANSPOSITION_QUALITY)
            elif len(token) >= min_len and len(other) >= min_len:
                score = Levenshtein.normalized_similarity(token, other, score_cutoff=best)
                if score >= best:
                    best_j, best = j, score
        if best_j >= 0:
            alignment.quality_a[i] = alignment.quality_b[best_j] = best
            alignment.rewrite_a[i] = (b.tokens[best_j],)


def _weighted_dice(a: NameForm, b: NameForm, alignment: _Alignment, weight: WeightOf) -> float:
    matched = total = 0.0
    for form, quality in ((a, alignment.quality_a), (b, alignment.quality_b)):
        for token, cls, q in zip(form.tokens, form.classes, quality, strict=True):
            w = weight(token, cls)
            total += w
            matched += w * q
    return matched / total if total else 0.0


def _bigram_dice(a: NameForm, b: NameForm, alignment: _Alignment) -> float | None:
    left = _core_bigrams(a, alignment.rewrite_a)
    right = _core_bigrams(b, alignment.rewrite_b)
    if not left or not right:
        return None
    return 2 * len(left & right) / (len(left) + len(right))


def _core_bigrams(form: NameForm, rewrite: dict[int, tuple[str, ...]]) -> set[tuple[str, str]]:
    if not rewrite:
        return set(form.bigrams)
    core: list[str] = []
    for i, (token, cls) in enumerate(zip(form.tokens, form.classes, strict=True)):
        if i in rewrite:
            core.extend(rewrite[i])
        elif cls is None:
            core.append(token)
    return set(itertools.pairwise(core))
