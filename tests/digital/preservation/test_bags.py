"""BagIt 1.0 bags written here and checked by the bagit library."""

from __future__ import annotations

import hashlib
import os

import bagit
import pytest

from thuvien.digital.preservation.bags import export_bag, read_bag_files, validate_bag
from thuvien.digital.preservation.errors import PreservationError


@pytest.fixture
def payload(tmp_path):
    folder = tmp_path / "payload"
    folder.mkdir()
    files = {
        "masters/0001.tif": os.urandom(20_000),
        "metadata/mets.xml": "<mets>Truyện Kiều</mets>".encode(),
        "metadata/premis.xml": b"<premis/>",
        "ocr/trang 1.hocr": "chữ Việt".encode(),
    }
    out = {}
    for name, data in files.items():
        path = folder / name.replace("/", "_")
        path.write_bytes(data)
        out[name] = path
    return out


@pytest.fixture
def bag(payload, tmp_path):
    return export_bag(
        payload, tmp_path / "bag", {"Source-Organization": "Thư viện Quốc gia Việt Nam"}
    )


def test_exported_bag_is_bagit_1_0_and_valid(bag, payload):
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    checked = bagit.Bag(str(bag))
    assert checked.version_info == (1, 0)
    assert checked.validate()  # every checksum recomputed by bagit
    assert set(checked.algorithms) == {"sha512", "md5"}
    assert checked.info["Source-Organization"] == "Thư viện Quốc gia Việt Nam"
    total = sum(p.stat().st_size for p in payload.values())
    assert checked.info["Payload-Oxum"] == f"{total}.4"
    master = hashlib.sha512(payload["masters/0001.tif"].read_bytes()).hexdigest()
    assert f"{master}  data/masters/0001.tif" in (bag / "manifest-sha512.txt").read_text()
    assert validate_bag(bag) == []


def test_read_bag_files(bag, payload):
    files = read_bag_files(bag)
    assert set(files) == set(payload)
    assert files["ocr/trang 1.hocr"].read_bytes() == payload["ocr/trang 1.hocr"].read_bytes()


def test_changed_payload_of_same_size_is_rejected_naming_the_file(bag):
    target = bag / "data" / "metadata" / "premis.xml"
    target.write_bytes(b"<premix/>")  # same size: Payload-Oxum still agrees
    problems = validate_bag(bag)
    assert problems and all("data/metadata/premis.xml" in p for p in problems)
    assert any("sha512" in p for p in problems) and any("md5" in p for p in problems)
    assert problems[0].startswith("Sai mã băm")  # Vietnamese first
    assert not bagit.Bag(str(bag)).is_valid()


def test_changed_size_fails_oxum_and_still_names_the_file(bag):
    (bag / "data" / "masters" / "0001.tif").write_bytes(b"short")
    problems = validate_bag(bag)
    assert any("Payload-Oxum" in p for p in problems)
    assert any("data/masters/0001.tif" in p and "checksum" in p for p in problems)


def test_missing_and_unexpected_files(bag):
    (bag / "data" / "metadata" / "mets.xml").unlink()
    (bag / "data" / "extra.txt").write_text("x")
    problems = validate_bag(bag)
    assert any("File in the manifest is missing: data/metadata/mets.xml" in p for p in problems)
    assert any("File not in the manifest: data/extra.txt" in p for p in problems)


def test_not_a_bag(tmp_path):
    problems = validate_bag(tmp_path)
    assert len(problems) == 1 and "Cannot open the bag" in problems[0]


def test_export_refuses_unsafe_names_and_busy_targets(payload, tmp_path):
    with pytest.raises(PreservationError, match="Invalid file name"):
        export_bag({"../escape.tif": payload["masters/0001.tif"]}, tmp_path / "b1", {})
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    with pytest.raises(PreservationError, match="not empty"):
        export_bag(payload, busy, {})
