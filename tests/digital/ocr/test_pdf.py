import pypdf
import pytest

from thuvien.digital.ocr.cer import cer, normalise
from thuvien.digital.ocr.pdf import PdfError, searchable_pdf
from thuvien.digital.ocr.preprocess import open_image


@pytest.fixture(scope="module")
def access_jpeg(clean_page, tmp_path_factory):
    """The reader's copy: a JPEG at half the size of the page OCR ran on."""
    path = tmp_path_factory.mktemp("access") / "page-1.jpg"
    open_image(clean_page.path).resize(0.5).jpegsave(str(path), Q=80)
    return path


def test_text_is_extracted_from_every_page(
    tmp_path, access_jpeg, clean_result, poor_scan, poor_prepared
):
    pdf = searchable_pdf(
        [(access_jpeg, clean_result), (poor_scan, poor_prepared)],
        tmp_path / "sach.pdf",
        title="Kế hoạch chuyển đổi số ngành thư viện",
    )
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 2
    assert cer(clean_result.text, reader.pages[0].extract_text()) < 0.01
    assert cer(poor_prepared.text, reader.pages[1].extract_text()) < 0.01
    assert "Thủ tướng Chính phủ" in normalise(reader.pages[0].extract_text())
    assert reader.metadata.title == "Kế hoạch chuyển đổi số ngành thư viện"


def test_page_size_is_the_ocr_image_at_the_resolution(tmp_path, access_jpeg, clean_result):
    pdf = searchable_pdf([(access_jpeg, clean_result)], tmp_path / "a6.pdf", dpi=300)
    box = pypdf.PdfReader(pdf).pages[0].mediabox
    assert float(box.width) == pytest.approx(1240 * 72 / 300, abs=0.01)  # A6: 105 mm
    assert float(box.height) == pytest.approx(1748 * 72 / 300, abs=0.01)


def test_the_jpeg_is_embedded_as_it_is(tmp_path, access_jpeg, clean_result):
    pdf = searchable_pdf([(access_jpeg, clean_result)], tmp_path / "a6.pdf")
    image = pypdf.PdfReader(pdf).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image["/Filter"] == "/DCTDecode"
    assert image.get_data() == access_jpeg.read_bytes()


def test_words_are_placed_where_they_are_on_the_image(tmp_path, access_jpeg, clean_result):
    pdf = searchable_pdf([(access_jpeg, clean_result)], tmp_path / "a6.pdf")
    placed = []

    def visitor(text, cm, tm, font, size):
        if text.strip():
            placed.append((text.strip(), tm[4], tm[5]))

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=visitor)
    first = clean_result.lines[0]
    text, x, y = placed[0]
    assert text == first.words[0].text
    assert x == pytest.approx(first.words[0].x * 72 / 300, abs=0.5)
    bottom = 1748 * 72 / 300 - (first.y + first.h) * 72 / 300
    assert bottom < y < bottom + first.h * 72 / 300


def test_a_page_without_ocr_keeps_its_image(tmp_path, access_jpeg, clean_result):
    pdf = searchable_pdf([(access_jpeg, clean_result), (access_jpeg, None)], tmp_path / "b.pdf")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 2
    assert reader.pages[1].extract_text().strip() == ""
    assert float(reader.pages[1].mediabox.width) == pytest.approx(620 * 72 / 300, abs=0.01)


def test_an_unreadable_image_names_its_page(tmp_path, access_jpeg, clean_result):
    with pytest.raises(PdfError, match=r"trang 2.*missing\.jpg"):
        searchable_pdf(
            [(access_jpeg, clean_result), (tmp_path / "missing.jpg", clean_result)],
            tmp_path / "c.pdf",
        )


def test_no_pages_is_an_error(tmp_path):
    with pytest.raises(PdfError, match="Không có trang nào"):
        searchable_pdf([], tmp_path / "d.pdf")
