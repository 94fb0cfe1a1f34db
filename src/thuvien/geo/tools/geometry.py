"""Planar geometry on (lon, lat) pairs: enough for simplifying and labelling province outlines.

At province scale the distortion of treating degrees as planar does not matter for a display map.
"""

import itertools
import math
from collections.abc import Sequence

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # first ring is the outline, the others are holes


def ring_area(ring: Sequence[Point]) -> float:
    """Signed area (shoelace); positive when the ring runs counter-clockwise."""
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        total += x1 * y2 - x2 * y1
    return total / 2


def polygon_area(polygon: Polygon) -> float:
    """Unsigned area of the outline minus its holes."""
    outline, *holes = polygon
    return abs(ring_area(outline)) - sum(abs(ring_area(hole)) for hole in holes)


def _ring_moment(ring: Sequence[Point]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return area / 2, cx / 6, cy / 6


def centroid(polygons: Sequence[Polygon]) -> Point:
    """Area-weighted centroid of several polygons with holes."""
    area = mx = my = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            ring_a, ring_x, ring_y = _ring_moment(ring)
            # Outlines add and holes subtract whatever way the source winds them.
            sign = 1.0 if (index == 0) == (ring_a > 0) else -1.0
            area += sign * ring_a
            mx += sign * ring_x
            my += sign * ring_y
    if area == 0:
        raise ValueError("empty geometry / hình rỗng")
    return mx / area, my / area


def _inside_ring(point: Point, ring: Sequence[Point]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_polygon(point: Point, polygon: Polygon) -> bool:
    """Even-odd test: inside the outline and outside every hole."""
    outline, *holes = polygon
    return _inside_ring(point, outline) and not any(_inside_ring(point, h) for h in holes)


def point_in_any(point: Point, polygons: Sequence[Polygon]) -> bool:
    return any(point_in_polygon(point, polygon) for polygon in polygons)


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _boundary_distance(point: Point, polygon: Polygon) -> float:
    return min(
        _segment_distance(point, a, b) for ring in polygon for a, b in itertools.pairwise(ring)
    )


def interior_point(polygons: Sequence[Polygon], steps: int = 24) -> Point:
    """A point well inside the largest polygon, for labels when the centroid falls outside.

    Grid search for the point farthest from the boundary, then once more around the best cell.
    """
    largest = max(polygons, key=polygon_area)
    xs = [x for x, _ in largest[0]]
    ys = [y for _, y in largest[0]]
    box = (min(xs), min(ys), max(xs), max(ys))
    best: Point | None = None
    for _ in range(2):
        x0, y0, x1, y1 = box
        cell_x, cell_y = (x1 - x0) / steps, (y1 - y0) / steps
        grid = [
            (x0 + (i + 0.5) * cell_x, y0 + (j + 0.5) * cell_y)
            for i in range(steps)
            for j in range(steps)
        ]
        inside = [p for p in grid if point_in_polygon(p, largest)]
        if inside:
            best = max(inside, key=lambda p: _boundary_distance(p, largest))
            box = (best[0] - cell_x, best[1] - cell_y, best[0] + cell_x, best[1] + cell_y)
    if best is None:
        raise ValueError("no interior point found / không tìm được điểm bên trong")
    return best


def label_point(polygons: Sequence[Polygon]) -> Point:
    """The centroid when it lies inside the shape, otherwise an interior point."""
    point = centroid(polygons)
    return point if point_in_any(point, polygons) else interior_point(polygons)


def significance(line: Sequence[Point]) -> list[float]:
    """Douglas–Peucker significance of each vertex of a polyline.

    A vertex survives simplification at tolerance t exactly when its significance is >= t, so
    one pass serves every tolerance. End points are infinite. Iterative, as arcs are long.
    """
    size = len(line)
    result = [0.0] * size
    if size == 0:
        return result
    result[0] = result[-1] = math.inf
    stack = [(0, size - 1, math.inf)]
    while stack:
        first, last, ceiling = stack.pop()
        if last - first < 2:
            continue
        index, distance = max(
            (
                (i, _segment_distance(line[i], line[first], line[last]))
                for i in range(first + 1, last)
            ),
            key=lambda item: item[1],
        )
        # A vertex is never more significant than the one that split its parent segment.
        value = min(distance, ceiling)
        result[index] = value
        stack.append((first, index, value))
        stack.append((index, last, value))
    return result
