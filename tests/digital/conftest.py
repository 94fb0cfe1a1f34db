"""Fixtures of the digital collections: throwaway stores and real rendered page images."""

from __future__ import annotations

import pytest


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
