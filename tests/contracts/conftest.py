"""The backends the contract suite runs against: tantivy always, PostgreSQL when the test
database is PostgreSQL (``DATABASE_URL=postgresql://...``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from tests.contracts.libraries import DOCUMENTS, LIBRARIES
from thuvien.kernel.search import SearchBackend, SearchIndex
from thuvien.kernel.search.postgres_backend import PostgresBackend
from thuvien.kernel.search.tantivy_backend import TantivyBackend

BackendFactory = Callable[[], SearchBackend]
ON_POSTGRES = connection.vendor == "postgresql"
BACKENDS = [
    pytest.param("tantivy", id="tantivy"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.django_db,  # each test runs in a transaction: its tables vanish after
            pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgresql://..."),
        ],
    ),
]


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, tmp_path) -> BackendFactory:
    """Builds backend instances that share one store, as separate processes would."""
    if request.param == "postgres":
        return lambda: PostgresBackend("contract", {"TABLE_PREFIX": "contract_"})
    return lambda: TantivyBackend("contract", {"PATH": str(tmp_path / "index")})


@pytest.fixture
def backend(make_backend: BackendFactory) -> SearchBackend:
    return make_backend()


@pytest.fixture
def empty_index(backend: SearchBackend) -> Iterator[SearchIndex]:
    index = backend.open(LIBRARIES)
    yield index
    index.close()


@pytest.fixture
def index(empty_index: SearchIndex) -> SearchIndex:
    empty_index.upsert(DOCUMENTS)
    empty_index.commit()
    return empty_index
