"""Field-scoped text (``SearchQuery.fields``): the same syntax and folding as ``text``, in
one field only; the same answers from every backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.libraries import IDS
from thuvien.kernel.search import SearchError, SearchIndex, SearchQuery


def found(index: SearchIndex, fields: dict[str, str], **options: Any) -> list[str]:
    options.setdefault("limit", 50)
    return [hit.id for hit in index.search(SearchQuery(fields=fields, **options)).hits]


def test_a_word_matches_in_its_field_only(index: SearchIndex) -> None:
    # "Bách khoa" is in the name (and the governing body), "Bạch Mai" in the address.
    assert found(index, {"name": "bach khoa"}) == ["VN-HN-0002"]
    assert found(index, {"address": "bach khoa"}) == []
    assert found(index, {"address": "bạch mai"}) == ["VN-HN-0002"]
    assert found(index, {"name": "bach mai"}) == []
    assert set(found(index, {"name": "tỉnh"})) == {"VN-DLK-0001", "VN-TH-0001"}


def test_every_word_is_required_in_the_field(index: SearchIndex) -> None:
    assert set(found(index, {"name": "thư viện hà nội"})) == {"VN-HN-0002"}
    assert found(index, {"name": "quốc gia bạch mai"}) == []


def test_words_of_several_fields_must_all_hold(index: SearchIndex) -> None:
    both = {"name": "bach khoa", "address": "bach mai"}
    assert found(index, both) == ["VN-HN-0002"]
    assert found(index, {"name": "bach khoa", "address": "tràng thi"}) == []


def test_diacritics_fold_in_the_field(index: SearchIndex) -> None:
    index.upsert(
        [
            {"id": "X-1", "name": "Thư viện Sài Gòn", "address": "Quận 1"},
            {"id": "X-2", "name": "Nhà văn hoá", "address": "Sài Gòn"},
        ]
    )
    index.commit()
    for text in ("sai gon", "Sài Gòn", "SAI GON", "sài   gòn"):
        assert found(index, {"name": text}) == ["X-1"], text
        assert found(index, {"address": text}) == ["X-2"], text
    assert found(index, {"name": "dak lak"}) == ["VN-DLK-0001"]
    assert found(index, {"name": "Hòa Bình"}) == ["VN-TN-0007"]  # indexed as "Hoà Bình"


def test_exact_spelling_ranks_first_in_the_field(index: SearchIndex) -> None:
    assert found(index, {"name": "Đà Nẵng"}) == ["VN-DN-0001", "VN-TN-0007"]
    assert found(index, {"name": "đa năng"}) == ["VN-TN-0007", "VN-DN-0001"]


def test_phrase_in_a_field(index: SearchIndex) -> None:
    # "Tổng hợp" is in Hồ Chí Minh City's name and in Đà Nẵng's other name.
    assert found(index, {"name": '"tổng hợp"'}) == ["VN-HCM-0001"]
    assert found(index, {"other_names": '"tong hop"'}) == ["VN-DN-0001"]
    assert found(index, {"name": '"hợp tổng"'}) == []
    # other_names holds "National Library of Vietnam" then "TVQG": not one phrase.
    assert found(index, {"other_names": '"vietnam tvqg"'}) == []
    assert found(index, {"other_names": "vietnam tvqg"}) == ["VN-HN-0001"]


def test_exclusion_in_a_field(index: SearchIndex) -> None:
    with_thu_vien = IDS - {"VN-TN-0007"}
    # "tỉnh" in the name excludes two; "tỉnh" only in the address does not exclude.
    kept = found(index, {"name": "-tỉnh"}, text="thư viện")
    assert set(kept) == with_thu_vien - {"VN-DLK-0001", "VN-TH-0001"}
    assert set(found(index, {"name": 'thư viện -"đà nẵng"'})) == with_thu_vien - {"VN-DN-0001"}
    assert set(found(index, {"name": "-hà"})) == IDS - {"VN-HN-0002"}  # exclusion alone


def test_wordless_field_text_matches_everything(index: SearchIndex) -> None:
    for text in ("", "   ", "***", '"'):
        assert set(found(index, {"name": text})) == IDS, text


def test_fields_combine_with_text_filters_facets_and_sort(index: SearchIndex) -> None:
    query = SearchQuery(
        text="thư viện",
        fields={"address": "tỉnh"},
        filters={"library_type": ["public"]},
        facets=["library_type", "province"],
        sort="founded",
    )
    result = index.search(query)
    assert [hit.id for hit in result.hits] == ["VN-TH-0001", "VN-DLK-0001", "VN-HT-0012"]
    assert result.total == 3
    assert result.facets["province"] == [("DLK", 1), ("HT", 1), ("TH", 1)]
    # The type facet ignores its own filter: every type among the text and field matches.
    assert result.facets["library_type"] == [("public", 3), ("academic", 1), ("school", 1)]


def test_field_words_are_highlighted_in_their_field(index: SearchIndex) -> None:
    query = SearchQuery(fields={"name": "đà nẵng"}, text="trần", highlight=["name", "address"])
    (hit,) = index.search(query).hits
    assert hit.highlights["name"] == "Thư viện thành phố <mark>Đà Nẵng</mark>"
    assert (
        hit.highlights["address"]
        == "Số 2 <mark>Trần</mark> Phú, phường Hải Châu, thành phố Đà Nẵng"
    )


@pytest.mark.parametrize("name", ["nowhere", "province", "founded", "updated", "id"])
def test_only_text_fields_can_be_searched(index: SearchIndex, name: str) -> None:
    with pytest.raises(SearchError) as raised:
        index.search(SearchQuery(fields={name: "hà nội"}))
    assert " / " in str(raised.value) and name in str(raised.value)


def test_field_text_counts_towards_the_query_size(index: SearchIndex) -> None:
    words = " ".join(f"w{i}" for i in range(40))
    with pytest.raises(SearchError):
        index.search(SearchQuery(text=words, fields={"name": words}))
