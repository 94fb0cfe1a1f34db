import pytest
import pyvips

from thuvien.digital.ocr.preprocess import (
    Geometry,
    Quality,
    assess,
    estimate_skew,
    open_image,
    otsu_threshold,
    prepare,
    prepare_with_geometry,
)
from thuvien.digital.ocr.testpages import degrade


def test_a_clean_page_is_not_poor(clean_page):
    quality = assess(clean_page.path)
    assert abs(quality.skew_degrees) < 0.2
    assert quality.noise < 6
    assert quality.contrast > 0.8
    assert quality.dpi == pytest.approx(300, abs=0.5)
    assert not quality.poor


@pytest.mark.parametrize("skew", [-2.5, 1.2, 3.5])
def test_skew_is_measured_in_the_sense_pyvips_rotates(clean_page, tmp_path, skew):
    page = degrade(clean_page.path, tmp_path / "skewed.png", skew=skew, noise=0, shading=0)
    assert estimate_skew(open_image(page)) == pytest.approx(skew, abs=0.15)


def test_noise_and_contrast_are_measured(clean_page, tmp_path):
    page = degrade(clean_page.path, tmp_path / "noisy.png", skew=0, noise=20, contrast=0.5)
    quality = assess(page)
    assert quality.noise == pytest.approx(20, rel=0.15)
    assert quality.contrast < 0.5
    assert quality.poor


def test_prepare_gives_a_black_and_white_straight_page(clean_page, tmp_path):
    page = degrade(clean_page.path, tmp_path / "poor.png", skew=2, noise=20, contrast=0.4)
    prepared, geometry = prepare_with_geometry(page)
    assert prepared.bands == 1 and prepared.format == "uchar"
    assert set(_histogram_levels(prepared)) <= {0, 255}
    assert geometry.angle == pytest.approx(-2, abs=0.15)
    assert abs(estimate_skew(prepared)) <= 0.15


def test_prepare_can_keep_grey(clean_page):
    prepared = prepare(clean_page.path, binarise=False)
    assert len(_histogram_levels(prepared)) > 2


def test_a_low_resolution_scan_is_upscaled_to_300_dpi(clean_page, tmp_path):
    low = open_image(clean_page.path).resize(0.5)
    low = low.copy(xres=150 / 25.4, yres=150 / 25.4)
    quality = assess(low)
    assert quality.dpi == pytest.approx(150, abs=0.5) and quality.poor
    prepared, geometry = prepare_with_geometry(low, quality)
    assert geometry.scale == pytest.approx(2.0)
    assert prepared.width == pytest.approx(2 * low.width, abs=2)
    assert prepared.xres * 25.4 == pytest.approx(300, abs=1)


def test_boxes_map_back_onto_the_original_image():
    """A black box on a tilted 150 dpi page, upscaled and turned straight by prepare, is mapped
    back onto the pixels it came from."""
    page = (pyvips.Image.black(600, 800) + 255).draw_rect(0, 400, 500, 60, 30, fill=True)
    page = page.cast("uchar").copy(xres=150 / 25.4, yres=150 / 25.4)
    quality = Quality(skew_degrees=2.0, noise=0.0, contrast=0.9, dpi=150.0)
    prepared, geometry = prepare_with_geometry(page, quality)
    assert geometry.scale == 2.0 and geometry.angle == -2.0
    x, y, w, h = prepared.find_trim(threshold=100, background=[255])
    left, top, width, height = geometry.to_source(x, y, w, h)
    # the turned box's axis-aligned hull is a little larger than the box itself
    assert left + width / 2 == pytest.approx(430, abs=2)
    assert top + height / 2 == pytest.approx(515, abs=2)
    assert Geometry(1.0, 0.0, 10, 10, 10, 10).to_source(1, 2, 3, 4) == (1, 2, 3, 4)


def test_otsu_splits_ink_from_paper():
    page = pyvips.Image.black(100, 100).draw_rect(200, 0, 0, 100, 80, fill=True) + 30
    assert 30 <= otsu_threshold(page.cast("uchar")) < 230


def test_a_truncated_file_is_an_error_not_half_a_page(clean_page, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(clean_page.path.read_bytes()[:4000])
    with pytest.raises(pyvips.Error):
        open_image(broken).avg()


def test_a_file_rewritten_at_the_same_path_is_read_afresh(tmp_path):
    path = tmp_path / "page.png"
    (pyvips.Image.black(10, 10) + 10).cast("uchar").write_to_file(str(path))
    assert open_image(path).avg() == 10
    (pyvips.Image.black(10, 10) + 200).cast("uchar").write_to_file(str(path))
    assert open_image(path).avg() == 200


def test_poor_flags():
    assert Quality(0.0, 2.0, 0.9, 300.0).poor is False
    assert Quality(1.0, 2.0, 0.9, 300.0).poor is True
    assert Quality(0.0, 15.0, 0.9, 300.0).poor is True
    assert Quality(0.0, 2.0, 0.3, 300.0).poor is True
    assert Quality(0.0, 2.0, 0.9, 150.0).poor is True
    assert Quality(0.0, 2.0, 0.9, None).poor is False


def _histogram_levels(image: pyvips.Image) -> list[int]:
    counts = image.hist_find().tolist()[0]
    return [level for level, count in enumerate(counts) if count]
