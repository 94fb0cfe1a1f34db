"""What only the PostgreSQL backend has: its set-up in the database and transactions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from tests.contracts.libraries import DOCUMENTS, LIBRARIES
from thuvien.kernel.search import Field, IndexSchema, SearchError, SearchQuery, get_index
from thuvien.kernel.search.postgres_backend import PostgresBackend, PostgresIndex

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.skipif(ON_POSTGRES, reason="checks the error on another database")
def test_other_databases_are_refused_clearly() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"cần DATABASES.* / .*needs DATABASES"):
        PostgresBackend("default", {})


def test_unknown_database_alias_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="archive"):
        PostgresBackend("default", {"DATABASE": "archive"})


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgresql://...")
class TestOnPostgres:
    def test_unaccent_and_the_fold_configuration_fold_d_with_stroke(self) -> None:
        PostgresBackend("default", {}).open(LIBRARIES)
        with connection.cursor() as cursor:
            cursor.execute("SELECT unaccent('Đà Nẵng, ĐẮK LẮK, đỏ')")
            assert cursor.fetchone()[0] == "Da Nang, DAK LAK, do"
            cursor.execute("SELECT to_tsvector('thuvien_fold', 'Đắk Lắk Đồng Tháp')::text")
            assert cursor.fetchone()[0] == "'dak':1 'dong':3 'lak':2 'thap':4"

    def test_the_table_has_its_indexes(self) -> None:
        index = PostgresBackend("default", {}).open(LIBRARIES)
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [index.table])
            definitions = " ".join(row[0] for row in cursor.fetchall())
        assert "USING gin (fold)" in definitions
        assert "USING gin (k_province)" in definitions
        assert "(s_name)" in definitions and "(n_founded)" in definitions

    def test_writes_belong_to_the_callers_transaction(self) -> None:
        index = PostgresBackend("default", {}).open(LIBRARIES)
        with pytest.raises(RuntimeError), transaction.atomic():
            index.upsert(DOCUMENTS)
            raise RuntimeError("the service failed after indexing")
        assert index.count() == 0

    def test_a_changed_schema_must_be_rebuilt(self) -> None:
        backend = PostgresBackend("default", {})
        backend.open(LIBRARIES).upsert(DOCUMENTS)
        changed = IndexSchema(LIBRARIES.name, (*LIBRARIES.fields, Field("isil", "keyword")))
        with pytest.raises(SearchError, match=r"lược đồ khác.*/ .*another schema"):
            backend.open(changed)
        backend.drop(LIBRARIES.name)
        assert backend.open(changed).count() == 0

    def test_a_boost_change_is_a_schema_change(self) -> None:
        backend = PostgresBackend("default", {})
        backend.open(LIBRARIES)
        reweighted = IndexSchema(
            LIBRARIES.name,
            tuple(
                Field(f.name, f.kind, f.stored, f.facet, f.sortable, 1.0, f.multi)
                for f in LIBRARIES.fields
            ),
        )
        with pytest.raises(SearchError):
            backend.open(reweighted)

    def test_get_index_opens_the_configured_backend(self, settings) -> None:
        settings.THUVIEN_SEARCH = {
            "default": {"BACKEND": "thuvien.kernel.search.postgres_backend.PostgresBackend"}
        }
        index = get_index(LIBRARIES)
        assert isinstance(index, PostgresIndex) and index.table == "thuvien_search_libraries"
        index.upsert(DOCUMENTS)
        assert get_index(LIBRARIES).search(SearchQuery(text="da nang")).total == 2

    def test_iter_ids_pages_through_many_documents(self) -> None:
        index = PostgresBackend("default", {}).open(LIBRARIES)
        ids = [f"VN-X-{n:05d}" for n in range(25_013)]
        index.upsert({"id": doc_id, "name": "Thư viện"} for doc_id in ids)
        assert list(index.iter_ids()) == ids
        assert index.count() == len(ids)
