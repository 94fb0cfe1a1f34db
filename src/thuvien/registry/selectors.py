"""Read-only queries of the registry for pages, the API and other apps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from thuvien.kernel.search import Hit, SearchQuery, SearchResult
from thuvien.registry.services.indexing import library_index

FACETS = ["library_type", "level", "status", "province", "services", "country", "ownership"]
FILTERS = [
    "library_type",
    "level",
    "status",
    "province",
    "commune",
    "country",
    "services",
    "ownership",
]
SORTS = {"relevance": None, "name": "name_sort", "-updated": "-updated"}


class DirectoryFilters(Schema):
    q: str = Field("", max_length=200, description="Từ khóa, có hoặc không dấu / words")
    library_type: list[str] = Field(default_factory=list)
    level: list[str] = Field(default_factory=list)
    status: list[str] = Field(default_factory=list)
    province: list[str] = Field(default_factory=list, description="Mã tỉnh 2025")
    commune: list[str] = Field(default_factory=list, description="Mã xã 2025")
    country: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    ownership: list[str] = Field(default_factory=list)
    sort: Literal["relevance", "name", "-updated"] = "relevance"
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(20, ge=1, le=100)

    @field_validator(*FILTERS, mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            value = [value]
        return [v.strip()[:64] for item in value or [] for v in str(item).split(",") if v.strip()][
            :50
        ]


def search_directory(
    filters: DirectoryFilters, *, highlight: bool = True, limit: int | None = None
) -> SearchResult:
    """Search the directory; ``limit`` overrides the page size for internal callers."""
    sort = SORTS[filters.sort]
    if sort is None and not filters.q.strip():
        sort = "name_sort"
    query = SearchQuery(
        text=filters.q,
        filters={name: getattr(filters, name) for name in FILTERS if getattr(filters, name)},
        # Communes are offered once a province is chosen (3,321 would be too many).
        facets=[*FACETS, "commune"] if filters.province else FACETS,
        facet_limit=40 if not filters.province else 200,
        sort=sort,
        offset=filters.offset,
        limit=limit or filters.limit,
        highlight=["name"] if highlight else [],
    )
    index = library_index()
    index.reload()
    return index.search(query)


PAGE_LIMIT = 1000  # the largest page the search kernel returns


def iterate_directory(filters: DirectoryFilters, max_hits: int) -> Iterator[Hit]:
    """Every hit for ``filters`` (up to ``max_hits``), fetched page by page."""
    offset = 0
    while offset < max_hits:
        page = filters.model_copy(update={"offset": offset})
        result = search_directory(page, highlight=False, limit=min(PAGE_LIMIT, max_hits - offset))
        yield from result.hits
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            return
