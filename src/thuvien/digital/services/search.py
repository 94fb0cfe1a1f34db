"""Search across the digital collections (read-only selector over the search index)."""

from __future__ import annotations

from thuvien.digital.services.access import readable_levels
from thuvien.digital.services.indexing import digital_index
from thuvien.kernel.search import SearchQuery

FACETS = ["kind", "collection", "library", "language", "access"]


def search_objects(user, request, text: str, filters: dict[str, list[str]], offset=0, limit=20):
    query = SearchQuery(
        text=text,
        filters={**filters, "access": _allowed(filters, user, request)},
        facets=FACETS,
        offset=offset,
        limit=limit,
        highlight=["text", "title"],
    )
    return digital_index().search(query)


def _allowed(filters, user, request) -> list[str]:
    levels = readable_levels(user, request)
    wanted = filters.get("access")
    if not wanted:
        return levels
    return [level for level in wanted if level in levels] or ["-"]


def count_for(user, request, text: str) -> int:
    """How many readable objects match ``text`` (shown beside catalogue results)."""
    if not text.strip():
        return 0
    return search_objects(user, request, text, {}, limit=0).total
