"""Rendering with real libvips: pixel sizes, colours, rotation, qualities, pyramid levels."""

from __future__ import annotations

import os

import pytest
import pyvips

from thuvien.digital.iiif import pyramid
from thuvien.digital.iiif.image import IIIFError, image_size, parse_request, render, resolve

from .conftest import BLUE, GREEN, RED, WHITE, quadrants, save_pyramid


def draw(source, region="full", size="max", rotation="0", quality="default", fmt="jpg", **kw):
    data, media_type = render(source, parse_request(region, size, rotation, quality, fmt), **kw)
    return pyvips.Image.new_from_buffer(data, ""), media_type, data


def near(image, x, y, colour, tolerance=12):
    pixel = image.getpoint(x, y)
    return all(abs(got - want) <= tolerance for got, want in zip(pixel, colour, strict=False))


def corners(image):
    """Colour names at the centres of the four quadrants: TL, TR, BL, BR."""
    names = {RED: "red", GREEN: "green", BLUE: "blue", WHITE: "white"}
    spots = [(1, 1), (3, 1), (1, 3), (3, 3)]
    found = []
    for qx, qy in spots:
        x, y = image.width * qx // 4, image.height * qy // 4
        found.append(next((n for c, n in names.items() if near(image, x, y, c)), "?"))
    return tuple(found)


def test_full_max_is_the_whole_image(quadrant_tiff):
    image, media_type, data = draw(quadrant_tiff)
    assert media_type == "image/jpeg" and data[:2] == b"\xff\xd8"
    assert (image.width, image.height) == (600, 400)
    assert corners(image) == ("red", "green", "blue", "white")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("150,", (150, 100)),
        (",50", (75, 50)),
        ("pct:50", (300, 200)),
        ("100,100", (100, 100)),
        ("!100,100", (100, 66)),
        ("^1200,", (1200, 800)),
    ],
)
def test_sizes_give_exact_pixel_dimensions(quadrant_tiff, size, expected):
    image, _, _ = draw(quadrant_tiff, size=size)
    assert (image.width, image.height) == expected
    assert corners(image) == ("red", "green", "blue", "white")


@pytest.mark.parametrize(
    ("region", "size", "expected_size", "colour"),
    [
        ("pct:50,0,50,50", "max", (300, 200), GREEN),
        ("0,200,300,200", "30,", (30, 20), BLUE),
        ("500,300,500,500", "max", (100, 100), WHITE),  # cropped at the edge
        ("square", "max", (400, 400), None),
    ],
)
def test_regions_cut_the_right_pixels(quadrant_tiff, region, size, expected_size, colour):
    image, _, _ = draw(quadrant_tiff, region=region, size=size)
    assert (image.width, image.height) == expected_size
    if colour:
        assert near(image, image.width // 2, image.height // 2, colour)
    else:  # the centred square spans both halves
        assert corners(image) == ("red", "green", "blue", "white")


@pytest.mark.parametrize(
    ("rotation", "expected_size", "expected"),
    [
        ("90", (400, 600), ("blue", "red", "white", "green")),
        ("180", (600, 400), ("white", "blue", "green", "red")),
        ("270", (400, 600), ("green", "white", "red", "blue")),
        ("!0", (600, 400), ("green", "red", "white", "blue")),
        ("!180", (600, 400), ("blue", "white", "red", "green")),
        ("!90", (400, 600), ("white", "green", "blue", "red")),
    ],
)
def test_rotation_and_mirroring(quadrant_tiff, rotation, expected_size, expected):
    image, _, _ = draw(quadrant_tiff, rotation=rotation)
    assert (image.width, image.height) == expected_size
    assert corners(image) == expected


def test_arbitrary_rotation_has_transparent_corners_in_png(quadrant_tiff):
    request = parse_request("full", "300,", "30", "default", "png")
    image, media_type, _ = draw(quadrant_tiff, size="300,", rotation="30", fmt="png")
    assert media_type == "image/png"
    assert (image.width, image.height) == resolve(request, 600, 400).output_size == (360, 324)
    assert image.bands == 4 and image.getpoint(0, 0)[3] == 0
    assert image.getpoint(image.width // 2, image.height // 2)[3] == 255


def test_arbitrary_rotation_in_jpeg_has_white_corners(quadrant_tiff):
    image, _, _ = draw(quadrant_tiff, size="300,", rotation="30")
    assert image.bands == 3 and near(image, 1, 1, WHITE)


def test_gray_is_one_band_with_the_right_luminance(quadrant_tiff):
    image, _, _ = draw(quadrant_tiff, quality="gray")
    assert image.bands == 1
    red, green = image.getpoint(150, 100)[0], image.getpoint(450, 100)[0]
    assert red < green  # green is the brighter of the two


def test_bitonal_has_only_black_and_white(quadrant_tiff):
    image, _, _ = draw(quadrant_tiff, quality="bitonal", fmt="png")
    assert image.bands == 1
    histogram = image.hist_find()
    used = [value for value in range(256) if histogram.getpoint(value, 0)[0] > 0]
    assert used == [0, 255]


def test_color_of_a_grey_image_is_rgb(image_dir):
    grey = save_pyramid(quadrants(64, 64).colourspace("b-w"), image_dir / "grey.tif")
    image, _, _ = draw(grey, quality="color")
    assert image.bands == 3
    default, _, _ = draw(grey)
    assert default.bands == 1


def test_sixteen_bit_source_is_served_as_eight_bit(image_dir):
    path = image_dir / "grey16.tif"
    (pyvips.Image.black(64, 64) + 40000).cast("ushort").copy(interpretation="grey16").tiffsave(
        str(path)
    )
    image, _, _ = draw(path, fmt="png")
    assert image.format == "uchar" and image.bands == 1
    assert abs(image.getpoint(10, 10)[0] - 40000 / 257) < 2


@pytest.mark.parametrize(
    ("fmt", "media_type", "magic"),
    [
        ("png", "image/png", b"\x89PNG"),
        ("webp", "image/webp", b"RIFF"),
        ("tif", "image/tiff", b"II*\x00"),
    ],
)
def test_formats(quadrant_tiff, fmt, media_type, magic):
    image, got_type, data = draw(quadrant_tiff, size="60,", fmt=fmt)
    assert got_type == media_type and data.startswith(magic)
    assert (image.width, image.height) == (60, 40)
    assert corners(image) == ("red", "green", "blue", "white")


def test_pyramid_levels_are_found(big_tiff):
    source = pyramid.open_source(big_tiff)
    assert source.loader == "tiffload"
    assert [(level.width, level.height) for level in source.levels] == [
        (2048, 1536),
        (1024, 768),
        (512, 384),
        (256, 192),
    ]


@pytest.mark.parametrize(
    ("region", "size", "level"),
    [
        ("full", "max", 0),
        ("full", "1024,", 1),
        ("full", "1000,", 1),
        ("full", "300,", 2),
        ("full", "256,", 3),
        ("0,0,1024,1024", "256,", 2),  # a tile at scale factor 4
        ("1024,1024,1024,1024", "128,", 3),  # scale factor 8, clipped at the bottom edge
        ("0,0,256,256", "^512,", 0),  # upscaling reads full resolution
    ],
)
def test_requests_read_the_smallest_sufficient_level(big_tiff, region, size, level):
    source = pyramid.open_source(big_tiff)
    res = resolve(parse_request(region, size, "0", "default", "jpg"), 2048, 1536)
    assert pyramid.choose_level(source, res) == source.levels[level]


def test_tile_from_a_reduced_level_has_the_right_content(big_tiff):
    image, _, _ = draw(big_tiff, region="1024,0,1024,1024", size="256,")
    assert (image.width, image.height) == (256, 256)
    assert near(image, 128, 20, GREEN)  # y 0..767 of the source is the green half
    assert near(image, 128, 240, WHITE)  # y 768..1023 is the white half


@pytest.mark.parametrize(
    ("rotation", "expected_size", "expected"),
    [
        ("0", (2048, 1536), ("red", "green", "blue", "white")),
        ("!90", (1536, 2048), ("white", "green", "blue", "red")),
        ("180", (2048, 1536), ("white", "blue", "green", "red")),
    ],
)
def test_large_areas_read_sequentially_still_rotate(big_tiff, rotation, expected_size, expected):
    image, _, _ = draw(big_tiff, rotation=rotation)
    assert (image.width, image.height) == expected_size
    assert corners(image) == expected


def test_large_area_arbitrary_rotation(big_tiff):
    image, _, _ = draw(big_tiff, size="2000,", rotation="10", quality="gray")  # level 0
    res = resolve(parse_request("full", "2000,", "10", "gray", "jpg"), 2048, 1536)
    assert (image.width, image.height) == res.output_size
    assert image.bands == 1


def test_edge_tile_is_clipped(big_tiff):
    image, _, _ = draw(big_tiff, region="1792,1280,512,512", size="128,")
    assert (image.width, image.height) == (128, 128)  # the region clips to 256x256
    assert near(image, 64, 64, WHITE)


def test_subifd_pyramid_levels_are_found(image_dir):
    path = save_pyramid(quadrants(1024, 768), image_dir / "subifd.tif", subifd=True)
    source = pyramid.open_source(path)
    assert [level.options for level in source.levels[1:]] == [
        (("subifd", 0),),
        (("subifd", 1),),
    ]
    image, _, _ = draw(path, size="256,")
    assert corners(image) == ("red", "green", "blue", "white")


def test_a_page_regenerated_at_the_same_path_is_served_anew(image_dir):
    path = image_dir / "regenerated.tif"
    save_pyramid(quadrants(64, 64), image_dir / "first.tif").replace(path)
    first, _, _ = draw(path, region="0,0,8,8")
    assert near(first, 4, 4, RED)
    save_pyramid(quadrants(64, 64).flip("horizontal"), image_dir / "second.tif").replace(path)
    os.utime(path, ns=(1, 1))  # even with an older timestamp
    second, _, _ = draw(path, region="0,0,8,8")
    assert near(second, 4, 4, GREEN)


def test_multipage_tiff_that_is_not_a_pyramid_uses_page_one_only(image_dir):
    path = image_dir / "two-pages.tif"
    pages = pyvips.Image.arrayjoin([quadrants(200, 100), quadrants(200, 100)], across=1)
    pages = pages.copy()
    pages.set_type(pyvips.GValue.gint_type, "page-height", 100)
    pages.tiffsave(str(path))
    source = pyramid.open_source(path)
    assert len(source.levels) == 1
    assert image_size(path) == (200, 100)


def test_jpeg_source_uses_shrink_on_load(quadrant_jpeg):
    source = pyramid.open_source(quadrant_jpeg)
    res = resolve(parse_request("full", "200,", "0", "default", "jpg"), 800, 600)
    assert pyramid.choose_level(source, res).options == (("shrink", 4),)
    image, _, _ = draw(quadrant_jpeg, size="200,")
    assert (image.width, image.height) == (200, 150)
    assert corners(image) == ("red", "green", "blue", "white")


def test_png_source(quadrant_png):
    image, _, _ = draw(quadrant_png, region="pct:0,0,50,50", size="max", fmt="png")
    assert (image.width, image.height) == (150, 100)
    assert near(image, 75, 50, RED, tolerance=0)


def test_limits_apply_to_max(quadrant_tiff):
    image, _, _ = draw(quadrant_tiff, max_width=300, max_height=300, max_area=None)
    assert (image.width, image.height) == (300, 200)
    with pytest.raises(IIIFError) as caught:
        draw(quadrant_tiff, size="400,", max_width=300)
    assert caught.value.status == 400


def test_missing_file_is_404(image_dir):
    with pytest.raises(IIIFError) as caught:
        draw(image_dir / "no-such-page.tif")
    assert caught.value.status == 404
    assert "no-such-page.tif" in caught.value.message
    assert "Không tìm thấy" in caught.value.message and "not found" in caught.value.message


def test_corrupt_file_is_500_naming_the_file(image_dir):
    path = image_dir / "broken.tif"
    path.write_bytes(b"II*\x00" + b"\x00garbage" * 20)
    with pytest.raises(IIIFError) as caught:
        draw(path)
    assert caught.value.status == 500
    assert "broken.tif" in caught.value.message
    assert "hỏng" in caught.value.message and "Corrupt" in caught.value.message


def test_damaged_tiles_fail_loudly_not_as_a_blank_tile(image_dir):
    whole = bytearray(save_pyramid(quadrants(1024, 768), image_dir / "whole.tif").read_bytes())
    whole[2000 : len(whole) // 2] = bytes(len(whole) // 2 - 2000)  # header intact, tiles zeroed
    path = image_dir / "damaged.tif"
    path.write_bytes(whole)
    assert pyramid.open_source(path).width == 1024  # the header still reads
    with pytest.raises(IIIFError) as caught:
        draw(path, region="512,384,512,384")
    assert caught.value.status == 500
    assert "damaged.tif" in caught.value.message
