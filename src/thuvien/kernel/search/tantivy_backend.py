"""The default search backend: tantivy, embedded, one directory per index under ``PATH``.

Settings (``THUVIEN_SEARCH[alias]``): ``PATH`` (required), ``WRITER_HEAP_MB`` (default
128, shared by the writer's threads) and ``WRITER_THREADS`` (default 0: tantivy decides).

tantivy allows one writer per index. The writer is opened on the first write and kept
until :meth:`TantivyIndex.close`: in production the task worker is that writer, and web
processes only read, seeing each commit after :meth:`TantivyIndex.reload` (or within about
half a second by themselves).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy
from django.core.exceptions import ImproperlyConfigured

from thuvien.kernel.search.base import (
    IndexSchema,
    SearchBackend,
    SearchIndex,
    SearchQuery,
    SearchResult,
    search_error,
)
from thuvien.kernel.search.documents import prepare
from thuvien.kernel.search.plan import plan
from thuvien.kernel.search.tantivy_query import QueryBuilder
from thuvien.kernel.search.tantivy_schema import (
    ID_FIELD,
    AnalysedDocument,
    analyse,
    build_document,
    build_schema,
    register_analyzers,
)
from thuvien.kernel.search.tantivy_search import run_search


class TantivyBackend(SearchBackend):
    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        if not params.get("PATH"):
            raise ImproperlyConfigured(
                f"THUVIEN_SEARCH[{alias!r}] cần PATH / needs PATH (the index directory)"
            )
        self.root = Path(params["PATH"])
        self.heap_bytes = int(params.get("WRITER_HEAP_MB", 128)) * 1_000_000
        self.threads = int(params.get("WRITER_THREADS", 0))

    def open(self, schema: IndexSchema) -> TantivyIndex:
        return TantivyIndex(schema, self.root / schema.name, self.heap_bytes, self.threads)

    def analyse(self, schema: IndexSchema, document: dict[str, Any]) -> AnalysedDocument:
        return analyse(schema, prepare(schema, document))

    def drop(self, name: str) -> None:
        IndexSchema(name, ())  # checks the name, so it cannot point outside PATH
        shutil.rmtree(self.root / name, ignore_errors=True)


class TantivyIndex(SearchIndex):
    def __init__(self, schema: IndexSchema, path: Path, heap_bytes: int, threads: int):
        self.schema = schema
        self.path = path
        self._heap_bytes = heap_bytes
        self._threads = threads
        self._lock = threading.Lock()
        self._writer: tantivy.IndexWriter | None = None
        self._index = self._open_index()
        self._builder = QueryBuilder(schema, self._index.schema)

    def _open_index(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            index = tantivy.Index(build_schema(self.schema), path=str(self.path), reuse=True)
        except ValueError as exc:
            if "schema does not match" not in str(exc):
                raise search_error(
                    f"Không mở được chỉ mục {self.schema.name!r}: {exc}",
                    f"Cannot open index {self.schema.name!r}: {exc}",
                ) from exc
            raise search_error(
                f"Chỉ mục {self.schema.name!r} được tạo với lược đồ khác; hãy xoá và tạo lại.",
                f"Index {self.schema.name!r} was built with another schema; drop and rebuild it.",
            ) from exc
        register_analyzers(index)
        return index

    # Writing: one writer, created on demand and kept.

    def _writer_or_open(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(self._heap_bytes, self._threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                raise search_error(
                    f"Chỉ mục {self.schema.name!r} đang được một tiến trình khác ghi (thường là"
                    " tiến trình tác vụ); hãy chạy việc này qua tiến trình đó hoặc dừng nó.",
                    f"Index {self.schema.name!r} is being written by another process (usually"
                    " the task worker); run this job through it or stop it first.",
                ) from exc
        return self._writer

    def upsert(self, documents: Iterable[dict[str, Any]]) -> int:
        analysed = [
            item
            if isinstance(item, AnalysedDocument)
            else analyse(self.schema, prepare(self.schema, item))
            for item in documents
        ]
        with self._lock:
            writer = self._writer_or_open()
            for item in analysed:
                writer.delete_documents_by_term(ID_FIELD, item.id)
                writer.add_document(build_document(item))
        return len(analysed)

    def delete(self, ids: Iterable[str]) -> int:
        wanted = [str(doc_id) for doc_id in ids]
        with self._lock:
            writer = self._writer_or_open()
            for doc_id in wanted:
                writer.delete_documents_by_term(ID_FIELD, doc_id)
        return len(wanted)

    def commit(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
        self._index.reload()

    def clear(self) -> None:
        with self._lock:
            writer = self._writer_or_open()
            writer.delete_all_documents()
            writer.commit()
        self._index.reload()

    def close(self) -> None:
        """Finish merges and release the writer lock (pending writes are discarded)."""
        with self._lock:
            writer, self._writer = self._writer, None
            if writer is not None:
                writer.rollback()
                writer.wait_merging_threads()

    # Reading.

    def search(self, query: SearchQuery) -> SearchResult:
        return run_search(self.schema, self._index, self._builder, plan(self.schema, query))

    def count(self) -> int:
        return self._index.searcher().num_docs

    def iter_ids(self) -> Iterator[str]:
        # The term dictionary, filtered by a query so that deleted documents are skipped.
        # Held in memory at once: about 100 bytes per document.
        searcher = self._index.searcher()
        terms = searcher.terms_with_prefix(ID_FIELD, "", filter_query=tantivy.Query.all_query())
        for term, _count in terms:
            yield term

    def reload(self) -> None:
        self._index.reload()
