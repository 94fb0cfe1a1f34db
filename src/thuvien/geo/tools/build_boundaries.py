"""Build ``static/thuvien/geo/provinces34.geojson``: simplified outlines of the 34 provinces.

Run from the repository root after ``build_units`` (names come from the shipped unit data):

    .venv/bin/python -m thuvien.geo.tools.build_boundaries [--tolerance 0.002]

The TopoJSON of the same source is used because its borders are shared arcs: simplifying each
arc once keeps neighbouring provinces gap-free, which simplifying each GeoJSON ring separately
does not. Every island is kept (Hoàng Sa and Trường Sa must show on a map of Viet Nam), with
at least the vertices a valid ring needs. Areas are checked against the full GeoJSON.
"""

import argparse
import gzip
import json
import math
from pathlib import Path

from thuvien.geo.tools.geometry import Point, Polygon, polygon_area, ring_area, significance
from thuvien.geo.tools.sources import DEFAULT_BOUNDARY_DIR, official_codes, province_shapes

REPO = Path(__file__).resolve().parents[4]
UNITS_FILE = REPO / "src/thuvien/geo/data/units.json.gz"
OUTPUT = REPO / "static/thuvien/geo/provinces34.geojson"
TOPO_OBJECT = "diaphantinhvn_merged"


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Undo TopoJSON's quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


class ArcSimplifier:
    """Douglas–Peucker per shared arc, with per-arc tolerance lowered where a ring collapses."""

    def __init__(self, arcs: list[list[Point]], tolerance: float, digits: int) -> None:
        self.arcs = arcs
        self.weights = [significance(arc) for arc in arcs]
        self.threshold = [tolerance] * len(arcs)
        self.digits = digits

    def arc(self, index: int) -> list[Point]:
        arc_index = index if index >= 0 else ~index
        limit = self.threshold[arc_index]
        kept = [
            (round(x, self.digits), round(y, self.digits))
            for (x, y), weight in zip(self.arcs[arc_index], self.weights[arc_index], strict=True)
            if weight >= limit
        ]
        return kept if index >= 0 else kept[::-1]

    def ring(self, arc_indexes: list[int]) -> list[Point]:
        points: list[Point] = []
        for index in arc_indexes:
            for point in self.arc(index):
                if not points or points[-1] != point:
                    points.append(point)
        return points

    def _loosen(self, arc_indexes: list[int]) -> bool:
        """Lower each arc's threshold to let in its next most significant vertex."""
        changed = False
        for index in arc_indexes:
            arc_index = index if index >= 0 else ~index
            below = [w for w in self.weights[arc_index] if w < self.threshold[arc_index]]
            if below:
                self.threshold[arc_index] = max(below)
                changed = True
        return changed

    def valid_ring(self, arc_indexes: list[int]) -> list[Point]:
        ring = self.ring(arc_indexes)
        # A ring needs three distinct corners and a non-zero area to draw anything.
        while (len(set(ring)) < 3 or ring_area(ring) == 0) and self._loosen(arc_indexes):
            ring = self.ring(arc_indexes)
        return ring


def _oriented(ring: list[Point], outline: bool) -> list[Point]:
    """RFC 7946 winding: outlines counter-clockwise, holes clockwise."""
    return ring if (ring_area(ring) > 0) == outline else ring[::-1]


def simplify_geometry(geometry: dict, simplifier: ArcSimplifier) -> list[Polygon]:
    raw = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    polygons = []
    for polygon in raw:
        rings = [simplifier.valid_ring(ring) for ring in polygon]
        polygons.append([_oriented(r, index == 0) for index, r in enumerate(rings)])
    return polygons


def _geometry_json(polygons: list[Polygon]) -> dict:
    coordinates = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def province_names() -> dict[str, str]:
    data = json.loads(gzip.decompress(UNITS_FILE.read_bytes()))
    return {row[0]: row[1] for row in data["2025"]["provinces"]}


def build(boundary_dir: Path, tolerance: float, digits: int) -> tuple[dict, list[str]]:
    topology = json.loads((boundary_dir / "provinces34.topo.json").read_text(encoding="utf-8"))
    simplifier = ArcSimplifier(decode_arcs(topology), tolerance, digits)
    codes = official_codes(boundary_dir)
    names = province_names()
    reference = province_shapes(boundary_dir)
    features, report = [], []
    for geometry in topology["objects"][TOPO_OBJECT]["geometries"]:
        code = codes[geometry["properties"]["code"]]
        polygons = simplify_geometry(geometry, simplifier)
        full = sum(polygon_area(p) for p in reference[code])
        ratio = sum(polygon_area(p) for p in polygons) / full
        report.append(f"{code} {names[code]:<28} area ratio {ratio:.4f}")
        if not math.isclose(ratio, 1.0, abs_tol=0.03):
            raise SystemExit(f"{code}: area off by {ratio - 1:+.2%} / diện tích lệch quá nhiều")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code]},
                "geometry": _geometry_json(polygons),
            }
        )
    features.sort(key=lambda feature: feature["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}, report


def write(collection: dict, path: Path) -> int:
    """Compact JSON, one feature per line so that a rebuild diffs by province."""
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_BOUNDARY_DIR)
    parser.add_argument(
        "--tolerance", type=float, default=0.002, help="degrees (0.002 is about 220 m)"
    )
    parser.add_argument("--digits", type=int, default=4, help="decimal places kept")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    collection, report = build(args.source, args.tolerance, args.digits)
    size = write(collection, args.output)
    vertices = sum(
        len(ring)
        for feature in collection["features"]
        for polygon in _polygons_of(feature["geometry"])
        for ring in polygon
    )
    print("\n".join(report))
    count = len(collection["features"])
    print(f"{count} features, {vertices} vertices, {size} bytes -> {args.output}")


def _polygons_of(geometry: dict) -> list:
    return (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )


if __name__ == "__main__":
    main()
