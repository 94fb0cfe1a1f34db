"""Fixtures of the preservation tests: storage roots and small objects on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from thuvien.digital.preservation.ocfl_store import StorageRoot

OBJECT_ID = "vn-thuvien:obj-000123"


@pytest.fixture
def primary(tmp_path) -> StorageRoot:
    root = StorageRoot(tmp_path / "ocfl")
    root.initialize()
    return root


@pytest.fixture
def replica(tmp_path) -> StorageRoot:
    root = StorageRoot(tmp_path / "ocfl-replica")
    root.initialize()
    return root


@pytest.fixture
def source(tmp_path) -> Path:
    """A small object: two page masters (random bytes), a metadata file with Vietnamese."""
    folder = tmp_path / "source"
    (folder / "masters").mkdir(parents=True)
    (folder / "masters" / "0001.tif").write_bytes(os.urandom(70_000))
    (folder / "masters" / "0002.tif").write_bytes(os.urandom(50_000))
    (folder / "metadata").mkdir()
    (folder / "metadata" / "dc.json").write_text('{"title": "Truyện Kiều"}', "utf-8")
    return folder


def flip_byte(path: Path, offset: int = 10) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
