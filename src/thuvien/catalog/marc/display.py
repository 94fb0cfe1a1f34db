"""Small text rules shared by extraction, citations and exports: ISBD punctuation,
years, pages, Vietnamese names and the controlled list of formats."""

from __future__ import annotations

import re
from datetime import date

from thuvien.kernel.text import fold_for_search

__all__ = [
    "FORMAT_LABELS",
    "clean",
    "detect_format",
    "direct_order",
    "format_label",
    "has_vietnamese_letters",
    "is_unknown_place",
    "is_unknown_publisher",
    "is_vietnamese_name",
    "minimal_008",
    "parse_pages",
    "parse_year",
    "strip_brackets",
]

# ISBD puts " /", " :", " ;", " =" and "," at the end of a subfield to introduce the
# next one; they belong to the layout, not to the data.
_TRAILING_MARKS = re.compile(r"[\s/:;=,]+$")
_LEADING_MARKS = re.compile(r"^[\s/:;=,]+")
# A final full stop is kept after an initial ("Smith, J.") or an abbreviation ("p.",
# "cm.", "tr.", "et al."), where it is part of the word.
_KEEPS_FULL_STOP = re.compile(
    r"(?:^|[\s.(\[-])(?:[^\W\d_]|[^\W\d_]\.[^\W\d_]|p|tr|cm|mm|ill|vol|col|ed|eds|al|etc|jr|sr|co|inc|"
    r"ltd|st|dr|nxb|tp|h|s\.l|s\.n|k\.đ|k\.n)\.$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
_PAGE_UNIT = re.compile(
    r"(?<![^\W\d_])(?:pp?\.|pages?\b|p\b|tr\.|trang\b|tr\b|sider\b|s\.|leaves\b|tờ\b)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+")
# "1,042 p.": a comma followed by exactly three digits groups thousands ("xvi, 104 p."
# has a space after its comma).
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_VIETNAMESE_ONLY = re.compile("[đĐăĂơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
_UNKNOWN_PLACES = frozenset({"sl", "kđ", "kd", "khôngđịađiểm", "placeofpublicationnotidentified"})
_UNKNOWN_PUBLISHERS = frozenset({"sn", "knxb", "publishernotidentified", "khôngnhàxuấtbản"})
_SQUEEZE = re.compile(r"[\s.\[\]()?]")


def clean(value: str | None) -> str:
    """``value`` without the ISBD punctuation around it and with single spaces."""
    if not value:
        return ""
    text = " ".join(value.split())
    text = _LEADING_MARKS.sub("", _TRAILING_MARKS.sub("", text))
    while text.endswith(".") and not text.endswith("...") and not _KEEPS_FULL_STOP.search(text):
        text = _TRAILING_MARKS.sub("", text[:-1])
    return text


def strip_brackets(value: str) -> str:
    """ "[Hà Nội]" -> "Hà Nội": the cataloguer supplied it; the words are the same."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        return text[1:-1].strip()
    if text.startswith("[") and "]" not in text:
        return text[1:].strip()
    if text.endswith("]") and "[" not in text:
        return text[:-1].strip()
    return text


def is_unknown_place(value: str) -> bool:
    """ "[S.l.]", "[K.đ.]" and RDA's "[Place of publication not identified]"."""
    return _SQUEEZE.sub("", value.lower()) in _UNKNOWN_PLACES


def is_unknown_publisher(value: str) -> bool:
    """ "[s.n.]", "[K.nxb.]" and RDA's "[publisher not identified]"."""
    return _SQUEEZE.sub("", value.lower()) in _UNKNOWN_PUBLISHERS


def parse_year(value: str | None) -> int | None:
    """The first plausible year in a date statement: "c2015", "[2015?]",
    "2015-2016", "<1999-2010>" all give the first four-digit year; "[199-?]" gives
    None (only the decade is known)."""
    if not value:
        return None
    found = _YEAR.search(value)
    return int(found.group(1)) if found else None


def parse_pages(extent: str | None) -> int | None:
    """The page count of a 300 $a: the largest number of a sequence counted in pages
    or leaves ("xv, 464 p." -> 464; "125, [1] p." -> 125; "xvi, 1,042 p." -> 1042;
    "2 v." -> None)."""
    if not extent:
        return None
    extent = _THOUSANDS.sub("", extent)
    counts: list[int] = []
    start = 0
    for unit in _PAGE_UNIT.finditer(extent):
        counts += [int(n) for n in _NUMBER.findall(extent[start : unit.start()])]
        start = unit.end()
    return max(counts) if counts else None


def has_vietnamese_letters(text: str | None) -> bool:
    """True if ``text`` holds a letter only Vietnamese uses (đ, ơ, ư, ă, ĩ, ũ or a
    vowel with a dot below or hook above...), not just accents French also has."""
    return bool(text) and _VIETNAMESE_ONLY.search(text) is not None


# The most common Vietnamese family names, folded (diacritics off), so that names
# catalogued without diacritics ("Nguyen, Van A") are still recognised.
_SURNAMES = frozenset(
    fold_for_search(name)
    for name in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào "
        "Đoàn Lâm Lương Trịnh Mai Trương Hà Cao Chu Tạ Quách La Tô Thái Tống Kiều Khúc Lưu "
        "Lữ Triệu Văn Vương Nghiêm Âu Giang Tăng Thân Phùng Kha Tôn Ưng Thạch Hứa Diệp Quan "
        "Lạc Tiêu Nông Mạc Đàm Bạch Bành Khổng Lại Lục Hầu Tiết Doãn Đồng Châu Quang "
        "Ninh Hàn Ông Từ Lã Mẫn Vi Lò Lèo Cù Khương Phí Nhữ Trình Kim Bế"
    ).split()
)


def is_vietnamese_name(name: str) -> bool:
    """True if a personal name looks Vietnamese: a Vietnamese-only letter, or a
    common Vietnamese family name before the comma (or first, in direct order)."""
    if has_vietnamese_letters(name):
        return True
    surname = name.split(",", 1)[0] if "," in name else name.split(" ", 1)[0]
    return fold_for_search(surname.split("-", 1)[0].strip()) in _SURNAMES


def direct_order(name: str) -> str:
    """ "Nguyễn, Khắc Mai" -> "Nguyễn Khắc Mai": Vietnamese names are read and cited
    family name first, in full, so inverting only removes the comma."""
    if "," not in name:
        return name
    family, given = (part.strip() for part in name.split(",", 1))
    return f"{family} {given}".strip() if given else family


# code -> (Vietnamese label, English label)
FORMAT_LABELS: dict[str, tuple[str, str]] = {
    "book": ("Sách", "Book"),
    "ebook": ("Sách điện tử", "E-book"),
    "thesis": ("Luận văn, luận án", "Thesis"),
    "article": ("Bài trích", "Article"),
    "serial": ("Ấn phẩm định kỳ", "Serial"),
    "manuscript": ("Bản thảo", "Manuscript"),
    "map": ("Bản đồ", "Map"),
    "score": ("Bản nhạc", "Music score"),
    "sound": ("Tài liệu ghi âm", "Sound recording"),
    "music": ("Bản ghi âm nhạc", "Music recording"),
    "video": ("Phim, video", "Video"),
    "image": ("Tranh ảnh", "Image"),
    "electronic": ("Tài nguyên điện tử", "Electronic resource"),
    "kit": ("Bộ tài liệu", "Kit"),
    "mixed": ("Tài liệu hỗn hợp", "Mixed materials"),
    "object": ("Hiện vật", "Three-dimensional object"),
    "other": ("Khác", "Other"),
}
_BY_TYPE = {
    "c": "score",
    "d": "score",
    "e": "map",
    "f": "map",
    "g": "video",
    "i": "sound",
    "j": "music",
    "k": "image",
    "m": "electronic",
    "o": "kit",
    "p": "mixed",
    "r": "object",
}
_ONLINE_FORMS = frozenset("oqs")  # 008 form of item: online, direct electronic, electronic


def format_label(code: str, language: str = "vi") -> str:
    """The label of a format code in Vietnamese ("vi") or English ("en")."""
    vi, en = FORMAT_LABELS.get(code, FORMAT_LABELS["other"])
    return en if language == "en" else vi


def _form_of_item(record_type: str, field008: str) -> str:
    # Maps and visual materials keep form of item at 29, the others at 23.
    position = 29 if record_type in "efgkor" else 23
    return field008[position] if len(field008) > position else " "


def is_electronic(leader: str, field007: str | None, field008: str | None) -> bool:
    """An online or other electronic resource: 007/00 'c' or 008 form of item o/q/s."""
    record_type = leader[6] if len(leader) > 6 else " "
    if field007 and field007[:1] == "c":
        return True
    return bool(field008) and _form_of_item(record_type, field008) in _ONLINE_FORMS


def detect_format(
    leader: str, field007: str | None, field008: str | None, thesis_note: bool = False
) -> str:
    """One code from FORMAT_LABELS, from leader/06-07, 007/00 and 008."""
    record_type = leader[6] if len(leader) > 6 else " "
    level = leader[7] if len(leader) > 7 else " "
    if record_type not in "at":
        return _BY_TYPE.get(record_type, "other")
    if level in "ab":
        return "article"
    if level in "is" and record_type == "a":
        return "serial"
    if record_type == "t":
        return "manuscript"
    contents = (field008 or "")[24:28]
    if thesis_note or "m" in contents:
        return "thesis"
    return "ebook" if is_electronic(leader, field007, field008) else "book"


def minimal_008(entered: date, year: int | None, language: str | None) -> str:
    """A books 008 for records built from thin sources (Dublin Core, spreadsheets):
    entry date, one publication year or "unknown", place unknown, the language."""
    dates = f"s{year:04d}    " if year else "nuuuuuuuu"
    return f"{entered:%y%m%d}{dates}xx {' ' * 17}{language or 'und'} d"
