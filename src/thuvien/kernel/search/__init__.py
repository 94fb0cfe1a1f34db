"""The search kernel: one small interface, backends chosen in settings (THUVIEN_SEARCH)."""

from thuvien.kernel.search.base import (
    MAX_LIMIT,
    MAX_OFFSET,
    Alternative,
    Field,
    Hit,
    IndexSchema,
    SearchBackend,
    SearchError,
    SearchIndex,
    SearchQuery,
    SearchResult,
    search_error,
)
from thuvien.kernel.search.handler import drop_index, get_index, search_backends, write_index

__all__ = [
    "MAX_LIMIT",
    "MAX_OFFSET",
    "Alternative",
    "Field",
    "Hit",
    "IndexSchema",
    "SearchBackend",
    "SearchError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "drop_index",
    "get_index",
    "search_backends",
    "search_error",
    "write_index",
]
