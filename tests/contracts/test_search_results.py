"""Filters, facets, sorting, ranges, pages and snippets: the same from every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.contracts.libraries import DOCUMENTS, IDS
from thuvien.kernel.search import SearchError, SearchIndex, SearchQuery


def found(index: SearchIndex, text: str = "", **options: Any) -> list[str]:
    options.setdefault("limit", 50)
    return [hit.id for hit in index.search(SearchQuery(text=text, **options)).hits]


def test_filters_or_within_a_field_and_across_fields(index: SearchIndex) -> None:
    assert set(found(index, filters={"province": ["HN"]})) == {"VN-HN-0001", "VN-HN-0002"}
    both = found(index, filters={"province": ["HN", "DN"]})
    assert set(both) == {"VN-HN-0001", "VN-HN-0002", "VN-DN-0001"}
    narrowed = found(index, filters={"province": ["HN", "DN"], "library_type": ["public"]})
    assert narrowed == ["VN-DN-0001"]
    assert set(found(index, filters={"services": ["mobile"]})) == {"VN-DLK-0001", "VN-HCM-0001"}


def test_filters_combine_with_text(index: SearchIndex) -> None:
    assert found(index, "thư viện", filters={"library_type": ["academic"], "province": ["LD"]}) == [
        "VN-LD-0003"
    ]
    assert found(index, "thư viện", filters={"province": ["nowhere"]}) == []


def test_filter_does_not_change_the_order(index: SearchIndex) -> None:
    plain = [i for i in found(index, "Đà Nẵng") if i.startswith("VN-DN")]
    assert found(index, "Đà Nẵng", filters={"province": ["DN"]}) == plain


def test_facets_count_the_results(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="thư viện", facets=["library_type", "services"]))
    assert result.facets["library_type"] == [
        ("public", 5),
        ("academic", 2),
        ("national", 1),
        ("school", 1),
    ]
    assert result.facets["services"][:2] == [("lending", 7), ("reading_room", 6)]


def test_facets_on_everything_are_ordered_by_count_then_value(index: SearchIndex) -> None:
    result = index.search(SearchQuery(facets=["province"], facet_limit=3))
    assert result.facets["province"] == [("HN", 2), ("DLK", 1), ("DN", 1)]


def test_facet_of_a_filtered_field_keeps_other_values(index: SearchIndex) -> None:
    query = SearchQuery(filters={"province": ["HN"]}, facets=["province", "library_type"])
    result = index.search(query)
    assert result.total == 2
    assert dict(result.facets["province"])["DN"] == 1  # still selectable
    assert sum(count for _, count in result.facets["province"]) == len(IDS)
    assert result.facets["library_type"] == [("academic", 1), ("national", 1)]


def test_sort_ascending_and_descending(index: SearchIndex) -> None:
    by_year = sorted(DOCUMENTS, key=lambda d: (d["founded"], d["id"]))
    oldest, newest = by_year[0]["id"], by_year[-1]["id"]
    ascending = found(index, sort="founded")
    assert ascending[0] == oldest == "VN-HN-0001"
    descending = found(index, sort="-founded")
    assert descending[0] == newest == "VN-QNI-0020"
    years = [hit.document["founded"] for hit in index.search(SearchQuery(sort="founded")).hits]
    assert years == sorted(years)


def test_sort_by_text_uses_folded_order(index: SearchIndex) -> None:
    names = found(index, "thư viện trường", sort="name")
    # "Đại học Bách khoa" before "Đại học Đà Lạt": b < d, with Đ sorted as D.
    assert names == ["VN-HN-0002", "VN-LD-0003"]
    assert found(index, sort="-code")[0] == "VN-TN-0007"


def test_documents_without_the_sort_value_come_last(index: SearchIndex) -> None:
    missing = {d["id"] for d in DOCUMENTS if "floor_area" not in d}
    for sort in ("floor_area", "-floor_area"):
        ids = found(index, sort=sort)
        assert set(ids[-len(missing) :]) == missing, sort
    assert found(index, sort="-updated")[0] == "VN-HN-0001"


def test_ranges_on_integers_floats_and_dates(index: SearchIndex) -> None:
    seventies = set(found(index, ranges={"founded": (1970, 1979)}))
    assert seventies == {"VN-DLK-0001", "VN-DN-0001", "VN-HCM-0001", "VN-LD-0003"}
    assert found(index, ranges={"founded": (None, 1920)}) == ["VN-HN-0001"]
    assert set(found(index, ranges={"founded": ("2000", None)})) == {"VN-TN-0007", "VN-QNI-0020"}
    assert set(found(index, ranges={"floor_area": (9000.0, None)})) == {
        "VN-HN-0001",
        "VN-HCM-0001",
    }
    recent = found(index, ranges={"updated": (date(2025, 1, 1), None)})
    assert set(recent) == {"VN-HN-0001", "VN-DN-0001"}
    instant = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    assert found(index, ranges={"updated": (instant, instant)}) == ["VN-HN-0001"]
    assert found(index, "thư viện", ranges={"updated": ("2024-06-01", "2024-06-30")}) == [
        "VN-DLK-0001"
    ]


def test_pages_cover_the_results_once(index: SearchIndex) -> None:
    pages = [index.search(SearchQuery(sort="code", offset=offset, limit=4)) for offset in (0, 4, 8)]
    ids = [hit.id for page in pages for hit in page.hits]
    assert ids == sorted(IDS)
    assert [page.total for page in pages] == [len(IDS)] * 3
    assert [len(page.hits) for page in pages] == [4, 4, 2]
    beyond = index.search(SearchQuery(offset=20, limit=5))
    assert beyond.total == len(IDS) and beyond.hits == []
    counted = index.search(SearchQuery(text="thư viện", limit=0, facets=["province"]))
    assert counted.hits == [] and counted.total == 9 and counted.facets["province"]


def test_relevance_pages_are_consistent(index: SearchIndex) -> None:
    everything = found(index, "thư viện")
    pages = [found(index, "thư viện", offset=o, limit=3) for o in range(0, 9, 3)]
    assert set(everything) == {i for page in pages for i in page}


def test_snippets_mark_matches_and_escape_html(index: SearchIndex) -> None:
    query = SearchQuery(text="da nang", filters={"province": ["DN"]}, highlight=["name", "address"])
    hit = index.search(query).hits[0]
    assert hit.highlights["name"] == "Thư viện thành phố <mark>Đà Nẵng</mark>"
    assert hit.highlights["address"].endswith("thành phố <mark>Đà Nẵng</mark>")
    unsafe = index.search(SearchQuery(text="script alert", highlight=["name"])).hits[0]
    assert unsafe.id == "VN-QNI-0020"
    assert unsafe.highlights["name"] == (
        "Thư viện &lt;<mark>script</mark>&gt;<mark>alert</mark>(&#x27;x&#x27;)&lt;/"
        "<mark>script</mark>&gt; &amp; Phòng đọc"
    )
    assert "<script>" not in unsafe.highlights["name"]


def test_snippets_without_words_are_escaped_text(index: SearchIndex) -> None:
    hit = index.search(SearchQuery(filters={"province": ["QNI"]}, highlight=["name"])).hits[0]
    assert hit.highlights["name"] == (
        "Thư viện &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Phòng đọc"
    )


def test_snippets_of_multi_valued_fields(index: SearchIndex) -> None:
    hit = index.search(SearchQuery(text="vietnam", highlight=["other_names"])).hits[0]
    assert hit.highlights["other_names"] == "National Library of <mark>Vietnam</mark>; TVQG"


def test_documents_come_back_as_stored(index: SearchIndex) -> None:
    hit = index.search(SearchQuery(text="quốc gia")).hits[0]
    expected = {k: v for k, v in DOCUMENTS[0].items() if k != "bodies"}  # not stored
    assert hit.document == expected
    assert isinstance(hit.document["opened_on"], date)
    assert hit.document["updated"] == datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(facets=["name"]),
        SearchQuery(facets=["code"]),  # a keyword, but not declared a facet
        SearchQuery(filters={"founded": ["1976"]}),
        SearchQuery(filters={"nope": ["x"]}),
        SearchQuery(sort="address"),
        SearchQuery(sort="-nope"),
        SearchQuery(ranges={"name": ("a", "b")}),
        SearchQuery(ranges={"founded": ("nineteen", None)}),
        SearchQuery(ranges={"updated": ("yesterday", None)}),
        SearchQuery(highlight=["bodies"]),  # not stored
        SearchQuery(offset=-1),
        SearchQuery(limit=-5),
        SearchQuery(offset=100_001),
        SearchQuery(limit=1_001),
        SearchQuery(facet_limit=0),
        SearchQuery(text="thư viện " * 200),
    ],
)
def test_bad_queries_raise_a_clean_error(index: SearchIndex, query: SearchQuery) -> None:
    with pytest.raises(SearchError, match=" / "):
        index.search(query)
