"""The outcome of resolving a pre-2025 unit: one 2025 unit, or candidates to choose from."""

from dataclasses import dataclass
from enum import StrEnum

from thuvien.geo.models import AdminUnit, Level, UnitSuccession


class ResolutionStatus(StrEnum):
    RESOLVED = "resolved"  # exactly one 2025 unit
    SPLIT = "split"  # one old unit, divided among several new ones (same province)
    AMBIGUOUS = "ambiguous"  # the query fits several old units
    NO_SUCCESSOR = "no_successor"  # the old unit is not in the 2025 conversion table
    NOT_FOUND = "not_found"  # no pre-2025 unit matches


@dataclass(frozen=True)
class Resolution:
    query: str
    status: ResolutionStatus
    old_units: tuple[AdminUnit, ...] = ()
    candidates: tuple[AdminUnit, ...] = ()
    # False when the single old unit was merged only in part ("nhập một phần").
    whole: bool = True
    # The 2025 province, known even when the commune is not (provinces were never split).
    province: AdminUnit | None = None

    @property
    def unit(self) -> AdminUnit | None:
        """The 2025 unit when the answer is certain, else None."""
        return self.candidates[0] if self.status == ResolutionStatus.RESOLVED else None

    @property
    def needs_choice(self) -> bool:
        return self.status in (ResolutionStatus.SPLIT, ResolutionStatus.AMBIGUOUS)

    @property
    def message(self) -> str:
        """What happened, in Vietnamese then English, for the person who must act on it."""
        return _MESSAGES[self.status](self)


def _names(units: tuple[AdminUnit, ...]) -> str:
    return ", ".join(f"{u.name} ({u.province.name if u.province else '?'})" for u in units)


def _old_names(units: tuple[AdminUnit, ...]) -> str:
    """Old units with their district and code: several old wards share a name in one province."""
    return "; ".join(
        ", ".join(filter(None, [u.name, u.parent.name if u.parent else "", f"mã {u.code}"]))
        for u in units
    )


def _resolved(r: Resolution) -> str:
    old, new = r.old_units[0].name if r.old_units else r.query, r.candidates[0].name
    if r.whole:
        return f"{old} nay là {new}. / {old} is now {new}."
    return (
        f"{old} nay là {new} (chỉ một phần đơn vị cũ nhập vào). "
        f"/ {old} is now {new} (only part of the old unit went into it)."
    )


def _split(r: Resolution) -> str:
    count, old = len(r.candidates), r.old_units[0].name
    return (
        f"{old} đã được chia cho {count} đơn vị mới, hãy chọn một: {_names(r.candidates)}. "
        f"/ {old} was split among {count} new units; choose one."
    )


def _ambiguous(r: Resolution) -> str:
    count = len(r.old_units)
    return (
        f"“{r.query}” khớp với {count} đơn vị cũ ({_old_names(r.old_units)}); "
        "hãy chọn hoặc ghi rõ tỉnh, huyện. "
        f"/ “{r.query}” matches {count} old units; choose one or give the province and district."
    )


def _no_successor(r: Resolution) -> str:
    old = r.old_units[0].name if r.old_units else r.query
    where = r.province.name if r.province else "?"
    return (
        f"{old} không có trong bảng chuyển đổi 01/7/2025 (có thể đã sáp nhập trước đó); "
        f"tỉnh mới: {where}. Hãy chọn xã/phường mới. "
        f"/ {old} is not in the 1 July 2025 conversion table (it may have been merged earlier); "
        f"new province: {where}. Choose the new commune."
    )


def _not_found(r: Resolution) -> str:
    return (
        f"Không tìm thấy đơn vị hành chính trước 2025 nào khớp với “{r.query}”. "
        f"/ No pre-2025 administrative unit matches “{r.query}”."
    )


_MESSAGES = {
    ResolutionStatus.RESOLVED: _resolved,
    ResolutionStatus.SPLIT: _split,
    ResolutionStatus.AMBIGUOUS: _ambiguous,
    ResolutionStatus.NO_SUCCESSOR: _no_successor,
    ResolutionStatus.NOT_FOUND: _not_found,
}


def _successions(old_units: list[AdminUnit], level: str) -> list[UnitSuccession]:
    """Successions of the old units; a district has none of its own, so its communes' count."""
    rows = UnitSuccession.objects.select_related("old", "new__province")
    if level == Level.DISTRICT:
        rows = rows.filter(old__parent__in=old_units)
    else:
        rows = rows.filter(old__in=old_units)
    return list(rows.order_by("new__code"))


def _new_province(old_units: list[AdminUnit]) -> AdminUnit | None:
    """The single 2025 province the old units' provinces went to, if there is one."""
    old_provinces = {u.province_id for u in old_units}
    news = {
        s.new
        for s in UnitSuccession.objects.select_related("new").filter(
            old_id__in=old_provinces, old__level=Level.PROVINCE
        )
    }
    return news.pop() if len(news) == 1 else None


def resolve_units(query: str, old_units: list[AdminUnit], level: str) -> Resolution:
    """Decide the status from the matched old units and their successions."""
    if not old_units:
        return Resolution(query, ResolutionStatus.NOT_FOUND)
    found = tuple(old_units)
    successions = _successions(old_units, level)
    unique = {s.new.id: s.new for s in successions}.values()
    candidates = tuple(
        sorted(unique, key=lambda u: (u.province.code if u.province else "", u.code))
    )
    province = _new_province(old_units)
    if len(old_units) > 1:
        # Several readings of the query: resolved only if every one leads to the same unit.
        every_one_leads = {s.old_id for s in successions} == {u.id for u in old_units}
        status = (
            ResolutionStatus.RESOLVED
            if len(candidates) == 1 and every_one_leads
            else ResolutionStatus.AMBIGUOUS
        )
        return Resolution(query, status, found, candidates, province=province)
    if not candidates:
        return Resolution(query, ResolutionStatus.NO_SUCCESSOR, found, province=province)
    if len(candidates) > 1:
        return Resolution(query, ResolutionStatus.SPLIT, found, candidates, False, province)
    whole = all(s.whole for s in successions)
    return Resolution(query, ResolutionStatus.RESOLVED, found, candidates, whole, province)
