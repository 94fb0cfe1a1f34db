"""Charts as plain SVG, drawn on the server (pure: no Django).

The same drawing serves the web pages and the PDF reports (WeasyPrint runs no JavaScript),
needs no front-end library, and prints sharp. Every chart carries a title and a
description for screen readers; the pages show the numbers in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

# Colour-blind-safe sequential blues for maps; one accent for the highlighted bar.
MAP_CLASSES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#d9d9d9"
BAR = "#6baed6"
ACCENT = "#d95f02"
LINE_COLOURS = ("#1b6ca8", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def format_number(value: float | Decimal | int | None, digits: int = 0) -> str:
    """Vietnamese number style: 1.234.567 and 12,5."""
    if value is None:
        return "–"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _open(width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' aria-labelledby='t d' {FONT}>",
        f"<title id='t'>{escape(title)}</title><desc id='d'>{escape(description)}</desc>",
        f"<text x='8' y='20' font-size='15' font-weight='bold'>"
        f"{escape(_clip(title, width // 9))}</text>",
    ]


def bar_chart(
    items: Sequence[tuple[str, float | Decimal | None]],
    title: str,
    unit: str = "",
    highlight: str | None = None,
    width: int = 640,
    digits: int = 0,
) -> str:
    """Horizontal bars, one per (label, value); ``highlight`` marks one label (a library
    against its peers, a province against the others). No value: a dash, no bar."""
    row, top, label_w = 22, 34, min(220, width // 3)
    height = top + row * max(1, len(items)) + 10
    largest = max((float(v) for _, v in items if v is not None), default=0.0) or 1.0
    bar_space = width - label_w - 90
    out = _open(width, height, title, _describe(items, unit, digits))
    for i, (label, value) in enumerate(items):
        y = top + i * row
        weight = "bold" if label == highlight else "normal"
        out.append(
            f"<text x='{label_w - 6}' y='{y + 15}' font-size='12' text-anchor='end' "
            f"font-weight='{weight}'>{escape(_clip(label, label_w // 7))}</text>"
        )
        if value is not None:
            length = max(1.0, bar_space * float(value) / largest) if float(value) > 0 else 0
            colour = ACCENT if label == highlight else BAR
            out.append(
                f"<rect x='{label_w}' y='{y + 3}' width='{length:.1f}' height='{row - 6}' "
                f"fill='{colour}'/>"
            )
        shown = format_number(value, digits)
        x = label_w + (bar_space * float(value) / largest if value is not None else 0) + 6
        out.append(f"<text x='{x:.1f}' y='{y + 15}' font-size='12'>{escape(shown)}</text>")
    out.append("</svg>")
    return "".join(out)


def line_chart(
    series: dict[str, Sequence[tuple[int, float | Decimal | None]]],
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 280,
) -> str:
    """Trends: one line per series over the years; gaps where a year has no figure."""
    left, right, top, bottom = 80, 150, 34, 30
    points = [(x, float(y)) for s in series.values() for x, y in s if y is not None]
    out = _open(width, height, title, _describe_series(series, unit))
    if not points:
        out.append(f"<text x='{left}' y='{top + 30}' font-size='12'>–</text></svg>")
        return "".join(out)
    years = sorted({x for s in series.values() for x, _ in s})
    high = max(y for _, y in points) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(year: int) -> float:
        span = (years[-1] - years[0]) or 1
        return left + plot_w * (year - years[0]) / span

    def sy(value: float) -> float:
        return top + plot_h * (1 - value / high)

    out += _axes(left, top, plot_w, plot_h, years, high, sx)
    for n, (name, values) in enumerate(series.items()):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        for segment in _segments(values):
            path = " ".join(f"{sx(x):.1f},{sy(float(y)):.1f}" for x, y in segment)
            out.append(
                f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>"
            )
            out += [
                f"<circle cx='{sx(x):.1f}' cy='{sy(float(y)):.1f}' r='3' fill='{colour}'/>"
                for x, y in segment
            ]
        ly = top + 14 + 18 * n
        out.append(
            f"<rect x='{width - right + 12}' y='{ly - 9}' width='10' height='10' "
            f"fill='{colour}'/><text x='{width - right + 26}' y='{ly}' font-size='12'>"
            f"{escape(_clip(name, 18))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _axes(left, top, plot_w, plot_h, years, high, sx) -> list[str]:
    out = [
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' "
        "stroke='#555'/>",
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' stroke='#555'/>",
    ]
    for year in years:
        out.append(
            f"<text x='{sx(year):.1f}' y='{top + plot_h + 18}' font-size='11' "
            f"text-anchor='middle'>{year}</text>"
        )
    for share in (0, 0.5, 1):
        y = top + plot_h * (1 - share)
        out.append(
            f"<text x='{left - 6}' y='{y + 4:.1f}' font-size='11' text-anchor='end'>"
            f"{escape(format_number(high * share))}</text>"
        )
    return out


def _segments(values: Iterable[tuple[int, float | Decimal | None]]) -> list[list]:
    segments: list[list] = [[]]
    for x, y in sorted(values):
        if y is None:
            segments.append([])
        else:
            segments[-1].append((x, y))
    return [s for s in segments if s]


def choropleth(
    features: list[dict],
    values: dict[str, float | Decimal | None],
    title: str,
    unit: str = "",
    width: int = 420,
    height: int = 640,
    digits: int = 0,
) -> str:
    """A map of the provinces (GeoJSON features with properties.code and .name) coloured
    in five classes of equal count; provinces without a figure are grey and say so."""
    paths = _projected(features, width, height)
    breaks = _quantile_breaks([float(v) for v in values.values() if v is not None])
    out = _open(width, height, title, _describe(sorted(values.items()), unit, digits))
    for feature, drawn in zip(features, paths, strict=True):
        code, name = feature["properties"]["code"], feature["properties"]["name"]
        value = values.get(code)
        fill = NO_DATA if value is None else MAP_CLASSES[_class(float(value), breaks)]
        shown = f"{name}: {format_number(value, digits)} {unit}".strip()
        out.append(
            f"<path d='{drawn}' fill='{fill}' "
            f"stroke='#fff' stroke-width='0.5'><title>{escape(shown)}</title></path>"
        )
    out += _legend(breaks, height, digits)
    out.append("</svg>")
    return "".join(out)


_PROJECTED: dict[tuple[int, int, int], list[str]] = {}


def _projected(features: list[dict], width: int, height: int) -> list[str]:
    """The features' outlines as SVG paths, projected once per list of features and size
    (the shipped boundaries are drawn on every dashboard view)."""
    key = (id(features), width, height)
    if key not in _PROJECTED:
        scale, offset = _projection(_bounds(features), width - 20, height - 120)
        _PROJECTED.clear()  # one map at a time is drawn; keep the cache small
        _PROJECTED[key] = [_path(f["geometry"], scale, offset) for f in features]
    return _PROJECTED[key]


def _bounds(features: list[dict]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for feature in features:
        for ring in _rings(feature["geometry"]):
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _projection(bounds, width: float, height: float):
    """Equirectangular with the longitude shrunk by cos(mean latitude)."""
    x0, y0, x1, y1 = bounds
    shrink = math.cos(math.radians((y0 + y1) / 2))
    scale = min(width / ((x1 - x0) * shrink), height / (y1 - y0))
    return (scale * shrink, scale), (x0, y1)


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _path(geometry: dict, scale, offset) -> str:
    (kx, ky), (x0, y1) = scale, offset
    parts = []
    for ring in _rings(geometry):
        points = " L".join(f"{10 + (x - x0) * kx:.1f},{40 + (y1 - y) * ky:.1f}" for x, y in ring)
        parts.append(f"M{points}Z")
    return "".join(parts)


def _quantile_breaks(numbers: list[float]) -> list[float]:
    if not numbers:
        return []
    ordered = sorted(numbers)
    count = len(MAP_CLASSES)
    return [ordered[min(len(ordered) - 1, (len(ordered) * i) // count)] for i in range(1, count)]


def _class(value: float, breaks: list[float]) -> int:
    return sum(1 for b in breaks if value >= b) if breaks else 0


def _legend(breaks: list[float], height: int, digits: int) -> list[str]:
    out = []
    edges = [None, *breaks, None]
    for i, colour in enumerate(MAP_CLASSES[: len(breaks) + 1]):
        y = height - 100 + 16 * i
        low, high = edges[i], edges[i + 1]
        if low is None:
            text = f"< {format_number(high, digits)}" if high is not None else ""
        elif high is None:
            text = f"≥ {format_number(low, digits)}"
        else:
            text = f"{format_number(low, digits)} – {format_number(high, digits)}"
        out.append(
            f"<rect x='10' y='{y - 10}' width='14' height='12' fill='{colour}' stroke='#999'/>"
            f"<text x='30' y='{y}' font-size='11'>{escape(text)}</text>"
        )
    y = height - 100 + 16 * (len(breaks) + 1)
    out.append(
        f"<rect x='10' y='{y - 10}' width='14' height='12' fill='{NO_DATA}' stroke='#999'/>"
        f"<text x='30' y='{y}' font-size='11'>Không có số liệu / no data</text>"
    )
    return out


def _describe(items, unit: str, digits: int) -> str:
    return "; ".join(f"{label}: {format_number(v, digits)} {unit}".strip() for label, v in items)


def _describe_series(series, unit: str) -> str:
    return "; ".join(
        f"{name}: " + ", ".join(f"{x} {format_number(y)}" for x, y in values)
        for name, values in series.items()
    ) + (f" ({unit})" if unit else "")


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
