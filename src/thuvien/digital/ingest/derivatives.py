"""Derivatives of one page: a pyramidal tiled TIFF for IIIF, an access JPEG and a thumbnail.

The page is decoded once, converted to 8-bit sRGB (or grey), into memory, or for a very
large page into a temporary uncompressed file: libvips 8.14 crashes the whole process (a
segmentation fault, not an error) when a pyramid is written from a source that fails to
decode, as a truncated scan does, so the pyramid is only ever written from pixels already
decoded. The two JPEGs are then cut from the pyramid's smaller levels, which is what libvips'
``thumbnail`` does with a pyramidal TIFF, so they cost little. Every output is written under
a temporary name in ``out_dir`` and renamed into place: a reader never sees a half-written
file. Any libvips failure becomes an ``IngestError`` naming the page.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyvips

from thuvien.digital.ingest.errors import IngestError

__all__ = ["Derivatives", "make_derivatives", "to_display"]

TILE = 256
PYRAMID_Q = 90
ACCESS_Q = 85
# Past 4 GB a classic TIFF's offsets overflow; 3 bytes a pixel before compression is the
# worst case libvips would have to assume.
_BIGTIFF_PIXELS = (4 * 1024**3) // 3
# Decoded pages up to this size are held in memory; larger ones go to a temporary file.
MEMORY_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Derivatives:
    pyramid: Path
    access: Path
    thumbnail: Path
    width: int
    height: int


def _colour_managed(image: pyvips.Image) -> pyvips.Image:
    """To sRGB through the embedded ICC profile (CMYK scans, Adobe RGB cameras) if any."""
    if not image.get_typeof("icc-profile-data"):
        return image
    try:
        return image.icc_transform("srgb", embedded=True, intent="perceptual")
    except pyvips.Error:
        return image  # a broken profile: fall back to the interpretation's plain conversion


def _first_bands(image: pyvips.Image, bands: int) -> pyvips.Image:
    """The first ``bands`` as 8-bit, for images libvips has no colour conversion for."""
    image = image.extract_band(0, n=min(bands, image.bands))
    if image.format in ("ushort", "short"):
        image = image >> 8
    if image.bands < bands:
        image = image.bandjoin([image] * (bands - image.bands))
    return image.cast("uchar")


def to_display(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB, or 8-bit grey for grey pages, alpha flattened on white (still lazy)."""
    image = _colour_managed(image)
    grey = image.bands - int(image.hasalpha()) == 1
    target = "b-w" if grey else "srgb"
    if image.interpretation != target or image.format != "uchar":
        try:
            image = image.colourspace(target)
        except pyvips.Error:  # no route from this interpretation (5-band "multiband" ...)
            image = _first_bands(image, 1 if grey else 3)
    if image.format != "uchar":
        image = image.cast("uchar")  # interpretations colourspace leaves alone (multiband)
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.bands > (1 if grey else 3):
        image = image.extract_band(0, n=1 if grey else 3)  # extra channels (spot colours)
    return image.copy(interpretation=target)


def _decoded(image: pyvips.Image, spill: Path) -> pyvips.Image:
    """Every pixel decoded now, in memory or in ``spill`` (see the module docstring)."""
    if image.width * image.height * image.bands <= MEMORY_BYTES:
        return image.copy_memory()
    image.write_to_file(str(spill))
    return pyvips.Image.new_from_source(pyvips.Source.new_from_file(str(spill)), "")


def _upright(image: pyvips.Image) -> pyvips.Image:
    """Turned as the camera or scanner says (EXIF/TIFF orientation), which is then dropped."""
    if image.get_typeof("orientation") and image.get("orientation") != 1:
        return image.autorot()
    return image


def _temporary(out_dir: Path, suffix: str) -> Path:
    # libvips picks the writer from the suffix, so the temporary name keeps it.
    return out_dir / f".tmp-{uuid.uuid4().hex}{suffix}"


def _write_pyramid(image: pyvips.Image, target: Path) -> None:
    image.tiffsave(
        str(target),
        tile=True,
        pyramid=True,
        tile_width=TILE,
        tile_height=TILE,
        compression="jpeg",
        Q=PYRAMID_Q,
        bigtiff=image.width * image.height > _BIGTIFF_PIXELS,
    )


def _write_jpeg(pyramid: Path, long_side: int, page: pyvips.Image, target: Path) -> None:
    # thumbnail() reads the pyramid level nearest the size asked for, never the whole page.
    # Never enlarge; size="down" is not used: libvips 8.14 then takes the smallest level.
    side = min(long_side, max(page.width, page.height))
    small = pyvips.Image.thumbnail_source(
        pyvips.Source.new_from_file(str(pyramid)), side, height=side
    )
    small.jpegsave(str(target), Q=ACCESS_Q, interlace=True, strip=True, optimize_coding=True)


def make_derivatives(
    image: pyvips.Image,
    out_dir: Path,
    stem: str,
    *,
    access_long_side: int = 2000,
    thumb_long_side: int = 300,
) -> Derivatives:
    """Write ``{stem}.pyramid.tif``, ``{stem}.access.jpg`` and ``{stem}.thumb.jpg``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = {
        "pyramid": out_dir / f"{stem}.pyramid.tif",
        "access": out_dir / f"{stem}.access.jpg",
        "thumbnail": out_dir / f"{stem}.thumb.jpg",
    }
    temporary = {
        "decoded": _temporary(out_dir, ".v"),
        "pyramid": _temporary(out_dir, ".tif"),
        "access": _temporary(out_dir, ".jpg"),
        "thumbnail": _temporary(out_dir, ".jpg"),
    }
    try:
        page = _upright(_decoded(to_display(image), temporary["decoded"]))
        _write_pyramid(page, temporary["pyramid"])
        _write_jpeg(temporary["pyramid"], access_long_side, page, temporary["access"])
        _write_jpeg(temporary["pyramid"], thumb_long_side, page, temporary["thumbnail"])
        for key, path in final.items():
            os.replace(temporary[key], path)
    except pyvips.Error as error:
        detail = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        raise IngestError(
            f"Không tạo được ảnh phái sinh: {detail[:300]}",
            f"Could not make derivatives: {detail[:300]}",
            stem,
            code="derivative-failed",
        ) from error
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
    return Derivatives(
        final["pyramid"], final["access"], final["thumbnail"], page.width, page.height
    )
