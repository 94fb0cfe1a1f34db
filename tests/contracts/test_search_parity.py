"""Every backend gives the same answers: tantivy against PostgreSQL on the same documents."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise

import pytest

from tests.contracts.conftest import ON_POSTGRES
from tests.contracts.libraries import DOCUMENTS, LIBRARIES
from thuvien.kernel.search import Alternative, SearchIndex, SearchQuery, SearchResult
from thuvien.kernel.search.postgres_backend import PostgresBackend
from thuvien.kernel.search.tantivy_backend import TantivyBackend
from thuvien.kernel.text import fold_for_search

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgresql://..."),
]
FACETS = ["library_type", "province", "services"]


@pytest.fixture
def both(tmp_path) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    indexes = (
        TantivyBackend("parity", {"PATH": str(tmp_path)}).open(LIBRARIES),
        PostgresBackend("parity", {"TABLE_PREFIX": "parity_"}).open(LIBRARIES),
    )
    for index in indexes:
        index.upsert(DOCUMENTS)
        index.commit()
    yield indexes
    for index in indexes:
        index.close()


def _word_queries() -> list[str]:
    """Each word and each pair of words of every name, as typed and without diacritics."""
    queries: set[str] = set()
    for document in DOCUMENTS:
        words = document["name"].split()
        for text in words + [" ".join(pair) for pair in combinations(words[:5], 2)]:
            queries.update({text, fold_for_search(text), f'"{text}"', f"thư viện -{text}"})
    return sorted(queries)


def _summary(result: SearchResult, ordered: bool) -> tuple:
    ids = [hit.id for hit in result.hits]
    return result.total, ids if ordered else sorted(ids), result.facets


def test_word_queries_agree(both: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy_index, postgres_index = both
    queries = _word_queries()
    assert len(queries) > 300
    for text in queries:
        query = SearchQuery(text=text, limit=50, facets=FACETS)
        expected = _summary(tantivy_index.search(query), ordered=False)
        assert _summary(postgres_index.search(query), ordered=False) == expected, text


def test_field_queries_agree(both: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy_index, postgres_index = both
    for text in _word_queries():
        for name in ("name", "address", "other_names"):
            query = SearchQuery(fields={name: text}, limit=50, facets=FACETS)
            expected = _summary(tantivy_index.search(query), ordered=False)
            assert _summary(postgres_index.search(query), ordered=False) == expected, (name, text)


def test_alternatives_agree(both: tuple[SearchIndex, SearchIndex]) -> None:
    tantivy_index, postgres_index = both
    words = _word_queries()
    for first, second in pairwise(words):
        either = [Alternative(fields={"name": first}), Alternative(text=second)]
        query = SearchQuery(any_of=either, limit=50, facets=FACETS)
        expected = _summary(tantivy_index.search(query), ordered=False)
        assert _summary(postgres_index.search(query), ordered=False) == expected, either


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(sort="founded", limit=50),
        SearchQuery(sort="-floor_area", limit=50),
        SearchQuery(sort="name", limit=50, facets=FACETS),
        SearchQuery(sort="-updated", offset=2, limit=3),
        SearchQuery(text="thư viện", filters={"services": ["digital", "mobile"]}, sort="code"),
        SearchQuery(filters={"province": ["HN", "DN"]}, facets=FACETS, sort="-code"),
        SearchQuery(ranges={"founded": (1950, 1980)}, facets=FACETS, sort="founded"),
        SearchQuery(text="Đà Nẵng", highlight=["name", "address", "other_names"]),
        SearchQuery(text="đa năng", highlight=["name", "address"]),
        SearchQuery(fields={"name": "Đà Nẵng"}, highlight=["name", "address"]),
        SearchQuery(fields={"name": "đa năng", "address": "-hà"}, highlight=["name"]),
        SearchQuery(text="thư viện", fields={"address": "tỉnh"}, facets=FACETS, sort="-code"),
        SearchQuery(
            any_of=[
                Alternative(fields={"name": "tỉnh"}),
                Alternative(filters={"province": ["HN"]}),
            ],
            highlight=["name"],
            sort="code",
        ),
    ],
)
def test_ordered_queries_agree(both: tuple[SearchIndex, SearchIndex], query: SearchQuery) -> None:
    """Sorted results, and exact-spelling ranking, come in the same order (plain relevance
    order may differ: BM25 against ts_rank_cd)."""
    tantivy_result, postgres_result = (index.search(query) for index in both)
    assert _summary(postgres_result, ordered=True) == _summary(tantivy_result, ordered=True)
    pairs = zip(tantivy_result.hits, postgres_result.hits, strict=True)
    for tantivy_hit, postgres_hit in pairs:
        assert postgres_hit.document == tantivy_hit.document
        assert postgres_hit.highlights == tantivy_hit.highlights
