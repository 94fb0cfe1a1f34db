"""Placing imported rows in the 2025 administrative units, old addresses included.

An old (pre-2025) commune that became one new commune is resolved silently and both are
kept; one that was split among several is never guessed: the row waits for a person to
pick among the candidates.
"""

from __future__ import annotations

from functools import lru_cache

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.naming import name_key, split_type
from thuvien.geo.services import UnknownProvince, find_units, resolve_old_unit
from thuvien.registry.importing.rows import RowData, RowError


def _msg(vi: str, en: str) -> str:
    return f"{vi} / {en}"


class PlaceResolver:
    def __init__(self) -> None:
        self._codes = dict(AdminUnit.objects.filter(scheme=Scheme.V2025).values_list("pk", "code"))
        self._find = lru_cache(maxsize=20_000)(self._find_uncached)
        # Exact names are looked up in memory; anything else goes to geo's parser.
        self._by_name: dict[tuple[str, str, str], list[AdminUnit]] = {}
        for unit in AdminUnit.objects.filter(scheme=Scheme.V2025):
            key = (unit.level, split_type(unit.name)[0], name_key(unit.name))
            self._by_name.setdefault(key, []).append(unit)

    def code_of(self, unit) -> str:
        """The 2025 code of a unit given as a primary key or an instance."""
        pk = getattr(unit, "pk", unit)
        return self._codes.get(pk, "") if pk else ""

    def _find_uncached(self, text: str, scheme: str, level: str, province_pk: int | None):
        if scheme == Scheme.V2025 and "," not in text:
            kind, rest = split_type(text)
            units = [
                u
                for u in self._by_name.get((level, kind, name_key(rest)), [])
                if province_pk is None or u.province_id == province_pk
            ]
            if len(units) == 1:
                return tuple(units)
        province = AdminUnit.objects.get(pk=province_pk) if province_pk else None
        try:
            return tuple(find_units(text, scheme=scheme, level=level, province=province))
        except UnknownProvince:
            return ()

    def place(self, rd: RowData) -> None:
        if rd.data.get("country", "VN") != "VN":
            return
        province_text = rd.place.get("province") or rd.place.get("location", "")
        province = self._province(rd, province_text) if province_text else None
        if province_text and province is None:
            return
        commune_text = rd.place.get("commune", "")
        if commune_text:
            self._commune(rd, commune_text, province)
        elif province is None:
            rd.errors.append(
                RowError("province", _msg("Thiếu tỉnh/thành phố", "the province is missing"))
            )

    def _province(self, rd: RowData, text: str) -> AdminUnit | None:
        found = self._find(text, Scheme.V2025, Level.PROVINCE, None)
        if len(found) == 1:
            rd.data["province"] = found[0].pk
            return found[0]
        old = self._find(text, Scheme.PRE2025, Level.PROVINCE, None)
        if len(old) == 1:
            resolution = resolve_old_unit(old[0], level=Level.PROVINCE)
            if resolution.unit is not None:
                rd.data["province"] = resolution.unit.pk
                return resolution.unit
        if not rd.place.get("province"):  # a free-text location: both readings failed
            rd.errors.append(
                RowError(
                    "location",
                    _msg(
                        f"Không nhận ra địa danh «{text}»: không phải tỉnh/thành phố "
                        "của Việt Nam và không nhận ra quốc gia; hãy ghi quốc gia",
                        f"unrecognised place {text!r}: neither a Vietnamese province nor a known "
                        "country; give the country",
                    ),
                )
            )
            return None
        rd.errors.append(
            RowError(
                "province",
                _msg(
                    f"Không tìm thấy tỉnh/thành phố «{text}» (đơn vị 2025 hoặc trước 2025)",
                    f"no province called {text!r} (2025 or pre-2025 units)",
                ),
            )
        )
        return None

    def _commune(self, rd: RowData, text: str, province: AdminUnit | None) -> None:
        found = self._find(text, Scheme.V2025, Level.COMMUNE, province.pk if province else None)
        if len(found) == 1:
            rd.data["commune"] = found[0].pk
            rd.data.setdefault("province", found[0].province_id)
            return
        if len(found) > 1:
            rd.errors.append(
                RowError(
                    "commune",
                    _msg(
                        f"«{text}» trùng tên ở nhiều tỉnh; cần ghi tỉnh/thành phố",
                        f"{text!r} exists in several provinces; give the province",
                    ),
                )
            )
            return
        self._old_commune(rd, text, province)

    def _old_commune(self, rd: RowData, text: str, province: AdminUnit | None) -> None:
        old = [
            u
            for u in self._old_candidates(rd, text)
            if province is None or self._old_maps_into(u, province)
        ]
        if len(old) != 1:
            rd.errors.append(
                RowError(
                    "commune",
                    _msg(
                        f"Không tìm thấy xã/phường «{text}»"
                        if not old
                        else f"«{text}» (trước 2025) trùng tên; cần ghi quận/huyện",
                        f"no commune called {text!r}"
                        if not old
                        else f"{text!r} (pre-2025) is ambiguous; give the district",
                    ),
                )
            )
            return
        resolution = resolve_old_unit(old[0])
        rd.data["old_commune"] = old[0].pk
        rd.data.setdefault(
            "old_address", ", ".join(p for p in (text, rd.place.get("old_district", "")) if p)
        )
        if resolution.unit is not None:
            rd.data["commune"] = resolution.unit.pk
            rd.data.setdefault("province", resolution.unit.province_id)
        else:
            rd.place["choices"] = [
                [u.pk, f"{u.name}, {u.province.name}"] for u in resolution.candidates
            ]
            rd.data.setdefault("province", resolution.candidates[0].province_id)

    def _old_candidates(self, rd: RowData, text: str) -> list[AdminUnit]:
        """Old communes named ``text``, narrowed by the old district and province if given."""
        address = ", ".join(
            p for p in (text, rd.place.get("old_district", ""), rd.place.get("province", "")) if p
        )
        return list(self._find(address, Scheme.PRE2025, Level.COMMUNE, None))

    @staticmethod
    def _old_maps_into(old: AdminUnit, province: AdminUnit) -> bool:
        return old.successors.filter(new__province=province).exists()
