"""A :class:`SearchQuery` checked against the schema: what every backend executes.

Checking here, once, makes both backends reject the same mistakes with the same message,
and a mistake in user input (a sort or filter taken from a URL) becomes a clean
:class:`SearchError` instead of a server error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from thuvien.kernel.search.analysis import ParsedText, check_size, parse_text
from thuvien.kernel.search.base import (
    MAX_LIMIT,
    MAX_OFFSET,
    Alternative,
    Field,
    IndexSchema,
    SearchError,
    SearchQuery,
    search_error,
)
from thuvien.kernel.search.documents import clean_keyword, coerce

MAX_FILTER_VALUES = 100
MAX_FACET_LIMIT = 1000
RANGE_KINDS = ("integer", "float", "date")


MAX_ALTERNATIVES = 32


@dataclass(frozen=True)
class Part:
    """What must hold together: the whole query's conditions, or one alternative's."""

    text: ParsedText
    fields: dict[str, ParsedText]  # text field -> what must (not) be in it; none empty
    filters: dict[str, tuple[str, ...]]
    ranges: dict[str, tuple[Any, Any]]

    @property
    def requires_words(self) -> bool:
        """Whether some word must be present (else every document is a candidate)."""
        return any(parsed.required for parsed in (self.text, *self.fields.values()))


@dataclass(frozen=True)
class QueryPlan(Part):
    """The whole query's own conditions (as a :class:`Part`), and the rest."""

    alternatives: tuple[Part, ...]  # at least one must hold (none: no condition)
    facets: tuple[str, ...]
    facet_limit: int
    sort_field: Field | None
    descending: bool
    offset: int
    limit: int
    highlight: tuple[str, ...]

    def highlight_terms(self, name: str) -> frozenset[str]:
        """The folded words to mark in field ``name``: the text's and the field's own, and
        those of every alternative."""
        terms = set()
        for part in (self, *self.alternatives):
            own = part.fields.get(name)
            terms |= part.text.highlight_terms | (own.highlight_terms if own else frozenset())
        return frozenset(terms)

    def filters_without(self, name: str | None) -> dict[str, tuple[str, ...]]:
        """The filters minus ``name``'s own, for that field's multi-select facet counts."""
        return {k: v for k, v in self.filters.items() if k != name}


def plan(schema: IndexSchema, query: SearchQuery) -> QueryPlan:
    sort_field, descending = _sort(schema, query.sort)
    whole = _part(schema, query)
    if len(query.any_of) > MAX_ALTERNATIVES:
        raise search_error(
            f"Quá nhiều phương án (tối đa {MAX_ALTERNATIVES}).",
            f"Too many alternatives (at most {MAX_ALTERNATIVES}).",
        )
    alternatives = tuple(_part(schema, alternative) for alternative in query.any_of)
    # Each text is bounded by parse_text; together they are bounded alike.
    check_size(
        [
            clause
            for part in (whole, *alternatives)
            for parsed in (part.text, *part.fields.values())
            for clause in (*parsed.required, *parsed.excluded)
        ]
    )
    return QueryPlan(
        text=whole.text,
        fields=whole.fields,
        filters=whole.filters,
        ranges=whole.ranges,
        alternatives=alternatives,
        facets=tuple(dict.fromkeys(_facet(schema, name) for name in query.facets)),
        facet_limit=_bounded("facet_limit", query.facet_limit, 1, MAX_FACET_LIMIT),
        sort_field=sort_field,
        descending=descending,
        offset=_bounded("offset", query.offset, 0, MAX_OFFSET),
        limit=_bounded("limit", query.limit, 0, MAX_LIMIT),
        highlight=tuple(_highlight(schema, name) for name in query.highlight),
    )


def _part(schema: IndexSchema, query: SearchQuery | Alternative) -> Part:
    return Part(
        text=parse_text(query.text or ""),
        fields=_text_fields(schema, query.fields),
        filters=_filters(schema, query.filters),
        ranges=_ranges(schema, query.ranges),
    )


def order_facets(counts: Iterable[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """Most frequent first, ties by value (code point order), at most ``limit``."""
    return sorted(counts, key=lambda item: (-item[1], item[0]))[:limit]


def _field(schema: IndexSchema, name: str, kinds: tuple[str, ...], purpose: str) -> Field:
    try:
        field = schema.field(name)
    except SearchError:
        field = None
    if field is None or field.kind not in kinds:
        raise _cannot(name, purpose)
    return field


def _cannot(name: str, purpose: str) -> SearchError:
    return search_error(
        f"Không thể {_PURPOSE_VI[purpose]} theo trường {name!r}.",
        f"Cannot {purpose} by field {name!r}.",
    )


_PURPOSE_VI = {
    "filter": "lọc",
    "facet": "đếm",
    "sort": "sắp xếp",
    "range": "giới hạn khoảng",
    "highlight": "tô sáng",
    "search": "tìm",
}


def _text_fields(schema: IndexSchema, fields: dict[str, str]) -> dict[str, ParsedText]:
    result: dict[str, ParsedText] = {}
    for name, text in fields.items():
        _field(schema, name, ("text",), "search")
        parsed = parse_text(text or "")
        if parsed.required or parsed.excluded:
            result[name] = parsed
    return result


def _filters(schema: IndexSchema, filters: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for name, values in filters.items():
        _field(schema, name, ("keyword",), "filter")
        items = [values] if isinstance(values, str) else list(values)
        cleaned = tuple(dict.fromkeys(clean_keyword(v) for v in items if v not in (None, "")))
        if len(cleaned) > MAX_FILTER_VALUES:
            raise search_error(
                f"Quá nhiều giá trị lọc cho {name!r} (tối đa {MAX_FILTER_VALUES}).",
                f"Too many filter values for {name!r} (at most {MAX_FILTER_VALUES}).",
            )
        if cleaned:
            result[name] = cleaned
    return result


def _ranges(schema: IndexSchema, ranges: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    result: dict[str, tuple[Any, Any]] = {}
    for name, bounds in ranges.items():
        field = _field(schema, name, RANGE_KINDS, "range")
        try:
            low, high = bounds
            low = None if low in (None, "") else coerce(field, low)
            high = None if high in (None, "") else coerce(field, high)
        except (TypeError, ValueError) as exc:
            raise search_error(
                f"Khoảng giá trị sai cho {name!r}: {bounds!r}.",
                f"Bad range for {name!r}: {bounds!r}.",
            ) from exc
        if low is not None or high is not None:
            result[name] = (low, high)
    return result


def _facet(schema: IndexSchema, name: str) -> str:
    field = _field(schema, name, ("keyword",), "facet")
    if not field.facet:
        raise search_error(
            f"Trường {name!r} không được khai báo là facet.", f"Field {name!r} is not a facet."
        )
    return name


def _sort(schema: IndexSchema, sort: str | None) -> tuple[Field | None, bool]:
    if not sort:
        return None, False
    descending = sort.startswith("-")
    field = _field(schema, sort.lstrip("-"), ("text", "keyword", *RANGE_KINDS), "sort")
    if not field.sortable:
        raise _cannot(field.name, "sort")
    return field, descending


def _highlight(schema: IndexSchema, name: str) -> str:
    field = _field(schema, name, ("text",), "highlight")
    if not field.stored:
        raise _cannot(name, "highlight")
    return name


def _bounded(name: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise search_error(
            f"Tham số {name} phải từ {low} đến {high}, nhận được {value!r}.",
            f"{name} must be between {low} and {high}, got {value!r}.",
        )
    return value
