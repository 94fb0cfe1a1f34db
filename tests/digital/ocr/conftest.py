"""Shared test pages: small A6 pages (105 x 148 mm at 300 dpi) of real Vietnamese text."""

from pathlib import Path

import pytest

from thuvien.digital.ocr.engine import OcrEngine, OcrPage
from thuvien.digital.ocr.testpages import GroundTruth, degrade, render_page, sample_paragraphs

A6 = {"width_mm": 105, "height_mm": 148, "margin_mm": 10}
# A poor scan tesseract reads nothing from as it is: faint ink, uneven light, noise, JPEG.
POOR_SCAN = {
    "skew": -2,
    "blur": 1.0,
    "noise": 25,
    "contrast": 0.35,
    "shading": 0.3,
    "jpeg_quality": 50,
}


@pytest.fixture(scope="session")
def pages_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-pages")


@pytest.fixture(scope="session")
def engine():
    with OcrEngine() as ocr:
        yield ocr


@pytest.fixture(scope="session")
def clean_page(pages_dir) -> GroundTruth:
    return render_page("\n".join(sample_paragraphs()[:8]), pages_dir / "clean.png", **A6)


@pytest.fixture(scope="session")
def clean_result(engine, clean_page) -> OcrPage:
    return engine.recognise(clean_page.path, preprocess=False)


@pytest.fixture(scope="session")
def second_page(pages_dir) -> GroundTruth:
    return render_page("\n".join(sample_paragraphs()[40:60]), pages_dir / "titles.png", **A6)


@pytest.fixture(scope="session")
def poor_scan(pages_dir, second_page) -> Path:
    return degrade(second_page.path, pages_dir / "poor.jpg", seed=1, **POOR_SCAN)


@pytest.fixture(scope="session")
def poor_prepared(engine, poor_scan) -> OcrPage:
    return engine.recognise(poor_scan, preprocess=True)
