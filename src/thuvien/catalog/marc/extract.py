"""What the union catalogue reads out of a MARC 21 bibliographic record: plain values
for the search index, the record page, citations and deduplication.

Values are cleaned of the ISBD punctuation that joins subfields (" /", " :", final
full stops) but otherwise kept as catalogued; search folding happens in the index.
The statement of responsibility (245 $c) is kept for display and never read as an
author: it is transcribed from the title page ("bản dịch của ...", "[et al.]") and
names people in any order and role. Authors come from the 1XX/7XX headings only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from thuvien.catalog.marc.display import (
    FORMAT_LABELS,
    clean,
    detect_format,
    has_vietnamese_letters,
    is_electronic,
    is_unknown_place,
    is_unknown_publisher,
    parse_pages,
    parse_year,
    strip_brackets,
)
from thuvien.catalog.marc.isbn import (
    compact_isbn,
    is_valid_isbn,
    is_valid_issn,
    isbn_keys,
    normalize_issn,
    normalize_lccn,
    oclc_number,
)
from thuvien.catalog.marc.record import DataField, Record
from thuvien.kernel.text import fold_for_search, search_key, tokens

__all__ = ["FORMAT_LABELS", "Contributor", "Extracted", "Holding", "extract", "holdings"]

_NAME_KINDS = {"00": "person", "10": "organisation", "11": "meeting", "20": "person"}
# Subfields that form the name itself (dates, relators and titles are kept apart).
_NAME_PARTS = {"person": "abcq", "organisation": "abcdgn", "meeting": "acdegnq"}
_RELATOR_CODES = {"person": "e4", "organisation": "e4", "meeting": "j4"}
_SUBDIVISIONS = frozenset("vxyz")
_CONTROL_SUBFIELDS = frozenset("0123456789")
_LANGUAGE = re.compile(r"^[a-z]{3}$")
_NOT_LANGUAGES = frozenset({"und", "zxx", "|||"})


@dataclass(frozen=True, slots=True)
class Contributor:
    """A name heading from 1XX/7XX, without dates or relator terms."""

    name: str  # "Nguyễn, Khắc Mai", "Vietnam. Quân đội nhân dân"
    kind: str  # person | family | organisation | meeting
    roles: tuple[str, ...] = ()  # relator terms and codes as catalogued ("editor", "edt")
    dates: str | None = None  # "1949-"
    main: bool = False  # the main entry (1XX)
    inverted: bool = False  # a person entered under the family name ("Surname, Forenames")
    tag: str = ""


@dataclass(frozen=True, slots=True)
class Holding:
    """The copies one library (or branch) holds at one place under one call number."""

    library: str | None  # 852 $a, or the Koha home branch (952 $a)
    location: str | None  # shelving location: 852 $b $c, Koha 952 $c
    call_number: str | None
    items: int
    available: int | None  # None when the source says nothing about availability
    barcodes: tuple[str, ...] = ()
    source: str = ""  # "852" or "952"


@dataclass(slots=True)
class Extracted:
    """Plain values read from one record."""

    control_number: str | None = None
    lccn: str | None = None
    oclc_numbers: list[str] = field(default_factory=list)
    title: str = ""
    title_proper: str = ""
    subtitle: str | None = None
    parallel_title: str | None = None
    title_sort: str = ""
    variant_titles: list[str] = field(default_factory=list)
    uniform_title: str | None = None
    statement_of_responsibility: str | None = None
    contributors: list[Contributor] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    date_text: str | None = None
    year: int | None = None
    edition: str | None = None
    extent: str | None = None
    pages: int | None = None
    physical_details: str | None = None
    dimensions: str | None = None
    series: list[str] = field(default_factory=list)
    language: str | None = None
    languages: list[str] = field(default_factory=list)
    format: str = "other"
    electronic: bool = False
    isbns: list[str] = field(default_factory=list)
    invalid_isbns: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)
    invalid_issns: list[str] = field(default_factory=list)
    ddc: list[str] = field(default_factory=list)
    udc: list[str] = field(default_factory=list)
    lcc: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: str | None = None
    urls: list[str] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    vietnamese: bool = False

    @property
    def authors(self) -> list[str]:
        """Every 1XX/7XX name, main entry first."""
        return [c.name for c in self.contributors]

    @property
    def responsibility(self) -> str | None:
        """Short name for the statement of responsibility (245 $c)."""
        return self.statement_of_responsibility

    @property
    def classifications(self) -> list[str]:
        """DDC, UDC and LC numbers together, for one search field."""
        return [*self.ddc, *self.udc, *self.lcc]

    @property
    def publisher(self) -> str | None:
        return self.publishers[0] if self.publishers else None

    @property
    def place(self) -> str | None:
        return self.places[0] if self.places else None

    def as_dict(self) -> dict:
        return asdict(self)


def _unique(values: list[str]) -> list[str]:
    """Drop empty values and repeats that differ only in case or diacritics' form."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = search_key(value)
        if value and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def _joined(f: DataField, codes: str) -> str:
    wanted = frozenset(codes)
    return clean(" ".join(v for c, v in f.subfields if c in wanted and v.strip()))


# --- titles -----------------------------------------------------------------------


def _title(f: DataField) -> tuple[str, str | None, str | None]:
    """(title proper, other title information, parallel title) from 245 $a $b $n $p.

    A $b introduced by "=" at the end of the subfield before it is a parallel title.
    """
    proper: list[str] = []
    subtitle: list[str] = []
    parallel: list[str] = []
    target, previous_code, previous_raw = proper, "", ""
    for code, raw in f.subfields:
        value = clean(raw)
        if code == "b":
            target = parallel if previous_raw.rstrip().endswith("=") else subtitle
        if code in ("a", "b", "n", "p") and value:
            if code in "np" and target:
                separator = ", " if previous_code == "n" and code == "p" else ". "
                target[-1] = target[-1] + separator + value
            else:
                target.append(value)
        previous_code, previous_raw = code, raw
    return (
        " : ".join(proper),
        " : ".join(subtitle) or None,
        " = ".join(parallel) or None,
    )


def _sort_key(title: str, nonfiling: str) -> str:
    """Folded words (diacritics, case and punctuation ignored), then the exact form to
    break ties; the initial article counted in 245 ind2 is skipped."""
    skip = int(nonfiling) if nonfiling.isascii() and nonfiling.isdigit() else 0
    text = title[skip:]
    return f"{' '.join(tokens(text))}\x1f{search_key(text)}"


def _read_titles(out: Extracted, by_tag: dict[str, list[DataField]]) -> None:
    for f in by_tag.get("245", [])[:1]:
        out.title_proper, out.subtitle, out.parallel_title = _title(f)
        parts = [out.title_proper]
        if out.subtitle:
            parts.append(" : " + out.subtitle)
        if out.parallel_title:
            parts.append(" = " + out.parallel_title)
        out.title = "".join(parts)
        out.title_sort = _sort_key(out.title, f.indicators[1:2])
        out.statement_of_responsibility = _joined(f, "c") or None
    variants = [_joined(f, "abnp") for f in by_tag.get("246", []) + by_tag.get("740", [])]
    out.variant_titles = _unique(variants)
    for tag in ("130", "240"):
        for f in by_tag.get(tag, [])[:1]:
            out.uniform_title = _joined(f, "adfklmnoprs") or None


# --- names and subjects -----------------------------------------------------------


def _contributor(f: DataField) -> Contributor | None:
    kind = _NAME_KINDS.get(f.tag[1:], "person")
    ind1 = f.indicators[:1]
    if kind == "person" and ind1 == "3":
        kind = "family"
    name = _joined(f, _NAME_PARTS.get(kind, "abcq"))
    if not name:
        return None
    relators = _RELATOR_CODES.get(kind, "e4")
    roles = tuple(r for r in (clean(v) for c, v in f.subfields if c in relators) if r)
    return Contributor(
        name=name,
        kind=kind,
        roles=roles,
        dates=(_joined(f, "d") or None) if kind in ("person", "family") else None,
        main=f.tag.startswith("1"),
        inverted=kind == "person" and ind1 == "1",
        tag=f.tag,
    )


def _read_contributors(out: Extracted, by_tag: dict[str, list[DataField]]) -> None:
    seen: set[tuple[str, str]] = set()
    for tag in ("100", "110", "111", "700", "710", "711", "720"):
        for f in by_tag.get(tag, []):
            person = _contributor(f)
            if person and (key := (person.kind, search_key(person.name))) not in seen:
                seen.add(key)
                out.contributors.append(person)


def _subjects(f: DataField) -> list[str]:
    """A heading with its subdivisions; 653 (uncontrolled terms) holds one term per $a."""
    if f.tag == "653":
        return [t for t in (clean(v) for v in f.values("a")) if t]
    return [_subject(f)]


def _subject(f: DataField) -> str:
    relators = "j4" if f.tag.endswith("11") else "e4"
    heading: list[str] = []
    subdivisions: list[str] = []
    for code, value in f.subfields:
        if code in _CONTROL_SUBFIELDS or code in relators or not value.strip():
            continue
        if code in _SUBDIVISIONS:
            subdivisions.append(clean(value))
        elif subdivisions:
            subdivisions[-1] = clean(f"{subdivisions[-1]} {value}")
        else:
            heading.append(value)
    return " -- ".join(p for p in [clean(" ".join(heading)), *subdivisions] if p)


# --- publication, description, series ---------------------------------------------


def _imprint(by_tag: dict[str, list[DataField]]) -> list[DataField]:
    """The publication statement: RDA's 264 _1, else 260, else any 264."""
    published = [f for f in by_tag.get("264", []) if f.indicators[1:2] == "1"]
    return published or by_tag.get("260", []) or by_tag.get("264", [])


def _read_publication(out: Extracted, by_tag: dict[str, list[DataField]], f008: str) -> None:
    places: list[str] = []
    publishers: list[str] = []
    for f in _imprint(by_tag):
        places += [strip_brackets(clean(v)) for v in f.values("a")]
        publishers += [strip_brackets(clean(v)) for v in f.values("b")]
        if out.date_text is None and f.get("c"):
            out.date_text = clean(f.get("c")) or None
    out.places = _unique([p for p in places if p and not is_unknown_place(p)])
    out.publishers = _unique([p for p in publishers if p and not is_unknown_publisher(p)])
    copyright_dates = [f.get("c") for f in by_tag.get("264", []) if f.indicators[1:2] == "4"]
    out.year = parse_year(out.date_text) or parse_year(next(filter(None, copyright_dates), None))
    if out.year is None and f008[7:11].isascii() and f008[7:11].isdigit():
        year = int(f008[7:11])
        out.year = year if 1000 <= year <= 2099 else None


def _read_description(out: Extracted, by_tag: dict[str, list[DataField]]) -> None:
    for f in by_tag.get("250", [])[:1]:
        out.edition = _joined(f, "ab") or None
    for f in by_tag.get("300", [])[:1]:
        out.extent = _joined(f, "a") or None
        out.physical_details = _joined(f, "b") or None
        out.dimensions = _joined(f, "c") or None
        out.pages = parse_pages(out.extent)
    series = [_series(f) for tag in ("490", "440") for f in by_tag.get(tag, [])]
    series += [_series(f) for tag in ("800", "810", "811", "830") for f in by_tag.get(tag, [])]
    out.series = _unique_series([s for s in series if s])
    notes = [
        f
        for tag, fields in sorted(by_tag.items())
        if tag[:1] == "5" and tag != "520"
        for f in fields
    ]
    out.notes = [n for n in map(_note, notes) if n]
    summaries = [_note(f) for f in by_tag.get("520", [])]
    out.summary = "\n\n".join(s for s in summaries if s) or None
    out.urls = _unique([v.strip() for f in by_tag.get("856", []) for v in f.values("u")])


def _series(f: DataField) -> str:
    if f.tag in ("800", "810", "811"):
        title = _joined(f, "tnp")
        name = _joined(f, "abcdq")
        text = f"{name}. {title}" if name and title else name or title
    else:
        text = _joined(f, "anp")
    volume = _joined(f, "v")
    return f"{text} ; {volume}" if text and volume else text


def _unique_series(values: list[str]) -> list[str]:
    """A series traced in both 490 and 830 is one series."""
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = fold_for_search(value)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def _note(f: DataField) -> str:
    """The note's text as catalogued, without control subfields ($5, $6, $8...)."""
    text = " ".join(v for c, v in f.subfields if c.isalpha() or c == "3")
    return " ".join(text.split())


# --- codes and identifiers --------------------------------------------------------


def _read_language(out: Extracted, by_tag: dict[str, list[DataField]], f008: str) -> None:
    primary = f008[35:38].lower() if len(f008) >= 38 else ""
    codes = [primary] if _LANGUAGE.match(primary) and primary not in _NOT_LANGUAGES else []
    for f in by_tag.get("041", []):
        for value in f.values("a", "d"):
            compact = value.strip().lower()
            # Older records pack several codes in one subfield ("viechieng").
            if compact.isalpha() and len(compact) % 3 == 0:
                codes += [compact[i : i + 3] for i in range(0, len(compact), 3)]
    out.languages = list(dict.fromkeys(c for c in codes if c not in _NOT_LANGUAGES))
    out.language = out.languages[0] if out.languages else None


def _read_identifiers(out: Extracted, record: Record, by_tag: dict[str, list[DataField]]) -> None:
    out.control_number = record.control_number
    for f in by_tag.get("010", [])[:1]:
        out.lccn = normalize_lccn(f.get("a"))
    oclc = (oclc_number(v) for f in by_tag.get("035", []) for v in f.values("a"))
    out.oclc_numbers = list(dict.fromkeys(n for n in oclc if n))
    isbns: list[str] = []
    invalid: list[str] = []
    for f in by_tag.get("020", []):
        for value in f.values("a"):
            keys, compact = isbn_keys(value), compact_isbn(value)
            if compact and is_valid_isbn(value):
                isbns += [compact, *sorted(keys - {compact})]
            elif compact:
                invalid.append(compact)
        invalid += [c for c in map(compact_isbn, f.values("z")) if c]
    out.isbns = list(dict.fromkeys(isbns))
    out.invalid_isbns = list(dict.fromkeys(invalid))
    issns = [
        (normalize_issn(v), is_valid_issn(v))
        for f in by_tag.get("022", [])
        for v in f.values("a", "l")
    ]
    out.issns = list(dict.fromkeys(i for i, ok in issns if i and ok))
    wrong = [i for i, ok in issns if i and not ok]
    wrong += [normalize_issn(v) for f in by_tag.get("022", []) for v in f.values("y", "z")]
    out.invalid_issns = list(dict.fromkeys(i for i in wrong if i))


def _read_classification(out: Extracted, by_tag: dict[str, list[DataField]]) -> None:
    # DDC numbers carry "/" and "'" as segmentation marks; the number is the same.
    out.ddc = list(
        dict.fromkeys(
            v.replace("/", "").replace("'", "").strip()
            for f in by_tag.get("082", [])
            for v in f.values("a")
            if v.strip()
        )
    )
    out.udc = list(dict.fromkeys(v.strip() for f in by_tag.get("080", []) for v in f.values("a")))
    lcc: list[str] = []
    for f in by_tag.get("050", []) + by_tag.get("090", []):
        number = (f.get("a") or "").strip()
        item = (f.get("b") or "").strip()
        if number:
            lcc.append(f"{number} {item}".strip())
    out.lcc = list(dict.fromkeys(lcc))


# --- holdings ---------------------------------------------------------------------


def _koha_available(f: DataField) -> bool | None:
    """Koha: for loan ($7 = 0), not lost ($1), not withdrawn ($0), not on loan ($q).
    None when the item carries none of these."""
    codes = {c: (f.get(c) or "").strip() for c in "710q"}
    if not any(codes.values()):
        return None
    blocked = any(codes[c] not in ("", "0") for c in "710")
    return not blocked and not codes["q"]


def _koha_key(f: DataField) -> tuple[str | None, str | None, str | None]:
    return (
        clean(f.get("a") or f.get("b")) or None,
        clean(f.get("c")) or None,
        clean(f.get("o")) or None,
    )


def _marc_holding_key(f: DataField) -> tuple[str | None, str | None, str | None]:
    location = ", ".join(clean(v) for v in f.values("b", "c") if clean(v))
    call = " ".join(clean(v) for v in f.values("k", "h", "i", "m") if clean(v))
    return clean(f.get("a")) or None, location or None, call or clean(f.get("j")) or None


def holdings(record: Record) -> list[Holding]:
    """Copies per (library, location, call number) from 852 and Koha's 952."""
    groups: dict[tuple, list[tuple[bool | None, str | None]]] = defaultdict(list)
    for f in record.data_fields("852", "952"):
        if f.tag == "852":
            key, status, barcode = _marc_holding_key(f), None, f.get("p")
        else:
            key, status, barcode = _koha_key(f), _koha_available(f), f.get("p")
        groups[(f.tag, *key)].append((status, clean(barcode) or None))
    result = []
    for (tag, library, location, call_number), items in groups.items():
        statuses = [status for status, _ in items]
        available = None if None in statuses else sum(1 for s in statuses if s)
        barcodes = tuple(b for _, b in items if b)
        result.append(Holding(library, location, call_number, len(items), available, barcodes, tag))
    return result


# --- the whole record -------------------------------------------------------------


def extract(record: Record) -> Extracted:
    """Read the values the catalogue indexes and shows from a MARC 21 record."""
    by_tag: dict[str, list[DataField]] = defaultdict(list)
    for f in record.data_fields():
        by_tag[f.tag].append(f)
    f008 = record.control("008") or ""
    out = Extracted()
    _read_identifiers(out, record, by_tag)
    _read_titles(out, by_tag)
    _read_contributors(out, by_tag)
    # Record order: the first subject is the cataloguer's main one.
    out.subjects = _unique(
        [s for f in record.data_fields() if f.tag[:1] == "6" for s in _subjects(f)]
    )
    _read_publication(out, by_tag, f008)
    _read_description(out, by_tag)
    _read_language(out, by_tag, f008)
    _read_classification(out, by_tag)
    thesis = "502" in by_tag
    out.format = detect_format(record.leader, record.control("007"), f008, thesis)
    out.electronic = is_electronic(record.leader, record.control("007"), f008)
    out.holdings = holdings(record)
    out.vietnamese = "vie" in out.languages or has_vietnamese_letters(
        " ".join([out.title, *out.authors])
    )
    return out
