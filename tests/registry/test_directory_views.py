import csv
import io
import json

import openpyxl
import pytest

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [hit["name"] for hit in response.json()["hits"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("da nang", "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"),
        ("Đà Nẵng", "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"),
        ("DA NANG", "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"),
        ("thu vien ha noi", "Thư viện Hà Nội"),
        ("chu van an", "Thư viện Trường THPT Chu Văn An"),
    ],
)
def test_search_with_and_without_diacritics(client, directory, query, expected):
    response = client.get("/api/v1/libraries", {"q": query})
    assert response.status_code == 200
    assert _names(response)[0] == expected


def test_directory_page_facets_filters_and_escaping(client, directory):
    page = client.get("/thu-vien/", {"q": "thu vien"}).content.decode()
    assert "Danh bạ thư viện Việt Nam" in page
    assert "&lt;script&gt;" in page or "<script>alert" not in page
    filtered = client.get("/api/v1/libraries", {"library_type": "school"}).json()
    assert [h["name"] for h in filtered["hits"]] == ["Thư viện Trường THPT Chu Văn An"]
    facets = {f["value"]: f["count"] for f in filtered["facets"]["library_type"]}
    assert facets["school"] == 1
    by_province = client.get("/api/v1/libraries", {"province": "48"}).json()
    assert by_province["total"] == 2


def test_htmx_request_gets_only_the_results(client, directory):
    response = client.get("/thu-vien/", {"q": "ha noi"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and directory["hanoi"].vn_id in body


def test_english_interface(client, directory):
    response = client.get("/en/thu-vien/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"limit": "500"}, {"offset": "-1"}, {"sort": "bogus"}, {"q": "x" * 300}]
)
def test_bad_parameters_are_refused_cleanly(client, directory, params):
    assert client.get("/api/v1/libraries", params).status_code == 422


@pytest.mark.parametrize("query", ['"unbalanced', "a:b", "(((", "*", "-", "đ^2~"])
def test_odd_queries_never_fail(client, directory, query):
    assert client.get("/api/v1/libraries", {"q": query}).status_code == 200
    assert client.get("/thu-vien/", {"q": query}).status_code == 200


def test_library_page_and_permalink(client, directory):
    library = directory["danang"]
    response = client.get(f"/thu-vien/{library.vn_id}/")
    assert response.status_code == 200
    assert "46 Bạch Đằng" in response.content.decode()
    lower = client.get(f"/thu-vien/{library.vn_id.lower()}/")
    assert lower.status_code == 301 and lower["Location"].endswith(f"/{library.vn_id}/")
    assert client.get("/thu-vien/VN-99999999/").status_code == 404
    api = client.get(f"/api/v1/libraries/{library.vn_id}").json()
    assert api["commune"] == {"code": "20194", "name": "Phường Hải Châu", "scheme": "2025"}


def test_exports(client, directory):
    response = client.get("/thu-vien/tai-ve.csv", {"province": "48"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["name"] for r in rows} == {
        "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng",
        "<script>alert(1)</script> Tủ sách",
    }
    assert rows[0]["province_code_2025"] == "48"
    everything = client.get("/thu-vien/tai-ve.json")
    data = json.loads(b"".join(everything.streaming_content))
    assert len(data) == 5
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/thu-vien/tai-ve.xlsx").content))
    assert workbook.active.max_row == 6
    assert client.get("/thu-vien/tai-ve.pdf").status_code == 404


def test_map_points(client, directory):
    data = client.get("/thu-vien/ban-do/diem.json").json()
    assert data["total"] == 5
    assert [p[1] for p in data["points"]] == ["Thư viện Hà Nội"]
    assert data["province_counts"] == {"01": 3, "48": 2}


def test_home_page_counts(client, directory):
    page = client.get("/").content.decode()
    assert "<strong>5</strong>" in page


def test_communes_are_offered_once_a_province_is_chosen(client, directory):
    page = client.get("/thu-vien/", {"province": "48"}).content.decode()
    assert 'name="commune" value="20194"' in page and "Phường Hải Châu" in page
    assert 'name="commune"' not in client.get("/thu-vien/").content.decode()
    only = client.get("/api/v1/libraries", {"commune": "20194"}).json()
    assert [h["name"] for h in only["hits"]] == ["Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"]
