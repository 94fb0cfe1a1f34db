"""The search kernel: one small interface, backends chosen in settings (THUVIEN_SEARCH)."""

from thuvien.kernel.search.base import (
    Field,
    Hit,
    IndexSchema,
    SearchBackend,
    SearchError,
    SearchIndex,
    SearchQuery,
    SearchResult,
)
from thuvien.kernel.search.handler import get_index, search_backends

__all__ = [
    "Field",
    "Hit",
    "IndexSchema",
    "SearchBackend",
    "SearchError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "get_index",
    "search_backends",
]
