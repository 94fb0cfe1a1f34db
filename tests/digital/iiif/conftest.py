"""Real test images for the IIIF tests, written once per test run with libvips."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

RED, GREEN, BLUE, WHITE = (220, 30, 30), (30, 200, 60), (40, 60, 220), (250, 250, 250)


def save_pyramid(image: pyvips.Image, path: Path, **options) -> Path:
    """The derivative the ingest writes: a JPEG-compressed tiled pyramid."""
    params = {"tile": True, "pyramid": True, "tile_width": 256, "tile_height": 256}
    params.update({"compression": "jpeg", "Q": 90} | options)
    image.tiffsave(str(path), **params)
    return path


def quadrants(width: int, height: int) -> pyvips.Image:
    """Red top-left, green top-right, blue bottom-left, white bottom-right."""
    image = pyvips.Image.black(width, height, bands=3)
    half_w, half_h = width // 2, height // 2
    for colour, x, y in (
        (RED, 0, 0),
        (GREEN, half_w, 0),
        (BLUE, 0, half_h),
        (WHITE, half_w, half_h),
    ):
        image = image.draw_rect(list(colour), x, y, width - half_w, height - half_h, fill=True)
    return image.copy(interpretation="srgb").cast("uchar")


@pytest.fixture(scope="session")
def image_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("iiif-images")


@pytest.fixture(scope="session")
def quadrant_tiff(image_dir) -> Path:
    """A 600x400 pyramid (levels 600x400, 300x200, 150x100)."""
    return save_pyramid(quadrants(600, 400), image_dir / "quadrants.tif")


@pytest.fixture(scope="session")
def big_tiff(image_dir) -> Path:
    """A 2048x1536 pyramid: enough levels to check which one a request reads."""
    return save_pyramid(quadrants(2048, 1536), image_dir / "big.tif")


@pytest.fixture(scope="session")
def quadrant_jpeg(image_dir) -> Path:
    path = image_dir / "quadrants.jpg"
    quadrants(800, 600).jpegsave(str(path), Q=92)
    return path


@pytest.fixture(scope="session")
def quadrant_png(image_dir) -> Path:
    path = image_dir / "quadrants.png"
    quadrants(300, 200).pngsave(str(path))
    return path
