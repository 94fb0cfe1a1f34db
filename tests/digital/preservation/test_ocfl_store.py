"""Versions in an OCFL 1.1 root, checked with ocfl-py's own validator."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import ocfl
import pytest

from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.ocfl_layout import HashedNTupleLayout
from thuvien.digital.preservation.ocfl_store import StorageRoot

from .conftest import OBJECT_ID


def sha512(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


def content_files(root: StorageRoot, object_id: str) -> list[str]:
    base = root.object_root(object_id)
    return sorted(
        p.relative_to(base).as_posix() for p in base.rglob("*/content/**/*") if p.is_file()
    )


def test_layout_0004_matches_the_extension_example():
    # The example of the extension's specification (default parameters).
    path = HashedNTupleLayout().identifier_to_path("object-01")
    assert path == "3c0/ff4/240/3c0ff4240c1e116dba14c7627f2319b58aa3d77606d0d90dfc6161608ac987d4"


def test_root_is_ocfl_1_1_with_the_0004_layout(primary):
    assert (primary.path / "0=ocfl_1.1").read_text() == "ocfl_1.1\n"
    layout = json.loads((primary.path / "ocfl_layout.json").read_text())
    assert layout["extension"] == "0004-hashed-n-tuple-storage-layout"
    config = primary.path / "extensions/0004-hashed-n-tuple-storage-layout/config.json"
    assert json.loads(config.read_text())["digestAlgorithm"] == "sha256"
    primary.initialize()  # idempotent
    assert primary.validate().ok


def test_versions_store_only_changed_files_and_validate(primary, source):
    created = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    first = primary.add_version(
        OBJECT_ID, source, message="Nạp tài nguyên số", user_name="thuvien",
        user_address="mailto:kho@thuvien.vn", created=created,
    )  # fmt: skip
    assert first.version == "v1"
    assert first.files["masters/0001.tif"] == sha512(source / "masters/0001.tif")
    (source / "metadata" / "dc.json").write_text('{"title": "Truyện Kiều (sửa)"}', "utf-8")
    (source / "masters" / "0002.tif").unlink()
    second = primary.add_version(OBJECT_ID, source, message="Sửa mô tả", user_name="thuvien")
    assert second.version == "v2" and set(second.files) == {"masters/0001.tif", "metadata/dc.json"}
    # v2 stores only the changed metadata; the unchanged master stays in v1.
    assert content_files(primary, OBJECT_ID) == [
        "v1/content/masters/0001.tif",
        "v1/content/masters/0002.tif",
        "v1/content/metadata/dc.json",
        "v2/content/metadata/dc.json",
    ]
    report = primary.validate()
    assert report.ok, report.errors
    assert report.objects == 1
    # The same verdict from ocfl-py used directly, on the object and on the root.
    passed, validator = ocfl.Object().validate(str(primary.object_root(OBJECT_ID)))
    assert passed, validator.status_str()
    assert ocfl.StorageRoot(root=str(primary.path)).validate()
    inventory = primary.inventory(OBJECT_ID)
    assert inventory["versions"]["v1"]["created"] == "2026-03-01T08:30:00Z"
    assert inventory["versions"]["v1"]["user"] == {
        "name": "thuvien", "address": "mailto:kho@thuvien.vn",
    }  # fmt: skip
    assert inventory["fixity"]["md5"]  # MD5s for legacy exchange, checked by the validator too


def test_object_sits_where_layout_0004_puts_its_id(primary, source):
    primary.add_version(OBJECT_ID, source, message="m", user_name="u")
    digest = hashlib.sha256(OBJECT_ID.encode()).hexdigest()
    expected = primary.path / digest[:3] / digest[3:6] / digest[6:9] / digest
    assert primary.object_root(OBJECT_ID) == expected
    assert (expected / "0=ocfl_object_1.1").exists()
    assert list(primary.object_ids()) == [OBJECT_ID]


def test_add_files_keeps_the_previous_state(primary, source, tmp_path):
    primary.add_version(OBJECT_ID, source, message="v1", user_name="thuvien")
    hocr = tmp_path / "0001.hocr"
    hocr.write_text("<html><body>chữ</body></html>", "utf-8")
    info = primary.add_files(OBJECT_ID, {"ocr/0001.hocr": hocr}, message="OCR", user_name="thuvien")
    assert info.version == "v2"
    assert set(info.files) == {
        "masters/0001.tif", "masters/0002.tif", "metadata/dc.json", "ocr/0001.hocr",
    }  # fmt: skip
    state = primary.state(OBJECT_ID)
    assert state["ocr/0001.hocr"].content_path.read_bytes() == hocr.read_bytes()
    assert state["masters/0001.tif"].content_path.is_absolute()
    with primary.open(OBJECT_ID, "ocr/0001.hocr") as handle:
        assert "chữ" in handle.read().decode("utf-8")
    assert set(primary.state(OBJECT_ID, "v1")) == {
        "masters/0001.tif", "masters/0002.tif", "metadata/dc.json",
    }  # fmt: skip
    assert primary.head(OBJECT_ID) == "v2"
    assert primary.validate().ok


def test_add_files_creates_a_new_object_and_dedupes_identical_files(primary, source):
    same = source / "masters" / "0001.tif"
    info = primary.add_files(
        "vn-thuvien:obj-9", {"a.tif": same, "copy/a.tif": same}, message="m", user_name="u"
    )
    assert info.version == "v1"
    assert len(content_files(primary, "vn-thuvien:obj-9")) == 1  # one copy for two paths
    assert primary.validate().ok


def test_add_files_replacing_with_known_content_stores_nothing_new(primary, source):
    primary.add_version(OBJECT_ID, source, message="v1", user_name="u")
    info = primary.add_files(
        OBJECT_ID, {"masters/0002.tif": source / "masters/0001.tif"}, message="m", user_name="u"
    )
    assert info.files["masters/0002.tif"] == info.files["masters/0001.tif"]
    assert not (primary.object_root(OBJECT_ID) / "v2" / "content").exists()
    assert primary.validate().ok


def test_bad_logical_paths_and_conflicts_are_refused(primary, source):
    master = source / "masters/0001.tif"
    for bad in ("/abs.tif", "a/../b.tif", "a//b", "./a"):
        with pytest.raises(PreservationError, match="Đường dẫn logic"):
            primary.add_files(OBJECT_ID, {bad: master}, message="m", user_name="u")
    primary.add_files(OBJECT_ID, {"masters": master}, message="m", user_name="u")
    with pytest.raises(PreservationError, match="trùng tên với thư mục") as caught:
        primary.add_files(OBJECT_ID, {"masters/x.tif": master}, message="m", user_name="u")
    assert "masters/x.tif" in str(caught.value)
    assert primary.head(OBJECT_ID) == "v1"  # nothing was written by the refused version
    assert primary.validate().ok


def test_missing_source_file_says_which(primary, tmp_path):
    with pytest.raises(PreservationError, match="Source file not found") as caught:
        primary.add_files(OBJECT_ID, {"a.tif": tmp_path / "nope.tif"}, message="m", user_name="u")
    assert "nope.tif" in str(caught.value)
    assert not primary.exists(OBJECT_ID)


def test_delete_object_leaves_a_valid_root(primary, source):
    primary.add_version(OBJECT_ID, source, message="m", user_name="u")
    primary.add_version("vn-thuvien:obj-000124", source, message="m", user_name="u")
    assert primary.delete_object(OBJECT_ID)
    assert not primary.exists(OBJECT_ID)
    assert not primary.object_root(OBJECT_ID).parent.exists()  # empty tuple dirs pruned
    report = primary.validate()
    assert report.ok and report.objects == 1, report.errors
    assert not primary.delete_object(OBJECT_ID)


def test_crash_between_version_dir_and_root_inventory_rolls_forward(primary, source, tmp_path):
    primary.add_version(OBJECT_ID, source, message="v1", user_name="u")
    root = primary.object_root(OBJECT_ID)
    old = (root / "inventory.json").read_bytes(), (root / "inventory.json.sha512").read_bytes()
    hocr = tmp_path / "p.hocr"
    hocr.write_text("x")
    primary.add_files(OBJECT_ID, {"ocr/p.hocr": hocr}, message="v2", user_name="u")
    # As if the process died after moving v2 in but before replacing the root inventory.
    (root / "inventory.json").write_bytes(old[0])
    (root / "inventory.json.sha512").write_bytes(old[1])
    assert not primary.validate_object(OBJECT_ID).ok
    third = primary.add_files(OBJECT_ID, {"ocr/q.hocr": hocr}, message="v3", user_name="u")
    assert third.version == "v3" and "ocr/p.hocr" in third.files
    assert primary.validate().ok


def test_existing_directory_that_is_not_a_root_is_refused(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    with pytest.raises(PreservationError, match="not an OCFL storage root"):
        StorageRoot(folder).initialize()


def test_writing_to_an_uninitialised_root_is_refused(tmp_path, source):
    root = StorageRoot(tmp_path / "nowhere")
    with pytest.raises(PreservationError, match="not initialised"):
        root.add_version(OBJECT_ID, source, message="m", user_name="u")
    assert not (tmp_path / "nowhere").exists()


def test_concurrent_writers_are_serialised(primary, source, tmp_path):
    def work(n: int) -> None:
        note = tmp_path / f"note-{n}.txt"
        note.write_text(f"ghi chú {n}", "utf-8")
        other = StorageRoot(primary.path)  # as another worker would open it
        for round_ in range(3):
            object_id = OBJECT_ID if n % 2 else f"vn-thuvien:obj-{n}"
            other.add_files(
                object_id, {f"notes/{n}-{round_}.txt": note}, message="m", user_name="u"
            )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert primary.head(OBJECT_ID) == "v6"  # two writers, three versions each
    assert len(primary.state(OBJECT_ID)) == 6
    report = primary.validate()
    assert report.ok and report.objects == 3, report.errors
