"""Recognising, checking and opening page images with libvips."""

import pytest

from tests.digital.ingest.helpers import FIXTURES, image, png_header_only, write_image, write_pdf
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.images import SUPPORTED, load, probe, sniff


@pytest.mark.parametrize("fmt", ["tiff", "jpeg", "png", "jp2"])
def test_probe_reads_each_format(tmp_path, fmt):
    path = write_image(tmp_path / f"p.{fmt}", fmt, width=40, height=30)
    info = probe(path)
    assert (info.format, info.width, info.height, info.pages, info.bands) == (fmt, 40, 30, 1, 3)
    assert info.format in SUPPORTED


def test_format_comes_from_the_content_not_the_name(tmp_path):
    disguised = write_image(tmp_path / "scan.jpg", "tiff")
    assert sniff(disguised) == "tiff"
    assert probe(disguised).format == "tiff"

    text = tmp_path / "page.tif"
    text.write_text("Đây không phải ảnh")
    assert sniff(text) is None
    with pytest.raises(IngestError) as caught:
        probe(text)
    assert caught.value.code == "unsupported-format"
    assert caught.value.where == "page.tif"
    assert "Không phải ảnh" in caught.value.vi and "Not a TIFF" in caught.value.en

    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="Empty file"):
        probe(empty)


def test_resolution_only_when_the_file_states_it(tmp_path):
    stated = write_image(
        tmp_path / "a.tif", "tiff", img=image().copy(xres=300 / 25.4, yres=300 / 25.4)
    )
    assert probe(stated).dpi == pytest.approx(300, abs=0.1)

    from PIL import Image

    Image.new("RGB", (10, 10)).save(tmp_path / "no-dpi.png")
    Image.new("RGB", (10, 10)).save(tmp_path / "dpi.png", dpi=(400, 400))
    Image.new("RGB", (10, 10)).save(tmp_path / "no-dpi.jpg")
    assert probe(tmp_path / "no-dpi.png").dpi is None
    assert probe(tmp_path / "dpi.png").dpi == pytest.approx(400, abs=0.1)
    assert probe(tmp_path / "no-dpi.jpg").dpi is None


def test_truncated_tiff_fails_loudly_naming_the_file(tmp_path):
    from PIL import Image

    # Pillow writes the directory first, so the header reads fine and only pixels are lost.
    Image.new("RGB", (300, 200), (10, 120, 200)).save(tmp_path / "full.tif")
    data = (tmp_path / "full.tif").read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) // 2])

    assert probe(cut, verify=False).width == 300  # lazily, it looks fine
    with pytest.raises(IngestError) as caught:
        probe(cut, where="sach/cut.tif")
    assert caught.value.code == "corrupt-image"
    assert caught.value.where == "sach/cut.tif"
    assert "Tệp TIFF hỏng" in caught.value.vi and "Corrupt or truncated TIFF" in caught.value.en


def test_truncated_tiff_header_and_jpeg(tmp_path):
    tif = write_image(tmp_path / "a.tif", "tiff", width=200, height=200)
    tif.write_bytes(tif.read_bytes()[:-200])  # libvips puts the directory at the end
    with pytest.raises(IngestError, match="TIFF"):
        probe(tif)

    jpg = write_image(tmp_path / "a.jpg", "jpeg", width=300, height=300)
    jpg.write_bytes(jpg.read_bytes()[:-400])
    with pytest.raises(IngestError, match="Corrupt or truncated JPEG"):
        probe(jpg)


def test_pdf_pages_and_a_pdf_with_no_pages(tmp_path):
    pdf = write_pdf(tmp_path / "two.pdf", [(612, 792), (300, 400)])
    info = probe(pdf)
    assert (info.format, info.pages, info.width, info.height, info.dpi) == (
        "pdf",
        2,
        2550,
        3300,
        None,
    )

    second = load(pdf, 2, dpi=72)
    assert (second.width, second.height) == (300, 400)
    with pytest.raises(IngestError) as caught:
        load(pdf, 3)
    assert caught.value.code == "no-such-page"

    with pytest.raises(IngestError) as caught:
        probe(FIXTURES / "no-pages.pdf")
    assert caught.value.code == "pdf-no-pages"
    assert str(caught.value) == "PDF không có trang nào / PDF has no pages (no-pages.pdf)"


def test_multi_page_and_pyramidal_tiffs(tmp_path):
    pages = image(30, 20).copy()
    book = pages.join(image(30, 20, value=10), "vertical")
    book.set_type(pages.get_typeof("width"), "page-height", 20)
    path = tmp_path / "book.tif"
    book.tiffsave(str(path))
    assert probe(path).pages == 2
    assert load(path, 2).avg() == pytest.approx(image(30, 20, value=10).avg())
    with pytest.raises(IngestError) as caught:
        load(path, 3)
    assert (caught.value.code, caught.value.where) == ("no-such-page", "book.tif")

    pyramid = tmp_path / "pyr.tif"
    image(1024, 768).tiffsave(str(pyramid), tile=True, pyramid=True)
    assert probe(pyramid).pages == 1  # its levels are not pages


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(40_000, 40_000))
    with pytest.raises(IngestError) as caught:
        probe(bomb)
    assert caught.value.code == "too-many-pixels"
    assert "40000 x 40000" in caught.value.en
    with pytest.raises(IngestError):
        load(bomb)


def test_load_refuses_a_page_a_single_image_does_not_have(tmp_path):
    path = write_image(tmp_path / "p.png", "png")
    assert load(path).width == 64
    with pytest.raises(IngestError) as caught:
        load(path, 2)
    assert caught.value.code == "no-such-page"
