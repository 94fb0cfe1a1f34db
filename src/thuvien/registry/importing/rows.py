"""Turning one mapped row into library data, with errors that name the column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pycountry

from thuvien.kernel.text import fold_for_search
from thuvien.registry.importing.fields import (
    LEVEL_WORDS,
    OWNERSHIP_WORDS,
    TARGET_NAMES,
    TYPE_WORDS,
    read_choice,
    read_coordinate,
    read_number,
    read_phone,
    read_website,
)

INTEGER_FIELDS = ("collection_size", "staff_count", "seats")
PLACE_FIELDS = ("province", "commune", "old_district", "location", "city", "postcode")
PASS_THROUGH = (
    "name",
    "name_en",
    "short_name",
    "street_address",
    "founding_body",
    "managing_body",
    "ils_name",
    "email",
    "region",
)


@dataclass
class RowError:
    column: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"column": self.column, "message": self.message}


@dataclass
class RowData:
    data: dict[str, Any] = field(default_factory=dict)  # library fields, form-ready
    place: dict[str, str] = field(default_factory=dict)  # place text still to resolve
    identifier: str = ""
    other_names: list[str] = field(default_factory=list)
    change_codes: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def _msg(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def interpret(row: dict[str, str], mapping: dict[str, str], defaults: dict[str, str]) -> RowData:
    """Read ``row`` through ``mapping`` ({column: target}); ``defaults`` fill empty targets."""
    out = RowData()
    if "__error__" in row:
        out.errors.append(RowError("", row["__error__"]))
        return out
    values: dict[str, tuple[str, str]] = {  # target -> (column, text)
        target: ("(mặc định / default)", str(text))
        for target, text in defaults.items()
        if target in TARGET_NAMES and str(text).strip()
    }
    for column, target in mapping.items():
        if target in TARGET_NAMES and row.get(column, "").strip():
            values[target] = (column, row[column])
    for target, (column, text) in values.items():
        try:
            _read(out, target, text)
        except ValueError:
            out.errors.append(
                RowError(
                    column,
                    _msg(
                        f"Giá trị không hợp lệ cho «{target}»: {text!r}",
                        f"invalid value for {target!r}: {text!r}",
                    ),
                )
            )
    if not out.data.get("name"):
        out.errors.append(
            RowError(
                _column_of(mapping, "name"),
                _msg("Thiếu tên thư viện", "the library name is missing"),
            )
        )
    _finish_place(out)
    return out


def _column_of(mapping: dict[str, str], target: str) -> str:
    return next((c for c, t in mapping.items() if t == target), target)


def _read(out: RowData, target: str, text: str) -> None:
    text = text.strip()
    if target in PASS_THROUGH:
        out.data[target] = text
    elif target in PLACE_FIELDS:
        out.place[target] = text
    elif target == "library_type":
        out.data[target] = _choice(text, TYPE_WORDS)
    elif target == "level":
        out.data[target] = _choice(text, LEVEL_WORDS)
    elif target == "ownership":
        out.data[target] = _choice(text, OWNERSHIP_WORDS)
    elif target == "country":
        out.data[target] = _country(text)
    elif target in INTEGER_FIELDS:
        out.data[target] = read_number(text, integer=True)
    elif target == "floor_area_m2":
        out.data[target] = read_number(text, integer=False)
    elif target in ("latitude", "longitude"):
        out.data[target] = read_coordinate(text)
    elif target == "website":
        out.data[target] = read_website(text)
    elif target == "phone":
        out.data[target] = read_phone(text)
    elif target == "identifier":
        out.identifier = text
    elif target == "other_name":
        out.other_names.append(text)
    elif target.endswith("change_code"):
        out.change_codes[target] = text


def _choice(text: str, words) -> str:
    code = read_choice(text, words)
    if code is None:
        raise ValueError(text)
    return code


# Vietnamese names and common English names that ISO 3166 (pycountry) does not list.
COUNTRY_WORDS = {
    "VN": ("viet nam", "vietnam", "vn", "vnm"),
    "US": ("us", "usa", "united states", "hoa ky", "my", "u.s.a."),
    "GB": (
        "uk",
        "gb",
        "united kingdom",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "anh",
        "great britain",
    ),
    "FR": ("phap",),
    "DE": ("duc",),
    "JP": ("nhat ban", "nhat"),
    "KR": ("korea", "han quoc"),
    "RU": ("russia", "nga"),
    "NL": ("holland", "ha lan"),
    "CN": ("trung quoc",),
    "AU": ("uc",),
    "LA": ("lao", "laos"),
    "KH": ("campuchia",),
    "TH": ("thai lan",),
    # names in use before ISO 3166 changed them
    "TR": ("turkey",),
    "SZ": ("swaziland",),
    "MK": ("macedonia", "republic of macedonia"),
    "PS": ("palestine",),
    "VA": ("vatican city", "vatican"),
    "MM": ("burma",),
    "CI": ("ivory coast",),
    "CZ": ("czech republic",),
    "CV": ("cape verde",),
    "BN": ("brunei",),
    "MO": ("macau", "macao"),
    "FM": ("micronesia",),
    "MP": ("saipan",),
    "CA": ("newfoundland",),
}
# Countries whose states or provinces appear alone in addresses ("Mesa, Arizona").
SUBDIVISION_COUNTRIES = ("US", "CA", "AU")


def country_code(text: str) -> str | None:
    """An ISO 3166-1 code for a country written in Vietnamese, English or as a code."""
    text = text.strip().strip(".")
    if text.lower().startswith("the "):  # "The Netherlands", "the Philippines"
        text = text[4:]
    if not text:
        return None
    code = read_choice(text, COUNTRY_WORDS)
    if code:
        return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    subdivision = None
    for spelling in dict.fromkeys((text, fold_for_search(text))):  # "Québec" is "Quebec"
        try:
            subdivision = pycountry.subdivisions.lookup(spelling)
            break
        except LookupError:
            continue
    if subdivision is None:
        return None
    return subdivision.country_code if subdivision.country_code in SUBDIVISION_COUNTRIES else None


def _country(text: str) -> str:
    code = country_code(text)
    if code:
        return code
    raise ValueError(text)


def _finish_place(out: RowData) -> None:
    """Abroad, free-text places become the region; in Vietnam they are resolved later."""
    country = out.data.get("country", "VN")
    location = out.place.get("location", "")
    if "country" not in out.data and location:
        out.data["country"] = _country_of_location(location) or "VN"
    country = out.data.get("country", "VN")
    if country == "VN" and location and "," in location:
        out.place["location"] = (
            location.rsplit(",", 1)[0] if _country_of_location(location) == "VN" else location
        )
    if country != "VN":
        parts = [out.place.get("city", ""), out.data.get("region", ""), location]
        out.data["region"] = ", ".join(p for p in parts if p)[:255]
        for key in ("province", "commune", "old_district"):
            out.place.pop(key, None)


US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)


def _country_of_location(location: str) -> str | None:
    """'Garden City NY' -> US; 'London, England' -> GB; 'Can Tho City, Vietnam' -> VN."""
    words = location.replace(",", " ").split()
    if len(words) >= 2 and words[-1] in US_STATES:
        return "US"
    if "," in location:
        return country_code(location.rsplit(",", 1)[-1])
    return country_code(location)  # "Kuwait", "Oman"
