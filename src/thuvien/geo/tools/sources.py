"""Readers for the third-party inputs in ``shared/data/geo/vn-provinces-34``."""

import csv
import json
from pathlib import Path

from thuvien.geo.tools.geometry import Polygon

# The repository sits next to the shared data folder in the development layout.
DEFAULT_BOUNDARY_DIR = Path(__file__).resolve().parents[5] / "shared/data/geo/vn-provinces-34"


def official_codes(boundary_dir: Path) -> dict[str, str]:
    """Boundary file code ('VN01'..'VN34') -> official 2025 province code, zero-padded ('91')."""
    with (boundary_dir / "provinces34_codes.csv").open(encoding="utf-8") as handle:
        return {
            row["geojson_code"]: f"{int(row['gso_code_2025']):02d}"
            for row in csv.DictReader(handle)
        }


def province_crosswalk(boundary_dir: Path) -> list[tuple[str, str]]:
    """(old province name, new province name) pairs of the 63 -> 34 merger."""
    with (boundary_dir / "old63_to_new34.csv").open(encoding="utf-8") as handle:
        return [
            (row["old_province_2024"], row["new_province_2025"]) for row in csv.DictReader(handle)
        ]


def _polygons(geometry: dict) -> list[Polygon]:
    coordinates = geometry["coordinates"]
    raw = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    return [[[(x, y) for x, y, *_ in ring] for ring in polygon] for polygon in raw]


def province_shapes(boundary_dir: Path) -> dict[str, list[Polygon]]:
    """Official 2025 province code -> full-resolution polygons from the GeoJSON."""
    codes = official_codes(boundary_dir)
    collection = json.loads((boundary_dir / "provinces34.geojson").read_text(encoding="utf-8"))
    return {
        codes[feature["properties"]["code"]]: _polygons(feature["geometry"])
        for feature in collection["features"]
    }
