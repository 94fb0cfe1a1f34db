"""Dublin Core (oai_dc) both ways: MARC 21 -> DC for export and OAI-PMH, DC -> MARC 21
for records harvested from repositories (DSpace and others that speak only oai_dc).

MARC -> DC follows the Library of Congress crosswalk (unqualified) as LC's own
MARC21slim2OAIDC stylesheet applies it: names from 1XX/7XX go to dc:creator (the
crosswalk's table lists them under Contributor; harvesters read authors from
dc:creator), 651 and 752 to dc:coverage, notes to dc:description, ISBNs as URN:ISBN.

DC -> MARC follows LC's Dublin Core to MARC crosswalk: the first creator becomes the
main entry, a name with a comma ("Nguyễn, Văn A") is a person entered under the family
name, a name with a word of an organisation ("Viện", "Trường", "University"...) is a
corporate body. Identifiers become 020 (valid ISBNs), 022 (ISSNs), 856 (URLs) or 024.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from thuvien.catalog.marc.display import clean, minimal_008, parse_year
from thuvien.catalog.marc.extract import Extracted, extract
from thuvien.catalog.marc.isbn import compact_isbn, is_valid_isbn, is_valid_issn, normalize_issn
from thuvien.catalog.marc.record import ControlField, DataField, Record
from thuvien.kernel.text import fold_for_search, normalize_text

__all__ = [
    "OAI_DC_NS",
    "PURL_DC_NS",
    "DublinCoreError",
    "dc_elements",
    "name_field",
    "read_oai_dc",
]

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
PURL_DC_NS = "http://purl.org/dc/elements/1.1/"
_TYPES = {"a": "text", "c": "text", "d": "text", "t": "text"}
_TYPES.update(dict.fromkeys("efgk", "image"))
_TYPES.update(dict.fromkeys("ij", "sound"))
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SUBJECT_TAGS = ("050", "060", "080", "082", "600", "610", "611", "630", "650", "653")


class DublinCoreError(ValueError):
    """A Dublin Core record that cannot be read; the message is bilingual."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


# --- MARC -> DC -------------------------------------------------------------------


def _joined(f: DataField, codes: str, separator: str = " ") -> str:
    return clean(separator.join(v for c, v in f.subfields if c in codes and v.strip()))


def _dc_subjects(record: Record) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for f in record.data_fields(*_SUBJECT_TAGS):
        if f.tag in ("050", "060", "080", "082"):
            text = _joined(f, "ab")
        else:
            heading = _joined(f, "abcdqtnp")
            divisions = [clean(v) for c, v in f.subfields if c in "vxyz"]
            text = "--".join(p for p in [heading, *divisions] if p)
        if text:
            pairs.append(("subject", text))
    return pairs


def _dc_names(ex: Extracted) -> list[tuple[str, str]]:
    return [("creator", f"{c.name}, {c.dates}" if c.dates else c.name) for c in ex.contributors]


def _dc_identifiers(ex: Extracted, record: Record) -> list[tuple[str, str]]:
    pairs = [("identifier", f"URN:ISBN:{isbn}") for isbn in _catalogued_isbns(record)]
    pairs += [("identifier", f"URN:ISSN:{issn}") for issn in ex.issns]
    pairs += [("identifier", _joined(f, "a")) for f in record.data_fields("024") if f.get("a")]
    pairs += [("identifier", url) for url in ex.urls]
    return pairs


def _catalogued_isbns(record: Record) -> list[str]:
    """The ISBNs as catalogued (compacted), not their derived other forms."""
    found = (compact_isbn(v) for f in record.data_fields("020") for v in f.values("a"))
    return list(dict.fromkeys(i for i in found if i))


def _dc_languages(ex: Extracted, record: Record) -> list[tuple[str, str]]:
    codes = list(ex.languages)
    for f in record.data_fields("041"):
        for value in f.values("b", "e", "f", "g", "h", "j"):
            compact = value.strip().lower()
            if compact.isalpha() and len(compact) % 3 == 0:
                codes += [compact[i : i + 3] for i in range(0, len(compact), 3)]
    pairs = [("language", code) for code in dict.fromkeys(codes)]
    return pairs + [("language", _joined(f, "ab")) for f in record.data_fields("546")]


def _dc_type(record: Record) -> list[tuple[str, str]]:
    leader = record.leader.ljust(8)
    pairs = [("type", _TYPES[leader[6]])] if leader[6] in _TYPES else []
    if leader[7] in "cs":
        pairs.append(("type", "collection"))
    return pairs + [("type", _joined(f, "avxyz", "--")) for f in record.data_fields("655")]


def _dc_publication(ex: Extracted, record: Record) -> list[tuple[str, str]]:
    pairs = []
    imprint = [f for f in record.data_fields("264") if f.indicators[1:2] == "1"]
    for f in imprint or record.data_fields("260"):
        text = _joined(f, "ab")
        if text:
            pairs.append(("publisher", text))
    if ex.year is not None:
        pairs.append(("date", str(ex.year)))
    elif ex.date_text:
        pairs.append(("date", ex.date_text))
    return pairs


def _dc_notes(record: Record) -> list[tuple[str, str]]:
    """5XX notes to description (rights and other formats apart), linking entries
    760-787 to relation (786, the data source, to source)."""
    pairs = []
    for f in record.data_fields():
        if f.tag.startswith("5"):
            element = {"506": "rights", "540": "rights", "530": "relation"}.get(f.tag)
            if f.tag != "546":
                pairs.append((element or "description", _joined(f, _LETTERS)))
        elif "760" <= f.tag <= "787":
            pairs.append(("source" if f.tag == "786" else "relation", _joined(f, "ot")))
    return pairs


def dc_elements(record: Record, ex: Extracted | None = None) -> list[tuple[str, str]]:
    """(element, value) pairs of the record's unqualified Dublin Core, in DC order."""
    ex = ex or extract(record)
    pairs: list[tuple[str, str]] = []
    for f in record.data_fields("245", "246"):
        text = _joined(f, "abfgknp")
        if text:
            pairs.append(("title", text))
    pairs += _dc_names(ex)
    pairs += _dc_subjects(record)
    pairs += _dc_notes(record)
    pairs += _dc_publication(ex, record)
    pairs += _dc_type(record)
    pairs += [("format", _joined(f, "abcdefghijkmno")) for f in record.data_fields("340")]
    pairs += [("format", q) for f in record.data_fields("856") for q in f.values("q")]
    pairs += _dc_identifiers(ex, record)
    pairs += _dc_languages(ex, record)
    pairs += [("coverage", _joined(f, "abcdfghvxyz", "--")) for f in record.data_fields("651")]
    pairs += [("coverage", _joined(f, "abcdfgh", "--")) for f in record.data_fields("662", "752")]
    order = {name: i for i, name in enumerate(_DC_ORDER)}
    return sorted(((n, v) for n, v in pairs if v), key=lambda pair: order[pair[0]])


_DC_ORDER = (
    "title creator subject description publisher contributor date type format identifier "
    "source language relation coverage rights"
).split()


# --- DC -> MARC -------------------------------------------------------------------

_ORGANISATION_WORDS = frozenset(
    fold_for_search(word)
    for word in (
        "thư viện viện trường đại học học viện bộ sở ủy ban uỷ ban hội trung tâm công ty "
        "nhà xuất bản ban tổng cục cục liên hiệp tập đoàn đảng quốc hội "
        "university library institute association ministry department company council "
        "committee society center centre college school foundation press agency"
    ).split()
)
_LANGUAGE_NAMES = {
    "vi": "vie", "vn": "vie", "vie": "vie", "tiếng việt": "vie", "vietnamese": "vie",
    "en": "eng", "eng": "eng", "tiếng anh": "eng", "english": "eng",
    "fr": "fre", "fra": "fre", "fre": "fre", "tiếng pháp": "fre", "french": "fre",
    "zh": "chi", "zho": "chi", "chi": "chi", "tiếng trung": "chi", "chinese": "chi",
    "ru": "rus", "rus": "rus", "tiếng nga": "rus", "russian": "rus",
    "de": "ger", "deu": "ger", "ger": "ger", "german": "ger",
    "ja": "jpn", "jpn": "jpn", "japanese": "jpn", "ko": "kor", "kor": "kor", "korean": "kor",
    "lo": "lao", "lao": "lao", "km": "khm", "khm": "khm", "es": "spa", "spa": "spa",
}  # fmt: skip
_THESES = frozenset(
    fold_for_search(t) for t in ("thesis", "dissertation", "luận văn", "luận án", "khóa luận")
)
_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_URL = re.compile(r"^(?:https?|ftp)://\S+$", re.IGNORECASE)
_LEADER_TYPES = {
    "text": "a", "book": "a", "article": "a", "thesis": "a", "sách": "a",
    "image": "k", "stillimage": "k", "movingimage": "g", "video": "g",
    "sound": "i", "software": "m", "dataset": "m", "physicalobject": "r",
    "cartographic": "e", "map": "e",
}  # fmt: skip


def _dc_values(root: etree._Element) -> list[tuple[str, str]]:
    values = []
    for child in root:
        if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{PURL_DC_NS}}}"):
            continue
        text = normalize_text("".join(child.itertext()))
        if text:
            values.append((etree.QName(child).localname, text))
    return values


def _find_dc(element: etree._Element) -> etree._Element:
    if element.tag == f"{{{OAI_DC_NS}}}dc":
        return element
    found = next(element.iter(f"{{{OAI_DC_NS}}}dc"), None)
    if found is None:
        raise DublinCoreError(
            "Không tìm thấy phần tử oai_dc:dc trong tài liệu",
            "No oai_dc:dc element found in the document",
        )
    return found


def _is_organisation(name: str) -> bool:
    words = fold_for_search(name).replace(",", " ").split()
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words) - 1)}
    return bool(_ORGANISATION_WORDS & (set(words) | pairs))


def name_field(name: str, main: bool) -> DataField:
    """100/110 (main) or 700/710 for a name whose kind the source does not say."""
    tag = ("1" if main else "7") + ("10" if _is_organisation(name) else "00")
    ind1 = "2" if tag.endswith("10") else ("1" if "," in name else "0")
    return DataField(tag, ind1 + " ", [("a", name)])


def _language_code(value: str) -> str | None:
    lowered = value.strip().lower()
    if lowered in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[lowered]
    tag = _LANGUAGE_TAG.match(lowered)
    if tag:
        return _LANGUAGE_NAMES.get(tag.group(1), tag.group(1) if len(tag.group(1)) == 3 else None)
    return None


def _identifier_field(value: str) -> DataField:
    stripped = re.sub(r"^(?:urn:)?(?:isbn|issn)[:\s]*", "", value, flags=re.IGNORECASE)
    if _URL.match(value):
        return DataField("856", "40", [("u", value)])
    if value.upper().startswith(("URN:ISSN", "ISSN")) or (
        len(compact_isbn(value) or "") not in (10, 13) and is_valid_issn(value)
    ):
        return DataField("022", "  ", [("a", normalize_issn(stripped) or stripped)])
    if value.upper().startswith(("URN:ISBN", "ISBN")) or is_valid_isbn(value):
        isbn = compact_isbn(stripped)
        return DataField("020", "  ", [("a" if is_valid_isbn(stripped) else "z", isbn or value)])
    return DataField("024", "8 ", [("a", value)])


def _fixed_fields(values: list[tuple[str, str]], entered: date) -> tuple[str, str]:
    kinds = [v.lower().replace(" ", "") for n, v in values if n == "type"]
    record_type = next((_LEADER_TYPES[k] for k in kinds if k in _LEADER_TYPES), "a")
    level = "c" if "collection" in kinds else "m"
    years = [parse_year(v) for n, v in values if n == "date"]
    year = next((y for y in years if y), None)
    languages = [c for n, v in values if n == "language" and (c := _language_code(v))]
    # Leader/18 'c': the fields carry no ISBD punctuation.
    leader = f"00000n{record_type}{level} a2200000uc 4500"
    f008 = minimal_008(entered, year, languages[0] if languages else None)
    return leader, f008


def read_oai_dc(element: etree._Element, *, entered: date | None = None) -> Record:
    """A MARC 21 record from an oai_dc record (parsed by ``thuvien.kernel.xml``).

    ``entered`` is the date written in 008/00-05 (today by default).
    """
    values = _dc_values(_find_dc(element))
    titles = [v for n, v in values if n == "title"]
    if not titles:
        raise DublinCoreError(
            "Bản ghi Dublin Core không có nhan đề (dc:title)",
            "The Dublin Core record has no title (dc:title)",
        )
    leader, f008 = _fixed_fields(values, entered or date.today())
    fields: list[ControlField | DataField] = [ControlField("008", f008)]
    fields += _identifier_fields(values)
    fields += _language_fields(values)
    creators = [v for n, v in values if n == "creator"]
    contributors = [v for n, v in values if n == "contributor"]
    fields += [name_field(name, i == 0) for i, name in enumerate(creators)]
    fields += [name_field(name, False) for name in contributors if name not in creators]
    has_main = any(f.tag.startswith("1") for f in fields)
    fields.append(DataField("245", ("1" if has_main else "0") + "0", [("a", titles[0])]))
    fields += [DataField("246", "33", [("a", t)]) for t in titles[1:]]
    fields += _publication_fields(values)
    fields += _note_fields(values)
    fields += [DataField("650", " 4", [("a", v)]) for n, v in values if n == "subject"]
    types = [v for n, v in values if n == "type"]
    fields += [DataField("655", " 7", [("a", v), ("2", "local")]) for v in types]
    # A thesis says so in 502, which is where MARC 21 (and our format facet) looks.
    fields += [DataField("502", "  ", [("a", v)]) for v in types if fold_for_search(v) in _THESES]
    _attach_media_types(fields, [v for n, v in values if n == "format" and "/" in v])
    return Record(leader, _in_tag_order(fields))


def _attach_media_types(fields: list[ControlField | DataField], media: list[str]) -> None:
    """dc:format holding a media type ("application/pdf") goes to 856 $q."""
    links = [f for f in fields if isinstance(f, DataField) and f.tag == "856"]
    for i, media_type in enumerate(media):
        if i < len(links):
            links[i].subfields.append(("q", media_type))
        else:
            fields.append(DataField("856", "4 ", [("q", media_type)]))


def _in_tag_order(fields: list[ControlField | DataField]) -> list[ControlField | DataField]:
    return sorted(fields, key=lambda f: f.tag)


def _identifier_fields(values: list[tuple[str, str]]) -> list[DataField]:
    return [_identifier_field(v) for n, v in values if n == "identifier"]


def _language_fields(values: list[tuple[str, str]]) -> list[DataField]:
    codes: list[str] = []
    unknown: list[str] = []
    for name, value in values:
        if name != "language":
            continue
        code = _language_code(value)
        if code:
            codes.append(code)
        else:
            unknown.append(value)
    fields = [DataField("041", "  ", [("a", c) for c in dict.fromkeys(codes)])] if codes else []
    return fields + [DataField("546", "  ", [("a", v)]) for v in unknown]


def _publication_fields(values: list[tuple[str, str]]) -> list[DataField]:
    subfields = [("b", v) for n, v in values if n == "publisher"]
    subfields += [("c", v) for n, v in values if n == "date"][:1]
    extents = [v for n, v in values if n == "format" and "/" not in v]
    fields = [DataField("260", "  ", subfields)] if subfields else []
    return fields + [DataField("300", "  ", [("a", v)]) for v in extents[:1]]


def _note_fields(values: list[tuple[str, str]]) -> list[DataField]:
    tags = {"description": "520", "rights": "540", "coverage": "500", "source": "786"}
    fields = []
    for name, value in values:
        if name in tags:
            code = "n" if name == "source" else "a"
            fields.append(
                DataField(tags[name], "0 " if name == "source" else "  ", [(code, value)])
            )
        elif name == "relation":
            fields.append(DataField("787", "0 ", [("n", value)]))
    return fields
