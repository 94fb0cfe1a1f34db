"""Read-only queries on administrative units for other apps.

Units are addressed by (scheme, level, code) because codes were reused on 1 July 2025.
"""

from django.db.models import QuerySet

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.naming import pad_code


def provinces(scheme: str = Scheme.V2025) -> QuerySet[AdminUnit]:
    """The provincial units of a scheme in official code order (34 in 2025, 63 before)."""
    return AdminUnit.objects.filter(scheme=scheme, level=Level.PROVINCE).order_by("code")


def provinces_2025() -> QuerySet[AdminUnit]:
    return provinces(Scheme.V2025)


def province_choices(scheme: str = Scheme.V2025) -> list[tuple[str, str]]:
    """(code, name) pairs for form fields."""
    return list(provinces(scheme).values_list("code", "name"))


def unit_by_code(scheme: str, level: str, code: str | int) -> AdminUnit | None:
    """The unit with this code in this scheme and level; codes may be given unpadded."""
    return (
        AdminUnit.objects.filter(scheme=scheme, level=level, code=pad_code(level, code))
        .select_related("province", "parent")
        .first()
    )


def unit_by_qualified_code(qualified: str, level: str = Level.COMMUNE) -> AdminUnit | None:
    """Look up a code as written in exports, ``"2025:26740"`` (see ``AdminUnit.qualified_code``)."""
    scheme, _, code = qualified.partition(":")
    if scheme not in Scheme.values or not code:
        raise ValueError(
            f"Mã “{qualified}” phải có dạng hệ:mã, ví dụ 2025:26740. "
            f"/ Code “{qualified}” must look like scheme:code, e.g. 2025:26740."
        )
    return unit_by_code(scheme, level, code)


def _province_of(province: AdminUnit | str | int, scheme: str) -> AdminUnit | None:
    if isinstance(province, AdminUnit):
        return province
    return unit_by_code(scheme, Level.PROVINCE, province)


def communes_of(province: AdminUnit | str | int, scheme: str = Scheme.V2025) -> QuerySet[AdminUnit]:
    """Commune-level units of a province (a unit, or a code in ``scheme``), by code."""
    unit = _province_of(province, scheme)
    if unit is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(
        scheme=unit.scheme, level=Level.COMMUNE, province=unit
    ).order_by("code")


def districts_of(province: AdminUnit | str | int) -> QuerySet[AdminUnit]:
    """District-level units of a pre-2025 province (districts were abolished in 2025)."""
    unit = _province_of(province, Scheme.PRE2025)
    if unit is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(level=Level.DISTRICT, parent=unit).order_by("code")


def successors_of(old: AdminUnit) -> QuerySet[AdminUnit]:
    """The 2025 units a pre-2025 unit went into (several when it was split)."""
    return (
        AdminUnit.objects.filter(predecessors__old=old).select_related("province").order_by("code")
    )


def predecessors_of(new: AdminUnit) -> QuerySet[AdminUnit]:
    """The pre-2025 units a 2025 unit was formed from."""
    return AdminUnit.objects.filter(successors__new=new).select_related("parent").order_by("code")


def new_province_of(old_province: AdminUnit) -> AdminUnit | None:
    """The 2025 province a pre-2025 province became part of (no province was split)."""
    return successors_of(old_province).first()


def province_point(province: AdminUnit) -> tuple[float, float] | None:
    """(latitude, longitude) inside the province, for labels and for placing things on a map."""
    unit = province if province.level == Level.PROVINCE else province.province
    if unit is not None and unit.scheme == Scheme.PRE2025:
        unit = new_province_of(unit)  # label points exist for the 34 current provinces only
    if unit is None or unit.latitude is None or unit.longitude is None:
        return None
    return unit.latitude, unit.longitude
