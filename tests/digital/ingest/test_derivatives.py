"""Pyramidal TIFF, access JPEG and thumbnail of a page."""

import time

import pytest
import pyvips
from PIL import Image

from tests.digital.ingest.helpers import image, write_image, write_pdf
from thuvien.digital.ingest.derivatives import make_derivatives
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.images import load


def test_derivatives_sizes_and_pyramid_levels(tmp_path):
    page = write_image(tmp_path / "p1.tif", "tiff", img=image(2400, 1800))

    made = make_derivatives(load(page), tmp_path / "out", "p1", access_long_side=1000)

    assert (made.width, made.height) == (2400, 1800)
    assert made.pyramid == tmp_path / "out" / "p1.pyramid.tif"
    pyramid = pyvips.Image.new_from_file(str(made.pyramid))
    assert pyramid.get("n-pages") >= 4  # 2400, 1200, 600, 300, ...
    level_widths = [pyvips.Image.tiffload(str(made.pyramid), page=i).width for i in range(4)]
    assert level_widths == [2400, 1200, 600, 300]
    access = pyvips.Image.new_from_file(str(made.access))
    thumb = pyvips.Image.new_from_file(str(made.thumbnail))
    assert (access.width, access.height) == (1000, 750)
    assert (thumb.width, thumb.height) == (300, 225)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "p1.access.jpg",
        "p1.pyramid.tif",
        "p1.thumb.jpg",
    ]  # no temporary file left behind


def test_pyramid_is_tiled_jpeg_and_a_tile_reads_fast(tmp_path):
    page = write_image(tmp_path / "p.tif", "tiff", img=image(3000, 2000))
    made = make_derivatives(load(page), tmp_path, "p")

    with Image.open(made.pyramid) as tiff:
        tags = tiff.tag_v2
        assert (tags[322], tags[323]) == (256, 256)  # TileWidth, TileLength
        assert tags[259] == 7  # JPEG compression
        assert tiff.mode == "RGB"

    started = time.perf_counter()
    for level in range(3):
        tile = pyvips.Image.tiffload(str(made.pyramid), page=level).crop(256, 0, 256, 256)
        tile.write_to_memory()
    # Three tiles, one per level, without decoding whole levels: milliseconds, even shared.
    assert time.perf_counter() - started < 0.5


def test_small_page_is_never_enlarged(tmp_path):
    page = write_image(tmp_path / "s.png", "png", img=image(500, 400))
    made = make_derivatives(load(page), tmp_path, "s")
    assert pyvips.Image.new_from_file(str(made.access)).width == 500
    assert pyvips.Image.new_from_file(str(made.thumbnail)).width == 300


def test_alpha_is_flattened_on_white_and_grey_stays_grey(tmp_path):
    transparent = pyvips.Image.black(300, 200).new_from_image([200, 0, 0, 0])
    made = make_derivatives(transparent.copy(interpretation="srgb"), tmp_path, "a")
    pyramid = pyvips.Image.new_from_file(str(made.pyramid))
    assert pyramid.bands == 3
    assert pyramid.getpoint(10, 10) == pytest.approx([255, 255, 255], abs=2)

    grey16 = (pyvips.Image.black(300, 200) + 32768).cast("ushort").copy(interpretation="grey16")
    made = make_derivatives(grey16, tmp_path, "g")
    pyramid = pyvips.Image.new_from_file(str(made.pyramid))
    assert (pyramid.bands, pyramid.format, pyramid.interpretation) == (1, "uchar", "b-w")
    assert pyramid.getpoint(5, 5)[0] == pytest.approx(128, abs=2)
    assert pyvips.Image.new_from_file(str(made.access)).bands == 1


def test_cmyk_and_16_bit_colour_become_8_bit_srgb(tmp_path):
    cmyk = pyvips.Image.black(200, 100).new_from_image([0, 255, 255, 0])
    made = make_derivatives(cmyk.copy(interpretation="cmyk"), tmp_path, "c")
    red = pyvips.Image.new_from_file(str(made.pyramid)).getpoint(5, 5)
    assert red[0] > 200 and red[1] < 80 and red[2] < 80

    rgb16 = pyvips.Image.black(200, 100).cast("ushort").new_from_image([65535, 0, 0])
    made = make_derivatives(rgb16.copy(interpretation="rgb16"), tmp_path, "r")
    pyramid = pyvips.Image.new_from_file(str(made.pyramid))
    assert pyramid.format == "uchar"
    assert pyramid.getpoint(5, 5)[0] > 240


def test_bands_libvips_cannot_convert_are_cut_to_rgb(tmp_path):
    five = pyvips.Image.black(40, 30).new_from_image([10, 20, 30, 40, 50])
    made = make_derivatives(five.copy(interpretation="multiband"), tmp_path, "m")
    pyramid = pyvips.Image.new_from_file(str(made.pyramid))
    assert (pyramid.bands, pyramid.interpretation) == (3, "srgb")


def test_orientation_is_applied(tmp_path):
    turned = image(300, 200).copy()
    turned.set_type(pyvips.GValue.gint_type, "orientation", 6)  # rotate 90° to view
    page = tmp_path / "cam.jpg"
    turned.jpegsave(str(page))
    made = make_derivatives(load(page), tmp_path, "cam")
    assert (made.width, made.height) == (200, 300)


def test_pdf_page_rasterised(tmp_path):
    pdf = write_pdf(tmp_path / "d.pdf", [(200, 100), (100, 200)])
    made = make_derivatives(load(pdf, 2, dpi=144), tmp_path, "d-2")
    assert (made.width, made.height) == (200, 400)
    assert pyvips.Image.new_from_file(str(made.pyramid)).bands == 3  # alpha flattened


def test_a_page_that_fails_to_decode_leaves_no_file(tmp_path):
    from PIL import Image as PILImage

    PILImage.new("RGB", (400, 300), (1, 2, 3)).save(tmp_path / "full.tif")
    data = (tmp_path / "full.tif").read_bytes()
    (tmp_path / "cut.tif").write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"

    with pytest.raises(IngestError) as caught:
        make_derivatives(load(tmp_path / "cut.tif"), out, "cut")

    assert caught.value.code == "derivative-failed"
    assert caught.value.where == "cut"
    assert "TIFFFillStrip" in caught.value.en or "read error" in caught.value.en
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fmt", ["jpeg", "png", "jp2"])
@pytest.mark.parametrize("spill", [False, True])
def test_truncated_pages_raise_instead_of_crashing(tmp_path, monkeypatch, fmt, spill):
    # libvips 8.14 segfaults writing a pyramid straight from a source that fails to decode.
    if spill:
        monkeypatch.setattr("thuvien.digital.ingest.derivatives.MEMORY_BYTES", 1000)
    page = write_image(tmp_path / f"p.{fmt}", fmt, img=image(600, 500))
    page.write_bytes(page.read_bytes()[: page.stat().st_size * 2 // 3])
    out = tmp_path / "out"
    with pytest.raises(IngestError) as caught:
        make_derivatives(load(page), out, "p")
    assert caught.value.code == "derivative-failed"
    assert list(out.iterdir()) == []


def test_large_page_goes_through_a_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr("thuvien.digital.ingest.derivatives.MEMORY_BYTES", 1000)
    page = write_image(tmp_path / "p.tif", "tiff", img=image(700, 500))
    made = make_derivatives(load(page), tmp_path / "out", "p")
    assert (made.width, made.height) == (700, 500)
    assert pyvips.Image.new_from_file(str(made.pyramid)).avg() == pytest.approx(
        image(700, 500).avg(), abs=2
    )
    assert len(list((tmp_path / "out").iterdir())) == 3
