"""The search contract every backend implements (tested by tests/contracts/)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

FieldKind = Literal["text", "keyword", "integer", "float", "date"]


class SearchError(Exception):
    """A query or index operation the backend cannot carry out."""


@dataclass(frozen=True)
class Field:
    """One field of an index.

    ``text`` fields are analysed twice: folded (diacritic-insensitive) and exact; exact
    matches rank higher. ``keyword`` fields are matched whole and can be facets.
    ``integer``/``float``/``date`` fields can be sorted and range-filtered.
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
    """An index: its name and fields. Every document also has a string ``id``."""

    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise SearchError(f"unknown field {name!r} in index {self.name!r}")

    @property
    def text_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.kind == "text")


@dataclass
class SearchQuery:
    """What to look for. ``text`` uses a small syntax: words (all required), "phrases",
    ``-word`` to exclude. Filters are OR within a field and AND across fields."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, tuple[Any | None, Any | None]] = field(default_factory=dict)
    facets: list[str] = field(default_factory=list)
    facet_limit: int = 20
    sort: str | None = None  # "name" ascending, "-year" descending, None = relevance
    offset: int = 0
    limit: int = 20
    highlight: list[str] = field(default_factory=list)


@dataclass
class Hit:
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
    def upsert(self, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents by ``id``; visible after :meth:`commit`."""

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


class SearchBackend(ABC):
    def __init__(self, alias: str, params: dict[str, Any]):
        self.alias = alias
        self.params = params

    @abstractmethod
    def open(self, schema: IndexSchema) -> SearchIndex:
        """Open (creating if needed) the index described by ``schema``."""
