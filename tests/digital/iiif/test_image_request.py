"""Image API 3.0 request syntax, size arithmetic, canonical form and info.json."""

from __future__ import annotations

import pytest

from thuvien.digital.iiif.image import (
    IIIFError,
    Region,
    Rotation,
    Size,
    canonical_path,
    default_scale_factors,
    image_link_header,
    info_json,
    parse_request,
    resolve,
)


def req(region="full", size="max", rotation="0", quality="default", fmt="jpg"):
    return parse_request(region, size, rotation, quality, fmt)


def box(region="full", size="max", width=1000, height=800, **limits):
    res = resolve(req(region, size), width, height, **limits)
    return (res.x, res.y, res.w, res.h), (res.width, res.height)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("full", Region("full")),
        ("square", Region("square")),
        ("10,20,30,40", Region("pixels", 10, 20, 30, 40)),
        ("pct:10,20.5,30,0.5", Region("percent", 10, 20.5, 30, 0.5)),
    ],
)
def test_region_forms(text, expected):
    assert req(region=text).region == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("max", Size("max")),
        ("^max", Size("max", upscale=True)),
        ("150,", Size("w", w=150)),
        (",150", Size("h", h=150)),
        ("^,150", Size("h", h=150, upscale=True)),
        ("pct:50", Size("pct", pct=50)),
        ("^pct:120.5", Size("pct", pct=120.5, upscale=True)),
        ("225,100", Size("wh", w=225, h=100)),
        ("!225,100", Size("confined", w=225, h=100)),
        ("^!360,360", Size("confined", w=360, h=360, upscale=True)),
    ],
)
def test_size_forms(text, expected):
    assert req(size=text).size == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Rotation(0)),
        ("90", Rotation(90)),
        ("!180", Rotation(180, mirror=True)),
        ("22.5", Rotation(22.5)),
        ("360", Rotation(0)),
    ],
)
def test_rotation_forms(text, expected):
    assert req(rotation=text).rotation == expected


@pytest.mark.parametrize(
    ("segment", "value"),
    [
        ("region", "0,0,0,10"),  # zero width
        ("region", "pct:0,0,10,0"),  # zero height
        ("region", "-1,0,10,10"),
        ("region", "1,2,3"),
        ("region", "Ab$1zQ"),
        ("region", "pct:+1,0,10,10"),
        ("size", "full"),  # Image API 2 syntax, gone in 3.0
        ("size", "0,"),
        ("size", ",0"),
        ("size", "pct:0"),
        ("size", "!0,10"),
        ("size", "^"),
        ("size", "abc"),
        ("size", "10.5,"),
        ("size", "9" * 5000 + ","),  # would overflow int parsing
        ("region", "pct:" + "9" * 400 + ",0,1,1"),  # would overflow float arithmetic
        ("rotation", "361"),
        ("rotation", "-90"),
        ("rotation", "!!90"),
        ("rotation", "r90"),
        ("quality", "grey"),
        ("quality", "native"),
        ("fmt", "gif"),
        ("fmt", "jpeg"),
    ],
)
def test_invalid_syntax_is_400_with_a_bilingual_message(segment, value):
    with pytest.raises(IIIFError) as caught:
        req(**{segment: value})
    assert caught.value.status == 400
    assert " / " in caught.value.message
    assert value[:20] in caught.value.message
    assert len(caught.value.message) < 300


def test_regions_resolve_to_pixels():
    assert box("full") == ((0, 0, 1000, 800), (1000, 800))
    assert box("square") == ((100, 0, 800, 800), (800, 800))
    assert box("square", height=1200) == ((0, 100, 1000, 1000), (1000, 1000))
    assert box("10,20,30,40") == ((10, 20, 30, 40), (30, 40))
    assert box("pct:10,25,50,50") == ((100, 200, 500, 400), (500, 400))


def test_region_past_the_edge_is_cropped_at_the_edge():
    assert box("900,700,500,500") == ((900, 700, 100, 100), (100, 100))
    assert box("pct:50,50,100,100") == ((500, 400, 500, 400), (500, 400))


@pytest.mark.parametrize("region", ["1000,0,10,10", "0,800,10,10", "pct:100,0,10,10"])
def test_region_entirely_outside_is_400(region):
    with pytest.raises(IIIFError) as caught:
        box(region)
    assert caught.value.status == 400


def test_sizes_resolve_against_the_region():
    region = "0,0,400,300"
    assert box(region, "200,")[1] == (200, 150)
    assert box(region, ",150")[1] == (200, 150)
    assert box(region, "pct:25")[1] == (100, 75)
    assert box(region, "100,100")[1] == (100, 100)  # w,h may distort
    assert box(region, "!200,200")[1] == (200, 150)
    assert box(region, "!800,100")[1] == (133, 100)


def test_confined_size_larger_than_the_region_returns_the_region():
    # "as large as possible but not larger than the extracted region" (4.2, !w,h)
    assert box("0,0,400,300", "!2000,3000")[1] == (400, 300)


@pytest.mark.parametrize("size", ["401,", ",301", "pct:101", "401,300", "400,301"])
def test_upscaling_without_caret_is_400(size):
    with pytest.raises(IIIFError) as caught:
        box("0,0,400,300", size)
    assert caught.value.status == 400
    assert "^" in caught.value.message


def test_caret_sizes_upscale():
    region = "0,0,400,300"
    assert box(region, "^800,")[1] == (800, 600)
    assert box(region, "^,600")[1] == (800, 600)
    assert box(region, "^pct:200")[1] == (800, 600)
    assert box(region, "^!2000,600")[1] == (800, 600)
    assert box(region, "^1000,1000")[1] == (1000, 1000)


def test_max_obeys_the_server_limits():
    assert box(size="max", max_width=500)[1] == (500, 400)
    assert box(size="max", max_area=200_000)[1] == (500, 400)
    assert box(size="^max", max_width=2000, max_area=4_000_000)[1] == (2000, 1600)
    assert box(size="^max")[1] == (1000, 800)  # no limits: nothing to scale to


def test_explicit_sizes_beyond_the_limits_are_400():
    with pytest.raises(IIIFError) as caught:
        box(size="600,", max_width=500)
    assert caught.value.status == 400
    assert box(size="!600,600", max_width=500)[1] == (500, 400)


def test_max_height_defaults_to_max_width():
    assert box(size="max", height=2000, max_width=500)[1] == (250, 500)


def test_sub_pixel_size_is_400():
    with pytest.raises(IIIFError):
        box("0,0,10,10", "pct:1")


def test_output_size_after_rotation():
    assert resolve(req(size="200,100", rotation="90"), 1000, 800).output_size == (100, 200)
    assert resolve(req(size="200,100", rotation="!180"), 1000, 800).output_size == (200, 100)
    assert resolve(req(size="100,100", rotation="45"), 1000, 800).output_size == (142, 142)


@pytest.mark.parametrize(
    ("parts", "canonical"),
    [
        (("full", "max", "0", "default", "jpg"), "full/max/0/default.jpg"),
        (("0,0,1000,800", "1000,", "0", "default", "jpg"), "full/max/0/default.jpg"),
        (("pct:0,0,100,100", "pct:100", "360", "default", "png"), "full/max/0/default.png"),
        (("square", "!100,100", "!90", "gray", "png"), "100,0,800,800/100,100/!90/gray.png"),
        (("full", "500,", "22.50", "color", "webp"), "full/500,400/22.5/color.webp"),
        (("0,0,10,10", "^20,", "0", "bitonal", "tif"), "0,0,10,10/^20,20/0/bitonal.tif"),
        (("full", "^max", "0", "default", "jpg"), "full/^max/0/default.jpg"),
    ],
)
def test_canonical_path(parts, canonical):
    assert canonical_path(parse_request(*parts), 1000, 800, max_width=2000) == canonical


def test_canonical_max_depends_on_the_limits():
    assert canonical_path(req(size="max"), 1000, 800, max_width=500) == "full/max/0/default.jpg"
    assert canonical_path(req(size="500,"), 1000, 800, max_width=500) == "full/max/0/default.jpg"
    assert canonical_path(req(size="500,"), 1000, 800) == "full/500,400/0/default.jpg"


def test_link_header_names_canonical_and_profile():
    header = image_link_header("https://h/iiif/3/p1/", "full/max/0/default.jpg")
    assert header == (
        '<https://h/iiif/3/p1/full/max/0/default.jpg>;rel="canonical", '
        '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
    )


def test_scale_factors_reach_one_tile():
    assert default_scale_factors(5000, 7000) == [1, 2, 4, 8, 16, 32]
    assert default_scale_factors(200, 100) == [1]


def test_info_json_level2():
    info = info_json(
        "https://h/iiif/3/obj-1-p1/",
        5000,
        7000,
        max_width=5000,
        max_height=5000,
        max_area=25_000_000,
        rights="http://rightsstatements.org/vocab/InC-EDU/1.0/",
        extra_features=("canonicalLinkHeader", "profileLinkHeader"),
    )
    assert next(iter(info)) == "@context"
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == "https://h/iiif/3/obj-1-p1"
    assert info["type"] == "ImageService3"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] == "level2"
    assert (info["width"], info["height"]) == (5000, 7000)
    assert (info["maxWidth"], info["maxHeight"], info["maxArea"]) == (5000, 5000, 25_000_000)
    assert info["tiles"] == [{"width": 256, "height": 256, "scaleFactors": [1, 2, 4, 8, 16, 32]}]
    # sizes: every pyramid level inside the limits, smallest first; the full size is not
    assert info["sizes"][0] == {"width": 157, "height": 219}
    assert {"width": 2500, "height": 3500} in info["sizes"]
    assert {"width": 5000, "height": 7000} not in info["sizes"]
    assert info["extraFormats"] == ["webp", "tif"]
    assert info["extraQualities"] == ["color", "gray", "bitonal"]
    assert set(info["extraFeatures"]) == {
        "mirroring",
        "rotationArbitrary",
        "sizeUpscaling",
        "canonicalLinkHeader",
        "profileLinkHeader",
    }
    assert info["rights"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"


def test_info_json_claims_upscaling_only_with_a_limit():
    info = info_json("https://h/i", 100, 100)
    assert "sizeUpscaling" not in info["extraFeatures"]
    assert "maxWidth" not in info
    with pytest.raises(ValueError):
        info_json("https://h/i", 100, 100, max_height=50)
