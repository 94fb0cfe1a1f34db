"""Checks on one MARC 21 record: completeness of the key fields, ISBNs, structural validity
and the encoding repairs made when it was ingested.

Pure Python (no Django). Each problem is a :class:`Finding` with a stable code (what the
report counts), a level, the field it concerns and a message in Vietnamese and English.
The record checked is the one the catalogue stores (already decoded and normalised); what
the ingest had to repair on the way is known only from its list of conversions, so those
are reported as "found and fixed" rather than looked for again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from thuvien.catalog.marc.isbn import compact_isbn, is_valid_isbn
from thuvien.catalog.marc.record import ControlField, DataField, Record

__all__ = [
    "ERROR",
    "INFO",
    "KEY_FIELDS",
    "WARNING",
    "CheckedRecord",
    "Finding",
    "check_record",
    "completeness",
    "describe",
    "encoding_findings",
    "isbn_findings",
    "validity_findings",
]

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    level: str
    tag: str
    vi: str
    en: str
    value: str = ""

    @property
    def text(self) -> str:
        return f"{self.vi} / {self.en}"


@dataclass(frozen=True, slots=True)
class KeyField:
    key: str
    tag: str
    vi: str
    en: str


KEY_FIELDS: tuple[KeyField, ...] = (
    KeyField("leader", "LDR", "Đầu biểu (leader)", "leader"),
    KeyField("control_number", "001", "Số kiểm soát (001)", "control number (001)"),
    KeyField("fixed_data", "008", "Trường dữ liệu cố định (008)", "fixed-length data (008)"),
    KeyField("title", "245", "Nhan đề (245 $a)", "title (245 $a)"),
    KeyField("publisher", "260", "Nhà xuất bản (260/264 $b)", "publisher (260/264 $b)"),
    KeyField("date", "260", "Năm xuất bản (260/264 $c)", "date of publication (260/264 $c)"),
    KeyField("extent", "300", "Số trang, khối lượng (300 $a)", "extent (300 $a)"),
    KeyField("name", "100", "Tác giả (1XX/7XX)", "author (1XX/7XX)"),
    KeyField("isbn", "020", "ISBN (020 $a)", "ISBN (020 $a)"),
    KeyField("subject", "650", "Chủ đề (6XX)", "subject (6XX)"),
    KeyField(
        "classification", "082", "Phân loại (082/080/084/050)", "classification (082/080/084/050)"
    ),
    KeyField("language", "041", "Ngôn ngữ (008/35-37 hoặc 041)", "language (008/35-37 or 041)"),
)
_KEY_BY_NAME = {k.key: k for k in KEY_FIELDS}

_NAME_TAGS = ("100", "110", "111", "700", "710", "711")
# DDC (082), UDC (080), other schemes such as BBK (084); partners abroad class with LCC (050).
_CLASSIFICATION_TAGS = ("082", "080", "084", "050")
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_NOT_LANGUAGES = frozenset({"und", "zxx", "|||", "   "})
# ISBNs were assigned from 1970; an older book cannot be faulted for having none.
_FIRST_ISBN_YEAR = 1970


def _has(record: Record, tags: Sequence[str], code: str) -> bool:
    return any((f.get(code) or "").strip() for f in record.data_fields(*tags))


def _language_known(record: Record) -> bool:
    f008 = record.control("008") or ""
    if len(f008) >= 38 and _LANGUAGE.match(f008[35:38]) and f008[35:38] not in _NOT_LANGUAGES:
        return True
    return any(v.strip() for f in record.data_fields("041") for v in f.values("a", "d"))


def _is_book(record: Record) -> bool:
    """Printed or manuscript language material issued as a monograph (leader/06-07)."""
    return record.leader[6:7] in ("a", "t") and record.leader[7:8] in ("a", "c", "d", "m")


def _isbn_expected(record: Record) -> bool:
    if not _is_book(record):
        return False
    year = (record.control("008") or "")[7:11]
    return not (year.isdigit() and int(year) < _FIRST_ISBN_YEAR)


def _name_expected(record: Record) -> bool:
    """A statement of responsibility (245 $c) names someone an access point should name;
    without one the title main entry is normal (anonymous works, collections)."""
    return _has(record, ("245",), "c")


def completeness(record: Record) -> dict[str, bool | None]:
    """Each key field: present (True), missing (False) or not expected here (None)."""
    f008 = record.control("008") or ""
    return {
        "leader": len(record.leader) == 24 and bool(record.leader.strip()),
        "control_number": bool(record.control_number),
        "fixed_data": len(f008) >= 40,
        "title": _has(record, ("245",), "a"),
        "publisher": _has(record, ("260", "264"), "b"),
        "date": _has(record, ("260", "264"), "c"),
        "extent": _has(record, ("300",), "a"),
        "name": bool(record.data_fields(*_NAME_TAGS)) if _name_expected(record) else None,
        "isbn": _has(record, ("020",), "a") if _isbn_expected(record) else None,
        "subject": any(f.tag.startswith("6") for f in record.data_fields()),
        "classification": _has(record, _CLASSIFICATION_TAGS, "a"),
        "language": _language_known(record),
    }


def _missing(key: str) -> Finding:
    field = _KEY_BY_NAME[key]
    level = ERROR if key in ("title", "leader") else WARNING
    return Finding(f"missing:{key}", level, field.tag, f"Thiếu {field.vi}", f"No {field.en}")


def isbn_findings(record: Record) -> list[Finding]:
    """Every 020 $a whose number is the wrong length or fails its check digit ($z holds
    numbers the cataloguer already marked invalid: not a fault)."""
    found = []
    for value in (v for f in record.data_fields("020") for v in f.values("a")):
        compact = compact_isbn(value)
        if compact is None or is_valid_isbn(value):
            continue
        if len(compact) not in (10, 13):
            vi, en = f"ISBN sai độ dài: {value}", f"ISBN of the wrong length: {value}"
            found.append(Finding("isbn:length", ERROR, "020", vi, en, value))
        else:
            vi, en = f"ISBN sai số kiểm tra: {value}", f"ISBN check digit fails: {value}"
            found.append(Finding("isbn:check-digit", ERROR, "020", vi, en, value))
    return found


# Leader positions and their allowed values (MARC 21 bibliographic; 17 also takes the
# OCLC encoding levels I, K, L, M that many exports carry).
_LEADER_VALUES: dict[int, str] = {
    5: "acdnp",
    6: "acdefgijkmoprt",
    7: "abcdims",
    8: " a",
    9: " a",
    10: "2",
    11: "2",
    17: " 12345678uzIJKLM",
    18: " acinu",
    19: " abc",
    20: "4",
    21: "5",
    22: "0",
    23: "0",
}
# Fields that MARC 21 allows only once per record.
NON_REPEATABLE = frozenset(
    "001 003 005 008 010 018 040 042 066 100 110 111 130 240 243 245 254 256 263 310".split()
)
_MAIN_ENTRIES = ("100", "110", "111", "130")


def _leader_findings(leader: str) -> list[Finding]:
    if len(leader) != 24:
        vi = f"Đầu biểu dài {len(leader)} ký tự, phải là 24"
        en = f"leader is {len(leader)} characters long, not 24"
        return [Finding("marc:leader-length", ERROR, "LDR", vi, en, leader)]
    found = []
    for pos, allowed in _LEADER_VALUES.items():
        if leader[pos] not in allowed:
            vi = f"Đầu biểu vị trí {pos:02d} có giá trị không hợp lệ «{leader[pos]}»"
            en = f"leader position {pos:02d} holds the invalid value '{leader[pos]}'"
            found.append(Finding(f"marc:leader-{pos:02d}", ERROR, "LDR", vi, en, leader[pos]))
    if not leader[12:17].isdigit():
        vi, en = "Đầu biểu 12-16 (địa chỉ dữ liệu) không phải số", "leader/12-16 is not a number"
        found.append(Finding("marc:leader-12", ERROR, "LDR", vi, en, leader[12:17]))
    return found


def _field_findings(f: ControlField | DataField) -> list[Finding]:
    if isinstance(f, ControlField):
        if f.tag.startswith("00") and "\x1f" not in f.value:
            return []
        vi = f"Trường {f.tag} thiếu chỉ thị và trường con"
        en = f"field {f.tag} has no indicators or subfields"
        if f.tag.startswith("00"):
            vi = f"Trường kiểm soát {f.tag} chứa trường con"
            en = f"control field {f.tag} contains subfields"
        return [Finding("marc:control-shape", ERROR, f.tag, vi, en, f.value[:40])]
    if f.tag.startswith("00"):
        vi, en = f"Trường kiểm soát {f.tag} có trường con", f"control field {f.tag} has subfields"
        return [Finding("marc:control-shape", ERROR, f.tag, vi, en)]
    return _data_field_findings(f)


def _data_field_findings(f: DataField) -> list[Finding]:
    found = []
    bad = [i for i in f.indicators[:2].ljust(2) if not (i == " " or i.isdigit())]
    if bad or len(f.indicators) != 2:
        vi = f"Trường {f.tag} có chỉ thị không hợp lệ «{f.indicators}»"
        en = f"field {f.tag} has invalid indicators '{f.indicators}'"
        found.append(Finding("marc:indicator", ERROR, f.tag, vi, en, f.indicators))
    if not any(value.strip() for _, value in f.subfields):
        vi, en = f"Trường {f.tag} không có trường con", f"field {f.tag} has no subfields"
        found.append(Finding("marc:empty-field", ERROR, f.tag, vi, en))
    return found


def _repeat_findings(record: Record) -> list[Finding]:
    counts: dict[str, int] = {}
    for f in record.fields:
        counts[f.tag] = counts.get(f.tag, 0) + 1
    found = [
        Finding(
            "marc:repeated",
            ERROR,
            tag,
            f"Trường {tag} không được lặp nhưng có {n} lần",
            f"field {tag} is not repeatable but occurs {n} times",
            str(n),
        )
        for tag, n in sorted(counts.items())
        if n > 1 and tag in NON_REPEATABLE
    ]
    mains = [t for t in _MAIN_ENTRIES if counts.get(t)]
    if len(mains) > 1:
        vi = f"Nhiều tiêu đề chính: {', '.join(mains)}"
        en = f"several main entries: {', '.join(mains)}"
        found.append(Finding("marc:main-entries", ERROR, mains[1], vi, en))
    return found


def validity_findings(record: Record) -> list[Finding]:
    """Structure: the leader's coded positions, indicators, empty fields, control fields
    of the wrong shape, a missing 245, non-repeatable fields repeated."""
    found = _leader_findings(record.leader)
    for f in record.fields:
        found += _field_findings(f)
    if not record.data_fields("245"):
        vi, en = "Không có trường 245 (nhan đề)", "no field 245 (title statement)"
        found.append(Finding("marc:no-245", ERROR, "245", vi, en))
    return found + _repeat_findings(record)


_ENCODING_TEXT = {
    "marc8->utf8": ("Đã chuyển từ MARC-8 sang Unicode", "converted from MARC-8 to Unicode"),
    "nfd->nfc": (
        "Đã chuẩn hóa dấu tổ hợp (NFD) thành dấu dựng sẵn (NFC)",
        "combining accents (NFD) normalised to precomposed (NFC)",
    ),
    "latin1->utf8": (
        "Đã chuyển từ Latin-1/Windows-1252 sang Unicode",
        "converted from Latin-1/Windows-1252 to Unicode",
    ),
    "double-utf8->utf8": (
        "Đã sửa chữ bị mã hóa UTF-8 hai lần",
        "repaired text encoded twice as UTF-8",
    ),
    "leader-utf8-but-marc8": (
        "Đầu biểu vị trí 09 ghi UTF-8 nhưng dữ liệu là MARC-8: đã đọc theo MARC-8",
        "leader/09 says UTF-8 but the data is MARC-8: read as MARC-8",
    ),
    "leader-marc8-but-utf8": (
        "Đầu biểu vị trí 09 ghi MARC-8 nhưng dữ liệu là UTF-8: đã đọc theo UTF-8",
        "leader/09 says MARC-8 but the data is UTF-8: read as UTF-8",
    ),
    "marc8-repaired": ("Đã sửa chuỗi MARC-8 hỏng", "repaired broken MARC-8 sequences"),
    "leader-repaired": ("Đã sửa đầu biểu hỏng", "repaired a broken leader"),
    "unimarc->marc21": ("Đã chuyển từ UNIMARC sang MARC 21", "converted from UNIMARC to MARC 21"),
}


def _encoding_text(label: str) -> tuple[str, str]:
    if label in _ENCODING_TEXT:
        return _ENCODING_TEXT[label]
    if label.endswith("->unicode"):  # a legacy Vietnamese code table: tcvn3, vni, viscii...
        scheme = label.removesuffix("->unicode").upper()
        return f"Đã chuyển từ bảng mã {scheme} sang Unicode", f"converted from {scheme} to Unicode"
    return f"Đã sửa khi nạp: {label}", f"repaired at ingest: {label}"


def encoding_findings(conversions: Iterable[str]) -> list[Finding]:
    """The repairs the ingest made ("tcvn3->unicode", "nfd->nfc", "latin1->utf8:245"...),
    each a problem found in the contributed data and already fixed."""
    found = []
    for conversion in dict.fromkeys(conversions):
        label, _, tag = conversion.partition(":")
        vi, en = _encoding_text(label)
        if tag:
            vi, en = f"{vi} (trường {tag})", f"{en} (field {tag})"
        found.append(Finding(f"encoding:{label}", INFO, tag, vi, en, conversion))
    return found


@dataclass(slots=True)
class CheckedRecord:
    completeness: dict[str, bool | None]
    findings: list[Finding]


def check_record(record: Record, conversions: Iterable[str] = ()) -> CheckedRecord:
    """Every check on one record: completeness first, then ISBNs, structure, encoding."""
    present = completeness(record)
    findings = [_missing(key) for key, ok in present.items() if ok is False]
    findings += isbn_findings(record)
    findings += validity_findings(record)
    findings += encoding_findings(conversions)
    return CheckedRecord(present, findings)


_CODE_TEXT = {
    "isbn:length": ("ISBN sai độ dài", "ISBN of the wrong length"),
    "isbn:check-digit": ("ISBN sai số kiểm tra", "ISBN check digit fails"),
    "marc:leader-length": ("Đầu biểu không đủ 24 ký tự", "leader not 24 characters long"),
    "marc:control-shape": (
        "Trường kiểm soát sai dạng (có trường con, hoặc trường dữ liệu thiếu chỉ thị)",
        "control field of the wrong shape (with subfields, or a data field without indicators)",
    ),
    "marc:indicator": (
        "Chỉ thị không phải chữ số hay khoảng trắng",
        "indicator not a digit or blank",
    ),
    "marc:empty-field": ("Trường không có trường con", "field with no subfields"),
    "marc:no-245": ("Không có trường 245", "no field 245"),
    "marc:repeated": ("Trường không được lặp bị lặp", "non-repeatable field repeated"),
    "marc:main-entries": ("Nhiều tiêu đề chính (1XX)", "several main entries (1XX)"),
}


def describe(code: str) -> tuple[str, str]:
    """What a finding code means, in Vietnamese and English (the report's row labels)."""
    kind, _, detail = code.partition(":")
    if code in _CODE_TEXT:
        return _CODE_TEXT[code]
    if kind == "missing" and detail in _KEY_BY_NAME:
        field = _KEY_BY_NAME[detail]
        return f"Thiếu {field.vi}", f"No {field.en}"
    if kind == "encoding":
        return _encoding_text(detail)
    if detail.startswith("leader-"):
        pos = detail.removeprefix("leader-")
        return (
            f"Đầu biểu vị trí {pos} có giá trị không hợp lệ",
            f"invalid value in leader position {pos}",
        )
    return code, code
