"""IIIF Image API 3.0 at compliance level 2: parsing, size arithmetic, rendering, info.json.

The view layer maps ``/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality}.{format}``
onto :func:`parse_request` and :func:`render`; everything here is pure Python plus libvips.
Errors carry the HTTP status the specification asks for and a bilingual message.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
IMAGE_PROTOCOL = "http://iiif.io/api/image"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "tif": "image/tiff"}
QUALITIES = ("default", "color", "gray", "bitonal")
EXTRA_FORMATS = ("webp", "tif")  # jpg and png belong to the level 2 profile
EXTRA_QUALITIES = ("color", "gray", "bitonal")
EXTRA_FEATURES = ("mirroring", "rotationArbitrary")

# Server-imposed limits: a 5000x7000 page is served up to 3571x5000 in one piece; the viewer
# uses tiles, and downloads use the access JPEG. They bound the memory and CPU of one request.
DEFAULT_MAX_WIDTH = 5000
DEFAULT_MAX_HEIGHT = 5000
DEFAULT_MAX_AREA = 25_000_000

# Numbers are bounded in length: a 5000-digit value would overflow float and int parsing.
_INT = r"\d{1,9}"
_NUM = r"(?:\d{1,9}(?:\.\d{1,9})?|\.\d{1,9})"
_REGION_PX = re.compile(rf"({_INT}),({_INT}),({_INT}),({_INT})")
_REGION_PCT = re.compile(rf"pct:({_NUM}),({_NUM}),({_NUM}),({_NUM})")
_SIZE = re.compile(rf"(\^)?(?:(max)|({_INT}),|,({_INT})|(!)?({_INT}),({_INT})|pct:({_NUM}))")
_ROTATION = re.compile(rf"(!)?({_NUM})")


class IIIFError(Exception):
    """A request the service refuses: ``status`` is the HTTP code, ``message`` is bilingual."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(vi: str, en: str, status: int = 400) -> IIIFError:
    return IIIFError(status, f"{vi} / {en}")


def _shown(text: str) -> str:
    """The offending value, quoted and cut short: messages echo what the client sent."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


@dataclass(frozen=True)
class Region:
    kind: str  # "full", "square", "pixels" or "percent"
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0


@dataclass(frozen=True)
class Size:
    kind: str  # "max", "w", "h", "wh", "confined" or "pct"
    w: int = 0
    h: int = 0
    pct: float = 0
    upscale: bool = False


@dataclass(frozen=True)
class Rotation:
    degrees: float
    mirror: bool = False


@dataclass(frozen=True)
class ImageRequest:
    region: Region
    size: Size
    rotation: Rotation
    quality: str
    format: str

    @property
    def media_type(self) -> str:
        return FORMATS[self.format]


@dataclass(frozen=True)
class ResolvedRequest:
    """A request made concrete for one image: pixel region, scaled size, transforms."""

    full_width: int
    full_height: int
    x: int
    y: int
    w: int
    h: int
    width: int  # scaled size, before rotation
    height: int
    degrees: float
    mirror: bool
    quality: str
    format: str

    @property
    def upscaled(self) -> bool:
        return self.width > self.w or self.height > self.h

    @property
    def is_full_region(self) -> bool:
        return (self.x, self.y, self.w, self.h) == (0, 0, self.full_width, self.full_height)

    @property
    def media_type(self) -> str:
        return FORMATS[self.format]

    @property
    def output_size(self) -> tuple[int, int]:
        """Pixel size of the returned image: the bounding box of the rotated scaled region."""
        angle = math.radians(self.degrees)
        cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
        if self.degrees % 90 == 0:
            return (self.height, self.width) if self.degrees % 180 else (self.width, self.height)
        return (
            math.ceil(self.width * cos + self.height * sin - 1e-9),
            math.ceil(self.width * sin + self.height * cos - 1e-9),
        )


# --- parsing -------------------------------------------------------------------------------


def parse_request(region: str, size: str, rotation: str, quality: str, fmt: str) -> ImageRequest:
    """Parse the five path segments of an image request; IIIFError(400) on bad syntax."""
    return ImageRequest(
        region=_parse_region(region),
        size=_parse_size(size),
        rotation=_parse_rotation(rotation),
        quality=_parse_quality(quality),
        format=_parse_format(fmt),
    )


def _parse_region(text: str) -> Region:
    if text in ("full", "square"):
        return Region(text)
    if match := _REGION_PX.fullmatch(text):
        x, y, w, h = (int(v) for v in match.groups())
        kind = "pixels"
    elif match := _REGION_PCT.fullmatch(text):
        x, y, w, h = (float(v) for v in match.groups())
        kind = "percent"
    else:
        raise _error(f"Vùng ảnh không hợp lệ: {_shown(text)}", f"Invalid region: {_shown(text)}")
    if w <= 0 or h <= 0:
        raise _error(
            f"Vùng ảnh có chiều rộng hoặc cao bằng 0: {_shown(text)}",
            f"Region has zero width or height: {_shown(text)}",
        )
    return Region(kind, x, y, w, h)


def _parse_size(text: str) -> Size:
    match = _SIZE.fullmatch(text)
    if not match:
        raise _error(f"Kích thước không hợp lệ: {_shown(text)}", f"Invalid size: {_shown(text)}")
    up, is_max, w_only, h_only, bang, w, h, pct = match.groups()
    upscale = bool(up)
    if is_max:
        return Size("max", upscale=upscale)
    if pct is not None:
        size = Size("pct", pct=float(pct), upscale=upscale)
    elif w_only is not None:
        size = Size("w", w=int(w_only), upscale=upscale)
    elif h_only is not None:
        size = Size("h", h=int(h_only), upscale=upscale)
    else:
        size = Size("confined" if bang else "wh", w=int(w), h=int(h), upscale=upscale)
    zero = size.pct <= 0 if size.kind == "pct" else 0 in _given(size)
    if zero:
        raise _error(f"Kích thước bằng 0: {_shown(text)}", f"Size is zero: {_shown(text)}")
    return size


def _given(size: Size) -> tuple[int, ...]:
    return {"w": (size.w,), "h": (size.h,)}.get(size.kind, (size.w, size.h))


def _parse_rotation(text: str) -> Rotation:
    match = _ROTATION.fullmatch(text)
    degrees = float(match.group(2)) if match else -1.0
    if not match or degrees > 360:
        raise _error(
            f"Góc xoay không hợp lệ (0 đến 360, có thể thêm ! để lật): {_shown(text)}",
            f"Invalid rotation (0 to 360, optionally prefixed by !): {_shown(text)}",
        )
    return Rotation(degrees % 360, mirror=bool(match.group(1)))


def _parse_quality(text: str) -> str:
    if text not in QUALITIES:
        raise _error(
            f"Chất lượng không hỗ trợ: {_shown(text)} (default, color, gray, bitonal)",
            f"Unsupported quality: {_shown(text)} (default, color, gray, bitonal)",
        )
    return text


def _parse_format(text: str) -> str:
    if text not in FORMATS:
        raise _error(
            f"Định dạng không hỗ trợ: {_shown(text)} (jpg, png, webp, tif)",
            f"Unsupported format: {_shown(text)} (jpg, png, webp, tif)",
        )
    return text


# --- resolution ----------------------------------------------------------------------------


def resolve(
    request: ImageRequest,
    width: int,
    height: int,
    max_width: int | None = None,
    max_height: int | None = None,
    max_area: int | None = None,
) -> ResolvedRequest:
    """The concrete pixel region and output size of ``request`` on a ``width`` x ``height`` image.

    Regions reaching past the edge are cropped at the edge; sizes larger than the region need
    the ``^`` prefix; sizes beyond the limits are refused, except ``max`` and ``!w,h``, which
    shrink to fit them (the specification defines both as "as large as the limits allow").
    """
    if max_height is None:
        max_height = max_width  # the specification's default when only maxWidth is given
    x, y, w, h = _region_box(request.region, width, height)
    out_w, out_h = _scaled_size(request.size, w, h, (max_width, max_height, max_area))
    if (out_w > w or out_h > h) and not request.size.upscale:
        raise _error(
            f"Kích thước {out_w}x{out_h} lớn hơn vùng ảnh {w}x{h}; cần tiền tố ^ để phóng to",
            f"Size {out_w}x{out_h} is larger than the {w}x{h} region; upscaling needs the ^ prefix",
        )
    _check_limits(out_w, out_h, max_width, max_height, max_area)
    rotation = request.rotation
    return ResolvedRequest(
        full_width=width, full_height=height, x=x, y=y, w=w, h=h, width=out_w, height=out_h,
        degrees=rotation.degrees, mirror=rotation.mirror,
        quality=request.quality, format=request.format,
    )  # fmt: skip


def _region_box(region: Region, width: int, height: int) -> tuple[int, int, int, int]:
    if region.kind == "full":
        return 0, 0, width, height
    if region.kind == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if region.kind == "pixels":
        x, y, w, h = int(region.x), int(region.y), int(region.w), int(region.h)
    else:
        x, y = _round(region.x * width / 100), _round(region.y * height / 100)
        w = _round((region.x + region.w) * width / 100) - x
        h = _round((region.y + region.h) * height / 100) - y
    if x >= width or y >= height or w <= 0 or h <= 0:
        raise _error(
            f"Vùng ảnh {x},{y},{w},{h} nằm ngoài ảnh {width}x{height}",
            f"Region {x},{y},{w},{h} lies outside the {width}x{height} image",
        )
    return x, y, min(w, width - x), min(h, height - y)


def _round(value: float) -> int:
    return math.floor(value + 0.5)


def _scaled_size(size: Size, w: int, h: int, limits: tuple) -> tuple[int, int]:
    if size.kind == "max":
        scale = _limit_scale(w, h, *limits)
        if not size.upscale or scale == math.inf:  # ^max without limits: nothing to reach
            scale = min(scale, 1.0)
        return _fit(w, h, scale)
    if size.kind == "w":
        return size.w, max(1, _round(h * size.w / w))
    if size.kind == "h":
        return max(1, _round(w * size.h / h)), size.h
    if size.kind == "wh":
        return size.w, size.h
    if size.kind == "pct":
        out = _round(w * size.pct / 100), _round(h * size.pct / 100)
        if min(out) < 1:
            raise _error(
                f"Kích thước pct:{size.pct:g} cho ảnh nhỏ hơn 1 điểm ảnh",
                f"Size pct:{size.pct:g} gives an image smaller than 1 pixel",
            )
        return out
    scale = min(size.w / w, size.h / h, _limit_scale(w, h, *limits))
    if not size.upscale:
        scale = min(scale, 1.0)  # "not larger than the extracted region"
    out_w, out_h = _fit(w, h, scale)
    return min(out_w, size.w), min(out_h, size.h)


def _limit_scale(w: int, h: int, max_w: int | None, max_h: int | None, max_a: int | None) -> float:
    """The largest scale at which a ``w`` x ``h`` region stays within the limits (or inf)."""
    scales = [math.inf]
    if max_w:
        scales.append(max_w / w)
    if max_h:
        scales.append(max_h / h)
    if max_a:
        scales.append(math.sqrt(max_a / (w * h)))
    return min(scales)


def _fit(w: int, h: int, scale: float) -> tuple[int, int]:
    if scale == 1.0:
        return w, h
    # Floor, so that a size computed from the limits never breaks them by rounding up.
    return max(1, int(w * scale + 1e-9)), max(1, int(h * scale + 1e-9))


def _check_limits(w: int, h: int, max_w: int | None, max_h: int | None, max_a: int | None) -> None:
    if (max_w and w > max_w) or (max_h and h > max_h) or (max_a and w * h > max_a):
        raise _error(
            f"Kích thước {w}x{h} vượt giới hạn của máy chủ"
            f" (rộng {max_w}, cao {max_h}, diện tích {max_a})",
            f"Size {w}x{h} exceeds the server limits (width {max_w}, height {max_h}, area {max_a})",
        )


# --- canonical form and image information -------------------------------------------------


def canonical_path(
    request: ImageRequest,
    width: int,
    height: int,
    *,
    max_width: int | None = None,
    max_height: int | None = None,
    max_area: int | None = None,
) -> str:
    """The canonical ``{region}/{size}/{rotation}/{quality}.{format}`` of ``request``.

    Append it to the image service's base URI for a ``Link: <...>;rel="canonical"`` header
    or a cache key. Pass the same limits as to :func:`render`, since they define ``max``.
    """
    res = resolve(request, width, height, max_width, max_height, max_area)
    region = "full" if res.is_full_region else f"{res.x},{res.y},{res.w},{res.h}"
    limits = (max_width, max_width if max_height is None else max_height, max_area)
    largest = _fit(res.w, res.h, min(1.0, _limit_scale(res.w, res.h, *limits)))
    if (res.width, res.height) == largest:
        size = "max"
    elif request.size.kind == "max":
        size = "^max"
    else:
        size = f"{'^' if res.upscaled else ''}{res.width},{res.height}"
    rotation = ("!" if res.mirror else "") + _number(res.degrees)
    return f"{region}/{size}/{rotation}/{res.quality}.{res.format}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.6f}".rstrip("0").rstrip(".")


def image_link_header(service_uri: str, canonical: str) -> str:
    """The ``Link`` header of an image response: canonical URI and level 2 profile."""
    uri = f"{service_uri.rstrip('/')}/{canonical}"
    return f'<{uri}>;rel="canonical", <{PROFILE_URI}>;rel="profile"'


def default_scale_factors(width: int, height: int, tile_size: int = 256) -> list[int]:
    """Powers of two down to the level where the whole image fits in one tile."""
    factors = [1]
    while math.ceil(max(width, height) / factors[-1]) > tile_size:
        factors.append(factors[-1] * 2)
    return factors


def info_json(
    image_id: str,
    width: int,
    height: int,
    *,
    tile_size: int = 256,
    scale_factors: list[int] | None = None,
    max_width: int | None = None,
    max_height: int | None = None,
    max_area: int | None = None,
    rights: str | None = None,
    extra_features: tuple[str, ...] = (),
) -> dict:
    """A level 2 image information document (info.json) for the image service ``image_id``.

    ``extra_features`` adds HTTP features the view provides, e.g. ``canonicalLinkHeader``
    and ``profileLinkHeader``; ``sizeUpscaling`` is claimed only when a maxWidth or maxArea
    is given, as the specification requires.
    """
    if max_height and not max_width:
        raise ValueError("maxHeight needs maxWidth (IIIF Image API 3.0, 5.2)")
    factors = scale_factors or default_scale_factors(width, height, tile_size)
    info: dict = {
        "@context": IMAGE_CONTEXT,
        "id": image_id.rstrip("/"),
        "type": "ImageService3",
        "protocol": IMAGE_PROTOCOL,
        "profile": "level2",
        "width": width,
        "height": height,
    }
    limits = {"maxWidth": max_width, "maxHeight": max_height, "maxArea": max_area}
    info.update({key: value for key, value in limits.items() if value})
    info["sizes"] = _sizes(width, height, factors, max_width, max_height, max_area)
    info["tiles"] = [{"width": tile_size, "height": tile_size, "scaleFactors": factors}]
    info["extraFormats"] = list(EXTRA_FORMATS)
    info["extraQualities"] = list(EXTRA_QUALITIES)
    upscaling = ("sizeUpscaling",) if (max_width or max_area) else ()
    info["extraFeatures"] = list(EXTRA_FEATURES + upscaling + tuple(extra_features))
    if rights:
        info["rights"] = rights
    return info


def _sizes(width, height, factors, max_w, max_h, max_a) -> list[dict]:
    sizes = []
    for factor in sorted(factors, reverse=True):
        w, h = math.ceil(width / factor), math.ceil(height / factor)
        try:
            _check_limits(w, h, max_w, max_w if max_h is None else max_h, max_a)
        except IIIFError:
            continue
        sizes.append({"width": w, "height": h})
    return sizes


# --- rendering -----------------------------------------------------------------------------


def image_size(source: str | Path) -> tuple[int, int]:
    """Width and height of the full image at ``source`` (cached, header only)."""
    from thuvien.digital.iiif import pyramid

    opened = pyramid.open_source(source)
    return opened.width, opened.height


def render(
    source: str | Path,
    request: ImageRequest,
    *,
    max_width: int | None = DEFAULT_MAX_WIDTH,
    max_height: int | None = DEFAULT_MAX_HEIGHT,
    max_area: int | None = DEFAULT_MAX_AREA,
) -> tuple[bytes, str]:
    """Render ``request`` from ``source`` (a pyramidal TIFF or any image libvips reads).

    Returns the encoded bytes and their media type. The pyramid level nearest above the
    requested resolution is read, so a 256-pixel tile costs a few milliseconds whatever
    the size of the page.
    """
    from thuvien.digital.iiif import pyramid

    opened = pyramid.open_source(source)
    resolved = resolve(request, opened.width, opened.height, max_width, max_height, max_area)
    return pyramid.render_resolved(opened, resolved), resolved.media_type
