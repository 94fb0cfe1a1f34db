"""Finding units from what people write, and resolving pre-2025 units to 2025 ones.

Policy: never a silent guess. A name that fits several units returns all of them; an old commune
that was split returns its successors as candidates for the user to choose from.
"""

import re
from collections import Counter
from collections.abc import Iterable

from django.db.models import QuerySet
from rapidfuzz import fuzz, process

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.naming import (
    PROVINCE_ALIASES,
    has_diacritics,
    pad_code,
    query_keys,
    short_name,
    split_type,
)
from thuvien.geo.resolution import Resolution, ResolutionStatus, resolve_units
from thuvien.kernel.text import search_key

__all__ = [
    "Resolution",
    "ResolutionStatus",
    "UnknownProvince",
    "find_units",
    "province_ids",
    "resolve_old_unit",
    "units_named",
]

_PARTS = re.compile(r"[,;\n|]+")
_QUALIFIED = re.compile(r"^(2025|2008)\s*:\s*(\d+)$")
_ABBREVIATED_START = re.compile(r"^(?:tp|tx|tt|dk|q|h|p|x|t)(?:\.\s*|\s+(?=\d)|(?=\d))", re.I)
# A part whose type word names a level below the province is never read as a province.
_BELOW_PROVINCE = {"quan", "huyen", "thi xa", "phuong", "xa", "thi tran", "dac khu"}
ProvinceArg = AdminUnit | str | int | None


class UnknownProvince(ValueError):
    """The province given to narrow a lookup matches no province."""


def _other(scheme: str) -> str:
    return Scheme.PRE2025 if scheme == Scheme.V2025 else Scheme.V2025


def _mapped_ids(units: Iterable[AdminUnit], scheme: str) -> list[int]:
    """Ids of the given provinces expressed in ``scheme`` (through the succession table)."""
    ids = []
    for unit in units:
        if unit.scheme == scheme:
            ids.append(unit.id)
        elif scheme == Scheme.V2025:
            ids += unit.successors.values_list("new_id", flat=True)
        else:
            ids += unit.predecessors.values_list("old_id", flat=True)
    return sorted(set(ids))


def _province_units(text: str, scheme: str, *, both: bool) -> list[AdminUnit]:
    """Provinces that ``text`` names or codes: in ``scheme``, and in the other scheme when
    ``both`` is set or nothing matched in ``scheme``.

    A hint given by a person may use either scheme: "Ninh Bình" is a 2025 province and a
    pre-2025 one, and an old commune of Nam Định is now in Ninh Bình, so both readings count.
    Inside an address the province is read in the address's own scheme.
    """
    text = text.strip()
    found: list[AdminUnit] = []
    for candidate_scheme in (scheme, _other(scheme)):
        if found and not both:
            break
        provinces = AdminUnit.objects.filter(scheme=candidate_scheme, level=Level.PROVINCE)
        if text.isdigit():
            found += provinces.filter(code=text.zfill(2))
        else:
            found += _named(text, provinces, aliases=True)
    return found


def _unambiguous(units: list[AdminUnit]) -> bool:
    """At most one province per scheme: the text names one place."""
    per_scheme = Counter(u.scheme for u in units)
    return bool(units) and max(per_scheme.values()) == 1


def province_ids(province: ProvinceArg, scheme: str) -> list[int] | None:
    """Ids of the provinces of ``scheme`` meant by ``province`` (a unit, a code or a name).

    None means "no restriction"; an unknown province raises ``UnknownProvince``.
    """
    if province is None or province == "":
        return None
    if isinstance(province, AdminUnit):
        units = [province]
    else:
        units = _province_units(str(province), scheme, both=True)
    ids = _mapped_ids(units, scheme)
    if not ids:
        raise UnknownProvince(
            f"Không nhận ra tỉnh/thành phố “{province}”. / Unknown province “{province}”."
        )
    return ids


def _spellings(part: str) -> set[str]:
    """Exact-spelling keys of the part, with and without a leading type word or abbreviation."""
    text = part.strip()
    forms = {text, split_type(text)[1], _ABBREVIATED_START.sub("", text)}
    return {search_key(form) for form in forms if form}


def _named(part: str, scope: QuerySet[AdminUnit], *, aliases: bool = False) -> list[AdminUnit]:
    """Units in ``scope`` named ``part``; ``aliases`` adds province nicknames ("TP.HCM")."""
    hint, keys = query_keys(part)
    if aliases:
        keys |= {PROVINCE_ALIASES[key] for key in keys if key in PROVINCE_ALIASES}
    units = list(scope.filter(name_key__in=keys).select_related("province", "parent"))
    if hint:
        typed = [u for u in units if split_type(u.name)[0] == hint]
        units = typed or units
    if has_diacritics(part):
        # Diacritics written on purpose tell "Hòa An" from "Hóa An"; keep the exact ones if any.
        spellings = _spellings(part)
        exact = [u for u in units if search_key(short_name(u.name)) in spellings]
        units = exact or units
    return sorted(units, key=lambda u: (u.province.code if u.province else "", u.code))


def _scope(scheme: str, level: str, provinces: list[int] | None) -> QuerySet[AdminUnit]:
    scope = AdminUnit.objects.filter(scheme=scheme, level=level)
    return scope if provinces is None else scope.filter(province_id__in=provinces)


def units_named(
    name: str, scheme: str = Scheme.V2025, level: str = Level.COMMUNE, province: ProvinceArg = None
) -> list[AdminUnit]:
    """Units of one level whose name is ``name``, with or without diacritics and type word.

    Without ``province`` every province's namesake is returned ("Xã Gia Lâm" is in two).
    """
    scope = _scope(scheme, level, province_ids(province, scheme))
    return _named(name, scope, aliases=level == Level.PROVINCE)


def _fuzzy(part: str, scope: QuerySet[AdminUnit]) -> list[AdminUnit]:
    """Closest names by edit distance; only for callers that opted in and will show a choice."""
    _, keys = query_keys(part)
    choices = dict(scope.values_list("id", "name_key"))
    hits = [
        (score, unit_id)
        for key in keys
        if len(key) >= 4  # short keys ("1", "an") are too easy to confuse
        for _, score, unit_id in process.extract(
            key, choices, scorer=fuzz.ratio, score_cutoff=88, limit=10
        )
    ]
    if not hits:
        return []
    best = max(score for score, _ in hits)
    return list(scope.filter(id__in={i for score, i in hits if score == best}))


def _detect_province(parts: list[str], scheme: str) -> tuple[list[int] | None, list[str]]:
    """Find the province among the trailing parts; return its ids and the parts left."""
    for index in range(len(parts) - 1, 0, -1):
        hint, _ = query_keys(parts[index])
        if hint in _BELOW_PROVINCE:
            continue
        found = _province_units(parts[index], scheme, both=False)
        if _unambiguous(found):
            return _mapped_ids(found, scheme), parts[:index] + parts[index + 1 :]
    return None, parts


def _detect_district(
    parts: list[str], provinces: list[int] | None
) -> tuple[list[int] | None, list[str]]:
    """For pre-2025 communes: a trailing part naming a district narrows the search to it."""
    scope = _scope(Scheme.PRE2025, Level.DISTRICT, provinces)
    for index in range(len(parts) - 1, 0, -1):
        found = _named(parts[index], scope)
        if found:
            return [u.id for u in found], parts[:index] + parts[index + 1 :]
    return None, parts


def find_units(
    text: str,
    scheme: str = Scheme.V2025,
    level: str = Level.COMMUNE,
    province: ProvinceArg = None,
    *,
    fuzzy: bool = False,
) -> list[AdminUnit]:
    """Units of ``level`` that a free-text address such as "Q. 1, TP.HCM" points to.

    Comma-separated parts are read from the end: a part naming a province narrows the search
    (so does a district for pre-2025 communes); the first remaining part that names units of
    ``level`` gives the answer. Every candidate is returned; an empty list means no match.
    """
    parts = [p.strip() for p in _PARTS.split(text or "") if p.strip()]
    provinces = province_ids(province, scheme)
    if level == Level.PROVINCE:
        scope = _scope(scheme, level, provinces)
        return _first_match(reversed(parts), scope, fuzzy, aliases=True)
    if provinces is None:
        provinces, parts = _detect_province(parts, scheme)
    scope = _scope(scheme, level, provinces)
    if scheme == Scheme.PRE2025 and level == Level.COMMUNE:
        districts, parts = _detect_district(parts, provinces)
        if districts is not None:
            scope = scope.filter(parent_id__in=districts)
    return _first_match(parts, scope, fuzzy)


def _first_match(
    parts: Iterable[str], scope: QuerySet[AdminUnit], fuzzy: bool, *, aliases: bool = False
) -> list[AdminUnit]:
    ordered = list(parts)
    for part in ordered:
        found = _named(part, scope, aliases=aliases)
        if found:
            return found
    if fuzzy:
        for part in ordered:
            found = _fuzzy(part, scope)
            if found:
                return found
    return []


def _old_units(
    query: AdminUnit | str | int, province_hint: ProvinceArg, level: str
) -> list[AdminUnit]:
    if isinstance(query, AdminUnit):
        return [query] if query.scheme == Scheme.PRE2025 else []
    text = str(query).strip()
    qualified = _QUALIFIED.match(text)
    if qualified:
        if qualified.group(1) != Scheme.PRE2025:
            return []
        text = qualified.group(2)
    if text.isdigit():
        code = pad_code(level, text)
        found = AdminUnit.objects.filter(scheme=Scheme.PRE2025, level=level, code=code)
        return list(found.select_related("parent", "province"))
    return find_units(text, Scheme.PRE2025, level, province_hint)


def resolve_old_unit(
    code_or_name: AdminUnit | str | int,
    province_hint: ProvinceArg = None,
    level: str = Level.COMMUNE,
) -> Resolution:
    """The 2025 unit(s) that a pre-2025 unit became.

    ``code_or_name`` is a pre-2025 code ("26740", 26740, "2008:26740"), a name or an address
    ("Phường Bến Nghé, Quận 1"), or an AdminUnit. ``province_hint`` (a 2025 or pre-2025 province,
    as unit, code or name) narrows name lookups; one that names no province raises
    ``UnknownProvince``. The result is resolved only when there is exactly one answer;
    otherwise it lists the candidates.
    """
    return resolve_units(str(code_or_name), _old_units(code_or_name, province_hint, level), level)
