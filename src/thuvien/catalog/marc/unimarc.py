"""UNIMARC records, common in some Vietnamese exports: recognise them and convert the
bibliographic description to MARC 21, or refuse plainly.

UNIMARC fields carry no ISBD punctuation (it is generated from the subfields); MARC 21
carries it in the data, so the conversion writes it ("Tên sách : phụ đề / Tác giả.")
and the leader says so (leader/18 'i'). What has no MARC 21 place (most coded data
blocks 105-1XX, embedded links other than series and host items) is left out and
listed in ``Conversion.dropped``; a record without a title, or one that is not
bibliographic (an authority record), is refused with the reason in Vietnamese and
English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from thuvien.catalog.marc.record import ControlField, DataField, Record

__all__ = ["Conversion", "UnimarcError", "convert", "is_unimarc", "to_marc21", "unimarc_signs"]

_CODED_100 = re.compile(r"^\d{8}[a-kmu ]")
# Non-sort markers around a leading article: NSB/NSE (U+0088/U+0089, ISO 6630) and the
# U+0098/U+009C pair that Koha writes.
_NON_SORT = re.compile("[\x88\x89\x98\x9c]")
# Record types: UNIMARC b (manuscript text), l (electronic), m (multimedia) differ.
_TYPES = {"b": "t", "l": "m", "m": "o"}
_VALID_TYPES = frozenset("abcdefgijklmr")
# UNIMARC 100/8 type of publication date -> MARC 21 008/06.
_DATE_TYPES = {
    "a": "c", "b": "d", "c": "u", "d": "s", "e": "r", "f": "q", "g": "m", "h": "t",
    "i": "p", "j": "e", "k": "s", "u": "n",
}  # fmt: skip
_COUNTRIES = {
    "VN": "vm ", "US": "xxu", "GB": "xxk", "FR": "fr ", "CN": "cc ", "JP": "ja ",
    "DE": "gw ", "RU": "ru ", "KR": "ko ", "LA": "ls ", "KH": "cb ", "TH": "th ",
}  # fmt: skip
_RELATORS = {
    "010": "adp", "020": "ann", "070": "aut", "075": "aft", "080": "aui", "205": "ctb",
    "212": "cwt", "220": "com", "340": "edt", "440": "ill", "557": "orm", "595": "rth",
    "600": "pht", "651": "pbd", "673": "rtm", "710": "red", "727": "ths", "730": "trl",
}  # fmt: skip
_NOTES = {"320": "504", "322": "508", "323": "511", "327": "505", "328": "502", "330": "520",
          "332": "524", "333": "521", "334": "586", "336": "516", "337": "538"}  # fmt: skip
_VARIANT_TITLES = {"510": "1", "512": "4", "513": "5", "514": "6", "515": "7", "516": "8",
                   "517": " ", "518": " ", "532": " ", "540": " ", "545": " "}  # fmt: skip
_SUBJECTS = {"600": "600", "601": "610", "602": "600", "605": "630", "606": "650",
             "607": "651", "608": "655"}  # fmt: skip
_LINKS = {"410": "830", "461": "773", "463": "773", "451": "775", "452": "776",
          "454": "765", "488": "787"}  # fmt: skip
_KOHA_ITEMS = {"b": "a", "c": "b", "e": "c", "f": "p", "k": "o", "o": "7", "n": "q", "r": "y"}


class UnimarcError(ValueError):
    """A UNIMARC record refused: it cannot be converted faithfully (bilingual message)."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass(slots=True)
class Conversion:
    """The MARC 21 record and what was left out, one bilingual line per field."""

    record: Record
    dropped: list[str] = field(default_factory=list)


def unimarc_signs(record: Record) -> list[str]:
    """What in ``record`` is UNIMARC and not MARC 21 (empty for a MARC 21 record)."""
    signs = []
    if any(f.get("a") for f in record.data_fields("200")):
        signs.append("200 $a (title proper)")
    if any(_CODED_100.match(f.get("a") or "") for f in record.data_fields("100")):
        signs.append("100 $a (general processing data)")
    languages = [(f.get("a") or "").strip() for f in record.data_fields("101")]
    if any(re.fullmatch(r"[a-z]{3}", code) for code in languages):
        signs.append("101 $a (language)")
    if any(f.indicators[:1] == " " and f.get("b") for f in record.data_fields("700", "701")):
        signs.append("700/701 $b (part of name)")
    if record.data_fields("801"):
        signs.append("801 (originating source)")
    return signs


def is_unimarc(record: Record) -> bool:
    """A title in 200 $a, no 245, and at least one more UNIMARC sign."""
    if record.data_fields("245"):
        return False
    signs = unimarc_signs(record)
    return bool(signs) and signs[0].startswith("200") and len(signs) >= 2


# --- helpers ----------------------------------------------------------------------


def _text(value: str) -> str:
    return " ".join(_NON_SORT.sub("", value).split())


def _get(f: DataField, code: str) -> str:
    return _text(f.get(code) or "")


def _all(f: DataField, code: str) -> list[str]:
    return [t for t in (_text(v) for v in f.values(code)) if t]


def _punctuated(parts: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(code, value, mark) -> subfields where each value ends with the ISBD mark that
    introduces the next one, and the last with a full stop."""
    kept = [(c, v, m) for c, v, m in parts if v]
    out = []
    for i, (code, value, _) in enumerate(kept):
        following = kept[i + 1][2] if i + 1 < len(kept) else "."
        if following == ".":
            end = "" if value.endswith((".", "?", "!")) else "."
        else:
            end = following if following in ("", ",") else f" {following}"
        out.append((code, value + end))
    return out


def _nonfiling(value: str) -> str:
    """245 ind2 from UNIMARC's non-sort markers around a leading article."""
    if value[:1] in ("\x88", "\x98"):
        end = next((i for i, c in enumerate(value) if c in ("\x89", "\x9c")), 0)
        return str(min(end - 1, 9)) if end > 1 else "0"
    return "0"


# --- descriptive fields -----------------------------------------------------------


def _title(f: DataField, has_main: bool) -> DataField:
    parts: list[tuple[str, str, str]] = [("a", " ; ".join(_all(f, "a")), "")]
    for code, raw in f.subfields:
        if code in "hi" and _text(raw):
            after_number = code == "i" and parts[-1][0] == "n"
            parts.append(("n" if code == "h" else "p", _text(raw), "," if after_number else "."))
    parts += [("h", f"[{v}]", "") for v in _all(f, "b")]
    rest = [(":", v) for v in _all(f, "e")] + [("=", v) for v in _all(f, "d")]
    if rest:
        first_mark, first = rest[0]
        joined = first + "".join(f" {m} {v}" for m, v in rest[1:])
        parts.append(("b", joined, first_mark))
    responsibility = " ; ".join(_all(f, "f") + _all(f, "g"))
    responsibility += "".join(f". {v}" for v in _all(f, "c"))
    parts.append(("c", responsibility, "/"))
    ind2 = _nonfiling(f.get("a") or "")
    return DataField("245", ("1" if has_main else "0") + ind2, _punctuated(parts))


def _edition(f: DataField) -> list[DataField]:
    statement = ", ".join(_all(f, "a") + _all(f, "b"))
    parts = [("a", statement, ""), ("b", " ; ".join(_all(f, "f")), "/")]
    return [DataField("250", "  ", _punctuated(parts))] if statement else []


def _publication(f: DataField) -> list[DataField]:
    """210/214: "Place : Publisher ; Place : Publisher, Date (Place : Printer, Date)"."""
    targets = {"a": "a", "c": "b", "d": "c", "e": "e", "g": "f", "h": "g"}
    marks = {"b": ":", "c": ",", "e": "", "f": ":", "g": ","}
    parts: list[tuple[str, str, str]] = []
    for code, raw in f.subfields:
        value = _text(raw)
        if code not in targets or not value:
            continue
        target = targets[code]
        seen_place = any(p[0] == "a" for p in parts)
        parts.append(
            (target, value, (";" if seen_place else "") if target == "a" else marks[target])
        )
    manufacture = [i for i, p in enumerate(parts) if p[0] in "efg"]
    if manufacture:
        first, last = manufacture[0], manufacture[-1]
        parts[first] = (parts[first][0], "(" + parts[first][1], parts[first][2])
        parts[last] = (parts[last][0], parts[last][1] + ")", parts[last][2])
    if not parts:
        return []
    if f.tag == "214":
        return [DataField("264", " " + (f.indicators[1:2] or "1"), _punctuated(parts))]
    return [DataField("260", "  ", _punctuated(parts))]


def _physical(f: DataField) -> list[DataField]:
    parts = [("a", ", ".join(_all(f, "a")), ""), ("b", ", ".join(_all(f, "c")), ":"),
             ("c", ", ".join(_all(f, "d")), ";"), ("e", ", ".join(_all(f, "e")), "+")]  # fmt: skip
    return [DataField("300", "  ", _punctuated(parts))]


def _series(f: DataField) -> list[DataField]:
    title = _get(f, "a")
    title += "".join(f". {v}" for v in _all(f, "h")) + "".join(f", {v}" for v in _all(f, "i"))
    title += "".join(f" = {v}" for v in _all(f, "d")) + "".join(f" : {v}" for v in _all(f, "e"))
    title += "".join(f" / {v}" for v in _all(f, "f"))
    subfields = [("a", title + (" ;" if f.get("v") else ""))] if title else []
    subfields += [("x", v) for v in _all(f, "x")] + [("v", v) for v in _all(f, "v")]
    return [DataField("490", "0 ", subfields)] if subfields else []


def _link(f: DataField) -> list[DataField]:
    """Series (410) and host item (461/463) links, from $t or an embedded 200 $a."""
    title, volume, embedded = "", "", ""
    for code, value in f.subfields:
        if code == "1":
            embedded = value[:3]
        elif (code == "t" and not embedded) or (code == "a" and embedded == "200"):
            title = title or _text(value)
        elif code == "v":
            volume = _text(value)
    if not title:
        return []
    tag = _LINKS[f.tag]
    if tag == "830":
        ending = [("v", volume + ".")] if volume else []
        return [DataField(tag, " 0", [("a", title + (" ;" if volume else ".")), *ending])]
    return [DataField(tag, "0 ", [("t", title)] + ([("g", volume)] if volume else []))]


# --- access points ----------------------------------------------------------------


def _name_subfields(f: DataField) -> list[tuple[str, str]]:
    entry, rest = _get(f, "a"), _get(f, "b")
    surname_first = f.indicators[1:2] == "1"
    name = f"{entry}, {rest}" if surname_first and rest else f"{entry} {rest}".strip()
    subfields = [("a", name)]
    subfields += [("b", v) for v in _all(f, "d")] + [("c", v) for v in _all(f, "c")]
    subfields += [("q", f"({v})") for v in _all(f, "g")] + [("d", v) for v in _all(f, "f")]
    return subfields


def _corporate_subfields(f: DataField) -> list[tuple[str, str]]:
    name = _get(f, "a") + "".join(f" ({v})" for v in _all(f, "c"))
    subfields = [("a", name)] + [("b", v) for v in _all(f, "b")]
    if f.indicators[:1] != "1":
        return subfields
    # A meeting: "Name (number : date : place)".
    details = [("n", _get(f, "d")), ("d", _get(f, "f")), ("c", _get(f, "e"))]
    details = [(c, v) for c, v in details if v]
    for i, (code, value) in enumerate(details):
        opening = "(" if i == 0 else ""
        closing = ")" if i == len(details) - 1 else " :"
        subfields.append((code, f"{opening}{value}{closing}"))
    return subfields


def _relators(f: DataField, dropped: list[str]) -> list[tuple[str, str]]:
    codes = []
    for code in _all(f, "4"):
        if code in _RELATORS:
            codes.append(("4", _RELATORS[code]))
        else:
            dropped.append(f"{f.tag} $4 {code}: mã trách nhiệm không rõ / unknown relator code")
    return codes


def _with_stop(subfields: list[tuple[str, str]], personal: bool = False) -> list[tuple[str, str]]:
    """Access points end with a full stop (or a closing mark) before $4; in a personal
    name a comma comes before the dates, titles and fuller form."""
    names = [i for i, (c, _) in enumerate(subfields) if c != "4"]
    if names:
        i = names[-1]
        code, value = subfields[i]
        if not value.endswith((".", "-", ")", "?", "!")):
            subfields[i] = (code, value + ".")
    for i in names[:-1] if personal else []:
        code, value = subfields[i]
        following = subfields[i + 1][0]
        if following in "dcq" and not value.endswith(","):
            subfields[i] = (code, value + ",")
    return subfields


def _name(f: DataField, dropped: list[str]) -> list[DataField]:
    main = f.tag in ("700", "710", "720")
    if f.tag[1] == "0":
        tag, ind1, subfields = "00", ("1" if f.indicators[1:2] == "1" else "0"), _name_subfields(f)
    elif f.tag[1] == "1":
        meeting = f.indicators[:1] == "1"
        tag, ind1, subfields = ("11" if meeting else "10"), "2", _corporate_subfields(f)
    else:
        tag, ind1, subfields = "00", "3", [("a", _get(f, "a")), ("d", _get(f, "f"))]
    subfields = [(c, v) for c, v in subfields if v]
    if not subfields or subfields[0][0] != "a":
        return []
    field_tag = ("1" if main else "7") + tag
    named = _with_stop(subfields, personal=tag == "00")
    return [DataField(field_tag, ind1 + " ", named + _relators(f, dropped))]


def _subject(f: DataField) -> list[DataField]:
    tag = _SUBJECTS[f.tag]
    if f.tag == "600":
        heading, ind1 = _name_subfields(f), "1" if f.indicators[1:2] == "1" else "0"
    elif f.tag == "601":
        heading, ind1 = _corporate_subfields(f), "2"
        tag = "611" if f.indicators[:1] == "1" else tag
    elif f.tag == "602":
        heading, ind1 = [("a", _get(f, "a")), ("d", _get(f, "f"))], "3"
    else:
        heading, ind1 = [("a", _get(f, "a"))], " "
    # UNIMARC $y is geographic and $z chronological: the other way round in MARC 21.
    swap = {"x": "x", "y": "z", "z": "y", "j": "v"}
    divisions = [(swap[c], _text(v)) for c, v in f.subfields if c in swap and _text(v)]
    system = _get(f, "2")
    subfields = [(c, v) for c, v in heading if v] + divisions
    if not subfields:
        return []
    ind2 = "0" if system.lower() in ("lc", "lcsh") else ("7" if system else "4")
    source = [("2", system)] if ind2 == "7" else []
    personal = f.tag in ("600", "602")
    return [DataField(tag, ind1 + ind2, _with_stop(subfields, personal) + source)]


def _classification(f: DataField) -> list[DataField]:
    """675 UDC -> 080, 676 DDC -> 082, 680 LC -> 050, 686 other -> 084."""
    number = _get(f, "a")
    if not number:
        return []
    tag, indicators = {"675": ("080", "  "), "676": ("082", "04"), "680": ("050", " 4")}.get(
        f.tag, ("084", "  ")
    )
    extra = {"675": "v", "676": "v", "680": "b"}.get(f.tag, "2")
    code = "b" if extra == "b" else "2"
    return [DataField(tag, indicators, [("a", number)] + [(code, v) for v in _all(f, extra)])]


# --- coded data, identifiers, notes -----------------------------------------------


def _coded_data(record: Record) -> str:
    """100 $a as stored: its meaning is in the character positions, so its spaces count."""
    raw = next((f.get("a") for f in record.data_fields("100") if f.get("a")), None)
    return (raw or "").ljust(36)


def _fixed_fields(record: Record) -> list[ControlField]:
    """008 from 100 (dates, entry date), 101 (language) and 102 (country)."""
    coded = _coded_data(record)
    language = next((_get(f, "a")[:3] for f in record.data_fields("101") if f.get("a")), "")
    country = next((_get(f, "a").upper()[:2] for f in record.data_fields("102")), "")
    entered = coded[2:8] if coded[:8].isascii() and coded[:8].isdigit() else "000000"
    date_type = _DATE_TYPES.get(coded[8], "|")
    date1 = coded[9:13].replace(" ", "u" if date_type != "n" else " ")
    language = language if re.fullmatch(r"[a-z]{3}", language) else "und"
    place = _COUNTRIES.get(country, "xx ")
    f008 = f"{entered}{date_type}{date1}{coded[13:17]}{place}{' ' * 17}{language} d"
    return [ControlField("008", f008)]


def _languages(f: DataField) -> list[DataField]:
    subfields = [("a", v) for v in _all(f, "a")] + [("h", v) for v in _all(f, "c")]
    translated = "1" if f.indicators[:1] == "1" else "0"
    return [DataField("041", translated + " ", subfields)] if subfields else []


def _identifier(f: DataField) -> list[DataField]:
    if f.tag == "010":
        subfields = [("a", v) for v in _all(f, "a")] + [("q", v) for v in _all(f, "b")]
        subfields += [("c", v) for v in _all(f, "d")] + [("z", v) for v in _all(f, "z")]
        return [DataField("020", "  ", subfields)] if subfields else []
    subfields = [("a", v) for v in _all(f, "a")] + [("z", v) for v in _all(f, "y")]
    subfields += [("y", v) for v in _all(f, "z")]
    return [DataField("022", "  ", subfields)] if subfields else []


def _note(f: DataField) -> list[DataField]:
    text = " ".join(_all(f, "a"))
    if not text:
        return []
    tag = _NOTES.get(f.tag, "500")
    return [DataField(tag, "0 " if tag == "505" else "  ", [("a", text)])]


def _variant_title(f: DataField) -> list[DataField]:
    title = _get(f, "a") + "".join(f" : {v}" for v in _all(f, "e"))
    return [DataField("246", "3" + _VARIANT_TITLES[f.tag], [("a", title)])] if title else []


def _uniform_title(f: DataField, has_main: bool) -> list[DataField]:
    subfields = [("a", _get(f, "a"))] + [("n", v) for v in _all(f, "h")]
    subfields += [("p", v) for v in _all(f, "i")] + [("l", v) for v in _all(f, "m")]
    subfields += [("f", v) for v in _all(f, "k")]
    if not subfields[0][1]:
        return []
    return [DataField("240" if has_main else "130", "10" if has_main else "0 ", subfields)]


def _source(fields: list[DataField], language: str) -> list[DataField]:
    """801 originating (ind2 0/1) and modifying (2) agencies -> 040."""
    original = [_get(f, "b") for f in fields if f.indicators[1:2] in ("0", "1") and f.get("b")]
    modifying = [_get(f, "b") for f in fields if f.indicators[1:2] == "2" and f.get("b")]
    if not original:
        return []
    subfields = [("a", original[0])] + ([("b", language)] if language else [])
    subfields += [("c", original[0])] + [("d", v) for v in dict.fromkeys(modifying)]
    return [DataField("040", "  ", subfields)]


def _koha_items(f: DataField) -> list[DataField]:
    """Koha's UNIMARC item field 995 -> its MARC 21 item field 952."""
    subfields = [(_KOHA_ITEMS[c], _text(v)) for c, v in f.subfields if c in _KOHA_ITEMS]
    return [DataField("952", "  ", subfields)] if subfields else []


# --- the whole record -------------------------------------------------------------


def _refuse_unless_convertible(record: Record) -> None:
    if record.data_fields("245"):
        raise UnimarcError(
            "Bản ghi đã có trường 245: đây là MARC 21, không phải UNIMARC",
            "The record already has field 245: it is MARC 21, not UNIMARC",
        )
    record_type = record.leader[6:7]
    if record_type in ("x", "y", "z") or record_type not in _VALID_TYPES:
        raise UnimarcError(
            f"Đầu biểu vị trí 6 = {record_type!r}: không phải bản ghi thư mục UNIMARC",
            f"Leader position 6 = {record_type!r}: not a UNIMARC bibliographic record",
        )
    if not any(_get(f, "a") for f in record.data_fields("200")):
        raise UnimarcError(
            "Bản ghi UNIMARC không có nhan đề chính (trường 200 $a)",
            "The UNIMARC record has no title proper (field 200 $a)",
        )


def _leader(record: Record) -> str:
    leader = record.leader.ljust(24)
    record_type = _TYPES.get(leader[6], leader[6])
    # 17: UNIMARC ' ' full, 1-3 less than full; 18 'i': ISBD punctuation in the data.
    level = leader[17] if leader[17] in " 1237" else "u"
    return f"00000{leader[5]}{record_type}{leader[7]} a2200000{level}i 4500"


@dataclass(slots=True)
class _Context:
    has_main: bool  # a 700/710/720 becomes the main entry (1XX)
    dropped: list[str]


_Converter = Callable[[DataField, _Context], list[DataField]]


def _plain(convert: Callable[[DataField], list[DataField]]) -> _Converter:
    return lambda f, ctx: convert(f)


_CONVERTERS: dict[str, _Converter] = {
    "010": _plain(_identifier), "011": _plain(_identifier), "101": _plain(_languages),
    "200": lambda f, ctx: [_title(f, ctx.has_main)], "205": _plain(_edition),
    "210": _plain(_publication), "214": _plain(_publication), "215": _plain(_physical),
    "225": _plain(_series), "500": lambda f, ctx: _uniform_title(f, ctx.has_main),
    "610": lambda f, ctx: [DataField("653", "  ", [("a", v) for v in _all(f, "a")])],
    "995": _plain(_koha_items),
    **dict.fromkeys(_LINKS, _plain(_link)),
    **dict.fromkeys(_VARIANT_TITLES, _plain(_variant_title)),
    **dict.fromkeys(_SUBJECTS, _plain(_subject)),
    **dict.fromkeys(("675", "676", "680", "686"), _plain(_classification)),
    **dict.fromkeys(("700", "701", "702", "710", "711", "712", "720", "721", "722"),
                    lambda f, ctx: _name(f, ctx.dropped)),
}  # fmt: skip


def _convert_field(f: DataField, ctx: _Context) -> list[DataField]:
    if f.tag in ("100", "102", "801"):
        return []  # read into 008 and 040
    if f.tag.startswith("3"):
        return _note(f)
    converter = _CONVERTERS.get(f.tag)
    if converter is not None:
        return [converted for converted in converter(f, ctx) if converted.subfields]
    if f.tag in ("035", "856") or f.tag.startswith("9"):  # same meaning in both formats
        return [DataField(f.tag, f.indicators, [(c, _text(v)) for c, v in f.subfields])]
    ctx.dropped.append(f"{f.tag}: không có trường MARC 21 tương ứng / no MARC 21 equivalent")
    return []


def to_marc21(record: Record) -> Record:
    """The MARC 21 form of a UNIMARC bibliographic record, or UnimarcError."""
    return convert(record).record


def convert(record: Record) -> Conversion:
    """Convert a UNIMARC bibliographic record to MARC 21 and say what was left out;
    raise UnimarcError (bilingual) when it cannot be converted faithfully."""
    _refuse_unless_convertible(record)
    has_main = any(_get(f, "a") for f in record.data_fields("700", "710", "720"))
    ctx = _Context(has_main, [])
    fields: list[ControlField | DataField] = []
    for f in record.fields:
        if isinstance(f, DataField):
            fields.extend(_convert_field(f, ctx))
        elif f.tag in ("001", "003", "005"):
            fields.append(ControlField(f.tag, f.value))
    fields.extend(_fixed_fields(record))
    coded = _coded_data(record)
    fields.extend(_source(record.data_fields("801"), coded[22:25].strip()))
    fields.sort(key=lambda f: f.tag)
    if any(f.tag == "830" for f in fields):  # the series is traced: 490 ind1 '1'
        for f in fields:
            if isinstance(f, DataField) and f.tag == "490":
                f.indicators = "1" + f.indicators[1:]
    return Conversion(Record(_leader(record), fields), ctx.dropped)
