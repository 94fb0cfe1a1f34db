"""Alternatives (``SearchQuery.any_of``): a document matches when it meets the rest of the
query and at least one alternative; each alternative is a small query of its own (words,
field words, filters, ranges). The same answers from every backend."""

from __future__ import annotations

from typing import Any

import pytest

from thuvien.kernel.search import Alternative, SearchError, SearchIndex, SearchQuery
from thuvien.kernel.search.plan import MAX_ALTERNATIVES


def found(index: SearchIndex, any_of: list[Alternative], **options: Any) -> set[str]:
    options.setdefault("limit", 50)
    result = index.search(SearchQuery(any_of=any_of, **options))
    assert result.total == len(result.hits)  # the count agrees with the hits
    return {hit.id for hit in result.hits}


def test_either_field_clause(index: SearchIndex) -> None:
    either = [Alternative(fields={"name": "bach khoa"}), Alternative(fields={"name": "tỉnh"})]
    assert found(index, either) == {"VN-HN-0002", "VN-DLK-0001", "VN-TH-0001"}
    # "Bạch Mai" is an address, not a name: that alternative adds nothing
    either = [Alternative(fields={"name": "bach mai"}), Alternative(fields={"name": "tỉnh"})]
    assert found(index, either) == {"VN-DLK-0001", "VN-TH-0001"}


def test_alternatives_with_filters_ranges_and_exclusions(index: SearchIndex) -> None:
    either = [
        Alternative(filters={"province": ["HN"]}, ranges={"founded": (1950, None)}),
        Alternative(filters={"province": ["DN"]}),
    ]
    assert found(index, either) == {"VN-HN-0002", "VN-DN-0001"}
    either = [Alternative(text="thư viện -tỉnh", filters={"province": ["TH", "DLK", "HN"]})]
    assert found(index, either) == {"VN-HN-0001", "VN-HN-0002"}


def test_the_rest_of_the_query_still_holds(index: SearchIndex) -> None:
    either = [Alternative(fields={"name": "tỉnh"}), Alternative(filters={"province": ["HN"]})]
    assert found(index, either, filters={"province": ["HN", "TH"]}) == {
        "VN-HN-0001",
        "VN-HN-0002",
        "VN-TH-0001",
    }
    assert found(index, either, ranges={"founded": (1957, 1957)}) == {"VN-TH-0001"}
    assert found(index, either, text="bach khoa") == {"VN-HN-0002"}


def test_no_alternative_that_matches_means_no_document(index: SearchIndex) -> None:
    assert found(index, [Alternative(fields={"name": "zzzz"})]) == set()
    assert found(index, [Alternative(filters={"province": ["XX"]})]) == set()


def test_facets_count_what_the_alternatives_find(index: SearchIndex) -> None:
    either = [Alternative(filters={"province": ["HN"]}), Alternative(fields={"name": "tỉnh"})]
    result = index.search(SearchQuery(any_of=either, facets=["province"], limit=0))
    assert result.total == 4
    assert dict(result.facets["province"]) == {"HN": 2, "DLK": 1, "TH": 1}


def test_sorted_and_paged(index: SearchIndex) -> None:
    either = [Alternative(filters={"province": ["HN"]}), Alternative(fields={"name": "tỉnh"})]
    first = index.search(SearchQuery(any_of=either, sort="founded", limit=2))
    rest = index.search(SearchQuery(any_of=either, sort="founded", offset=2, limit=2))
    founded = [hit.document["founded"] for hit in (*first.hits, *rest.hits)]
    assert founded == sorted(founded) and first.total == rest.total == 4


def test_too_many_alternatives_is_a_clear_error(index: SearchIndex) -> None:
    many = [Alternative(text=f"w{i}") for i in range(MAX_ALTERNATIVES + 1)]
    with pytest.raises(SearchError, match="Too many alternatives"):
        index.search(SearchQuery(any_of=many))
    with pytest.raises(SearchError, match="Cannot filter by field"):
        index.search(SearchQuery(any_of=[Alternative(filters={"name": ["x"]})]))
