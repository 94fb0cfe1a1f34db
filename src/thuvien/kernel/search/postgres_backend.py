"""The second search backend: PostgreSQL full-text search (unaccent + GIN), one table per index.

Settings (``THUVIEN_SEARCH[alias]``): ``DATABASE`` (a Django database alias, default
``"default"``, which must be PostgreSQL) and ``TABLE_PREFIX`` (default
``"thuvien_search_"``). Opening an index creates, if missing, the ``unaccent`` extension,
the ``thuvien_fold`` text search configuration and the index's table.

Writes go through Django's connection, so they join the caller's transaction and are
visible once it commits; :meth:`PostgresIndex.commit` has nothing left to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.utils import ConnectionDoesNotExist

from thuvien.kernel.search.base import (
    Hit,
    IndexSchema,
    SearchBackend,
    SearchIndex,
    SearchQuery,
    SearchResult,
    search_error,
)
from thuvien.kernel.search.documents import PreparedDocument, prepare, restore
from thuvien.kernel.search.highlight import highlights
from thuvien.kernel.search.plan import QueryPlan, order_facets, plan
from thuvien.kernel.search.postgres_sql import FOLD_CONFIG, TableLayout, fields_table, quote_name

BATCH = 1000
_LOCK_KEY = 7_347_821_104  # advisory lock serialising the creation of tables and config
_UNACCENT_TOKENS = (
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword,"
    " hword_numpart"
)


class PostgresBackend(SearchBackend):
    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.database = params.get("DATABASE", "default")
        self.prefix = params.get("TABLE_PREFIX", "thuvien_search_")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", self.prefix):
            raise ImproperlyConfigured(f"THUVIEN_SEARCH[{alias!r}]: bad TABLE_PREFIX")
        try:
            vendor = connections[self.database].vendor
        except ConnectionDoesNotExist as exc:
            raise ImproperlyConfigured(f"THUVIEN_SEARCH[{alias!r}]: {exc}") from exc
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                f"Tìm kiếm PostgreSQL cần DATABASES[{self.database!r}] là PostgreSQL (đang là"
                f" {vendor}). / The PostgreSQL search backend needs DATABASES"
                f"[{self.database!r}] to be PostgreSQL (it is {vendor})."
            )

    def open(self, schema: IndexSchema) -> PostgresIndex:
        return PostgresIndex(schema, self.database, self.prefix + schema.name)

    def drop(self, name: str) -> None:
        IndexSchema(name, ())  # checks the name
        table = self.prefix + name
        with connections[self.database].cursor() as cursor:
            cursor.execute(
                f"DROP TABLE IF EXISTS {quote_name(fields_table(table))}, {quote_name(table)}"
            )


class PostgresIndex(SearchIndex):
    def __init__(self, schema: IndexSchema, database: str, table: str):
        self.schema = schema
        self.database = database
        self.table = table
        self.layout = TableLayout(schema, table)
        self._ensure_table()

    def _cursor(self) -> Any:
        return connections[self.database].cursor()

    def _ensure_table(self) -> None:
        with transaction.atomic(using=self.database), self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            _ensure_unaccent(cursor)
            _ensure_fold_config(cursor)
            cursor.execute(
                "SELECT to_regclass(%s) IS NOT NULL, obj_description(to_regclass(%s), 'pg_class')",
                [self.table, self.table],
            )
            exists, comment = cursor.fetchone()
            if not exists:
                for statement in self.layout.create_statements():
                    cursor.execute(statement)
                # Inline: COMMENT takes no bound parameters; the fingerprint is our own hex.
                comment = self.layout.fingerprint
                cursor.execute(f"COMMENT ON TABLE {self.layout.table} IS '{comment}'")
            elif comment != self.layout.fingerprint:
                raise search_error(
                    f"Chỉ mục {self.schema.name!r} được tạo với lược đồ khác; hãy xoá và tạo lại.",
                    f"Index {self.schema.name!r} was built with another schema; drop and rebuild"
                    " it.",
                )

    # Writing.

    def upsert(self, documents: Iterable[dict[str, Any]]) -> int:
        (sql, fields_sql), count = self.layout.upsert_sql(), 0
        iterator = iter(documents)
        while batch := list(islice(iterator, BATCH)):
            rows = [self.layout.rows(_prepared(self.schema, document)) for document in batch]
            with transaction.atomic(using=self.database), self._cursor() as cursor:
                cursor.executemany(sql, [row for row, _ in rows])
                cursor.executemany(fields_sql, [vectors for _, vectors in rows])
            count += len(rows)
        return count

    def delete(self, ids: Iterable[str]) -> int:
        wanted = [str(doc_id) for doc_id in ids]
        with self._cursor() as cursor:
            for start in range(0, len(wanted), BATCH):
                cursor.execute(
                    f"DELETE FROM {self.layout.table} WHERE id = ANY(%s)",
                    [wanted[start : start + BATCH]],
                )
        return len(wanted)

    def commit(self) -> None:
        """Nothing to do: rows are visible when the surrounding transaction commits."""

    def clear(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.layout.fields_table}, {self.layout.table}")

    # Reading.

    def search(self, query: SearchQuery) -> SearchResult:
        checked = plan(self.schema, query)
        with self._cursor() as cursor:
            total, facets = self._counts(cursor, checked)
            hits = self._hits(cursor, checked) if checked.limit and total > checked.offset else []
            for name in checked.facets:
                if name in checked.filters:
                    facets[name] = self._facet(cursor, checked, name)
        return SearchResult(total, hits, {name: facets.get(name, []) for name in checked.facets})

    def _counts(self, cursor: Any, checked: QueryPlan) -> tuple[int, dict[str, list]]:
        """The total and the facets of unfiltered fields, from one scan of the matches."""
        source, params = self.layout.source(checked, ranked=False)
        where, where_params = self.layout.conditions(checked)
        params += where_params
        plain = [name for name in checked.facets if name not in checked.filters]
        columns = [self.layout.column(self.schema.field(name)) for name in plain]
        parts = ["SELECT NULL::text, NULL::text, count(*) FROM matched"]
        for name, column in zip(plain, columns, strict=True):
            parts.append(
                f"(SELECT %s::text, value, count(*) FROM matched, unnest(matched.{column})"
                " AS value GROUP BY value ORDER BY count(*) DESC, value LIMIT %s)"
            )
            params += [name, checked.facet_limit]
        cursor.execute(
            f"WITH matched AS MATERIALIZED (SELECT {', '.join(columns) or '1'} FROM {source}"
            f" WHERE {where}) {' UNION ALL '.join(parts)}",
            params,
        )
        total, counts = 0, {name: [] for name in plain}
        for name, value, count in cursor.fetchall():
            if name is None:
                total = int(count)
            else:
                counts[name].append((value, int(count)))
        return total, {
            name: order_facets(found, checked.facet_limit) for name, found in counts.items()
        }

    def _hits(self, cursor: Any, checked: QueryPlan) -> list[Hit]:
        ranked = checked.sort_field is None
        source, source_params = self.layout.source(checked, ranked=ranked)
        where, where_params = self.layout.conditions(checked)
        score, score_params = self.layout.score(checked) if ranked else ("0.0", [])
        order = "score DESC, id"
        if not ranked:
            direction = "DESC" if checked.descending else "ASC"
            order = f"{self.layout.sort_column(checked.sort_field)} {direction} NULLS LAST, id"
        cursor.execute(
            f"SELECT id, doc, {score} AS score FROM {source} WHERE {where}"
            f" ORDER BY {order} LIMIT %s OFFSET %s",
            score_params + source_params + where_params + [checked.limit, checked.offset],
        )
        hits = []
        for doc_id, stored, relevance in cursor.fetchall():
            document = restore(self.schema, stored)
            hits.append(Hit(doc_id, float(relevance), document, highlights(document, checked)))
        return hits

    def _facet(self, cursor: Any, checked: QueryPlan, name: str) -> list[tuple[str, int]]:
        # Multi-select: a field's counts ignore its own filter.
        source, source_params = self.layout.source(checked, ranked=False)
        where, where_params = self.layout.conditions(checked, without_filter=name)
        column = self.layout.column(self.schema.field(name))
        cursor.execute(
            f"SELECT value, count(*) FROM {source}, unnest({column}) AS value WHERE {where}"
            " GROUP BY value ORDER BY count(*) DESC, value LIMIT %s",
            source_params + where_params + [checked.facet_limit],
        )
        return [(value, int(count)) for value, count in cursor.fetchall()]

    def count(self) -> int:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.layout.table}")
            return int(cursor.fetchone()[0])

    def iter_ids(self) -> Iterator[str]:
        last = ""
        while True:  # keyset pages: no long-lived cursor, cheap at any depth
            with self._cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {self.layout.table} WHERE id > %s ORDER BY id LIMIT %s",
                    [last, BATCH * 10],
                )
                page = [row[0] for row in cursor.fetchall()]
            yield from page
            if len(page) < BATCH * 10:
                return
            last = page[-1]


def _ensure_unaccent(cursor: Any) -> None:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
    if cursor.fetchone():
        return
    try:
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError as exc:
        raise ImproperlyConfigured(
            "PostgreSQL cần phần mở rộng unaccent: chạy CREATE EXTENSION unaccent với quyền"
            " quản trị. / PostgreSQL needs the unaccent extension: run CREATE EXTENSION"
            f" unaccent as a superuser ({exc})."
        ) from exc


def _ensure_fold_config(cursor: Any) -> None:
    cursor.execute(
        "SELECT 1 FROM pg_ts_config WHERE cfgname = %s AND pg_ts_config_is_visible(oid)",
        [FOLD_CONFIG],
    )
    if cursor.fetchone():
        return
    cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {FOLD_CONFIG} (COPY = simple)")
    cursor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {FOLD_CONFIG}"
        f" ALTER MAPPING FOR {_UNACCENT_TOKENS} WITH unaccent, simple"
    )


def _prepared(schema: IndexSchema, document: Any) -> PreparedDocument:
    return document if isinstance(document, PreparedDocument) else prepare(schema, document)
