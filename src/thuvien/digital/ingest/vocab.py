"""Words a manifest may use: column names, object types, access levels, languages.

Everything is compared folded (lower case, no diacritics, đ -> d, spaces and punctuation
as ``_``), so "Nhan đề", "nhan_de" and "NHAN DE" are the same column. The lists of
accepted spellings are in ``manifest``'s module docstring for users.
"""

from __future__ import annotations

import re

import pycountry

from thuvien.kernel.text import fold_for_search

__all__ = [
    "ACCESS_LEVELS",
    "KINDS",
    "LIST_FIELDS",
    "OBJECT_FIELDS",
    "PAGE_FIELDS",
    "access_level",
    "column_field",
    "fold_key",
    "kind_of",
    "language_codes",
]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold_key(text: str) -> str:
    """``"Mã đối tượng"`` -> ``"ma_doi_tuong"``."""
    return _NON_WORD.sub("_", fold_for_search(text)).strip("_")


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold_key(word): name for name, words in groups.items() for word in (name, *words)}


# Page columns: one value per page row. The rest describe the object.
PAGE_FIELDS = ("file", "page", "label", "pdf_page")
DC_FIELDS = (
    "creator", "contributor", "subject", "description", "publisher", "date", "language",
    "identifier", "format", "source", "relation", "coverage", "rights",
)  # fmt: skip
OBJECT_FIELDS = ("object", "title", "type", "access", "collection", "record", *DC_FIELDS)
# Fields that may hold several values, separated by ";" or "|" in one cell or over rows.
LIST_FIELDS = frozenset(
    {"creator", "contributor", "subject", "language", "identifier", "relation", "coverage"}
)

_COLUMNS = _table(
    {
        "object": ("object id", "object_id", "mã đối tượng", "đối tượng", "mã tài liệu"),
        "file": (
            "files",
            "filename",
            "file name",
            "path",
            "tệp",
            "tên tệp",
            "tập tin",
            "đường dẫn",
        ),
        "page": ("order", "page order", "sequence", "trang", "thứ tự", "thứ tự trang", "số thứ tự"),
        "label": ("page label", "nhãn trang", "nhãn", "số trang"),
        "pdf_page": ("pdf page", "trang pdf"),
        "title": ("nhan đề", "nhan đề chính", "tên", "tiêu đề", "tên tài liệu"),
        "type": ("kind", "loại", "loại hình", "loại tài liệu", "dạng tài liệu"),
        "access": ("access level", "quyền truy cập", "mức truy cập", "truy cập"),
        "collection": ("bộ sưu tập", "sưu tập"),
        "record": (
            "catalogue record",
            "catalog record",
            "record id",
            "bản ghi",
            "mã bản ghi",
            "bản ghi thư mục",
            "biểu ghi",
        ),
        "creator": ("author", "tác giả"),
        "contributor": ("đồng tác giả", "người đóng góp", "người tham gia"),
        "subject": ("keywords", "chủ đề", "từ khoá", "từ khóa"),
        "description": ("mô tả", "tóm tắt", "ghi chú"),
        "publisher": ("nhà xuất bản", "nxb"),
        "date": ("year", "năm", "ngày", "năm xuất bản", "thời gian"),
        "language": ("ngôn ngữ",),
        "identifier": ("isbn", "issn", "định danh", "mã định danh", "số định danh"),
        "format": ("định dạng", "khổ mẫu"),
        "source": ("nguồn",),
        "relation": ("liên kết", "quan hệ"),
        "coverage": ("phạm vi", "diện bao quát", "địa danh"),
        "rights": ("bản quyền", "quyền"),
    }
)
_DC_PREFIX = re.compile(r"^(?:dc|dcterms)_")


def column_field(header: str) -> str | None:
    """The field a header names, or None; ``dc.creator`` and ``dc:creator`` also work."""
    key = fold_key(header)
    return _COLUMNS.get(key) or _COLUMNS.get(_DC_PREFIX.sub("", key))


KINDS = ("book", "periodical", "newspaper", "manuscript", "map", "photograph", "other")
_KINDS = _table(
    {
        "book": ("sách", "monograph", "sách in"),
        "periodical": ("journal", "magazine", "serial", "tạp chí", "ấn phẩm định kỳ", "số tạp chí"),
        "newspaper": ("báo", "báo in", "nhật báo", "tờ báo"),
        "manuscript": ("bản thảo", "bản viết tay", "thư tịch", "thư tịch cổ", "hán nôm",
                       "sách hán nôm", "văn bản cổ"),
        "map": ("bản đồ",),
        "photograph": ("photo", "image", "ảnh", "hình ảnh", "ảnh chụp", "tư liệu ảnh"),
        "other": ("khác",),
    }
)  # fmt: skip

ACCESS_LEVELS = ("public", "registered", "onsite", "restricted")
_ACCESS = _table(
    {
        "public": ("open", "công khai", "mở", "tự do"),
        "registered": ("registered readers", "registered users", "bạn đọc đăng ký", "đăng ký",
                       "bạn đọc", "thành viên"),
        "onsite": ("on site", "on-site", "tại chỗ", "đọc tại chỗ", "tại thư viện"),
        "restricted": ("hạn chế", "hạn chế truy cập", "không công khai", "mật", "closed"),
    }
)  # fmt: skip


def kind_of(text: str) -> str | None:
    return _KINDS.get(fold_key(text))


def access_level(text: str) -> str | None:
    return _ACCESS.get(fold_key(text))


# ISO 639-2 bibliographic codes (as MARC uses: fre, chi, ger) for names said in Vietnamese;
# everything else goes through pycountry.
_LANGUAGES = {
    fold_key(name): codes
    for name, codes in {
        "tiếng việt": ("vie",), "việt": ("vie",), "vn": ("vie",), "quốc ngữ": ("vie",),
        "chữ nôm": ("vie",), "nôm": ("vie",), "hán": ("chi",), "chữ hán": ("chi",),
        "hán văn": ("chi",), "hán nôm": ("chi", "vie"), "tiếng anh": ("eng",),
        "tiếng pháp": ("fre",), "tiếng trung": ("chi",), "tiếng hoa": ("chi",),
        "tiếng nga": ("rus",), "tiếng đức": ("ger",), "tiếng nhật": ("jpn",),
        "tiếng hàn": ("kor",), "tiếng lào": ("lao",), "tiếng khmer": ("khm",),
        "tiếng tây ban nha": ("spa",), "tiếng thái": ("tha",),
    }.items()
}  # fmt: skip


def language_codes(text: str) -> tuple[str, ...] | None:
    """ISO 639-2/B codes for a language name or code ("Tiếng Việt", "vi", "French")."""
    known = _LANGUAGES.get(fold_key(text))
    if known:
        return known
    try:
        language = pycountry.languages.lookup(text.strip().split("-")[0])
    except LookupError:
        return None
    return (getattr(language, "bibliographic", None) or language.alpha_3,)
