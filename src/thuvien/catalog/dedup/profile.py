"""A record prepared for matching: the values the features compare, normalised once.

A profile is built from the MARC record and what ``extract()`` read out of it (the
ingest keeps both), so a pair comparison only compares ready values. The record's
control number (001) and any local field are never copied in: a profile knows the
record only through its content and an opaque ``key`` given by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thuvien.catalog.dedup.normalize import (
    edition_number,
    extent_numbers,
    name_key,
    numbering,
    publisher_words,
    title_words,
)
from thuvien.catalog.marc.display import clean, parse_pages
from thuvien.catalog.marc.extract import Extracted, extract
from thuvien.catalog.marc.record import DataField, Record
from thuvien.kernel.text import tokens

__all__ = ["Profile", "build_profile"]

_YEAR = re.compile(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)")
_CM = re.compile(r"(\d+(?:[.,]\d+)?)(?:\s*(1/2|½))?\s*(cm|mm)")
_MICROFORM = re.compile(r"microf|microop|micro-op|reel|vi phim|vi phiếu", re.IGNORECASE)
_ONLINE = re.compile(r"online|electronic|computer|điện tử|remote|pdf\b", re.IGNORECASE)
# 008/06 types whose two dates bound a range: questionable, inclusive, bulk, multiple.
_RANGE_TYPES = frozenset("qikm")
# Digits read or typed as letters: "66l p.", "4l6 p.", "1O4 p.".
_LETTER_DIGITS = re.compile(r"(?<=\d)[lIO](?=\d|\s|\.|$)|(?<=\s)[lI](?=\d)")
# 008/23 form of item for books: a b c microforms; o q s electronic.
_MICRO_FORMS = frozenset("abc")
_ONLINE_FORMS = frozenset("oqs")


@dataclass(slots=True)
class Profile:
    """Normalised values of one record; ``key`` is the caller's handle, never compared."""

    key: str
    title: str = ""  # title proper (245 $a), folded words
    remainder: str = ""  # other title information (245 $b)
    whole: str = ""  # title proper and remainder
    part_numbers: tuple[int, ...] = ()  # 245 $n, as numbers
    part_names: str = ""  # 245 $p
    title_numbers: frozenset[int] = frozenset()  # numbers written in the title
    variants: tuple[str, ...] = ()  # 246/740 and the uniform title
    responsibility: str = ""  # 245 $c, folded
    persons: tuple[tuple[str, str], ...] = ()  # (surname, initials), main entry first
    bodies: tuple[str, ...] = ()  # corporate and meeting names
    main_entry: str = ""  # "person", "body" or "" (title main entry)
    date_type: str = ""  # 008/06
    date1: int | None = None  # 008/07-10
    date2: int | None = None  # 008/11-14
    years: tuple[tuple[int, int], ...] = ()  # every known date as an interval (lo, hi)
    publisher: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    place_code: str = ""  # 008/15-17
    edition: str = ""
    edition_no: int | None = None
    pages: int | None = None
    volumes: int | None = None
    prelims: int = 0
    height: float | None = None  # 300 $c in centimetres
    series: tuple[str, ...] = ()
    series_numbers: tuple[int, ...] = ()
    language: str = ""
    carrier: str = "print"  # print | microform | electronic
    record_type: str = ""  # leader/06-07
    subjects: frozenset[str] = frozenset()
    isbns: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()
    lccn: str | None = None
    oclc: tuple[str, ...] = ()


def build_profile(key: str, record: Record, extracted: Extracted | None = None) -> Profile:
    """The profile of ``record``; pass ``extracted`` when the ingest already has it."""
    ex = extracted if extracted is not None else extract(record)
    f008 = record.control("008") or ""
    out = Profile(key=key, record_type=record.leader[6:8])
    _titles(out, record, ex)
    _names(out, ex)
    _dates(out, record, f008)
    _publication(out, ex)
    _description(out, record, ex)
    out.language = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    out.carrier = _carrier(record, f008, ex)
    out.subjects = frozenset(" ".join(tokens(s.split(" -- ")[0])) for s in ex.subjects[:12])
    out.isbns, out.issns = tuple(ex.isbns), tuple(ex.issns)
    out.lccn, out.oclc = ex.lccn, tuple(ex.oclc_numbers)
    return out


def _titles(out: Profile, record: Record, ex: Extracted) -> None:
    field = next(iter(record.data_fields("245")), None)
    if field is None:
        return
    skip = int(field.indicators[1]) if _digits(field.indicators[1:2]) else 0
    proper = _before_responsibility(" ".join(field.values("a")))
    out.title = " ".join(title_words(proper, skip))
    out.remainder = " ".join(tokens(_before_responsibility(" ".join(field.values("b")))))
    out.whole = f"{out.title} {out.remainder}".strip()
    out.part_numbers = tuple(n for v in field.values("n") for n in numbering(v))
    out.part_names = " ".join(tokens(" ".join(field.values("p"))))
    words = f"{out.title} {out.remainder}".split()
    out.title_numbers = frozenset(int(w) for w in words if _digits(w) and len(w) <= 4)
    out.responsibility = " ".join(tokens(" ".join(field.values("c"))))
    if not out.responsibility and " / " in " ".join(field.values("a", "b")):
        out.responsibility = " ".join(tokens(" ".join(field.values("a", "b")).split(" / ", 1)[1]))
    variants = [*ex.variant_titles, ex.uniform_title or ""]
    out.variants = tuple(" ".join(title_words(v)) for v in variants if v)


def _before_responsibility(text: str) -> str:
    """245 $a sometimes carries the statement of responsibility after " / "."""
    return text.split(" / ", 1)[0] if " / " in text else text


def _names(out: Profile, ex: Extracted) -> None:
    persons = [name_key(c.name) for c in ex.contributors if c.kind in ("person", "family")]
    out.persons = tuple(p for p in dict.fromkeys(persons) if p[0])
    bodies = [" ".join(tokens(c.name)) for c in ex.contributors if c.kind not in ("person",)]
    out.bodies = tuple(b for b in dict.fromkeys(bodies) if b)
    main = next((c for c in ex.contributors if c.main), None)
    out.main_entry = "" if main is None else ("person" if main.kind == "person" else "body")


def _dates(out: Profile, record: Record, f008: str) -> None:
    out.date_type = f008[6:7].strip()
    out.date1 = _year(f008[7:11])
    out.date2 = _year(f008[11:15])
    out.place_code = f008[15:18].strip().lower()
    statements = [
        v
        for f in record.data_fields("260", "264")
        if f.tag == "260" or f.indicators[1:2] in ("1", "4")
        for v in f.values("c")
    ]
    spans = [(int(y), int(y)) for s in statements for y in _YEAR.findall(s)]
    first, second = _interval(f008[7:11]), _interval(f008[11:15])
    if out.date_type in _RANGE_TYPES and first and second:
        spans.append((first[0], second[1]))
    else:
        spans += [span for span in (first, second) if span]
    out.years = tuple(dict.fromkeys(spans))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _year(text: str) -> int | None:
    return int(text) if _digits(text) and 1400 <= int(text) <= 2099 else None


def _interval(text: str) -> tuple[int, int] | None:
    """An 008 date as the years it may be: "1860" -> (1860, 1860), "19uu" -> (1900, 1999),
    "9999" (still going on) -> up to 2099; None when nothing is known."""
    if len(text) != 4 or not text.isascii():
        return None
    if text == "9999":
        return (2099, 2099)
    known = text.rstrip("u")
    if not _digits(known) or len(known) < 2 or "u" in known:
        return None
    unknown = 4 - len(known)
    low = int(known) * 10**unknown
    span = (low, low + 10**unknown - 1)
    return span if 1400 <= span[0] <= 2099 else None


def _publication(out: Profile, ex: Extracted) -> None:
    out.publisher = tuple(publisher_words(ex.publishers[0])) if ex.publishers else ()
    place = ex.places[0].split(",")[0] if ex.places else ""
    out.place = tuple(tokens(place))


def _description(out: Profile, record: Record, ex: Extracted) -> None:
    out.edition = " ".join(tokens(ex.edition or ""))
    out.edition_no = edition_number(ex.edition)
    out.pages = parse_pages(_LETTER_DIGITS.sub(_as_digit, ex.extent)) if ex.extent else None
    out.volumes, out.prelims = extent_numbers(ex.extent)
    out.height = _height(ex.dimensions or ex.extent or "")
    series: list[str] = []
    numbers: list[int] = []
    for field in record.data_fields("490", "440", "830"):
        title = " ".join(title_words(clean(" ".join(field.values("a", "p")))))
        if title and title not in series:
            series.append(title)
        numbers += _series_numbers(field)
    out.series = tuple(series)
    out.series_numbers = tuple(dict.fromkeys(numbers))


def _as_digit(match: re.Match[str]) -> str:
    return "0" if match.group() == "O" else "1"


def _series_numbers(field: DataField) -> list[int]:
    return [n for v in field.values("v") for n in numbering(v)]


def _height(text: str) -> float | None:
    found = _CM.search(text)
    if not found:
        return None
    value = float(found.group(1).replace(",", "."))
    value += 0.5 if found.group(2) else 0.0
    return value / 10 if found.group(3) == "mm" else value


def _carrier(record: Record, f008: str, ex: Extracted) -> str:
    medium = record.first("245", "h") or ""
    physical = " ".join(v for f in record.data_fields("300", "337", "338") for v in f.values())
    form = f008[23:24] if record.leader[6:7] in ("a", "t") else f008[29:30]
    if ex.electronic or form in _ONLINE_FORMS or _ONLINE.search(medium):
        return "electronic"
    if form in _MICRO_FORMS or _MICROFORM.search(medium) or _MICROFORM.search(physical):
        return "microform"
    if "online resource" in physical.lower():
        return "electronic"
    return "print"
