"""Comparison features between two profiles, each a number with a bilingual reason.

A feature is a float; -1 means "cannot be compared" (a value is missing on one side or
both), so a learned model tells absence from disagreement. Similarities are in [0, 1];
differences are absolute and capped. ``compare`` returns the vector in FEATURES order;
``explain`` writes the reason of one feature for the explanation page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from thuvien.catalog.dedup.profile import Profile

__all__ = ["FEATURES", "NAMES", "Feature", "compare", "explain"]

MISSING = -1.0
YEAR_CAP = 60.0
PAGE_CAP = 1000.0


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    vi: str  # what it measures, in Vietnamese
    en: str
    compute: Callable[[Profile, Profile], float]
    shown: Callable[[Profile], object]  # the value of one record shown in the reason


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100 if a and b else MISSING


def _token_set(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a, b) / 100 if a and b else MISSING


def _same(a: object, b: object) -> float:
    """1 equal, 0 different, -1 when either side is empty."""
    if not a or not b:
        return MISSING
    return 1.0 if a == b else 0.0


def _one_sided(a: object, b: object) -> float:
    """1 when exactly one side has a value (an edition stated on one record only)."""
    return 1.0 if bool(a) != bool(b) else 0.0


def _jaccard(a: frozenset | tuple, b: frozenset | tuple) -> float:
    if not a or not b:
        return MISSING
    left, right = set(a), set(b)
    return len(left & right) / len(left | right)


def _difference(a: float | None, b: float | None, cap: float) -> float:
    if a is None or b is None:
        return MISSING
    return min(abs(a - b), cap)


def _relative(a: float | None, b: float | None) -> float:
    if not a or not b:
        return MISSING
    return abs(a - b) / max(a, b)


# --- titles -------------------------------------------------------------------------


def _full(p: Profile) -> str:
    return p.whole


def _title_containment(a: Profile, b: Profile) -> float:
    """One whole title opens the other ("Clarence" / "Clarence, or, A tale...")."""
    left, right = _full(a), _full(b)
    if not left or not right:
        return MISSING
    short, long = sorted((left, right), key=len)
    return 1.0 if long.startswith(short) else 0.0


def _variant_match(a: Profile, b: Profile) -> float:
    """Best similarity of one title with the other's variant or uniform titles."""
    scores = [fuzz.ratio(a.title, v) for v in b.variants] + [
        fuzz.ratio(b.title, v) for v in a.variants
    ]
    return max(scores) / 100 if scores and a.title and b.title else MISSING


def _numbers(a: tuple | frozenset, b: tuple | frozenset) -> float:
    """1 same numbers, 0 different, 0.5 only one side has some, -1 neither."""
    if not a and not b:
        return MISSING
    if not a or not b:
        return 0.5
    return 1.0 if set(a) == set(b) else 0.0


# --- names --------------------------------------------------------------------------


def _main_surname(a: Profile, b: Profile) -> float:
    if not a.persons or not b.persons:
        return MISSING
    return 1.0 if a.persons[0][0] == b.persons[0][0] else 0.0


def _initials(a: Profile, b: Profile) -> float:
    """Whether the first person's initials agree where both are given ("db" ~ "d")."""
    if not a.persons or not b.persons or a.persons[0][0] != b.persons[0][0]:
        return MISSING
    left, right = a.persons[0][1], b.persons[0][1]
    if not left or not right:
        return 0.5
    return 1.0 if left.startswith(right) or right.startswith(left) else 0.0


def _surnames(a: Profile, b: Profile) -> float:
    return _jaccard(frozenset(p[0] for p in a.persons), frozenset(p[0] for p in b.persons))


def _bodies(a: Profile, b: Profile) -> float:
    if not a.bodies or not b.bodies:
        return MISSING
    return max(fuzz.token_set_ratio(x, y) for x in a.bodies for y in b.bodies) / 100


def _name_in_responsibility(a: Profile, b: Profile) -> float:
    """A heading's surname found in the other record's 245 $c (one side has no 1XX/7XX
    or names it differently)."""
    found = checked = 0
    for names, statement in ((a.persons, b.responsibility), (b.persons, a.responsibility)):
        if names and statement:
            checked += 1
            found += any(n[0] and n[0].split()[0] in statement.split() for n in names[:3])
    return found / checked if checked else MISSING


# --- dates, publication ---------------------------------------------------------------


def _closest_year(a: Profile, b: Profile) -> float:
    """Years between the nearest dates of the two records (0 when their spans overlap)."""
    if not a.years or not b.years:
        return MISSING
    gap = min(max(x[0] - y[1], y[0] - x[1], 0) for x in a.years for y in b.years)
    return float(min(gap, YEAR_CAP))


def _reprint(a: Profile, b: Profile) -> float:
    """Either record says it reprints or reissues an earlier edition (008/06 r, p, t)."""
    return 1.0 if a.date_type in ("r", "p") or b.date_type in ("r", "p") else 0.0


def _date_type(a: Profile, b: Profile) -> float:
    return _same(a.date_type, b.date_type)


# --- description ----------------------------------------------------------------------


def _page_difference(a: Profile, b: Profile) -> float:
    return _difference(a.pages, b.pages, PAGE_CAP)


def _edition_numbers(a: Profile, b: Profile) -> float:
    return _same(a.edition_no, b.edition_no)


def _volumes(p: Profile) -> tuple[int, ...]:
    return (p.volumes,) if p.volumes else ()


def _series_numbers(a: Profile, b: Profile) -> float:
    return _numbers(a.series_numbers, b.series_numbers) if a.series and b.series else MISSING


def _series(a: Profile, b: Profile) -> float:
    if not a.series or not b.series:
        return MISSING
    return max(fuzz.token_set_ratio(x, y) for x in a.series for y in b.series) / 100


def _carrier(a: Profile, b: Profile) -> float:
    return 1.0 if a.carrier == b.carrier else 0.0


def _shared(a: tuple, b: tuple) -> float:
    if not a or not b:
        return MISSING
    return 1.0 if set(a) & set(b) else 0.0


FEATURES: tuple[Feature, ...] = (
    Feature("title", "Nhan đề chính", "title proper", lambda a, b: _ratio(a.title, b.title),
            lambda p: p.title),
    Feature("title_words", "Từ của nhan đề chính", "title proper words",
            lambda a, b: _token_set(a.title, b.title), lambda p: p.title),
    Feature("full_title", "Nhan đề và phần còn lại", "title with remainder",
            lambda a, b: _ratio(_full(a), _full(b)), _full),
    Feature("full_title_words", "Từ của nhan đề đầy đủ", "words of the whole title",
            lambda a, b: _token_set(_full(a), _full(b)), _full),
    Feature("remainder", "Phần còn lại của nhan đề (245 $b)", "other title information",
            lambda a, b: _ratio(a.remainder, b.remainder), lambda p: p.remainder),
    Feature("title_opens", "Nhan đề này mở đầu nhan đề kia", "one title opens the other",
            _title_containment, _full),
    Feature("variant_title", "Nhan đề khác, nhan đề đồng nhất", "variant or uniform title",
            _variant_match, lambda p: p.variants),
    Feature("part_numbers", "Số phần, tập (245 $n)", "part or volume numbers",
            lambda a, b: _numbers(a.part_numbers, b.part_numbers), lambda p: p.part_numbers),
    Feature("part_names", "Tên phần (245 $p)", "part names",
            lambda a, b: _ratio(a.part_names, b.part_names), lambda p: p.part_names),
    Feature("title_numbers", "Số trong nhan đề", "numbers in the title",
            lambda a, b: _numbers(a.title_numbers, b.title_numbers),
            lambda p: sorted(p.title_numbers)),
    Feature("responsibility", "Thông tin trách nhiệm (245 $c)", "statement of responsibility",
            lambda a, b: _token_set(a.responsibility, b.responsibility),
            lambda p: p.responsibility),
    Feature("main_surname", "Họ tác giả chính", "main author surname", _main_surname,
            lambda p: p.persons[:1]),
    Feature("initials", "Chữ cái đầu tên tác giả", "author initials", _initials,
            lambda p: p.persons[:1]),
    Feature("surnames", "Các tác giả (họ)", "all author surnames", _surnames,
            lambda p: [n[0] for n in p.persons]),
    Feature("bodies", "Tác giả tập thể", "corporate authors", _bodies, lambda p: p.bodies),
    Feature("name_in_statement", "Tên tác giả trong 245 $c", "author named in the other 245 $c",
            _name_in_responsibility, lambda p: p.responsibility),
    Feature("author_kind", "Loại tiêu đề chính", "kind of main entry",
            lambda a, b: 1.0 if a.main_entry == b.main_entry else 0.0,
            lambda p: p.main_entry or "title"),
    Feature("year", "Năm xuất bản gần nhất", "closest publication years", _closest_year,
            lambda p: ", ".join(f"{lo}" if lo == hi else f"{lo}–{hi}" for lo, hi in p.years)),
    Feature("date1", "Năm 1 (008)", "first date (008)",
            lambda a, b: _difference(a.date1, b.date1, YEAR_CAP), lambda p: p.date1),
    Feature("reprint", "Tái bản, in lại (008/06)", "reprint or reissue (008/06)", _reprint,
            lambda p: p.date_type),
    Feature("date_type", "Loại năm (008/06)", "type of date (008/06)", _date_type,
            lambda p: p.date_type),
    Feature("publisher", "Nhà xuất bản", "publisher",
            lambda a, b: _token_set(" ".join(a.publisher), " ".join(b.publisher)),
            lambda p: " ".join(p.publisher)),
    Feature("place", "Nơi xuất bản", "place of publication",
            lambda a, b: _ratio(" ".join(a.place), " ".join(b.place)),
            lambda p: " ".join(p.place)),
    Feature("place_code", "Mã nơi xuất bản (008)", "place code (008)",
            lambda a, b: _same(a.place_code, b.place_code), lambda p: p.place_code),
    Feature("edition_number", "Số lần xuất bản", "edition number", _edition_numbers,
            lambda p: p.edition_no),
    Feature("edition", "Thông tin lần xuất bản (250)", "edition statement",
            lambda a, b: _ratio(a.edition, b.edition), lambda p: p.edition),
    Feature("edition_one_side", "Chỉ một bản ghi có lần xuất bản", "edition on one record only",
            lambda a, b: _one_sided(a.edition, b.edition), lambda p: p.edition),
    Feature("pages", "Chênh lệch số trang (tỉ lệ)", "page count difference (ratio)",
            lambda a, b: _relative(a.pages, b.pages), lambda p: p.pages),
    Feature("page_gap", "Chênh lệch số trang", "page count difference", _page_difference,
            lambda p: p.pages),
    Feature("prelims", "Trang đầu (số La Mã)", "preliminary pages (roman)",
            lambda a, b: _difference(a.prelims or None, b.prelims or None, 100),
            lambda p: p.prelims),
    Feature("volumes", "Số tập", "number of volumes",
            lambda a, b: _numbers(_volumes(a), _volumes(b)),
            lambda p: p.volumes),
    Feature("height", "Khổ (cm)", "height (cm)",
            lambda a, b: _difference(a.height, b.height, 20), lambda p: p.height),
    Feature("series", "Tùng thư", "series", _series, lambda p: p.series),
    Feature("series_numbers", "Số trong tùng thư", "series numbering", _series_numbers,
            lambda p: p.series_numbers),
    Feature("language", "Ngôn ngữ (008/35-37)", "language (008/35-37)",
            lambda a, b: _same(a.language, b.language), lambda p: p.language),
    Feature("carrier", "Vật mang tin (in, vi hình, điện tử)", "carrier (print, microform, online)",
            _carrier, lambda p: p.carrier),
    Feature("record_type", "Loại biểu ghi (đầu biểu/06-07)", "record type (leader/06-07)",
            lambda a, b: _same(a.record_type, b.record_type), lambda p: p.record_type),
    Feature("subjects", "Đề mục chủ đề chung", "shared subject headings",
            lambda a, b: _jaccard(a.subjects, b.subjects), lambda p: sorted(p.subjects)),
    Feature("isbn", "ISBN chung", "shared ISBN", lambda a, b: _shared(a.isbns, b.isbns),
            lambda p: p.isbns),
    Feature("lccn", "Số LCCN", "LCCN", lambda a, b: _same(a.lccn, b.lccn), lambda p: p.lccn),
    Feature("oclc", "Số OCLC chung", "shared OCLC number",
            lambda a, b: _shared(a.oclc, b.oclc), lambda p: p.oclc),
)  # fmt: skip
NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
_BY_NAME = {f.name: f for f in FEATURES}


def compare(a: Profile, b: Profile) -> list[float]:
    """The feature vector of a pair, in FEATURES order (symmetric in a and b)."""
    return [f.compute(a, b) for f in FEATURES]


def explain(name: str, value: float, a: Profile, b: Profile) -> str:
    """ "Nhan đề chính: 0.97 («x» ~ «y») / title proper: 0.97" for the explanation page."""
    feature = _BY_NAME[name]
    shown = "không so được / not comparable" if value == MISSING else f"{value:.2f}"
    left, right = feature.shown(a), feature.shown(b)
    return f"{feature.vi}: {shown} («{left}» ~ «{right}») / {feature.en}: {shown}"
