"""Writing and keeping an index: upsert, delete, clear, count, ids, readers elsewhere."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts.conftest import BackendFactory
from tests.contracts.libraries import DOCUMENTS, IDS, LIBRARIES
from thuvien.kernel.search import SearchError, SearchIndex, SearchQuery


def found(index: SearchIndex, text: str = "", **options: Any) -> list[str]:
    options.setdefault("limit", 50)
    return [hit.id for hit in index.search(SearchQuery(text=text, **options)).hits]


def test_count_and_ids(index: SearchIndex) -> None:
    assert index.count() == len(IDS)
    assert sorted(index.iter_ids()) == sorted(IDS)


def test_upsert_replaces_by_id(index: SearchIndex) -> None:
    renamed = {**DOCUMENTS[3], "name": "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"}
    assert index.upsert([renamed]) == 1
    index.commit()
    assert index.count() == len(IDS)
    assert found(index, "khoa hoc tong hop da nang") == ["VN-DN-0001"]
    assert found(index, '"thư viện thành phố"') == []
    hit = index.search(SearchQuery(text="Đà Nẵng")).hits[0]
    assert hit.document["name"] == renamed["name"]


def test_upsert_twice_in_one_batch_keeps_the_last(empty_index: SearchIndex) -> None:
    first = {"id": "VN-HP-0001", "name": "Thư viện Hải Phòng", "province": "HP"}
    second = {**first, "name": "Thư viện thành phố Hải Phòng"}
    empty_index.upsert([first, second])
    empty_index.commit()
    assert empty_index.count() == 1
    assert empty_index.search(SearchQuery()).hits[0].document["name"] == second["name"]


def test_delete_removes(index: SearchIndex) -> None:
    index.delete(["VN-DLK-0001", "VN-does-not-exist"])
    index.commit()
    assert found(index, "dak lak") == []
    assert index.count() == len(IDS) - 1
    assert "VN-DLK-0001" not in set(index.iter_ids())
    facets = index.search(SearchQuery(facets=["province"])).facets["province"]
    assert "DLK" not in dict(facets)


def test_clear_removes_everything(index: SearchIndex) -> None:
    index.clear()
    assert index.count() == 0
    assert list(index.iter_ids()) == []
    result = index.search(SearchQuery(facets=["province"]))
    assert (result.total, result.hits, result.facets) == (0, [], {"province": []})
    index.upsert(DOCUMENTS[:2])
    index.commit()
    assert index.count() == 2


def test_another_instance_sees_commits_after_reload(
    make_backend: BackendFactory, index: SearchIndex
) -> None:
    reader = make_backend().open(LIBRARIES)
    assert reader.count() == len(IDS)
    index.upsert([{"id": "VN-CT-0001", "name": "Thư viện thành phố Cần Thơ", "province": "CT"}])
    index.delete(["VN-HN-0001"])
    index.commit()
    reader.reload()
    assert found(reader, "can tho") == ["VN-CT-0001"]
    assert found(reader, "quoc gia") == []
    assert reader.count() == len(IDS)
    reader.close()


def test_missing_and_empty_values_are_left_out(empty_index: SearchIndex) -> None:
    empty_index.upsert(
        [
            {
                "id": "VN-BN-0001",
                "name": "Thư viện tỉnh Bắc Ninh",
                "province": "",
                "founded": None,
                "services": ["lending", None, ""],
                "other_names": [],
            }
        ]
    )
    empty_index.commit()
    result = empty_index.search(SearchQuery(facets=["province", "services"]))
    assert result.facets == {"province": [], "services": [("lending", 1)]}
    assert result.hits[0].document == {
        "id": "VN-BN-0001",
        "name": "Thư viện tỉnh Bắc Ninh",
        "services": ["lending"],
    }


@pytest.mark.parametrize(
    "document",
    [
        {"name": "Thư viện không mã"},
        {"id": "", "name": "Thư viện mã rỗng"},
        {"id": "VN-X-1", "title": "Trường lạ"},
        {"id": "VN-X-2", "name": ["Hai", "tên"]},
        {"id": "VN-X-3", "founded": "năm ngoái"},
        {"id": "VN-X-4", "founded": 1976.5},
        {"id": "VN-X-5", "floor_area": float("nan")},
        {"id": "VN-X-6", "updated": "hôm qua"},
        {"id": "VN-X-7", "founded": 2**70},
    ],
)
def test_bad_documents_raise_a_clean_error(empty_index: SearchIndex, document: dict) -> None:
    with pytest.raises(SearchError, match=" / "):
        empty_index.upsert([document])


def test_text_is_normalised_before_indexing(empty_index: SearchIndex) -> None:
    decomposed = "Thư viện tỉnh Đắk Lắk".replace("ắ", "a\u0306\u0301")
    empty_index.upsert([{"id": "VN-DLK-0002", "name": decomposed, "province": "DLK"}])
    empty_index.commit()
    assert found(empty_index, "Đắk Lắk") == ["VN-DLK-0002"]
    hit = empty_index.search(SearchQuery(text="Đắk Lắk")).hits[0]
    assert hit.document["name"] == "Thư viện tỉnh Đắk Lắk"


def test_huge_values_are_indexed(empty_index: SearchIndex) -> None:
    address = "Kho sách " + "sách báo tạp chí " * 12_000 + "phường Cao Lãnh, tỉnh Đồng Tháp"
    document = {
        "id": "VN-DT-0001",
        "name": "Thư viện tỉnh Đồng Tháp",
        "address": address,
        "province": "DT" * 5_000,
        "code": "ma-" * 5_000,
    }
    empty_index.upsert([document])
    empty_index.commit()
    query = SearchQuery(text="cao lanh", facets=["province"], highlight=["address"])
    result = empty_index.search(query)
    assert [hit.id for hit in result.hits] == ["VN-DT-0001"]
    assert result.facets["province"] == [("DT" * 128, 1)]  # keywords stop at 256 characters
    snippet = result.hits[0].highlights["address"]
    assert "<mark>Cao Lãnh</mark>" in snippet and len(snippet) < 300
    assert result.hits[0].document["address"] == address
    assert found(empty_index, filters={"province": ["DT" * 5_000]}) == ["VN-DT-0001"]


def test_documents_analysed_elsewhere_are_written_alike(backend, empty_index: SearchIndex) -> None:
    """What ``analyse`` makes crosses a process boundary (pickle) and, given its id later,
    is indexed exactly as the dict would have been."""
    import pickle

    analysed = [
        pickle.loads(pickle.dumps(backend.analyse(LIBRARIES, {**doc, "id": "0"})))
        for doc in DOCUMENTS
    ]
    empty_index.upsert(
        item.with_id(doc["id"]) for item, doc in zip(analysed, DOCUMENTS, strict=True)
    )
    empty_index.commit()
    assert sorted(empty_index.iter_ids()) == sorted(IDS)
    assert found(empty_index, "khoa hoc tong hop") == found(empty_index, "Khoa học tổng hợp")
    hit = empty_index.search(SearchQuery(text="Đà Nẵng")).hits[0]
    assert hit.document == next(d for d in DOCUMENTS if d["id"] == hit.id) | {"id": hit.id}


def test_analyse_checks_the_document(backend) -> None:
    with pytest.raises(SearchError):
        backend.analyse(LIBRARIES, {"id": "x", "no_such_field": "y"})
