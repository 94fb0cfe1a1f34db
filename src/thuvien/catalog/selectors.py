"""Read-only queries of the union catalogue for pages, the API and other apps."""

from __future__ import annotations

import re
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from thuvien.kernel.search import SearchQuery, SearchResult

FACETS = ["format", "language", "decade", "subject_facet", "library", "province"]
FILTERS = ["format", "language", "decade", "subject_facet", "library", "province"]
SORTS = {"relevance": None, "-year": "-year", "year": "year", "title": "title_sort"}
_ISBN_LIKE = re.compile(r"^[\dXx\-\s]{10,17}$")


class CatalogFilters(Schema):
    q: str = Field("", max_length=300, description="Từ khóa, có hoặc không dấu; ISBN / words")
    format: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list)
    decade: list[str] = Field(default_factory=list)
    subject_facet: list[str] = Field(default_factory=list)
    library: list[str] = Field(default_factory=list, description="Mã VN- của thư viện")
    province: list[str] = Field(default_factory=list, description="Mã tỉnh 2025")
    year_from: int | None = Field(None, ge=0, le=3000)
    year_to: int | None = Field(None, ge=0, le=3000)
    sort: Literal["relevance", "-year", "year", "title"] = "relevance"
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(20, ge=1, le=100)

    @field_validator(*FILTERS, mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            value = [value]
        return [v.strip()[:200] for item in value or [] for v in str(item).split("|") if v.strip()][
            :50
        ]


def isbn_query(text: str) -> set[str]:
    """The ISBN forms to look for when the whole query is an ISBN (10 or 13 digits)."""
    if not _ISBN_LIKE.match(text.strip()):
        return set()
    from thuvien.catalog.marc.isbn import isbn_keys

    return set(isbn_keys(text))


def search_catalog(
    filters: CatalogFilters, *, highlight: bool = True, facets: bool = True
) -> SearchResult:
    from thuvien.catalog.services.indexing import catalog_index

    chosen = {name: getattr(filters, name) for name in FILTERS if getattr(filters, name)}
    text = filters.q
    isbns = isbn_query(text)
    if isbns:
        chosen["isbn"], text = sorted(isbns), ""
    ranges = {}
    if filters.year_from is not None or filters.year_to is not None:
        ranges["year"] = (filters.year_from, filters.year_to)
    chosen["collapsed"] = ["0"]  # one hit per cluster of duplicates: its preferred record
    sort = SORTS[filters.sort]
    query = SearchQuery(
        text=text,
        filters=chosen,
        ranges=ranges,
        facets=FACETS if facets else [],
        facet_limit=30,
        sort=sort,
        offset=filters.offset,
        limit=filters.limit,
        highlight=["title", "author"] if highlight else [],
    )
    index = catalog_index()
    index.reload()
    return index.search(query)
