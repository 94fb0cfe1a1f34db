"""A bar chart as plain SVG, drawn on the server (PDF renderers run no JavaScript): for each
indicator, the library's value beside its peer group's median. Indicators have different
units, so each row is scaled to the larger of its two values; the numbers are printed. No
Django."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH = 760
LABEL_WIDTH = 300
BAR_AREA = 330
ROW = 44
TOP = 34
LIBRARY_COLOUR = "#0b5d4b"
MEDIAN_COLOUR = "#7b8794"
TEXT = "#1b1f24"
FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    median: Decimal | None
    shown_value: str
    shown_median: str


@dataclass(frozen=True)
class Legend:
    library: str
    median: str
    missing: str  # said where a value cannot be computed
    title: str


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bar(x: float, y: float, width: float, colour: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" height="14" '
        f'fill="{colour}" rx="2"/>'
    )


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start", **extra) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{TEXT}"{attrs}>{escape(text)}</text>'
    )


def _row(index: int, bar: Bar, legend: Legend) -> list[str]:
    y = TOP + 22 + index * ROW
    parts = [_text(LABEL_WIDTH - 10, y + 18, _short(bar.label), anchor="end")]
    top = max((v for v in (bar.value, bar.median) if v is not None and v > 0), default=None)
    x = LABEL_WIDTH
    if bar.value is None:
        parts.append(_text(x, y + 11, legend.missing, 11, font_style="italic"))
    elif top:
        width = float(bar.value / top) * BAR_AREA
        parts += [
            _bar(x, y, width, LIBRARY_COLOUR),
            _text(x + width + 6, y + 12, bar.shown_value, 11),
        ]
    else:
        parts.append(_text(x + 6, y + 12, bar.shown_value, 11))
    if bar.median is not None and top:
        width = float(bar.median / top) * BAR_AREA
        parts += [
            _bar(x, y + 17, width, MEDIAN_COLOUR),
            _text(x + width + 6, y + 29, bar.shown_median, 11),
        ]
    return parts


def bar_chart(bars: list[Bar], legend: Legend) -> str:
    height = TOP + 30 + ROW * len(bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(legend.title)}" '
        f'font-family="{FONT}">',
        f"<title>{escape(legend.title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _bar(LABEL_WIDTH, 8, 14, LIBRARY_COLOUR),
        _text(LABEL_WIDTH + 20, 20, legend.library),
        _bar(LABEL_WIDTH + 230, 8, 14, MEDIAN_COLOUR),
        _text(LABEL_WIDTH + 250, 20, legend.median),
    ]
    for index, bar in enumerate(bars):
        parts += _row(index, bar, legend)
    parts.append("</svg>")
    return "".join(parts)
