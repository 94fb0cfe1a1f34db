"""Backends configured CACHES-style in ``THUVIEN_SEARCH``, resolved at call time."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.utils.module_loading import import_string

from thuvien.kernel.search.base import IndexSchema, SearchBackend, SearchError, SearchIndex


class SearchBackendHandler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._backends: dict[str, SearchBackend] = {}
        self._indexes: dict[tuple[str, str], SearchIndex] = {}

    def backend(self, alias: str = "default") -> SearchBackend:
        with self._lock:
            if alias not in self._backends:
                params = dict(settings.THUVIEN_SEARCH[alias])
                backend_cls = import_string(params.pop("BACKEND"))
                self._backends[alias] = backend_cls(alias, params)
            return self._backends[alias]

    def index(self, schema: IndexSchema, alias: str = "default") -> SearchIndex:
        key = (alias, schema.name)
        backend = self.backend(alias)
        with self._lock:
            if key not in self._indexes:
                self._indexes[key] = backend.open(schema)
            return self._indexes[key]

    def drop(self, schema: IndexSchema, alias: str = "default") -> None:
        """Close and delete an index (before a rebuild, e.g. after a schema change)."""
        backend = self.backend(alias)
        with self._lock:
            index = self._indexes.pop((alias, schema.name), None)
            if index is not None:
                index.close()
            backend.drop(schema.name)

    def reset(self) -> None:
        """Forget open backends (tests switch settings between cases)."""
        with self._lock:
            for index in self._indexes.values():
                close = getattr(index, "close", None)
                if close:
                    close()
            self._backends.clear()
            self._indexes.clear()


search_backends = SearchBackendHandler()


def get_index(schema: IndexSchema, alias: str = "default") -> SearchIndex:
    return search_backends.index(schema, alias)


def drop_index(schema: IndexSchema, alias: str = "default") -> None:
    search_backends.drop(schema, alias)


WRITE_ATTEMPTS = 6


def write_index(schema: IndexSchema, apply, alias: str = "default") -> None:
    """Run ``apply(index)`` and commit, then release the writer so that another process (the
    command line while the task worker runs) can write next; retry, backing off, while
    another writer holds the lock (tantivy allows one)."""
    for attempt in range(WRITE_ATTEMPTS):
        index = get_index(schema, alias)
        try:
            apply(index)
            index.commit()
            return
        except SearchError:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
        finally:
            index.close()
