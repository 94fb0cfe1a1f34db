"""Other page formats through the whole ingest (PDF, JPEG 2000), metadata taken from a union
catalogue record, and the searchable PDF readers download."""

from __future__ import annotations

import io

import pytest
import pyvips

from tests import factories
from tests.catalog.conftest import DEMO
from tests.digital.conftest import TEXTS, render
from tests.digital.conftest import ingest_batch as _ingest
from thuvien.catalog.models import BibRecord
from thuvien.catalog.services.batches import create_batch as create_catalog_batch
from thuvien.catalog.services.ingest import run_ingest
from thuvien.digital.models import DigitalObject, ObjectStatus
from thuvien.digital.services import paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def lc_record(tmp_path):
    library = factories.library("Thư viện Quốc hội Hoa Kỳ")
    records = (DEMO / "lc-vie.mrc").read_bytes().split(b"\x1d")[:2]
    path = tmp_path / "two.mrc"
    path.write_bytes(b"".join(r + b"\x1d" for r in records))
    with open(path, "rb") as handle:
        run_ingest(create_catalog_batch(None, library, handle, path.name))
    return BibRecord.objects.order_by("pk").first()


def test_jp2_and_pdf_pages_with_metadata_from_the_catalogue(
    digital_dirs, tmp_path, lc_record, client
):
    from thuvien.digital.ocr.engine import OcrEngine
    from thuvien.digital.ocr.pdf import searchable_pdf

    folder = tmp_path / "lo"
    (folder / "ban-do").mkdir(parents=True)
    (folder / "tai-lieu").mkdir()
    page = render(tmp_path / "p.png", TEXTS[1])
    pyvips.Image.new_from_file(str(page)).jp2ksave(str(folder / "ban-do" / "1.jp2"))
    searchable_pdf([(page, OcrEngine().recognise(page))] * 2, folder / "tai-lieu" / "tl.pdf")
    (folder / "manifest.csv").write_text(
        "ma_doi_tuong,tep,nhan_de,loai,quyen_truy_cap,ban_ghi\n"
        "ban-do,ban-do/1.jp2,Bản đồ thử,bản đồ,công khai,\n"
        f"tai-lieu,tai-lieu/tl.pdf,,sách,công khai,{lc_record.local_id}\n",
        "utf-8",
    )
    batch, report = _ingest(factories.library(), folder, ocr=False)
    assert report["published"] == 2, batch.problems
    jp2 = DigitalObject.objects.get(batch_key="ban-do")
    assert jp2.kind == "map" and jp2.pages.get().width > 500
    pdf = DigitalObject.objects.get(batch_key="tai-lieu")
    assert pdf.page_count == 2 and pdf.record_id == lc_record.pk
    assert pdf.title == lc_record.title.rstrip(" /:") or lc_record.title.startswith(pdf.title)
    assert pdf.dc.get("creator") or pdf.dc.get("publisher")
    record_page = client.get(f"/muc-luc/ban-ghi/{lc_record.pk}/").content.decode()
    assert f"/so-hoa/{pdf.ident}/" in record_page


def test_searchable_pdf_download_holds_the_recognised_text(digital_dirs, tmp_path, client):
    from pypdf import PdfReader

    folder = tmp_path / "lo"
    (folder / "so-tay").mkdir(parents=True)
    render(folder / "so-tay" / "1.png", TEXTS[0])
    batch, _ = _ingest(factories.library(), folder)
    obj = DigitalObject.objects.get(batch=batch)
    assert obj.status == ObjectStatus.READY and paths.pdf_path(obj).exists()
    answer = client.get(f"/so-hoa/{obj.ident}/tai-ve.pdf")
    text = PdfReader(io.BytesIO(b"".join(answer.streaming_content))).pages[0].extract_text()
    assert "Quốc gia" in text or "Quoc gia" in text
