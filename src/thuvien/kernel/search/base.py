"""The search contract every backend implements (tested by tests/contracts/)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

FieldKind = Literal["text", "keyword", "integer", "float", "date"]
FIELD_KINDS = ("text", "keyword", "integer", "float", "date")
# Short lower-case names: they become tantivy field names, PostgreSQL columns and directory names.
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


class SearchError(Exception):
    """A query or index operation the backend cannot carry out.

    Messages meant for users are Vietnamese first, then English: ``"<vi> / <en>"``.
    """


def search_error(vietnamese: str, english: str) -> SearchError:
    """A :class:`SearchError` with the project's bilingual message (addition)."""
    return SearchError(f"{vietnamese} / {english}")


@dataclass(frozen=True)
class Field:
    """One field of an index.

    ``text`` fields are analysed twice: folded (diacritic-insensitive) and exact; exact
    matches rank higher. ``keyword`` fields are matched whole and can be facets.
    ``integer``/``float``/``date`` fields can be sorted and range-filtered.

    Rules checked by :class:`IndexSchema`: ``facet`` only on keyword fields; ``sortable``
    fields hold one value (not ``multi``). Values ``None`` and ``""`` count as missing.
    Text is NFC-normalised; keyword values are cut at 256 characters.
    """

    name: str
    kind: FieldKind = "text"
    stored: bool = True
    facet: bool = False
    sortable: bool = False
    boost: float = 1.0
    multi: bool = False


@dataclass(frozen=True)
class IndexSchema:
    """An index: its name and fields. Every document also has a string ``id``.

    Names (of the index and of fields) match ``[a-z][a-z0-9_]*``, at most 30 characters,
    without ``__``; ``id`` is reserved. Invalid schemas raise :class:`SearchError` when
    built (addition).
    """

    name: str
    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        _check_name(self.name, "index")
        seen: set[str] = set()
        for candidate in self.fields:
            _check_field(candidate)
            if candidate.name in seen:
                raise SearchError(f"duplicate field {candidate.name!r} in index {self.name!r}")
            seen.add(candidate.name)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise SearchError(f"unknown field {name!r} in index {self.name!r}")

    @property
    def text_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.kind == "text")


def _check_name(name: str, what: str) -> None:
    if not _NAME_RE.match(name) or "__" in name or name == "id":
        raise SearchError(f"invalid {what} name {name!r}: use [a-z][a-z0-9_]*, up to 30 chars")


def _check_field(candidate: Field) -> None:
    _check_name(candidate.name, "field")
    if candidate.kind not in FIELD_KINDS:
        raise SearchError(f"field {candidate.name!r}: unknown kind {candidate.kind!r}")
    if candidate.facet and candidate.kind != "keyword":
        raise SearchError(f"field {candidate.name!r}: only keyword fields can be facets")
    if candidate.sortable and candidate.multi:
        raise SearchError(f"field {candidate.name!r}: a multi-valued field cannot be sortable")
    if candidate.boost <= 0:
        raise SearchError(f"field {candidate.name!r}: boost must be positive")


@dataclass
class Alternative:
    """One of the ways a document may match (``SearchQuery.any_of``): words, field words,
    filters and ranges as in :class:`SearchQuery`, all of which must hold."""

    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, tuple[Any | None, Any | None]] = field(default_factory=dict)


@dataclass
class SearchQuery:
    """What to look for. ``text`` uses a small syntax: words (all required), "phrases",
    ``-word`` to exclude. Filters are OR within a field and AND across fields.

    Details every backend keeps:

    - Words match diacritic-insensitively (``fold_for_search``) in any text field; a word
      spelt exactly as in the document (diacritics included) ranks higher. A word that
      holds punctuation (``Rịa-Vũng``) is matched as a phrase. An unbalanced ``"`` is
      ignored; text with no searchable word matches everything, like ``""``.
    - ``fields`` maps text fields to text in the same syntax, matched (folding, ranking,
      exclusion) in that field only: ``{"title": 'sai gon -"ha noi"'}`` wants both words
      in the title and not the phrase there. It adds to ``text``; both must hold. A phrase
      does not run from one value of a multi-valued field into the next. Highlighting marks
      a field's own words in that field.
    - ``filters`` and ``facets`` name keyword fields; ``ranges`` name integer, float or
      date fields, with inclusive bounds (``None`` = open).
    - Facet counts of a field ignore that field's own filter, so its other values stay
      selectable (multi-select facets); they are ordered by count, then value.
    - ``any_of`` lists :class:`Alternative` s: a document must also match at least one of
      them (none: no such condition). Each alternative adds to the score where it matches.
      Facet counts keep the alternatives (only the top-level filters are multi-select).
    - ``sort`` names a sortable field; documents without a value come last in both
      directions; ties come in no guaranteed order.
    - ``offset`` goes up to :data:`MAX_OFFSET`, ``limit`` up to :data:`MAX_LIMIT`
      (``limit=0``: counts and facets only). ``highlight`` names stored text fields,
      returned in :attr:`Hit.highlights` as escaped HTML with ``<mark>``.
    """

    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # text field -> text, as ``text``
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, tuple[Any | None, Any | None]] = field(default_factory=dict)
    facets: list[str] = field(default_factory=list)
    facet_limit: int = 20
    sort: str | None = None  # "name" ascending, "-year" descending, None = relevance
    offset: int = 0
    limit: int = 20
    highlight: list[str] = field(default_factory=list)
    any_of: list[Alternative] = field(default_factory=list)


MAX_OFFSET = 100_000  # deep pages cost memory and time in every engine
MAX_LIMIT = 1_000


@dataclass
class Hit:
    """One result. ``score`` is the relevance (0.0 when sorted by a field); ``document``
    holds ``id`` and the stored fields, dates as :class:`datetime.date`/``datetime``."""

    id: str
    score: float
    document: dict[str, Any]
    highlights: dict[str, str] = field(default_factory=dict)  # escaped HTML with <mark>


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchIndex(ABC):
    """One open index. Writers must be single (tantivy allows one writer)."""

    schema: IndexSchema

    @abstractmethod
    def upsert(self, documents: Iterable[Any]) -> int:
        """Add or replace documents by ``id``; visible after :meth:`commit`. A document is
        a dict, or what the backend's :meth:`SearchBackend.analyse` made of one."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by ``id``; visible after :meth:`commit`."""

    @abstractmethod
    def commit(self) -> None:
        """Make pending writes durable and visible to readers."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (committed)."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def iter_ids(self) -> Iterator[str]:
        """Every document id, for reconciliation with the database."""

    def reload(self) -> None:  # noqa: B027 - optional hook
        """Pick up writes committed by another process (no-op where always live)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the index holds (tantivy: the writer lock). Addition."""


class SearchBackend(ABC):
    def __init__(self, alias: str, params: dict[str, Any]):
        self.alias = alias
        self.params = params

    @abstractmethod
    def open(self, schema: IndexSchema) -> SearchIndex:
        """Open (creating if needed) the index described by ``schema``."""

    def analyse(self, schema: IndexSchema, document: dict[str, Any]) -> Any:
        """The document checked and analysed, ready for ``upsert``: plain picklable data,
        made without opening the index, so other processes can share the work of a large
        write. It has ``id`` and ``with_id(new_id)``. Addition."""
        from thuvien.kernel.search.documents import prepare

        return prepare(schema, document)

    def drop(self, name: str) -> None:
        """Delete the index called ``name`` and all it holds, e.g. before rebuilding it
        with a changed schema; close open instances first. Addition."""
        raise NotImplementedError
