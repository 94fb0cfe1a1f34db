"""Where the files of digital objects live: derivatives on disk, masters in OCFL roots."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from thuvien.digital.preservation.ocfl_store import StorageRoot


def digital_dir() -> Path:
    return Path(settings.THUVIEN_DIGITAL_DIR)


def derivative_dir(object_ident: str) -> Path:
    """One directory per object, two levels of fan-out so no directory grows too large."""
    digits = object_ident[-4:]
    return digital_dir() / "derivatives" / digits[:2] / digits[2:] / object_ident


def work_dir(batch_id: int) -> Path:
    return digital_dir() / "work" / f"batch-{batch_id}"


def upload_dir() -> Path:
    return digital_dir() / "uploads"


def pyramid_path(page) -> Path:
    return derivative_dir(page.obj.ident) / f"{page.ident}.pyramid.tif"


def access_path(page) -> Path:
    return derivative_dir(page.obj.ident) / f"{page.ident}.access.jpg"


def thumbnail_path(page) -> Path:
    return derivative_dir(page.obj.ident) / f"{page.ident}.thumb.jpg"


def words_path(page) -> Path:
    return derivative_dir(page.obj.ident) / f"{page.ident}.words.json"


def pdf_path(obj) -> Path:
    return derivative_dir(obj.ident) / f"{obj.ident}.pdf"


@cache
def _root(path: str) -> StorageRoot:
    root = StorageRoot(Path(path))
    root.initialize()
    return root


def primary_root() -> StorageRoot:
    return _root(str(settings.THUVIEN_OCFL_ROOT))


def replica_root() -> StorageRoot:
    return _root(str(settings.THUVIEN_OCFL_REPLICA))


def reset_roots() -> None:
    """Forget opened roots (tests point the settings somewhere else)."""
    _root.cache_clear()


def hocr_path(page) -> Path:
    return derivative_dir(page.obj.ident) / f"{page.ident}.hocr"
