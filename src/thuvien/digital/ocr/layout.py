"""Recognised text with its positions: the page's words and lines, ALTO 4 and hOCR output.

Boxes are in pixels of the original image (top-left origin), whatever pre-processing the page
went through before OCR: viewers and the searchable PDF draw them over the image readers see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

__all__ = ["ALTO_NS", "Line", "Word", "alto_xml", "hocr_document", "map_hocr_boxes"]

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass
class Word:
    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: float  # 0-100, as tesseract gives it


@dataclass
class Line:
    text: str
    x: int
    y: int
    w: int
    h: int
    words: list[Word] = field(default_factory=list)
    block: int = 0  # index of the text block (column, paragraph group) the line belongs to


def _box(element: etree._Element, x: int, y: int, w: int, h: int) -> None:
    element.set("HPOS", str(x))
    element.set("VPOS", str(y))
    element.set("WIDTH", str(w))
    element.set("HEIGHT", str(h))


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    left = min(b[0] for b in boxes)
    top = min(b[1] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    return left, top, right - left, bottom - top


def _description(root: etree._Element, filename: str, software: str, settings: str) -> None:
    description = etree.SubElement(root, f"{{{ALTO_NS}}}Description")
    etree.SubElement(description, f"{{{ALTO_NS}}}MeasurementUnit").text = "pixel"
    source = etree.SubElement(description, f"{{{ALTO_NS}}}sourceImageInformation")
    etree.SubElement(source, f"{{{ALTO_NS}}}fileName").text = filename
    processing = etree.SubElement(description, f"{{{ALTO_NS}}}Processing", ID="OCR_0")
    etree.SubElement(processing, f"{{{ALTO_NS}}}processingStepSettings").text = settings
    program = etree.SubElement(processing, f"{{{ALTO_NS}}}processingSoftware")
    name, _, version = software.partition(" ")
    etree.SubElement(program, f"{{{ALTO_NS}}}softwareName").text = name
    if version:
        etree.SubElement(program, f"{{{ALTO_NS}}}softwareVersion").text = version


def _text_line(parent: etree._Element, line: Line, ids: str) -> None:
    element = etree.SubElement(parent, f"{{{ALTO_NS}}}TextLine", ID=ids)
    _box(element, line.x, line.y, line.w, line.h)
    for number, word in enumerate(line.words, 1):
        if number > 1:
            previous = line.words[number - 2]
            gap = etree.SubElement(element, f"{{{ALTO_NS}}}SP")
            left = previous.x + previous.w
            gap.set("WIDTH", str(max(0, word.x - left)))
            gap.set("HPOS", str(left))
            gap.set("VPOS", str(line.y))
        string = etree.SubElement(element, f"{{{ALTO_NS}}}String", ID=f"{ids}_{number}")
        _box(string, word.x, word.y, word.w, word.h)
        string.set("CONTENT", word.text)
        string.set("WC", f"{max(0.0, min(100.0, word.confidence)) / 100:.2f}")


def alto_xml(
    lines: list[Line],
    width: int,
    height: int,
    *,
    filename: str = "",
    software: str = "tesseract",
    settings: str = "",
) -> str:
    """An ALTO 4 document for one page: Page / PrintSpace / TextBlock / TextLine / String + SP.

    WC is the word confidence from 0 to 1; MeasurementUnit is pixel.
    """
    root = etree.Element(f"{{{ALTO_NS}}}alto", nsmap={None: ALTO_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ALTO_NS} {ALTO_SCHEMA}")
    _description(root, filename, software, settings)
    layout = etree.SubElement(root, f"{{{ALTO_NS}}}Layout")
    page = etree.SubElement(layout, f"{{{ALTO_NS}}}Page", ID="page_1", PHYSICAL_IMG_NR="1")
    page.set("WIDTH", str(width))
    page.set("HEIGHT", str(height))
    space = etree.SubElement(page, f"{{{ALTO_NS}}}PrintSpace")
    boxes = [(line.x, line.y, line.w, line.h) for line in lines if line.words]
    _box(space, *(_union(boxes) if boxes else (0, 0, width, height)))
    blocks: dict[int, list[Line]] = {}
    for line in lines:
        if line.words:
            blocks.setdefault(line.block, []).append(line)
    for number, (_, members) in enumerate(sorted(blocks.items()), 1):
        block = etree.SubElement(space, f"{{{ALTO_NS}}}TextBlock", ID=f"block_{number}")
        _box(block, *_union([(m.x, m.y, m.w, m.h) for m in members]))
        for index, line in enumerate(members, 1):
            _text_line(block, line, f"line_{number}_{index}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_PAGE_BBOX = re.compile(r"(class='ocr_page'[^>]*?bbox )\d+ \d+ \d+ \d+")


def map_hocr_boxes(
    hocr: str,
    to_source: Callable[[int, int, int, int], tuple[int, int, int, int]],
    width: int,
    height: int,
) -> str:
    """hOCR with every bbox moved onto the original image (``to_source`` takes x, y, w, h)."""

    def move(match: re.Match[str]) -> str:
        x0, y0, x1, y1 = (int(v) for v in match.groups())
        x, y, w, h = to_source(x0, y0, x1 - x0, y1 - y0)
        return f"bbox {x} {y} {x + w} {y + h}"

    moved = _BBOX.sub(move, hocr)
    return _PAGE_BBOX.sub(rf"\g<1>0 0 {width} {height}", moved, count=1)


def hocr_document(fragment: str, *, software: str, language: str = "vi", title: str = "") -> str:
    """A stand-alone hOCR (XHTML) file around tesseract's page fragment, as its hOCR renderer
    writes it."""
    title = title and Path(title).name
    escaped = (title or "").replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{language}" lang="{language}">\n'
        " <head>\n"
        f"  <title>{escaped}</title>\n"
        '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
        f"  <meta name='ocr-system' content='{software}'/>\n"
        "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word"
        " ocrp_wconf'/>\n"
        " </head>\n"
        " <body>\n"
        f"{fragment}"
        " </body>\n"
        "</html>\n"
    )
