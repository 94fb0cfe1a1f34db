"""The rules a library record must follow, beyond each field's own type and length.

Shared by the form (web, API, admin) and the bulk import's row validator so that a rule is
written once. ``add_error(field, message)`` receives bilingual messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thuvien.kernel.text import normalize_text
from thuvien.registry.choices import LibraryType, PublicLevel

AddError = Callable[[str, str], None]
TEXT_FIELDS = {
    "name",
    "name_en",
    "short_name",
    "founding_body",
    "managing_body",
    "region",
    "street_address",
    "old_address",
    "opening_hours",
    "ils_name",
}


def bilingual(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def check_library(data: dict[str, Any], add_error: AddError) -> None:
    """Normalise text in place and report every broken rule."""
    for name in TEXT_FIELDS & set(data):
        if isinstance(data.get(name), str):
            data[name] = normalize_text(data[name])
    check_place(data, add_error)
    check_level(data, add_error)
    check_coordinates(data, add_error)


def check_place(data: dict[str, Any], add_error: AddError) -> None:
    country = (data.get("country") or "VN").upper()
    data["country"] = country
    province, commune = data.get("province"), data.get("commune")
    if country == "VN":
        if province is None:
            add_error(
                "province",
                bilingual(
                    "Thư viện ở Việt Nam cần có tỉnh/thành phố (theo đơn vị hành chính 2025)",
                    "A library in Vietnam needs a province (2025 administrative units)",
                ),
            )
        elif commune is not None and commune.province_id != province.pk:
            add_error(
                "commune",
                bilingual(
                    f"Xã/phường {commune.name} không thuộc {province.name}",
                    f"Commune {commune.name} is not in {province.name}",
                ),
            )
    elif province is not None or commune is not None:
        add_error(
            "country",
            bilingual(
                "Thư viện ngoài Việt Nam không dùng đơn vị hành chính Việt Nam; "
                "ghi vùng/địa phương",
                "A library outside Vietnam has a region, not Vietnamese administrative units",
            ),
        )


def check_level(data: dict[str, Any], add_error: AddError) -> None:
    library_type, level = data.get("library_type"), data.get("level")
    if level and library_type != LibraryType.PUBLIC:
        add_error(
            "level",
            bilingual(
                "Chỉ thư viện công cộng có cấp (tỉnh, xã)",
                "Only public libraries have a level (province, commune)",
            ),
        )
    in_vietnam = (data.get("country") or "VN") == "VN"
    if library_type == LibraryType.PUBLIC and not level and in_vietnam:
        add_error(
            "level",
            bilingual(
                "Thư viện công cộng cần có cấp: tỉnh hoặc xã",
                "A public library needs a level: province or commune",
            ),
        )
    if level == PublicLevel.DISTRICT and data.get("status") == "active":
        add_error(
            "level",
            bilingual(
                "Cấp huyện đã bỏ từ 01/7/2025; chỉ giữ trong lịch sử",
                "The district level was abolished on 1 July 2025; it is history only",
            ),
        )


def check_coordinates(data: dict[str, Any], add_error: AddError) -> None:
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        add_error(
            "latitude",
            bilingual("Cần cả vĩ độ và kinh độ", "Both latitude and longitude are needed"),
        )
    if lat is not None and not -90 <= lat <= 90:
        add_error(
            "latitude",
            bilingual("Vĩ độ phải trong khoảng -90..90", "Latitude must be within -90..90"),
        )
    if lon is not None and not -180 <= lon <= 180:
        add_error(
            "longitude",
            bilingual("Kinh độ phải trong khoảng -180..180", "Longitude must be within -180..180"),
        )
