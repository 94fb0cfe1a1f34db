"""Server-side SVG charts: well-formed, labelled for screen readers, honest about gaps."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from thuvien.stats import charts

SVG = "{http://www.w3.org/2000/svg}"
GEOJSON = Path(__file__).resolve().parents[2] / "static/thuvien/geo/provinces34.geojson"


def parse(svg: str):
    return etree.fromstring(svg.encode())


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [(1234567, 0, "1.234.567"), (Decimal("12.5"), 1, "12,5"), (None, 0, "–"), (0, 0, "0")],
)
def test_vietnamese_number_style(value, digits, shown):
    assert charts.format_number(value, digits) == shown


def test_bar_chart_marks_the_highlighted_bar_and_shows_a_dash_for_no_figure():
    svg = charts.bar_chart(
        [("Thư viện A & B", 120), ("Nhóm", 80), ("Không có", None)], "Lượt <đọc>", highlight="Nhóm"
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Lượt <đọc>"
    assert "Thư viện A & B: 120" in root.find(f"{SVG}desc").text
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 2 and bars[1].get("fill") == charts.ACCENT
    assert "–" in [t.text for t in root.iter(f"{SVG}text")]


def test_line_chart_leaves_a_gap_for_a_missing_year():
    svg = charts.line_chart({"Hà Nội": [(2021, 1), (2022, None), (2023, 3)]}, "Xu hướng")
    root = parse(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2  # 2021 alone, then 2023 alone
    assert len(root.findall(f"{SVG}circle")) == 2


def test_map_colours_every_province_and_greys_those_without_a_figure():
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    values = {f["properties"]["code"]: float(i) for i, f in enumerate(features)}
    values[features[0]["properties"]["code"]] = None
    root = parse(charts.choropleth(features, values, "Bản đồ"))
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 34
    assert paths[0].get("fill") == charts.NO_DATA
    assert "Thành phố Hà Nội: –" in paths[0].find(f"{SVG}title").text
    fills = {p.get("fill") for p in paths[1:]}
    assert fills == set(charts.MAP_CLASSES)
