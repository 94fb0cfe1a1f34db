"""What a column can be mapped to, how headers are recognised, and how values are read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from thuvien.kernel.text import fold_for_search


@dataclass(frozen=True)
class Target:
    name: str
    label_vi: str
    label_en: str
    synonyms: tuple[str, ...] = ()


TARGETS: tuple[Target, ...] = (
    Target(
        "name",
        "Tên thư viện",
        "Library name",
        ("ten", "ten thu vien", "ten chinh thuc", "name", "library name", "libname"),
    ),
    Target("name_en", "Tên tiếng Anh", "English name", ("ten tieng anh", "english name")),
    Target("short_name", "Tên viết tắt", "Short name", ("ten viet tat", "short name")),
    Target("other_name", "Tên khác", "Other name", ("ten khac", "ten cu", "other name")),
    Target(
        "identifier",
        "Mã (của nguồn)",
        "Identifier in the source",
        ("ma", "ma thu vien", "id", "identifier", "fscskey", "isil", "ma dinh danh"),
    ),
    Target("library_type", "Loại thư viện", "Library type", ("loai", "loai thu vien", "type")),
    Target("level", "Cấp", "Level", ("cap", "level")),
    Target("ownership", "Loại hình sở hữu", "Ownership", ("so huu", "ownership")),
    Target("country", "Quốc gia", "Country", ("quoc gia", "country")),
    Target(
        "region",
        "Vùng, bang (ngoài Việt Nam)",
        "Region, state (abroad)",
        ("region", "state", "stabr", "bang"),
    ),
    Target(
        "location", "Địa danh tự do", "Free-text location", ("dia danh", "location", "noi", "place")
    ),
    Target("city", "Thành phố (ngoài Việt Nam)", "City (abroad)", ("city", "town")),
    Target(
        "province",
        "Tỉnh/thành phố",
        "Province",
        ("tinh", "tinh thanh", "tinh thanh pho", "province", "tinh/thanh pho"),
    ),
    Target(
        "commune",
        "Xã/phường/đặc khu",
        "Commune",
        ("xa", "phuong", "xa phuong", "xa/phuong", "commune", "ward"),
    ),
    Target(
        "old_district",
        "Quận/huyện (trước 2025)",
        "District (before 2025)",
        ("quan huyen", "huyen", "quan", "district"),
    ),
    Target(
        "street_address",
        "Số nhà, đường",
        "Street address",
        ("dia chi", "so nha", "address", "street", "street address"),
    ),
    Target("postcode", "Mã bưu chính", "Postcode", ("ma buu chinh", "zip", "postcode")),
    Target("latitude", "Vĩ độ", "Latitude", ("vi do", "lat", "latitude")),
    Target("longitude", "Kinh độ", "Longitude", ("kinh do", "lon", "lng", "longitude", "longitud")),
    Target("phone", "Điện thoại", "Phone", ("dien thoai", "sdt", "phone", "tel")),
    Target("email", "Thư điện tử", "Email", ("email", "e-mail", "thu dien tu")),
    Target("website", "Trang web", "Website", ("website", "web", "url", "trang web")),
    Target(
        "founding_body",
        "Cơ quan thành lập",
        "Founding body",
        ("co quan thanh lap", "founding body"),
    ),
    Target(
        "managing_body",
        "Cơ quan quản lý",
        "Managing body",
        ("co quan quan ly", "co quan chu quan", "managing body"),
    ),
    Target(
        "collection_size",
        "Số bản tài liệu",
        "Collection size",
        ("von tai lieu", "so ban", "collection", "bkvol"),
    ),
    Target(
        "staff_count", "Số người làm việc", "Staff", ("nhan su", "so can bo", "staff", "totstaff")
    ),
    Target("floor_area_m2", "Diện tích (m²)", "Floor area (m²)", ("dien tich", "floor area")),
    Target("seats", "Số chỗ ngồi", "Seats", ("cho ngoi", "seats")),
    Target("ils_name", "Phần mềm quản lý", "Library system", ("phan mem", "ils", "system")),
    Target(
        "change_code",
        "Mã thay đổi cơ cấu",
        "Structure-change code",
        ("statstru", "ma thay doi", "structure change"),
    ),
    Target("name_change_code", "Mã đổi tên", "Name-change code", ("statname",)),
    Target("address_change_code", "Mã đổi địa chỉ", "Address-change code", ("stataddr",)),
)
TARGET_NAMES = {t.name for t in TARGETS}


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """Guess {column: target} from header names, in Vietnamese or English."""
    lookup = {syn: t.name for t in TARGETS for syn in t.synonyms}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        key = " ".join(re.split(r"[\s_\-.:]+", fold_for_search(column))).strip()
        target = lookup.get(key)
        if target and target not in used:
            mapping[column] = target
            used.add(target)
    return mapping


# ---- value readers -----------------------------------------------------------------------

TYPE_WORDS = {
    "national": ("quoc gia", "national", "tvqg"),
    "public": ("cong cong", "public", "tinh", "xa"),
    "specialised": ("chuyen nganh", "specialised", "specialized", "special"),
    "armed_forces": ("luc luong vu trang", "quan doi", "cong an", "armed forces", "military"),
    "university": ("dai hoc", "cao dang", "university", "academic", "college"),
    "school": ("truong", "pho thong", "mam non", "school", "thpt", "thcs", "tieu hoc"),
    "community": ("cong dong", "tu nhan", "community", "private"),
    "foreign": ("nuoc ngoai", "foreign"),
}
LEVEL_WORDS = {
    "province": ("tinh", "cap tinh", "province"),
    "commune": ("xa", "cap xa", "commune"),
    "district": ("huyen", "cap huyen", "district"),
}
OWNERSHIP_WORDS = {
    "public": ("cong lap", "public"),
    "non_public": ("ngoai cong lap", "tu nhan", "private", "non-public", "non public"),
}


def read_choice(value: str, words: dict[str, tuple[str, ...]]) -> str | None:
    """A code or label in Vietnamese or English to its code; None if unrecognised."""
    folded = fold_for_search(value).strip()
    if not folded:
        return None
    if folded in words:
        return folded
    for code, synonyms in words.items():
        if folded in synonyms:
            return code
    for code, synonyms in words.items():  # longer labels: "Thư viện công cộng cấp tỉnh"
        if any(f" {syn} " in f" {folded} " for syn in synonyms if len(syn) > 3):
            return code
    return None


MISSING_MARKERS = {"", "-1", "-3", "-4", "-9", "m", "n/a", "na", "null", "none", "-"}


def read_number(value: str, *, integer: bool) -> int | Decimal | None:
    """Numbers as people write them: '1.500' (vi) or '1,500' (en), '12,5' (vi decimal).
    Negative survey codes (-1 missing, -3 closed, -4 n/a, -9 suppressed) mean no value."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if text.lower() in MISSING_MARKERS:
        return None
    if integer:
        text = re.sub(r"[.,](?=\d{3}(\D|$))", "", text)
        if re.fullmatch(r"\d+(\.0+)?", text):
            return int(Decimal(text))
        raise ValueError(value)
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if number < 0:
        return None
    return number


def read_coordinate(value: str) -> Decimal | None:
    text = value.strip().replace(",", ".")
    if not text or text.lower() in MISSING_MARKERS - {"-1", "-3", "-4", "-9"}:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError(value) from None


def read_website(value: str) -> str:
    text = value.strip()
    if text and not re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.I):
        text = "https://" + text
    return text


def read_phone(value: str) -> str:
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and text == digits and not text.startswith("0"):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"  # US-style 10-digit numbers
    return text
