"""The shipped province outlines: valid GeoJSON, joined to the official codes, recognisable."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.selectors import provinces_2025
from thuvien.geo.services import LoadReport
from thuvien.geo.tools.geometry import point_in_any, ring_area

pytestmark = pytest.mark.django_db

# Well-known places, with coordinates read off public maps, and the 2025 province they are in.
LANDMARKS = {
    "Hồ Hoàn Kiếm": ((105.8524, 21.0287), "01"),
    "Chợ Bến Thành": ((106.6980, 10.7725), "79"),
    "Sân bay Đà Nẵng": ((108.1994, 16.0439), "48"),
    "Kinh thành Huế": ((107.5796, 16.4698), "46"),
    "Bến Ninh Kiều, Cần Thơ": ((105.7880, 10.0340), "92"),
    "Buôn Ma Thuột": ((108.0500, 12.6670), "66"),
    "Hội An": ((108.3380, 15.8801), "48"),  # Quảng Nam joined Đà Nẵng
    "Thủ Dầu Một": ((106.6519, 10.9805), "79"),  # Bình Dương joined Hồ Chí Minh City
}


def _polygons(geometry: dict) -> list:
    raw = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    return [[[tuple(p) for p in ring] for ring in polygon] for polygon in raw]


@pytest.fixture(scope="module")
def collection() -> dict:
    path = finders.find("thuvien/geo/provinces34.geojson")
    assert path, "provinces34.geojson must be a static file"
    assert Path(path).stat().st_size < 600_000
    return json.loads(Path(path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shapes(collection: dict) -> dict[str, list]:
    return {f["properties"]["code"]: _polygons(f["geometry"]) for f in collection["features"]}


def test_features_match_the_database(units: LoadReport, collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    properties = [f["properties"] for f in collection["features"]]
    assert properties == [{"code": p.code, "name": p.name} for p in provinces_2025()]
    assert len(properties) == 34


def test_rings_are_valid_rfc7946(collection: dict) -> None:
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        for polygon in _polygons(feature["geometry"]):
            for index, ring in enumerate(polygon):
                assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]
                assert len(set(ring)) >= 3
                # Outlines counter-clockwise, holes clockwise.
                assert (ring_area(ring) > 0) == (index == 0), feature["properties"]
                assert all(102 < x < 118 and 6 < y < 24 for x, y in ring)


@pytest.mark.parametrize("landmark", sorted(LANDMARKS))
def test_landmarks_fall_in_their_province(shapes: dict[str, list], landmark: str) -> None:
    point, code = LANDMARKS[landmark]
    assert [c for c, polygons in shapes.items() if point_in_any(point, polygons)] == [code]


def test_archipelagos_are_kept(shapes: dict[str, list]) -> None:
    def extent(code: str) -> tuple[float, float]:
        xs = [x for polygon in shapes[code] for ring in polygon for x, _ in ring]
        ys = [y for polygon in shapes[code] for ring in polygon for _, y in ring]
        return max(xs), min(ys)

    # Hoàng Sa (Paracel) lies in Đà Nẵng, Trường Sa (Spratly) in Khánh Hòa.
    assert extent("48")[0] > 111.5
    east, south = extent("56")
    assert east > 116 and south < 8


def test_label_points_lie_inside_their_province(units: LoadReport, shapes: dict[str, list]) -> None:
    for province in AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.PROVINCE):
        point = (province.longitude, province.latitude)
        assert point_in_any(point, shapes[province.code]), province.name
