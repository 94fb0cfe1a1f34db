import math
import re

import pytest

from thuvien.digital.ocr.cer import cer, normalise
from thuvien.digital.ocr.engine import OcrEngine, OcrError
from thuvien.digital.ocr.layout import ALTO_NS
from thuvien.digital.ocr.preprocess import open_image
from thuvien.digital.ocr.testpages import degrade, render_page
from thuvien.kernel.xml import parse_bytes

from .conftest import A6

XHTML = "{http://www.w3.org/1999/xhtml}"


def test_vietnamese_on_a_clean_page_is_read_almost_perfectly(clean_page, clean_result):
    assert cer(clean_page.text, clean_result.text) < 0.02
    assert "Thủ tướng Chính phủ" in normalise(clean_result.text)
    assert clean_result.mean_confidence > 85
    assert not clean_result.empty and not clean_result.preprocessed


def test_words_and_lines_have_boxes_on_the_page(clean_result):
    assert len(clean_result.lines) > 20
    assert (clean_result.width, clean_result.height) == (1240, 1748)
    for line in clean_result.lines:
        assert line.text == " ".join(word.text for word in line.words)
        for word in line.words:
            assert word.x >= 0 and word.x + word.w <= 1240
            assert word.y >= 0 and word.y + word.h <= 1748
            assert word.w > 0 and word.h > 0
            assert 0 <= word.confidence <= 100
            # a word lies within its line
            assert line.x <= word.x and word.x + word.w <= line.x + line.w
    first = clean_result.lines[0].words[0]
    assert 100 < first.x < 200 and 100 < first.y < 200  # inside the 10 mm margin's corner


def test_a_blank_page_is_flagged_empty(engine, pages_dir):
    blank = render_page("", pages_dir / "blank.png", **A6)
    result = engine.recognise(blank.path)
    assert result.empty
    assert result.text == ""


def test_a_noisy_blank_page_is_flagged_empty(engine, pages_dir):
    blank = render_page("", pages_dir / "blank-for-noise.png", **A6)
    noisy = degrade(blank.path, pages_dir / "blank-noisy.png", noise=30, seed=3)
    assert engine.recognise(noisy).empty


def test_preparing_a_poor_scan_improves_it(engine, second_page, poor_scan, poor_prepared):
    raw = engine.recognise(poor_scan, preprocess=False)
    before = cer(second_page.text, raw.text)
    after = cer(second_page.text, poor_prepared.text)
    assert after < before
    assert after < 0.05
    assert poor_prepared.mean_confidence > raw.mean_confidence
    assert poor_prepared.preprocessed and poor_prepared.quality.poor


def test_auto_prepares_a_poor_scan_and_not_a_clean_page(engine, poor_scan, poor_prepared):
    auto = engine.recognise(poor_scan)
    assert auto.preprocessed
    assert auto.text == poor_prepared.text


def test_boxes_of_a_prepared_page_are_on_the_original_image(engine, pages_dir, second_page):
    """The same words, read from a straight page and from that page turned 3 degrees and
    straightened again by prepare, have boxes where the turned page shows them."""
    turned = degrade(second_page.path, pages_dir / "turned.png", skew=3, noise=0, shading=0)
    straight = engine.recognise(second_page.path, preprocess=False)
    prepared = engine.recognise(turned, preprocess=True)
    assert prepared.preprocessed and (prepared.width, prepared.height) == (1240, 1748)
    image = open_image(turned)
    first = prepared.lines[0].words[0]
    # ink under the box on the turned scan
    assert image.crop(first.x, first.y, first.w, first.h).min() < 100
    # where the straight page's word went when the page turned about its centre
    original = straight.lines[0].words[0]
    cx, cy = original.x + original.w / 2 - 620, original.y + original.h / 2 - 874
    cos, sin = math.cos(math.radians(3)), math.sin(math.radians(3))
    assert first.x + first.w / 2 == pytest.approx(cos * cx - sin * cy + 620, abs=6)
    assert first.y + first.h / 2 == pytest.approx(sin * cx + cos * cy + 874, abs=6)


def test_hocr_has_every_word_with_its_box(clean_result):
    root = parse_bytes(clean_result.hocr.encode())
    page = root.find(f".//{XHTML}div[@class='ocr_page']")
    assert "bbox 0 0 1240 1748" in page.get("title")
    spans = root.findall(f".//{XHTML}span[@class='ocrx_word']")
    assert [s.text for s in spans] == [w.text for w in clean_result.words]
    for span, word in zip(spans, clean_result.words, strict=True):
        x0, y0, x1, y1 = map(
            int, re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", span.get("title")).groups()
        )
        assert (x0, y0, x1 - x0, y1 - y0) == (word.x, word.y, word.w, word.h)
    assert root.find(f".//{XHTML}meta[@name='ocr-system']").get("content").startswith("tesseract")


def test_hocr_of_a_prepared_page_is_moved_onto_the_original(poor_prepared):
    root = parse_bytes(poor_prepared.hocr.encode())
    page = root.find(f".//{XHTML}div[@class='ocr_page']")
    assert "bbox 0 0 1240 1748" in page.get("title")
    spans = root.findall(f".//{XHTML}span[@class='ocrx_word']")
    boxes = [re.search(r"bbox (\d+) (\d+) (\d+) (\d+)", s.get("title")).groups() for s in spans]
    words = {(w.x, w.y, w.x + w.w, w.y + w.h) for w in poor_prepared.words}
    assert {tuple(map(int, box)) for box in boxes} >= words


def test_alto_has_every_word_with_its_box(clean_result):
    root = parse_bytes(clean_result.alto.encode())
    ns = {"a": ALTO_NS}
    page = root.find(".//a:Page", ns)
    assert (page.get("WIDTH"), page.get("HEIGHT")) == ("1240", "1748")
    assert root.findtext(".//a:MeasurementUnit", namespaces=ns) == "pixel"
    strings = root.findall(".//a:String", ns)
    assert [s.get("CONTENT") for s in strings] == [w.text for w in clean_result.words]
    for string, word in zip(strings, clean_result.words, strict=True):
        box = tuple(int(string.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        assert box == (word.x, word.y, word.w, word.h)
        assert 0 <= float(string.get("WC")) <= 1
    lines = root.findall(".//a:TextBlock/a:TextLine", ns)
    assert len(lines) == len(clean_result.lines)
    # ALTO's order: String, then SP and String alternately
    children = [child.tag.split("}")[1] for child in lines[0]]
    assert children[0] == "String" and children[1] == "SP"
    assert len({e.get("ID") for e in root.iter() if e.get("ID")}) == len(
        [e for e in root.iter() if e.get("ID")]
    )


def test_an_in_memory_image_is_recognised(engine, clean_page, clean_result):
    image = open_image(clean_page.path)
    assert engine.recognise(image, preprocess=False).text == clean_result.text


def test_a_corrupt_file_is_an_error_naming_it(engine, tmp_path):
    broken = tmp_path / "trang-3.tif"
    broken.write_bytes(b"II*\x00 not really a TIFF")
    with pytest.raises(OcrError, match=r"Không đọc được ảnh .*trang-3.tif.* / Cannot read image"):
        engine.recognise(broken)


def test_a_truncated_file_is_an_error(engine, clean_page, tmp_path):
    broken = tmp_path / "cut.png"
    broken.write_bytes(clean_page.path.read_bytes()[:5000])
    with pytest.raises(OcrError, match=r"cut\.png"):
        engine.recognise(broken)


def test_a_missing_file_is_an_error(engine, tmp_path):
    with pytest.raises(OcrError, match="Không có tệp ảnh"):
        engine.recognise(tmp_path / "none.png")


def test_an_unknown_language_is_an_error():
    with pytest.raises(OcrError, match="Không nạp được mô hình tesseract 'xyz'"):
        OcrEngine(language="xyz")
