"""Reading IIIF image requests out of pyramidal TIFFs (and other images) with libvips.

A pyramid written by ``tiffsave(pyramid=True)`` stores each level as a page at half the
size of the one before. A request is served from the smallest level that still has at
least the requested resolution, so a tile or a thumbnail reads a few tiles of a small page
instead of decoding the full-size page. JPEG sources get the same through shrink-on-load.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyvips

from thuvien.digital.iiif.image import IIIFError, ResolvedRequest

# A level is used if it has at least 99% of the resolution asked for: pyramid levels are
# floor(previous / 2), so an exact power-of-two request may be a hair above the level's size.
_LEVEL_TOLERANCE = 1.01
_JPEG_SHRINKS = (2, 4, 8)
_SEQUENTIAL_AREA = 1024 * 1024


@dataclass(frozen=True)
class Level:
    options: tuple[tuple[str, int], ...]  # loader options that open this level
    width: int
    height: int

    @property
    def kwargs(self) -> dict[str, int]:
        return dict(self.options)


@dataclass(frozen=True)
class Source:
    path: str
    loader: str
    width: int
    height: int
    levels: tuple[Level, ...]  # full size first


def open_source(path: str | Path) -> Source:
    """Describe the image at ``path`` and its levels; cached until the file changes."""
    name = os.fspath(path)
    try:
        stat = os.stat(name)
    except FileNotFoundError:
        raise IIIFError(
            404, f"Không tìm thấy tệp ảnh: {Path(name).name} / Image file not found"
        ) from None
    return _open(name, stat.st_mtime_ns, stat.st_size, stat.st_ino)


@lru_cache(maxsize=4096)
def _open(path: str, mtime_ns: int, size: int, inode: int) -> Source:
    first = _load(path)
    loader = first.get("vips-loader") if first.get_typeof("vips-loader") else "unknown"
    loader = loader.removesuffix("_source")
    levels = [Level((), first.width, first.height)]
    for options in _level_options(path, first, loader):
        image = _load(path, **options)
        if loader == "tiffload" and not _is_half(levels[-1], image):
            break  # pages of a multi-page TIFF that are not a pyramid
        levels.append(Level(tuple(options.items()), image.width, image.height))
    return Source(path, loader, first.width, first.height, tuple(levels))


def _level_options(path: str, first: pyvips.Image, loader: str) -> list[dict]:
    if loader == "jpegload":
        return [{"shrink": shrink} for shrink in _JPEG_SHRINKS]
    if loader != "tiffload":
        return []
    if first.get_typeof("n-subifds") and first.get("n-subifds") > 0:
        return [{"subifd": index} for index in range(first.get("n-subifds"))]
    pages = first.get("n-pages") if first.get_typeof("n-pages") else 1
    return [{"page": page} for page in range(1, pages)]


def _is_half(previous: Level, image: pyvips.Image) -> bool:
    return (
        abs(image.width - previous.width / 2) <= 1 and abs(image.height - previous.height / 2) <= 1
    )


def _load(path: str, access: str = "random", **options) -> pyvips.Image:
    # Through a new Source each time: libvips 8.14 caches new_from_file by file name and
    # options, so a page image regenerated at the same path would be served stale.
    try:
        source = pyvips.Source.new_from_file(path)
        return pyvips.Image.new_from_source(source, "", access=access, **options)
    except pyvips.Error as error:
        raise _corrupt(path, options, error) from error


def _corrupt(path: str, options: dict, error: pyvips.Error) -> IIIFError:
    """A 500 naming the file (not its directory) and the pyramid level that failed."""
    name = Path(path).name
    level = next(iter(options.values()), 0)
    where_vi = f"{name}, mức {level}" if level else name
    where_en = f"{name}, level {level}" if level else name
    detail = (str(error.detail or error.message).strip().splitlines() or [""])[0]
    detail = detail.replace(path, name)
    return IIIFError(
        500,
        f"Tệp ảnh hỏng hoặc không đọc được: {where_vi} / "
        f"Corrupt or unreadable image: {where_en} ({detail})",
    )


def choose_level(source: Source, res: ResolvedRequest) -> Level:
    """The smallest level whose resolution is at least what the request needs."""
    need_x, need_y = res.w / res.width, res.h / res.height  # source pixels per output pixel
    best = source.levels[0]
    for level in source.levels[1:]:
        factor_x, factor_y = source.width / level.width, source.height / level.height
        if factor_x <= need_x * _LEVEL_TOLERANCE and factor_y <= need_y * _LEVEL_TOLERANCE:
            best = level
    return best


def extract(source: Source, res: ResolvedRequest) -> pyvips.Image:
    """The region of ``res`` scaled to its size, read from the best level."""
    level = choose_level(source, res)
    fx, fy = source.width / level.width, source.height / level.height
    x0, x1 = _span(res.x, res.w, fx, level.width)
    y0, y1 = _span(res.y, res.h, fy, level.height)
    # Random access suits tiles. A large area read top to bottom and shrunk is 7-20x
    # faster sequentially (measured): random access re-decodes tiles the cache dropped.
    sequential = (x1 - x0) * (y1 - y0) > _SEQUENTIAL_AREA
    image = _load(source.path, access="sequential" if sequential else "random", **level.kwargs)
    try:
        image = image.crop(x0, y0, x1 - x0, y1 - y0)
        if (x1 - x0, y1 - y0) != (res.width, res.height):
            image = image.resize(res.width / (x1 - x0), vscale=res.height / (y1 - y0))
        image = _exact(image, res.width, res.height)
        if sequential and (res.mirror or res.degrees):
            image = image.copy_memory()  # rotations read out of order; the result is bounded
        return image
    except pyvips.Error as error:
        raise _corrupt(source.path, level.kwargs, error) from error


def _span(start: int, length: int, factor: float, limit: int) -> tuple[int, int]:
    low = min(int(start / factor + 0.5), limit - 1)
    high = min(max(int((start + length) / factor + 0.5), low + 1), limit)
    return low, high


def _exact(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    """Trim or pad by the odd pixel that resampling can leave."""
    if image.width > width or image.height > height:
        image = image.crop(0, 0, min(width, image.width), min(height, image.height))
    if image.width < width or image.height < height:
        image = image.embed(0, 0, width, height, extend="copy")
    return image


# --- transforms and encoding ---------------------------------------------------------------


def render_resolved(source: Source, res: ResolvedRequest) -> bytes:
    image = extract(source, res)
    try:
        image = _normalise(image)
        image = _quality(image, res.quality)
        image = _rotate(image, res)
        return _encode(image, res)
    except pyvips.Error as error:
        raise _corrupt(source.path, choose_level(source, res).kwargs, error) from error


def _normalise(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB or 8-bit grey, whatever the source (CMYK, 16-bit, Lab...)."""
    grey = image.interpretation in ("b-w", "grey16")
    target = "b-w" if grey else "srgb"
    if image.interpretation != target or image.format != "uchar":
        image = image.colourspace(target)
    if image.format != "uchar":
        image = image.cast("uchar")
    return image


def _quality(image: pyvips.Image, quality: str) -> pyvips.Image:
    if quality == "color":
        return image.colourspace("srgb") if image.interpretation == "b-w" else image
    if quality == "default":
        return image
    grey = image.colourspace("b-w") if image.interpretation != "b-w" else image
    if quality == "gray":
        return grey
    alpha = grey[1:] if grey.bands == 2 else None
    bitonal = (grey[0] >= 128).copy(interpretation="b-w")
    return bitonal.bandjoin(alpha) if alpha is not None else bitonal


def _rotate(image: pyvips.Image, res: ResolvedRequest) -> pyvips.Image:
    if res.mirror:
        image = image.fliphor()
    degrees = res.degrees
    if degrees == 0:
        return image
    if degrees % 90 == 0:
        return image.rot(f"d{int(degrees)}")
    if res.format != "jpg" and not image.hasalpha():
        image = image.bandjoin(255)  # transparent corners, as the specification recommends
    background = [0] * image.bands if image.hasalpha() else [255] * image.bands
    rotated = image.rotate(degrees, background=background)
    return _exact(rotated, *res.output_size)


def _encode(image: pyvips.Image, res: ResolvedRequest) -> bytes:
    if res.format == "jpg":
        if image.hasalpha():
            image = image.flatten(background=[255] * (image.bands - 1))
        return image.jpegsave_buffer(Q=85, strip=True)
    if res.format == "png":
        bitdepth = 1 if res.quality == "bitonal" and image.bands == 1 else 8
        return image.pngsave_buffer(compression=6, bitdepth=bitdepth, strip=True)
    if res.format == "webp":
        return image.webpsave_buffer(Q=80, strip=True)
    return image.tiffsave_buffer(compression="deflate", strip=True)
