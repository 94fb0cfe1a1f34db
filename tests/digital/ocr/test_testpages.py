import unicodedata
from pathlib import Path

import pytest

from thuvien.digital.ocr.preprocess import open_image
from thuvien.digital.ocr.testpages import (
    degrade,
    lc_titles,
    plan_paragraphs,
    render_page,
    render_pages,
    sample_paragraphs,
)

from .conftest import A6

SHARED = Path(__file__).resolve().parents[3].parent / "shared"


def test_sample_text_is_vietnamese_prose_in_nfc():
    paragraphs = sample_paragraphs()
    assert len(paragraphs) >= 40
    text = "\n".join(paragraphs)
    assert unicodedata.is_normalized("NFC", text)
    assert "chuyển đổi số ngành thư viện" in text
    assert not any(line.startswith("#") for line in paragraphs)


def test_page_size_and_resolution(clean_page):
    image = open_image(clean_page.path)
    assert (image.width, image.height) == (1240, 1748)  # A6 at 300 dpi
    assert image.xres * 25.4 == pytest.approx(300, abs=0.5)
    assert image.bands == 1


def test_ground_truth_is_the_text_that_fits(pages_dir):
    text = "\n".join(sample_paragraphs())
    truth = render_page(text, pages_dir / "full.png", **A6)
    words = text.split()
    fitted = truth.text.split()
    assert 50 < len(fitted) < len(words)
    assert fitted == words[: len(fitted)]


def test_pages_carry_on_where_the_last_one_stopped(tmp_path):
    paragraphs = sample_paragraphs()
    first, second = render_pages(paragraphs, tmp_path, 2, **A6)
    words = " ".join(paragraphs).split()
    together = first.text.split() + second.text.split()
    assert together == words[: len(together)]
    assert second.path.name == "page-0002.png"


def test_an_empty_text_gives_a_white_page(tmp_path):
    truth = render_page("", tmp_path / "blank.png", **A6)
    assert truth.text == ""
    assert open_image(truth.path).min() == 255


def test_markup_characters_are_text(tmp_path):
    truth = render_page("Sách & báo <mới> 100%", tmp_path / "markup.png", **A6)
    assert truth.text == "Sách & báo <mới> 100%"


def test_degrade_is_deterministic_for_a_seed(clean_page, tmp_path):
    one = open_image(degrade(clean_page.path, tmp_path / "a.png", seed=7))
    two = open_image(degrade(clean_page.path, tmp_path / "b.png", seed=7))
    other = open_image(degrade(clean_page.path, tmp_path / "c.png", seed=8))
    assert (one - two).abs().max() == 0
    assert (one - other).abs().max() > 0
    assert (one.width, one.height) == (1240, 1748)


def test_degrade_lowers_contrast_and_can_write_jpeg(clean_page, tmp_path):
    poor = degrade(clean_page.path, tmp_path / "poor.jpg", noise=0, contrast=0.5, shading=0)
    image = open_image(poor)
    assert image.get("vips-loader").startswith("jpegload")
    assert image.min() > 40  # no black ink left
    assert image.max() < 235  # no white paper left


@pytest.mark.skipif(not SHARED.exists(), reason="shared data not beside the project")
def test_source_texts_from_the_plan_and_lc_records():
    plan = plan_paragraphs(SHARED / "seed" / "000_5247bfe682b45f2e.txt")
    titles = lc_titles(SHARED / "data" / "marc" / "lc-vie" / "lc_booksall2016_part01_vie.mrc")
    assert len(plan) > 80 and all(len(p) >= 60 for p in plan)
    assert len(titles) > 100
    # the damaged MARC-8 order (e, acute, circumflex) comes out as one composed letter
    assert any("Thơ Chế Lan Viên" in title for title in titles)
    assert all(unicodedata.is_normalized("NFC", title) for title in titles)
