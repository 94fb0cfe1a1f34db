"""Test material with ground truth: real Vietnamese text typeset on page images, and scan damage.

``render_page`` typesets text with libvips' ``text`` operation (Pango) on a white page with margins
at a given resolution, keeps only what fits, and returns that text as the ground truth.
``degrade`` makes a poor scan of a page: skew, blur, lower contrast, uneven lighting, noise and
optionally JPEG artefacts, deterministic for a given seed.

The text comes from real Vietnamese prose: ``sample_vi.txt`` beside this module (see its header
for the sources), or, for larger runs, the ministry plan and the Library of Congress Vietnamese
records read with ``plan_paragraphs`` and ``lc_titles``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyvips

from thuvien.digital.ocr.preprocess import grey, open_image
from thuvien.kernel.text import normalize_text

__all__ = [
    "GroundTruth",
    "degrade",
    "lc_titles",
    "plan_paragraphs",
    "render_page",
    "render_pages",
    "sample_paragraphs",
]

MM_PER_INCH = 25.4
# Fonts with Vietnamese glyphs on Debian with fonts-dejavu-core (`fc-list :lang=vi`).
DEFAULT_FONT = "DejaVu Serif 11"


@dataclass(frozen=True)
class GroundTruth:
    text: str
    path: Path


def _px(mm: float, dpi: int) -> int:
    return round(mm / MM_PER_INCH * dpi)


def _typeset(paragraphs: list[list[str]], font: str, dpi: int, width: int) -> pyvips.Image:
    markup = "\n".join(html.escape(" ".join(words), quote=False) for words in paragraphs)
    return pyvips.Image.text(markup, font=font, dpi=dpi, width=width)


def _cut(paragraphs: list[list[str]], count: int) -> tuple[list[list[str]], list[list[str]]]:
    """The first ``count`` words (paragraph breaks kept) and the rest."""
    head: list[list[str]] = []
    for index, words in enumerate(paragraphs):
        if count < len(words):
            if count:
                head.append(words[:count])
            rest = [words[count:], *paragraphs[index + 1 :]]
            return head, rest
        head.append(words)
        count -= len(words)
    return head, []


def _fit(
    paragraphs: list[list[str]], font: str, dpi: int, width: int, height: int
) -> tuple[pyvips.Image | None, list[list[str]], list[list[str]]]:
    """The longest leading part of the text that fits the box (binary search on words)."""
    image = _typeset(paragraphs, font, dpi, width) if paragraphs else None
    if image is None or image.height <= height:
        return image, paragraphs, []
    low, high = 0, sum(len(words) for words in paragraphs)
    while high - low > 1:
        middle = (low + high) // 2
        head, _ = _cut(paragraphs, middle)
        if _typeset(head, font, dpi, width).height <= height:
            low = middle
        else:
            high = middle
    head, rest = _cut(paragraphs, low)
    return (_typeset(head, font, dpi, width) if head else None), head, rest


def _layout(
    paragraphs: list[list[str]],
    path: Path,
    dpi: int,
    size_mm: tuple[float, float],
    font: str,
    margin_mm: float,
) -> tuple[GroundTruth, list[list[str]]]:
    width, height = _px(size_mm[0], dpi), _px(size_mm[1], dpi)
    margin = _px(margin_mm, dpi)
    ink, head, rest = _fit(paragraphs, font, dpi, width - 2 * margin, height - 2 * margin)
    page = pyvips.Image.black(width, height) + 255
    if ink is not None:
        page = (255 - ink).embed(margin, margin, width, height, extend="white")
    page = page.cast("uchar").copy(
        interpretation="b-w", xres=dpi / MM_PER_INCH, yres=dpi / MM_PER_INCH
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    page.write_to_file(str(path))
    text = "\n".join(" ".join(words) for words in head)
    return GroundTruth(text, path), rest


def _words(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()]


def render_page(
    text: str,
    path: Path,
    *,
    dpi: int = 300,
    width_mm: float = 148,
    height_mm: float = 210,
    font: str = DEFAULT_FONT,
    margin_mm: float = 15,
) -> GroundTruth:
    """Typeset ``text`` (one paragraph a line) on a white page; save it (PNG, TIFF, ... by suffix).

    The default page is A5 at 300 dpi with 15 mm margins; text that does not fit is left out, and
    the ground truth is exactly the text on the page. An empty text gives a blank page.
    """
    truth, _ = _layout(_words(text), path, dpi, (width_mm, height_mm), font, margin_mm)
    return truth


def render_pages(
    paragraphs: list[str],
    folder: Path,
    count: int,
    *,
    suffix: str = ".png",
    fonts: list[str] | None = None,
    **options,
) -> list[GroundTruth]:
    """``count`` pages of continuous text, each page going on where the previous one stopped.

    The paragraphs are reused from the start if they run out. ``fonts``, if given, are used in
    turn, one a page. ``options`` are those of ``render_page`` (dpi, width_mm, height_mm,
    font, margin_mm).
    """
    source = [words for words in (p.split() for p in paragraphs) if words]
    if not source:
        raise ValueError("Không có văn bản để dàn trang / No text to lay out")
    dpi = options.get("dpi", 300)
    size = (options.get("width_mm", 148), options.get("height_mm", 210))
    font, margin = options.get("font", DEFAULT_FONT), options.get("margin_mm", 15)
    pages: list[GroundTruth] = []
    queue: list[list[str]] = []
    for number in range(1, count + 1):
        while sum(len(words) for words in queue) < 2000:
            queue.extend(source)
        truth, queue = _layout(
            queue, folder / f"page-{number:04d}{suffix}", dpi, size, font, margin
        )
        pages.append(truth)
    return pages


def degrade(
    src: Path,
    dest: Path,
    *,
    skew: float = 1.5,
    blur: float = 0.8,
    noise: float = 12,
    seed: int = 0,
    contrast: float = 0.6,
    shading: float = 0.15,
    jpeg_quality: int | None = None,
) -> Path:
    """A poor scan of the page ``src``, written to ``dest``.

    - ``skew``: rotation in degrees (anticlockwise), the page kept in the original frame;
    - ``blur``: sigma of a gaussian blur in pixels (0: none);
    - ``contrast``: 1 keeps black on white; 0.6 gives grey ink on a greyish page;
    - ``shading``: lighting that fades by this fraction across the page, as on a book scanner;
    - ``noise``: standard deviation of gaussian noise in grey levels, from ``seed``;
    - ``jpeg_quality``: save as JPEG at that quality (also when ``dest`` ends in .jpg).
    """
    original = open_image(src)
    page = grey(original)
    width, height = page.width, page.height
    if skew:
        turned = page.rotate(skew, background=[255])
        left, top = (turned.width - width) // 2, (turned.height - height) // 2
        page = turned.crop(left, top, width, height)
    if blur:
        page = page.gaussblur(blur)
    ink, paper = (1 - contrast) * 150, 255 - (1 - contrast) * 100
    page = page.linear((paper - ink) / 255, ink)
    if shading:
        across = pyvips.Image.xyz(width, height)[0]
        page = page * (1 - shading * across / width)
    if noise:
        page = page + pyvips.Image.gaussnoise(width, height, sigma=noise, mean=0, seed=seed)
    res = page.cast("uchar").copy(interpretation="b-w", xres=original.xres, yres=original.yres)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if jpeg_quality is not None or dest.suffix.lower() in {".jpg", ".jpeg"}:
        res.jpegsave(str(dest), Q=jpeg_quality or 75)
    else:
        res.write_to_file(str(dest))
    return dest


def sample_paragraphs() -> list[str]:
    """The paragraphs of the shipped sample text (``sample_vi.txt``; '#' lines are its header)."""
    text = files(__package__).joinpath("sample_vi.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def plan_paragraphs(path: Path, *, min_length: int = 60) -> list[str]:
    """Prose paragraphs of a plain-text document (such as the ministry plan), in order, once each.

    Table cells, headings and signatures (lines shorter than ``min_length``) are left out.
    """
    seen: set[str] = set()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        paragraph = normalize_text(line.replace("\t", " "))
        if len(paragraph) >= min_length and paragraph not in seen:
            seen.add(paragraph)
            out.append(paragraph)
    return out


def lc_titles(path: Path) -> list[str]:
    """Title statements (245 $a $b $c) of MARC records in Vietnamese, as NFC text, once each.

    Records whose marks do not all compose after normalisation (damaged MARC-8 conversions) are
    left out: their ground truth would not be what a reader sees.
    """
    import unicodedata

    import pymarc

    seen: set[str] = set()
    out = []
    with path.open("rb") as handle:
        for record in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True):
            if record is None:
                continue
            parts = [s for f in record.get_fields("245") for s in f.get_subfields("a", "b", "c")]
            title = normalize_text(" ".join(parts)).rstrip(" /:;,.") + "."
            composed = not any(unicodedata.combining(ch) for ch in title)
            if composed and not title.isascii() and title not in seen:
                seen.add(title)
                out.append(title)
    return out
