"""Recognise, check and open page images (TIFF, JPEG, JPEG 2000, PNG) and PDFs with libvips.

The format comes from the first bytes, never from the name, and each format is opened with
its own loader: a generic ``new_from_file`` would hand a broken TIFF on to ImageMagick,
which then "succeeds" or fails in ways we do not want to depend on. Loaders run with
``fail_on="error"``, and ``probe`` decodes the pixels, since libvips reads headers lazily
and a truncated file opens fine until its pixels are needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import pyvips

from thuvien.digital.ingest.errors import IngestError

__all__ = [
    "JP2",
    "JPEG",
    "MAX_PIXELS",
    "PDF",
    "PNG",
    "SUPPORTED",
    "TIFF",
    "ImageInfo",
    "load",
    "probe",
    "sniff",
]

TIFF, JPEG, JP2, PNG, PDF = "tiff", "jpeg", "jp2", "png", "pdf"
SUPPORTED = frozenset({TIFF, JPEG, JP2, PNG, PDF})
# Decompression-bomb bound: larger than any scan (an A0 map at 600 dpi is 19,866 x 28,087).
MAX_PIXELS = 30_000 * 30_000
PDF_DPI = 300
_LOADERS = {TIFF: "tiffload", JPEG: "jpegload", JP2: "jp2kload", PNG: "pngload", PDF: "pdfload"}
_NAMES = {TIFF: "TIFF", JPEG: "JPEG", JP2: "JPEG 2000", PNG: "PNG", PDF: "PDF"}
_MAGIC = (
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", JP2),
    (b"\xff\x4f\xff\x51", JP2),  # a bare JPEG 2000 codestream (.j2k)
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_SNIFF_BYTES = 1024  # PDF allows its header anywhere in the first 1024 bytes
_PNG_METRE = 1


@dataclass(frozen=True, slots=True)
class ImageInfo:
    format: str
    width: int  # pixels; for a PDF, of its first page at PDF_DPI
    height: int
    pages: int  # PDF pages, or TIFF pages (a pyramidal TIFF is one page)
    bands: int
    dpi: float | None  # as the file states it; None when it does not


def sniff(path: Path) -> str | None:
    """The format of ``path`` from its first bytes, or None if not a supported one."""
    with open(path, "rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return PDF if b"%PDF-" in head else None


def _where(path: Path, where: str | None) -> str:
    return where or Path(path).name


def _unsupported(path: Path, where: str | None) -> IngestError:
    if Path(path).stat().st_size == 0:
        return IngestError("Tệp rỗng", "Empty file", _where(path, where), code="empty-file")
    return IngestError(
        "Không phải ảnh TIFF, JPEG, JPEG 2000, PNG hay PDF (xét theo nội dung tệp)",
        "Not a TIFF, JPEG, JPEG 2000, PNG or PDF file (judged by its content)",
        _where(path, where),
        code="unsupported-format",
    )


def _vips_detail(error: pyvips.Error) -> str:
    lines = [line.strip() for line in str(error.detail or error.message).splitlines()]
    return "; ".join(line for line in lines if line)[:300]


def decode_error(fmt: str, error: pyvips.Error, where: str, page: int | None = None) -> IngestError:
    """An ``IngestError`` for a libvips failure, saying which file (and page) and why."""
    detail = _vips_detail(error)
    missing_page = "out of range" in detail or "does not contain page" in detail
    if fmt == PDF and missing_page and (page is None or page <= 1):
        return IngestError("PDF không có trang nào", "PDF has no pages", where, code="pdf-no-pages")
    if missing_page and page is not None:
        return IngestError(
            f"Tệp không có trang {page}", f"The file has no page {page}", where, code="no-such-page"
        )
    if page is not None:
        where = f"{where}, trang/page {page}"
    name = _NAMES[fmt]
    return IngestError(
        f"Tệp {name} hỏng hoặc bị cắt cụt: {detail}",
        f"Corrupt or truncated {name} file: {detail}",
        where,
        code="corrupt-image",
    )


def _open(path: Path, fmt: str, **options) -> pyvips.Image:
    # From a Source, not a filename: libvips 8.14 caches loads by filename and would hand
    # back the old pixels of a file replaced under the same name.
    loader = getattr(pyvips.Image, f"{_LOADERS[fmt]}_source")
    return loader(pyvips.Source.new_from_file(str(path)), fail_on="error", **options)


def _check_pixels(image: pyvips.Image, where: str, max_pixels: int) -> None:
    if image.width * image.height > max_pixels:
        raise IngestError(
            f"Ảnh quá lớn ({image.width} x {image.height} điểm ảnh): nghi bom giải nén",
            f"Image too large ({image.width} x {image.height} pixels): a decompression bomb?",
            where,
            code="too-many-pixels",
        )


def _tiff_pages(path: Path, first: pyvips.Image) -> int:
    """TIFF pages, counting a pyramid (each page half the one before) as one page."""
    pages = first.get("n-pages") if first.get_typeof("n-pages") else 1
    if pages > 1:
        second = _open(path, TIFF, page=1)
        if abs(second.width - first.width / 2) <= 1 and abs(second.height - first.height / 2) <= 1:
            return 1
    return pages


def _png_dpi(path: Path) -> float | None:
    """From the pHYs chunk: libvips reports 72 dpi when there is none."""
    with open(path, "rb") as stream:
        data = stream.read(64 * 1024)
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        if kind == b"pHYs" and length == 9 and offset + 17 <= len(data):
            x_per_unit, _, unit = struct.unpack_from(">IIB", data, offset + 8)
            return round(x_per_unit * 0.0254, 2) if unit == _PNG_METRE else None
        if kind in (b"IDAT", b"IEND"):
            return None
        offset += 12 + length
    return None


def _dpi(path: Path, fmt: str, image: pyvips.Image) -> float | None:
    if fmt == PNG:
        return _png_dpi(path)
    if fmt in (TIFF, JPEG) and image.get_typeof("resolution-unit"):
        return round(image.xres * 25.4, 2)
    if fmt == JP2 and image.xres != 1.0:
        return round(image.xres * 25.4, 2)
    return None


def _verify(path: Path, fmt: str, pages: int, where: str, max_pixels: int) -> None:
    """Decode every pixel once (streaming), so truncation and corrupt data show now."""
    if fmt == PDF:
        _open(path, PDF, page=0, dpi=10).avg()  # renders the first page small
    elif fmt == JPEG:
        _open(path, JPEG, shrink=8, access="sequential").avg()  # all data, cheaper IDCT
    elif fmt == TIFF:
        for page in range(pages):
            image = _open(path, TIFF, page=page, access="sequential")
            _check_pixels(image, where, max_pixels)  # each page may declare its own size
            image.avg()
    else:
        _open(path, fmt, access="sequential").avg()


def probe(
    path: Path, *, verify: bool = True, where: str | None = None, max_pixels: int = MAX_PIXELS
) -> ImageInfo:
    """What ``path`` is; ``IngestError`` naming the file if it is not a sound page image.

    ``verify=False`` skips decoding the pixels (``load`` fails loudly later anyway).
    """
    path = Path(path)
    label = _where(path, where)
    fmt = sniff(path)
    if fmt is None:
        raise _unsupported(path, where)
    try:
        image = _open(path, fmt, dpi=PDF_DPI) if fmt == PDF else _open(path, fmt)
        _check_pixels(image, label, max_pixels)
        if fmt == PDF:
            pages = image.get("n-pages")
        elif fmt == TIFF:
            pages = _tiff_pages(path, image)
        else:
            pages = 1
        if verify:
            _verify(path, fmt, pages, label, max_pixels)
    except pyvips.Error as error:
        raise decode_error(fmt, error, label) from error
    return ImageInfo(fmt, image.width, image.height, pages, image.bands, _dpi(path, fmt, image))


def load(
    path: Path,
    pdf_page: int | None = None,
    dpi: int = PDF_DPI,
    *,
    where: str | None = None,
    max_pixels: int = MAX_PIXELS,
) -> pyvips.Image:
    """Open one page for reading once, top to bottom (``access="sequential"``).

    ``pdf_page`` (from 1) picks the page of a PDF, rasterised at ``dpi`` by poppler, or of a
    multi-page TIFF; other formats have only page 1.
    """
    path = Path(path)
    label = _where(path, where)
    fmt = sniff(path)
    if fmt is None:
        raise _unsupported(path, where)
    page = pdf_page or 1
    try:
        if fmt == PDF:
            image = _open(path, PDF, page=page - 1, dpi=dpi, access="sequential")
        elif fmt == TIFF:
            image = _open(path, TIFF, page=page - 1, access="sequential")
        elif page != 1:
            raise IngestError(
                f"Tệp chỉ có một trang, không có trang {page}",
                f"The file has one page, not page {page}",
                label,
                code="no-such-page",
            )
        else:
            image = _open(path, fmt, access="sequential")
    except pyvips.Error as error:
        raise decode_error(fmt, error, label, pdf_page) from error
    _check_pixels(image, label, max_pixels)
    return image
