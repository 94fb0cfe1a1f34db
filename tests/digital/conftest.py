"""Fixtures of the digital collections: throwaway stores and real rendered page images."""

from __future__ import annotations

import pytest

from tests import factories
from thuvien.ops.jobs import run_job_inline


@pytest.fixture
def digital_dirs(settings, tmp_path):
    """Each test gets its own derivatives directory and OCFL roots."""
    from thuvien.digital.services import paths

    settings.THUVIEN_DIGITAL_DIR = tmp_path / "digital"
    settings.THUVIEN_OCFL_ROOT = tmp_path / "ocfl"
    settings.THUVIEN_OCFL_REPLICA = tmp_path / "ocfl-replica"
    settings.THUVIEN_DIGITAL_OCR_WORKERS = 2
    paths.reset_roots()
    yield tmp_path
    paths.reset_roots()


TEXTS = [
    "Thư viện Quốc gia Việt Nam số hóa tài liệu quý hiếm để bạn đọc cả nước cùng đọc.",
    "Chương trình chuyển đổi số ngành thư viện đến năm 2025, định hướng đến năm 2030.",
    "Bảo quản số giữ gìn di sản văn hóa dân tộc cho các thế hệ mai sau.",
]


def render(path, text: str, *, width_mm=90, height_mm=60):
    """A small real page at 300 dpi with Vietnamese text (a few words keep OCR quick)."""
    from thuvien.digital.ocr.testpages import render_page

    render_page(text, path, dpi=300, width_mm=width_mm, height_mm=height_mm, margin_mm=8)
    return path


MANIFEST = (
    "ma_doi_tuong,tep,trang,nhan_trang,nhan_de,loai,tac_gia,nam,ngon_ngu,quyen_truy_cap\n"
    "sach-1,sach-1/a.png,1,Bìa,Sổ tay số hóa,sách,Nguyễn Văn A,1936,vie,công khai\n"
    "sach-1,sach-1/b.png,2,1,,,,,,\n"
    "mat-1,mat-1/a.png,1,1,Hồ sơ hạn chế,bản thảo,,1950,vie,hạn chế\n"
)


@pytest.fixture
def batch_folder(tmp_path):
    folder = tmp_path / "batch"
    (folder / "sach-1").mkdir(parents=True)
    (folder / "mat-1").mkdir()
    render(folder / "sach-1" / "a.png", TEXTS[0])
    render(folder / "sach-1" / "b.png", TEXTS[1])
    render(folder / "mat-1" / "a.png", TEXTS[2])
    (folder / "manifest.csv").write_text(MANIFEST, "utf-8")
    return folder


def ingest_batch(library, source, ocr=True):
    from django.test import TestCase

    from thuvien.digital.services.batches import create_batch

    batch = create_batch(None, library, source, ocr=ocr)
    with TestCase.captureOnCommitCallbacks(execute=True):  # indexing runs after commit
        job = run_job_inline("digital.ingest", "test", {"batch": batch.pk}, show_progress=False)
    assert not job.error, job.error
    batch.refresh_from_db()
    return batch, job.report


@pytest.fixture
def ingested(digital_dirs, batch_folder):
    library = factories.library("Thư viện tỉnh Số hóa")
    batch, report = ingest_batch(library, batch_folder)
    return library, batch, report
