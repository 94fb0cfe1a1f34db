"""Citations of a catalogue record: APA 7th edition and the Vietnamese bibliographic
description after TCVN 4743 (ISBD areas).

Vietnamese names. A Vietnamese name is written in full, family name first, and never
reduced to initials: "Hồ Chí Minh", not "Minh, H. C." (the given name, the last word,
is what Vietnamese readers alphabetise by, and initials of "Văn"/"Thị" say nothing).
Vietnamese style guides keep that order in APA too. So in a Vietnamese record (language
"vie", or Vietnamese letters in its title or names) every personal name that looks
Vietnamese (a Vietnamese-only letter or a common Vietnamese family name) is written in
full and direct order ("Nguyễn, Khắc Mai" -> "Nguyễn Khắc Mai"); other names, and all
names in other records, follow APA ("Phillipps, K.").

Who is cited. The main entry (1XX) and the 7XX people are authors unless a relator
term says otherwise; with no main entry and a statement of responsibility that names
an editing role ("biên soạn", "chủ biên", "edited by"), the 7XX people are editors.
Corporate 7XX names (sponsors, issuing bodies) are cited only when a relator makes
them authors. The statement of responsibility (245 $c) is transcribed in the TCVN
description, never parsed for names.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from thuvien.catalog.marc.display import clean, direct_order, is_vietnamese_name
from thuvien.catalog.marc.extract import Contributor, Extracted, extract
from thuvien.catalog.marc.isbn import compact_isbn, is_valid_isbn
from thuvien.catalog.marc.record import DataField, Record
from thuvien.kernel.text import fold_for_search

__all__ = ["Citation", "apa", "apa_citation", "tcvn4743", "tcvn_description"]


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold_for_search(w.strip()) for w in words.split("|"))


_AUTHOR_ROLES = _folded("aut|author|cre|creator|tác giả|tác gỉa|writer")
_EDITOR_ROLES = _folded(
    "edt|editor|ed|eds|comp|compiler|com|biên soạn|chủ biên|biên tập|sưu tầm|tuyển chọn|"
    "tuyển soạn|sưu tầm và biên soạn|tổng chủ biên"
)
_EDITING_WORDS = tuple(
    fold_for_search(w)
    for w in ("biên soạn", "chủ biên", "biên tập", "sưu tầm", "tuyển chọn", "edited", "compiled")
)
_MAX_AUTHORS = 20  # APA 7: up to 20 names; beyond, the first 19, an ellipsis, the last


@dataclass(frozen=True, slots=True)
class Citation:
    """A citation as plain text and as HTML (escaped; the APA title in <em>)."""

    text: str
    html: str

    def __str__(self) -> str:
        return self.text


class _Parts:
    """Text pieces, some in italics, rendered once as text and once as HTML."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bool]] = []

    def add(self, text: str, italic: bool = False) -> None:
        if text:
            self.pieces.append((text, italic))

    def citation(self) -> Citation:
        text = "".join(t for t, _ in self.pieces)
        html = "".join(f"<em>{escape(t)}</em>" if i else escape(t) for t, i in self.pieces)
        return Citation(text, html)


# --- APA --------------------------------------------------------------------------


def _role(person: Contributor, editing_record: bool) -> str | None:
    """ "author", "editor" or None (not cited: translators, sponsors...)."""
    roles = {fold_for_search(r).strip(" .") for r in person.roles}
    if roles & _AUTHOR_ROLES:
        return "author"
    if roles & _EDITOR_ROLES:
        return "editor"
    if roles or (person.kind in ("organisation", "meeting") and not person.main):
        return None
    return "editor" if editing_record and not person.main else "author"


def _initials(given: str) -> str:
    """ "Karen" -> "K.", "Jean-Paul" -> "J.-P."; lower-case particles are left out."""
    words = []
    for word in given.replace(".", ". ").split():
        if not word[:1].isupper():
            continue
        words.append("-".join(f"{part[:1]}." for part in word.split("-") if part))
    return " ".join(words)


def _apa_name(person: Contributor, vietnamese_record: bool) -> str:
    if person.kind != "person":
        return person.name
    if vietnamese_record and (is_vietnamese_name(person.name) or "," not in person.name):
        return direct_order(person.name)
    if "," not in person.name:
        return person.name
    family, given = (part.strip() for part in person.name.split(",", 1))
    initials = _initials(given)
    return f"{family}, {initials}" if initials else family


def _apa_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) > _MAX_AUTHORS:
        return ", ".join(names[: _MAX_AUTHORS - 1]) + ", . . . " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _with_stop(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _apa_title(ex: Extracted, parts: _Parts) -> None:
    # ISBD's " : " before other title information (in $b, or left inside $a) becomes
    # APA's colon, and the subtitle starts with a capital.
    pieces = (ex.title_proper or ex.title).split(" : ")
    if ex.subtitle:
        pieces.append(ex.subtitle)
    title = ": ".join([pieces[0], *(p[:1].upper() + p[1:] for p in pieces[1:])])
    parts.add(title, italic=True)
    # A parallel title is the title in another language: APA's bracketed translation.
    if ex.parallel_title:
        parts.add(f" [{ex.parallel_title}]")
    if ex.edition:
        parts.add(f" ({ex.edition})")
    plain_end = not ex.edition and not ex.parallel_title
    parts.add("" if plain_end and title.endswith(("?", "!")) else ".")


def apa(record: Record, ex: Extracted | None = None) -> Citation:
    """The record cited in APA 7th edition (book reference)."""
    ex = ex or extract(record)
    sor = fold_for_search(ex.statement_of_responsibility or "")
    editing = not any(c.main for c in ex.contributors) and any(w in sor for w in _EDITING_WORDS)
    roles = [(c, _role(c, editing)) for c in ex.contributors]
    authors = [_apa_name(c, ex.vietnamese) for c, role in roles if role == "author"]
    editors = [_apa_name(c, ex.vietnamese) for c, role in roles if role == "editor"]
    year = f"({ex.year})." if ex.year else "(n.d.)."
    parts = _Parts()
    if authors or editors:
        names = _apa_names(authors or editors)
        if not authors:
            label = "Chủ biên" if ex.vietnamese else ("Eds." if len(editors) > 1 else "Ed.")
            names = f"{names} ({label})"
        parts.add(f"{_with_stop(names)} {year} ")
        _apa_title(ex, parts)
    else:
        _apa_title(ex, parts)
        parts.add(f" {year}")
    cited = {fold_for_search(n) for n in authors}
    publishers = [p for p in ex.publishers if fold_for_search(p) not in cited]
    if publishers:
        parts.add(" " + _with_stop("; ".join(publishers)))
    return parts.citation()


# --- TCVN 4743 --------------------------------------------------------------------


def _imprint_field(record: Record) -> DataField | None:
    published = [f for f in record.data_fields("264") if f.indicators[1:2] == "1"]
    fields = published or record.data_fields("260") or record.data_fields("264")
    return fields[0] if fields else None


def _sequence(f: DataField, separators: dict[str, str], first: dict[str, str]) -> str:
    """Subfields in catalogued order, each introduced by its ISBD mark."""
    text = ""
    for code, raw in f.subfields:
        value = clean(raw)
        if code not in separators or not value:
            continue
        mark = first.get(code, separators[code]) if not text else separators[code]
        text += mark + value
    return text.strip()


def _publication_area(record: Record) -> str:
    f = _imprint_field(record)
    if f is None:
        return ""
    return _sequence(f, {"a": " ; ", "b": " : ", "c": ", "}, {"a": "", "b": "", "c": ""})


def _physical_area(record: Record) -> str:
    fields = record.data_fields("300")
    if not fields:
        return ""
    return _sequence(fields[0], {"a": " ", "b": " : ", "c": " ; ", "e": " + "}, {})


def _natural_order(person: Contributor, vietnamese_record: bool) -> str:
    """A name as it is written on a title page: "Nguyễn Khắc Mai", "Karen Phillipps"."""
    if person.kind != "person" or "," not in person.name:
        return person.name
    if vietnamese_record and is_vietnamese_name(person.name):
        return direct_order(person.name)
    family, given = (part.strip() for part in person.name.split(",", 1))
    return f"{given} {family}".strip()


def _title_area(ex: Extracted) -> str:
    title = ex.title
    responsibility = ex.statement_of_responsibility
    if not responsibility:
        people = [c for c in ex.contributors if c.kind == "person" or c.main]
        responsibility = ", ".join(_natural_order(c, ex.vietnamese) for c in people)
    return f"{title} / {responsibility}" if responsibility else title


def _first_isbn(record: Record) -> str | None:
    for f in record.data_fields("020"):
        for value in f.values("a"):
            if is_valid_isbn(value):
                return compact_isbn(value)
    return None


def tcvn4743(record: Record, ex: Extracted | None = None) -> Citation:
    """The bibliographic description after TCVN 4743 (ISBD areas joined by ". - "):
    Title : subtitle = parallel / responsibility. - Edition. - Place : Publisher, Year.
    - Extent : details ; size. - (Series). - ISBN."""
    ex = ex or extract(record)
    areas = [
        _title_area(ex),
        ex.edition or "",
        _publication_area(record),
        _physical_area(record),
        " ".join(f"({s})" for s in ex.series),
    ]
    isbn = _first_isbn(record)
    if isbn:
        areas.append(f"ISBN {isbn}")
    text = ""
    for area in filter(None, areas):
        # An area ending in an abbreviation ("19 cm.") gives the full stop itself.
        text += area if not text else (" - " if text.endswith(".") else ". - ") + area
    text = _with_stop(text)
    return Citation(text, escape(text))


# The names the record page and API use.
apa_citation = apa
tcvn_description = tcvn4743
