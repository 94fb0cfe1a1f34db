"""Fixity audit, repair from a replica, and replication, with ocfl-py validating after."""

from __future__ import annotations

import pytest

from thuvien.digital.preservation.errors import PreservationError

from .conftest import OBJECT_ID, flip_byte


@pytest.fixture
def stored(primary, replica, source):
    """The object in both roots, with two versions."""
    primary.add_version(OBJECT_ID, source, message="v1", user_name="thuvien")
    (source / "metadata" / "dc.json").write_text('{"title": "v2"}', "utf-8")
    primary.add_version(OBJECT_ID, source, message="v2", user_name="thuvien")
    assert primary.replicate(OBJECT_ID, replica)
    return primary, replica


def test_clean_audit_reads_every_content_file(stored, source):
    primary, _ = stored
    report = primary.audit_object(OBJECT_ID)
    assert not report and list(report) == [] and report.mismatches == []
    assert report.files == 4  # two masters and two versions of dc.json
    stored_bytes = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
    assert report.bytes_read > stored_bytes  # the first dc.json is stored too


def test_flipped_byte_is_found_and_repaired_from_the_replica(stored):
    primary, replica = stored
    content = primary.object_root(OBJECT_ID) / "v1/content/masters/0001.tif"
    flip_byte(content)
    report = primary.audit_object(OBJECT_ID)
    assert len(report) == 1
    mismatch = report.mismatches[0]
    assert mismatch.content_path == "v1/content/masters/0001.tif"
    assert mismatch.kind == "content" and mismatch.actual and mismatch.actual != mismatch.expected
    assert "v1/content/masters/0001.tif" in str(mismatch)
    assert not primary.validate().ok  # ocfl-py's validator agrees that the copy is damaged
    assert primary.repair(OBJECT_ID, replica) == ["v1/content/masters/0001.tif"]
    assert not primary.audit_object(OBJECT_ID)
    for root in (primary, replica):
        report = root.validate()
        assert report.ok, report.errors


def test_deleted_file_is_found_and_restored(stored):
    primary, replica = stored
    path = replica.object_root(OBJECT_ID) / "v2/content/metadata/dc.json"
    path.unlink()
    report = replica.audit_object(OBJECT_ID)
    assert [(m.content_path, m.actual) for m in report] == [("v2/content/metadata/dc.json", None)]
    assert "Missing file" in str(report[0])
    assert replica.repair(OBJECT_ID, primary) == ["v2/content/metadata/dc.json"]
    assert path.exists()
    assert primary.validate().ok and replica.validate().ok


def test_damaged_inventory_is_detected_and_repaired(stored):
    primary, replica = stored
    inventory = primary.object_root(OBJECT_ID) / "inventory.json"
    inventory.write_bytes(inventory.read_bytes().replace(b'"v2"', b'"v9"', 1))
    report = primary.audit_object(OBJECT_ID)
    kinds = {(m.kind, m.content_path) for m in report}
    assert ("inventory", "inventory.json") in kinds
    assert not primary.validate().ok
    with pytest.raises(PreservationError, match="repair it before adding a version"):
        primary.add_files(OBJECT_ID, {}, message="m", user_name="u")
    assert "inventory.json" in primary.repair(OBJECT_ID, replica)
    assert not primary.audit_object(OBJECT_ID)
    assert primary.validate().ok


def test_damaged_version_inventory_and_missing_sidecar(stored):
    primary, replica = stored
    root = replica.object_root(OBJECT_ID)
    flip_byte(root / "v1" / "inventory.json", offset=40)
    (root / "inventory.json.sha512").unlink()
    kinds = sorted((m.kind, m.content_path) for m in replica.audit_object(OBJECT_ID))
    assert kinds == [("inventory", "v1/inventory.json"), ("sidecar", "inventory.json.sha512")]
    mended = replica.repair(OBJECT_ID, primary)
    assert set(mended) == {"v1/inventory.json", "inventory.json.sha512"}
    assert replica.validate().ok


def test_whole_object_missing_from_the_replica_is_copied_back(stored):
    primary, replica = stored
    assert replica.delete_object(OBJECT_ID)
    mended = replica.repair(OBJECT_ID, primary)
    assert len(mended) == 1 and "whole object" in mended[0]
    assert replica.validate().ok and not replica.audit_object(OBJECT_ID)


def test_missing_object_audits_as_a_mismatch(primary):
    report = primary.audit_object("vn-thuvien:absent")
    assert [m.kind for m in report] == ["object"]


def test_repair_refuses_when_the_good_copy_is_damaged_too(stored):
    primary, replica = stored
    for root in stored:
        flip_byte(root.object_root(OBJECT_ID) / "v1/content/masters/0002.tif")
    with pytest.raises(PreservationError, match="could not be repaired") as caught:
        primary.repair(OBJECT_ID, replica)
    assert "v1/content/masters/0002.tif" in str(caught.value)


def test_replicate_skips_identical_and_copies_only_new_versions(stored, tmp_path):
    primary, replica = stored
    assert not primary.replicate(OBJECT_ID, replica)  # same inventory digest: nothing to do
    old_master = replica.object_root(OBJECT_ID) / "v1/content/masters/0001.tif"
    before = old_master.stat().st_ino
    hocr = tmp_path / "p.hocr"
    hocr.write_text("<html/>")
    primary.add_files(OBJECT_ID, {"ocr/p.hocr": hocr}, message="OCR", user_name="u")
    assert primary.replicate(OBJECT_ID, replica)
    assert replica.head(OBJECT_ID) == "v3"
    assert old_master.stat().st_ino == before  # v1 was not copied again
    assert replica.validate().ok
    assert replica.inventory(OBJECT_ID) == primary.inventory(OBJECT_ID)


def test_replicate_refuses_a_damaged_source(stored, tmp_path):
    primary, replica = stored
    hocr = tmp_path / "p.hocr"
    hocr.write_text("<html/>")
    primary.add_files(OBJECT_ID, {"ocr/p.hocr": hocr}, message="OCR", user_name="u")
    flip_byte(primary.object_root(OBJECT_ID) / "v3/content/ocr/p.hocr", offset=1)
    with pytest.raises(PreservationError, match="fails its digest") as caught:
        primary.replicate(OBJECT_ID, replica)
    assert "p.hocr" in str(caught.value)
    assert replica.head(OBJECT_ID) == "v2"  # the replica kept its sound copy
    assert replica.validate().ok


def test_replicate_replaces_a_diverged_copy_whole(stored, source):
    primary, replica = stored
    replica.add_version(OBJECT_ID, source, message="stray", user_name="u")  # diverges
    assert primary.replicate(OBJECT_ID, replica)
    assert replica.inventory(OBJECT_ID) == primary.inventory(OBJECT_ID)
    assert replica.validate().ok
    assert not (replica.object_root(OBJECT_ID) / "v3").exists()
