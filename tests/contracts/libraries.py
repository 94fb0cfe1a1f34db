"""Test documents: Vietnamese libraries as the registry indexes them (realistic, not real)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from thuvien.kernel.search import Field, IndexSchema

LIBRARIES = IndexSchema(
    name="libraries",
    fields=(
        Field("name", "text", boost=3.0, sortable=True),
        Field("other_names", "text", boost=2.0, multi=True),
        Field("address", "text"),
        Field("bodies", "text", stored=False),
        Field("library_type", "keyword", facet=True),
        Field("province", "keyword", facet=True),
        Field("services", "keyword", facet=True, multi=True),
        Field("code", "keyword", sortable=True),
        Field("founded", "integer", sortable=True),
        Field("floor_area", "float", sortable=True),
        Field("updated", "date", sortable=True),
        Field("opened_on", "date"),
    ),
)


def _library(doc_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"id": doc_id, "name": name, "code": doc_id, **fields}


DOCUMENTS: list[dict[str, Any]] = [
    _library(
        "VN-HN-0001",
        "Thư viện Quốc gia Việt Nam",
        other_names=["National Library of Vietnam", "TVQG"],
        address="31 Tràng Thi, phường Cửa Nam, Hà Nội",
        bodies="Bộ Văn hoá, Thể thao và Du lịch",
        library_type="national",
        province="HN",
        services=["lending", "reading_room", "digital"],
        founded=1917,
        floor_area=12500.5,
        updated=datetime(2025, 3, 1, 8, 30, tzinfo=UTC),
        opened_on=date(1919, 11, 29),
    ),
    _library(
        "VN-HN-0002",
        "Thư viện Trường Đại học Bách khoa Hà Nội",
        other_names=["Thư viện Tạ Quang Bửu"],
        address="Số 1 Đại Cồ Việt, phường Bạch Mai, Hà Nội",
        bodies="Đại học Bách khoa Hà Nội",
        library_type="academic",
        province="HN",
        services=["lending", "digital"],
        founded=1956,
        floor_area=8600.0,
        updated=datetime(2024, 11, 20, tzinfo=UTC),
    ),
    _library(
        "VN-DLK-0001",
        "Thư viện tỉnh Đắk Lắk",
        address="Số 6 Phan Bội Châu, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        bodies="Sở Văn hoá, Thể thao và Du lịch tỉnh Đắk Lắk",
        library_type="public",
        province="DLK",
        services=["lending", "reading_room", "mobile"],
        founded=1976,
        floor_area=3200.0,
        updated=datetime(2024, 6, 5, tzinfo=UTC),
    ),
    _library(
        "VN-DN-0001",
        "Thư viện thành phố Đà Nẵng",
        other_names=["Thư viện Khoa học Tổng hợp Đà Nẵng"],
        address="Số 2 Trần Phú, phường Hải Châu, thành phố Đà Nẵng",
        library_type="public",
        province="DN",
        services=["lending", "reading_room"],
        founded=1975,
        floor_area=5100.0,
        updated=datetime(2025, 1, 10, tzinfo=UTC),
    ),
    _library(
        "VN-TN-0007",
        "Phòng đọc đa năng Trường Tiểu học Hoà Bình",
        address="Xã Hoà Bình, tỉnh Thái Nguyên",
        library_type="school",
        province="TN",
        services=["reading_room"],
        founded=2012,
        floor_area=80.0,
    ),
    _library(
        "VN-HCM-0001",
        "Thư viện Khoa học Tổng hợp Thành phố Hồ Chí Minh",
        address="69 Lý Tự Trọng, phường Bến Thành, Thành phố Hồ Chí Minh",
        library_type="public",
        province="HCM",
        services=["lending", "reading_room", "digital", "mobile"],
        founded=1976,
        floor_area=9800.0,
        updated=datetime(2024, 12, 1, tzinfo=UTC),
    ),
    _library(
        "VN-TH-0001",
        "Thư viện tỉnh Thanh Hóa",
        address="Số 3 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hoá",
        library_type="public",
        province="TH",
        services=["lending"],
        founded=1957,
        floor_area=2900.0,
        updated=datetime(2023, 9, 15, tzinfo=UTC),
    ),
    _library(
        "VN-LD-0003",
        "Thư viện Trường Đại học Đà Lạt",
        address="01 Phù Đổng Thiên Vương, phường Lâm Viên - Đà Lạt, tỉnh Lâm Đồng",
        library_type="academic",
        province="LD",
        services=["lending", "digital"],
        founded=1976,
        floor_area=4300.0,
    ),
    _library(
        "VN-HT-0012",
        "Thư viện xã Đức Thọ",
        address="Xã Đức Thọ, tỉnh Hà Tĩnh",
        library_type="public",
        province="HT",
        services=["reading_room"],
        founded=1998,
    ),
    _library(
        "VN-QNI-0020",
        "Thư viện <script>alert('x')</script> & Phòng đọc",
        address="Xã Sơn Hà, tỉnh Quảng Ngãi",
        library_type="school",
        province="QNI",
        services=["reading_room"],
        founded=2020,
    ),
]

IDS = {document["id"] for document in DOCUMENTS}
