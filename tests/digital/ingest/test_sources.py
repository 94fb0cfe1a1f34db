"""Opening batches: folders, ZIPs (hostile ones too) and BagIt bags."""

import io
import os
import stat
import struct
import zipfile
import zlib

import bagit
import pytest

from tests.digital.ingest.helpers import rename_raw, set_flag, write_image, zip_with
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.limits import Limits
from thuvien.digital.ingest.paths import natural_key
from thuvien.digital.ingest.sources import open_source
from thuvien.digital.ingest.zipsafe import _EntryTooLarge, copy_limited

TIFF = b"II*\x00" + b"\x00" * 60


def codes(source):
    return {(p.where, p.code) for p in source.problems}


# -- folders ---------------------------------------------------------------------------------


def test_folder_lists_files_in_natural_order_without_hidden_ones(tmp_path):
    batch = tmp_path / "lo-1"
    for name in ["sach/page10.tif", "sach/page2.tif", "sach/page1.tif", "anh.jpg"]:
        (batch / name).parent.mkdir(parents=True, exist_ok=True)
        (batch / name).write_bytes(TIFF)
    for hidden in [".DS_Store", "sach/Thumbs.db", "__MACOSX/sach/._page1.tif", "sach/._x.tif"]:
        (batch / hidden).parent.mkdir(parents=True, exist_ok=True)
        (batch / hidden).write_bytes(b"junk")

    source = open_source(batch, tmp_path / "work")

    assert source.kind == "folder"
    assert source.root == batch
    assert source.name == "lo-1"
    assert [f.relpath for f in source.files] == [
        "anh.jpg",
        "sach/page1.tif",
        "sach/page2.tif",
        "sach/page10.tif",
    ]
    assert source.files[1].path == batch / "sach" / "page1.tif"
    assert source.files[1].size == len(TIFF)
    assert set(source.ignored) == {".DS_Store", "sach/Thumbs.db", "__MACOSX/", "sach/._x.tif"}
    assert source.manifest is None
    assert source.problems == []
    assert not (tmp_path / "work").exists()  # a folder is read where it is


def test_natural_key_orders_numbers_by_value_and_ignores_case():
    names = ["Trang 10.tif", "trang 9.tif", "trang 1b.tif", "trang 1a.tif", "a/2.tif", "a/10.tif"]
    assert sorted(names, key=natural_key) == [
        "a/2.tif",
        "a/10.tif",
        "trang 1a.tif",
        "trang 1b.tif",
        "trang 9.tif",
        "Trang 10.tif",
    ]


def test_folder_finds_the_manifest_and_keeps_it_out_of_the_files(tmp_path):
    batch = tmp_path / "b"
    batch.mkdir()
    (batch / "Manifest.CSV").write_text("file,title\n")
    (batch / "metadata.csv").write_text("file,title\n")
    (batch / "p1.tif").write_bytes(TIFF)

    source = open_source(batch, tmp_path / "w")

    assert source.manifest == batch / "Manifest.CSV"
    assert [f.relpath for f in source.files] == ["p1.tif"]
    assert ("metadata.csv", "extra-manifest") in codes(source)


def test_folder_symlinks_and_limits_are_reported(tmp_path):
    batch = tmp_path / "b"
    (batch / "a/b/c").mkdir(parents=True)
    (batch / "a/b/c/deep.tif").write_bytes(TIFF)
    (batch / "big.tif").write_bytes(TIFF * 10)
    (batch / "ok.tif").write_bytes(TIFF)
    os.symlink("/etc/passwd", batch / "passwd.tif")
    os.symlink(tmp_path, batch / "loop")

    source = open_source(batch, tmp_path / "w", Limits(max_depth=3, max_file_bytes=100))

    assert [f.relpath for f in source.files] == ["ok.tif"]
    assert codes(source) == {
        ("a/b/c", "too-deep"),  # not walked into
        ("big.tif", "file-too-large"),
        ("passwd.tif", "symlink"),
        ("loop", "symlink"),
    }
    assert "passwd.tif" in source.problem_files()


def test_folder_file_name_that_is_not_utf8_is_reported(tmp_path):
    batch = tmp_path / "b"
    batch.mkdir()
    (batch / "ok.tif").write_bytes(TIFF)
    with open(os.path.join(os.fsencode(batch), b"trang \xe1.tif"), "wb") as stream:
        stream.write(TIFF)  # a Latin-1 name from an old system
    source = open_source(batch, tmp_path / "w")
    assert [f.relpath for f in source.files] == ["ok.tif"]
    assert codes(source) == {("trang \\udce1.tif", "bad-name")}


def test_folder_with_too_many_files_is_refused(tmp_path):
    batch = tmp_path / "b"
    batch.mkdir()
    for i in range(4):
        (batch / f"{i}.tif").write_bytes(TIFF)
    with pytest.raises(IngestError) as caught:
        open_source(batch, tmp_path / "w", Limits(max_files=3))
    assert caught.value.code == "too-many-files"
    assert "Quá nhiều tệp" in str(caught.value) and "Too many files" in str(caught.value)


def test_not_a_batch(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(IngestError) as caught:
        open_source(text, tmp_path / "w")
    assert caught.value.code == "not-a-batch"
    with pytest.raises(IngestError, match="Batch not found"):
        open_source(tmp_path / "missing", tmp_path / "w")


# -- ZIPs ------------------------------------------------------------------------------------


def test_zip_is_extracted_into_the_work_dir(tmp_path):
    archive = zip_with(
        tmp_path / "lo.zip",
        [("sach1/p10.tif", TIFF), ("sach1/p9.tif", TIFF), ("__MACOSX/sach1/._p9.tif", b"x")],
    )
    source = open_source(archive, tmp_path / "work")

    assert source.kind == "zip"
    assert source.name == "lo"
    assert source.root == tmp_path / "work" / "extracted"
    assert [f.relpath for f in source.files] == ["sach1/p9.tif", "sach1/p10.tif"]
    assert source.files[0].path.read_bytes() == TIFF
    assert source.problems == []
    assert "__MACOSX/sach1/._p9.tif" in source.ignored
    assert not (source.root / "__MACOSX").exists()


def test_zip_with_one_wrapping_folder_is_stepped_into_when_it_is_a_batch(tmp_path):
    wrapped = zip_with(
        tmp_path / "a.zip",
        [("lo/manifest.csv", b"file,title\n"), ("lo/sach/p1.tif", TIFF)],
    )
    source = open_source(wrapped, tmp_path / "wa")
    assert source.root.name == "lo"
    assert source.manifest == source.root / "manifest.csv"
    assert [f.relpath for f in source.files] == ["sach/p1.tif"]

    one_book = zip_with(tmp_path / "b.zip", [("sach/p1.tif", TIFF), ("sach/p2.tif", TIFF)])
    source = open_source(one_book, tmp_path / "wb")
    assert [f.relpath for f in source.files] == ["sach/p1.tif", "sach/p2.tif"]


def test_zip_rerun_replaces_the_earlier_extraction(tmp_path):
    work = tmp_path / "w"
    open_source(zip_with(tmp_path / "a.zip", [("old.tif", TIFF)]), work)
    source = open_source(zip_with(tmp_path / "b.zip", [("new.tif", TIFF)]), work)
    assert [f.relpath for f in source.files] == ["new.tif"]
    assert sorted(p.name for p in work.iterdir()) == ["extracted"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../x.jpg", "path-traversal"),
        ("sach/../../x.jpg", "path-traversal"),
        ("..\\x.jpg", "path-traversal"),
        ("/etc/cron.d/x", "absolute-path"),
        ("C:/Windows/x.jpg", "drive-letter"),
        ("c:x.jpg", "drive-letter"),
    ],
)
def test_zip_entries_that_escape_are_refused_and_named(tmp_path, name, code):
    archive = zip_with(tmp_path / "h.zip", [(name, b"evil"), ("ok.tif", TIFF)])
    source = open_source(archive, tmp_path / "w")

    assert [f.relpath for f in source.files] == ["ok.tif"]
    [problem] = source.problems
    assert (problem.where, problem.code, problem.level) == (name, code, "error")
    assert problem.vi and problem.en and name in str(problem)
    assert not (tmp_path / "x.jpg").exists() and not (tmp_path / "w" / "x.jpg").exists()


def test_zip_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("sach/p1.tif")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_with(tmp_path / "s.zip", [(link, b"/etc/passwd"), ("sach/p2.tif", TIFF)])

    source = open_source(archive, tmp_path / "w")

    assert codes(source) == {("sach/p1.tif", "symlink")}
    assert [f.relpath for f in source.files] == ["sach/p2.tif"]
    assert not (source.root / "sach" / "p1.tif").is_symlink()
    assert "liên kết" in source.problems[0].vi and "symlink" in source.problems[0].en


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_zip_duplicate_names_are_refused(tmp_path):
    archive = zip_with(
        tmp_path / "d.zip",
        [("p1.tif", TIFF), ("P1.TIF", b"other"), ("p1.tif", b"again"), ("p1.tif/x", TIFF)],
    )
    source = open_source(archive, tmp_path / "w")
    assert [f.relpath for f in source.files] == ["p1.tif"]
    assert source.files[0].path.read_bytes() == TIFF  # the first one wins, not the last
    assert [p.code for p in source.problems] == ["duplicate-name"] * 3


def test_zip_encrypted_entry_is_refused(tmp_path):
    archive = zip_with(tmp_path / "e.zip", [("secret.tif", TIFF), ("open.tif", TIFF)])
    set_flag(archive, b"secret.tif", 0x1)
    source = open_source(archive, tmp_path / "w")
    assert codes(source) == {("secret.tif", "encrypted")}
    assert [f.relpath for f in source.files] == ["open.tif"]


def test_zip_bomb_entry_is_refused_by_its_ratio(tmp_path):
    zeros = b"\0" * (20 * 1024 * 1024)  # compresses about 1000:1
    archive = zip_with(tmp_path / "bomb.zip", [("bomb.tif", zeros), ("p1.tif", TIFF)])
    source = open_source(archive, tmp_path / "w", Limits(max_ratio=1000 * 10))
    assert codes(source) == set()  # under a generous ratio it is only a big file

    source = open_source(archive, tmp_path / "w2", Limits(max_ratio=200, max_file_bytes=10**9))
    [problem] = [p for p in source.problems if p.where == "bomb.tif"]
    assert problem.code == "zip-bomb"
    assert "bom nén" in problem.vi and "zip bomb" in problem.en
    assert not (source.root / "bomb.tif").exists()


def test_zip_bomb_overall_refuses_the_archive(tmp_path):
    many = [(f"z{i}.tif", b"\0" * (300 * 1024)) for i in range(10)]  # each under the floor
    archive = zip_with(tmp_path / "many.zip", many)
    with pytest.raises(IngestError) as caught:
        open_source(archive, tmp_path / "w")
    assert caught.value.code == "zip-bomb"
    assert not (tmp_path / "w" / "extracted").exists()


def test_zip_declared_sizes_over_the_limits(tmp_path):
    archive = zip_with(tmp_path / "big.zip", [("a.tif", os.urandom(5000)), ("b.tif", TIFF)])
    source = open_source(archive, tmp_path / "w", Limits(max_file_bytes=4000))
    assert codes(source) == {("a.tif", "file-too-large")}
    with pytest.raises(IngestError) as caught:
        open_source(archive, tmp_path / "w", Limits(max_total_bytes=4000))
    assert caught.value.code == "total-too-large"


def test_zip_with_too_many_files_is_refused(tmp_path):
    archive = zip_with(tmp_path / "n.zip", [(f"{i}.tif", TIFF) for i in range(5)])
    with pytest.raises(IngestError) as caught:
        open_source(archive, tmp_path / "w", Limits(max_files=4))
    assert caught.value.code == "too-many-files"
    assert caught.value.where == "n.zip"


def test_zip_entry_whose_declared_size_lies_is_refused(tmp_path):
    data = os.urandom(3000)
    archive = zip_with(tmp_path / "lie.zip", [("lie.tif", data), ("ok.tif", TIFF)])
    raw = bytearray(archive.read_bytes())
    # Claim 100 bytes in both headers: the data inflates to more and fails its CRC.
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, local + 22, 100)
    struct.pack_into("<I", raw, central + 24, 100)
    archive.write_bytes(bytes(raw))

    source = open_source(archive, tmp_path / "w")

    assert codes(source) == {("lie.tif", "corrupt-entry")}
    assert not (source.root / "lie.tif").exists()


def test_copy_limited_stops_at_the_limit():
    out = io.BytesIO()
    assert copy_limited(io.BytesIO(b"x" * 10), out, 10) == 10
    with pytest.raises(_EntryTooLarge):
        copy_limited(io.BytesIO(b"x" * (3 * 1024 * 1024)), io.BytesIO(), 2 * 1024 * 1024)


def test_zip_deep_entries_are_refused(tmp_path):
    archive = zip_with(tmp_path / "deep.zip", [("a/b/c/d.tif", TIFF), ("a/ok.tif", TIFF)])
    source = open_source(archive, tmp_path / "w", Limits(max_depth=3))
    assert codes(source) == {("a/b/c/d.tif", "too-deep")}


def test_zip_names_without_the_utf8_flag(tmp_path):
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ascii.tif", TIFF)
        archive.writestr("Sách/Trang 1.tif", TIFF)  # flagged UTF-8 by zipfile
    raw = bytearray(path.read_bytes())
    # Un-flag the UTF-8 name, as 7-Zip or macOS may write it: still read as UTF-8.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            flags = struct.unpack_from("<H", raw, start + offset)[0] & ~0x800
            struct.pack_into("<H", raw, start + offset, flags)
            start += 4
    path.write_bytes(bytes(raw))
    assert not zipfile.ZipFile(path).getinfo("ascii.tif").flag_bits & 0x800

    source = open_source(path, tmp_path / "w")

    assert [f.relpath for f in source.files] == ["ascii.tif", "Sách/Trang 1.tif"]


def test_zip_name_in_the_windows_vietnamese_code_page(tmp_path):
    # "Bản đồ Hà Nội" as Windows-1258 bytes (tone marks as combining characters).
    cp1258 = "Ba\u0309n đô\u0300 Ha\u0300 Nô\u0323i".encode("cp1258")
    placeholder = b"x" * len(cp1258)
    path = zip_with(tmp_path / "cp.zip", [(placeholder.decode() + "/p1.tif", TIFF)])
    rename_raw(path, placeholder, cp1258)

    source = open_source(path, tmp_path / "w")

    assert [f.relpath for f in source.files] == ["Bản đồ Hà Nội/p1.tif"]


def test_zip_name_from_the_unicode_path_field(tmp_path):
    stored = "tap tin.tif"
    real = "tập tin.tif".encode()
    info = zipfile.ZipInfo(stored)
    info.extra = struct.pack("<HHBI", 0x7075, 5 + len(real), 1, zlib.crc32(stored.encode())) + real
    path = zip_with(tmp_path / "u.zip", [(info, TIFF)])
    source = open_source(path, tmp_path / "w")
    assert [f.relpath for f in source.files] == ["tập tin.tif"]


def test_corrupt_zip_is_refused(tmp_path):
    path = zip_with(tmp_path / "c.zip", [("p1.tif", TIFF)])
    data = path.read_bytes()
    path.write_bytes(data[:10] + b"\0" * 20 + data[30:-22] + b"PK\x05\x06" + b"\xff" * 18)
    with pytest.raises(IngestError):
        open_source(path, tmp_path / "w")


# -- bags ------------------------------------------------------------------------------------


def make_bag(folder, files):
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    bagit.make_bag(str(folder), {"Source-Organization": "Thư viện Quốc gia"}, checksums=["sha256"])
    return folder


def test_bag_folder_is_validated_and_its_payload_listed(tmp_path):
    payload = {"sach/p2.tif": TIFF, "sach/p10.tif": TIFF, "manifest.csv": b"file\n"}
    bag = make_bag(tmp_path / "bag", payload)

    source = open_source(bag, tmp_path / "w")

    assert source.kind == "bag"
    assert source.root == bag / "data"
    assert [f.relpath for f in source.files] == ["sach/p2.tif", "sach/p10.tif"]
    assert source.manifest == bag / "data" / "manifest.csv"
    assert source.bag_info["Source-Organization"] == "Thư viện Quốc gia"
    assert "Payload-Oxum" in source.bag_info
    assert source.problems == []


def test_bag_whose_manifest_lies_names_the_file(tmp_path):
    bag = make_bag(tmp_path / "bag", {"sach/p1.tif": TIFF, "sach/p2.tif": TIFF})
    (bag / "data/sach/p2.tif").write_bytes(TIFF[:-1] + b"\x01")  # same size: Oxum still fine

    source = open_source(bag, tmp_path / "w")

    [problem] = source.problems
    assert (problem.code, problem.where, problem.relpath) == (
        "checksum-mismatch",
        "sach/p2.tif",
        "sach/p2.tif",
    )
    assert "Tổng kiểm tra sha256 không khớp" in problem.vi and "checksum mismatch" in problem.en
    assert source.problem_files() == {"sach/p2.tif"}
    assert source.batch_errors() == []
    assert [f.relpath for f in source.files] == ["sach/p1.tif", "sach/p2.tif"]  # reported


def test_bag_missing_and_unlisted_files_and_oxum(tmp_path):
    bag = make_bag(tmp_path / "bag", {"p1.tif": TIFF, "p2.tif": TIFF})
    (bag / "data/p1.tif").unlink()
    (bag / "data/p3.tif").write_bytes(TIFF)
    (bag / "data/.DS_Store").write_bytes(b"x")

    source = open_source(bag, tmp_path / "w")

    found = {(p.code, p.relpath, p.level) for p in source.problems}
    assert ("missing-file", "p1.tif", "error") in found
    assert ("unlisted-file", "p3.tif", "error") in found
    assert ("unlisted-file", ".DS_Store", "warning") in found
    assert ("oxum-mismatch", None, "error") in found
    assert not any(p.code == "checksum-mismatch" for p in source.problems)
    assert source.problem_files() == {"p1.tif", "p3.tif"}
    assert [p.where for p in source.batch_errors()] == ["bag-info.txt"]


def test_zip_holding_a_bag(tmp_path):
    bag = make_bag(tmp_path / "bag", {"sach/p1.tif": TIFF})
    path = tmp_path / "bag.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(bag.rglob("*")):
            archive.write(file, "mybag/" + file.relative_to(bag).as_posix())

    source = open_source(path, tmp_path / "w")

    assert source.kind == "bag"
    assert source.root == tmp_path / "w" / "extracted" / "mybag" / "data"
    assert [f.relpath for f in source.files] == ["sach/p1.tif"]
    assert source.problems == []


def test_broken_bag_is_refused(tmp_path):
    bag = make_bag(tmp_path / "bag", {"p1.tif": TIFF})
    for manifest in bag.glob("manifest-*.txt"):
        manifest.unlink()
    with pytest.raises(IngestError) as caught:
        open_source(bag, tmp_path / "w")
    assert caught.value.code == "bad-bag"
    assert "BagIt" in caught.value.vi


def test_real_images_in_a_zip(tmp_path):
    page = write_image(tmp_path / "src" / "p.tif", "tiff")
    archive = zip_with(tmp_path / "img.zip", [("sach/p1.tif", page.read_bytes())])
    source = open_source(archive, tmp_path / "w")
    assert source.files[0].path.read_bytes() == page.read_bytes()
