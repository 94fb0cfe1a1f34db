"""Manifests (CSV, XLSX) and the folder layout: objects, ordered pages, problems per row."""

import zipfile

import openpyxl
import pytest

from tests.digital.ingest.helpers import FIXTURES, write_image, write_pdf
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.manifest import manifest_from_layout, plan, read_manifest
from thuvien.digital.ingest.sources import open_source


def batch_with(root, names):
    """A batch folder with a small real image (or PDF) for each name."""
    for name in names:
        if name.endswith(".pdf"):
            write_pdf(root / name, [(200, 300), (200, 300), (200, 300)])
        elif name.endswith(".txt"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("ghi chú")
        else:
            write_image(root / name, "tiff", width=16, height=12)
    return open_source(root, root.parent / "work")


def problems_of(manifest, level=None):
    return {
        (p.row, p.column, p.code) for p in manifest.problems if level is None or p.level == level
    }


VI_FILES = [
    "sach-1/bia.tif",
    "sach-1/trang2.tif",
    "sach-1/trang10.tif",
    "sach-1/ghichu.txt",
    "bao-1/p1.tif",
    "anh-1/a.tif",
    "bando-1/a.tif",
    "bando-2/a.tif",
    "bando-2/b.tif",
]


def test_csv_with_vietnamese_headers_bom_and_semicolons(tmp_path):
    source = batch_with(tmp_path / "lo", VI_FILES)

    manifest = read_manifest(FIXTURES / "manifest-vi.csv", source.files)

    assert [obj.key for obj in manifest.objects] == ["sach-1"]
    [book] = manifest.objects
    assert (book.title, book.kind, book.access, book.row) == ("Truyện Kiều", "book", "public", 2)
    assert (book.collection, book.catalogue_record) == ("Văn học cổ", "VN-NLV-000123")
    assert book.dc == {
        "creator": ["Nguyễn Du"],
        "date": ["1820"],
        "subject": ["Văn học", "Thơ"],
        "language": ["vie"],
    }
    assert [(p.relpath, p.order, p.label) for p in book.pages] == [
        ("sach-1/bia.tif", 1, "Bìa"),
        ("sach-1/trang2.tif", 2, "1"),
        ("sach-1/trang10.tif", 3, "2"),
    ]
    assert problems_of(manifest) == {
        (1, "Ghi chú nội bộ", "unknown-column"),
        (6, "Tệp", "duplicate-file"),
        (7, "title", "missing-title"),
        (8, "Tệp", "missing-file"),
        (9, "Quyền truy cập", "unknown-access"),
        (11, "page", "duplicate-order"),
        (0, None, "unlisted-file"),
    }
    assert {
        p.level for p in manifest.problems if p.code in ("unknown-column", "unlisted-file")
    } == {"warning"}
    rejected = {obj.key: obj for obj in manifest.rejected}
    assert set(rejected) == {"bao-1", "anh-1", "anh-2", "bando-1", "bando-2"}
    assert rejected["bao-1"].kind == "newspaper" and rejected["bao-1"].access == "registered"
    assert [p.code for p in rejected["anh-2"].problems] == ["missing-file"]
    [unlisted] = [p for p in manifest.problems if p.code == "unlisted-file"]
    assert unlisted.file == "sach-1/ghichu.txt"
    missing = next(p for p in manifest.problems if p.code == "missing-file")
    assert str(missing) == (
        "Không có tệp 'anh-2/thieu.tif' trong lô (dòng 8, cột Tệp)"
        " / No file 'anh-2/thieu.tif' in the batch (row 8, column Tệp)"
    )


def test_xlsx_with_english_headers_and_row_problems(tmp_path):
    source = batch_with(tmp_path / "lo", ["a/1.tif", "a/2.tif", "b/1.tif", "c/1.tif"])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["Object", "File", "Page", "Title", "Type", "Date", "Access", "dc.rights", "Shelf"]
    )
    sheet.append(["a", "a/1.tif", 1, "Map of Hue", "map", 1890, "onsite", "Public domain", "K3"])
    sheet.append(["a", "a/2.tif", 2.0, None, None, None, None, None, None])
    sheet.append(["b", "b/1.tif", "one", "Photo", "photograph", None, "public", None, None])
    sheet.append(["c", "c/1.tif", 1, "Mystery", "pamphlet", None, "restricted", None, None])
    sheet.append(["c", "a/1.tif", 2, None, None, None, None, None, None])
    path = tmp_path / "lo" / "manifest.xlsx"
    workbook.save(path)

    manifest = read_manifest(path, source.files)

    [hue] = manifest.objects
    assert (hue.key, hue.title, hue.kind, hue.access) == ("a", "Map of Hue", "map", "onsite")
    assert hue.dc == {"date": ["1890"], "rights": ["Public domain"]}
    assert [p.relpath for p in hue.pages] == ["a/1.tif", "a/2.tif"]
    assert problems_of(manifest) == {
        (1, "Shelf", "unknown-column"),
        (4, "Page", "bad-number"),
        (0, None, "unlisted-file"),  # b/1.tif: its row was refused
        (5, "Type", "unknown-type"),
        (6, "File", "duplicate-file"),
    }
    assert {obj.key for obj in manifest.rejected} == {"b", "c"}


def test_utf16_csv_from_excel_with_tabs(tmp_path):
    source = batch_with(tmp_path / "lo", ["p1.tif"])
    text = "tệp\tnhan đề\tquyền truy cập\r\np1.tif\tCông báo\tcông khai\r\n"
    path = tmp_path / "manifest.csv"
    path.write_bytes(text.encode("utf-16"))

    manifest = read_manifest(path, source.files)

    [obj] = manifest.objects
    assert (obj.key, obj.title, obj.access) == ("p1", "Công báo", "public")
    assert manifest.problems == []


def _cp1258(text):
    """Windows-1258 bytes: tone marks as combining characters after the letter."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(c for c in parts if c in tones)
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_windows_1258_csv_is_detected_and_reported(tmp_path):
    source = batch_with(tmp_path / "lo", ["sach/1.tif"])
    text = (
        "Tệp,Nhan đề,Tác giả,Quyền truy cập\r\n"
        "sach/1.tif,Lịch sử Việt Nam thời kỳ cận đại,Trần Trọng Kim,công khai\r\n"
    )
    path = tmp_path / "manifest.csv"
    path.write_bytes(_cp1258(text))

    manifest = read_manifest(path, source.files)

    [obj] = manifest.objects
    assert obj.title == "Lịch sử Việt Nam thời kỳ cận đại"
    assert obj.dc["creator"] == ["Trần Trọng Kim"]
    assert problems_of(manifest) == {(0, None, "legacy-encoding")}


def test_unreadable_manifests_fail_cleanly(tmp_path):
    source = batch_with(tmp_path / "lo", ["p1.tif"])
    garbage = tmp_path / "manifest.csv"
    garbage.write_bytes(b"file,title\n" + bytes(range(128, 256)) * 3)
    with pytest.raises(IngestError) as caught:
        read_manifest(garbage, source.files)
    assert caught.value.code == "unknown-encoding"
    assert caught.value.where == "manifest.csv"
    assert "UTF-8" in caught.value.vi

    no_file = tmp_path / "nofile.csv"
    no_file.write_text("title,creator\nA,B\n")
    with pytest.raises(IngestError) as caught:
        read_manifest(no_file, source.files)
    assert caught.value.code == "no-file-column"

    xls = tmp_path / "old.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(IngestError, match=r"\(\.xls\)"):
        read_manifest(xls, source.files)


def test_xlsx_declaring_entities_is_refused(tmp_path):
    source = batch_with(tmp_path / "lo", ["p1.tif"])
    workbook = openpyxl.Workbook()
    workbook.active.append(["file", "title"])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    evil = tmp_path / "manifest.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet',
                    1,
                )
            out.writestr(info, data)
    with pytest.raises(IngestError) as caught:
        read_manifest(evil, source.files)
    assert caught.value.code == "xml-entities"


def test_one_row_per_object_with_a_folder_a_pattern_and_pdfs(tmp_path):
    source = batch_with(
        tmp_path / "lo",
        [
            "sach/p10.tif",
            "sach/p2.tif",
            "sach/notes.txt",
            "anh/x1.tif",
            "anh/x2.png.bak",
            "tai-lieu.pdf",
        ],
    )
    path = tmp_path / "manifest.csv"
    path.write_text(
        "object,file,title,pdf_page,access\n"
        "s,sach/,Sách,,public\n"
        "a,anh/*.tif,Ảnh,,public\n"
        "d,tai-lieu.pdf,Cả PDF,,public\n"
        "e,tai-lieu.pdf,Trang hai,2,public\n",
        "utf-8",
    )

    manifest = read_manifest(path, source.files)

    by_key = {obj.key: obj for obj in manifest.objects}
    assert [(p.relpath, p.label) for p in by_key["s"].pages] == [
        ("sach/p2.tif", "1"),
        ("sach/p10.tif", "2"),
    ]
    assert [p.relpath for p in by_key["a"].pages] == ["anh/x1.tif"]
    assert "e" in {obj.key for obj in manifest.rejected}  # page 2 is already in object d
    assert [(p.relpath, p.pdf_page, p.order) for p in by_key["d"].pages] == [
        ("tai-lieu.pdf", 1, 1),
        ("tai-lieu.pdf", 2, 2),
        ("tai-lieu.pdf", 3, 3),
    ]
    unused = {p.file for p in manifest.problems if p.code == "unlisted-file"}
    assert unused == {"sach/notes.txt", "anh/x2.png.bak"}


def test_single_pdf_page_and_continuation_rows(tmp_path):
    source = batch_with(tmp_path / "lo", ["doc.pdf", "scan/1.tif", "scan/2.tif"])
    path = tmp_path / "manifest.csv"
    path.write_text(
        "ma_doi_tuong,tep,trang_pdf,nhan_trang,nhan_de,ngon_ngu,tac_gia\n"
        "x,doc.pdf,3,Phụ lục,Phụ lục,Hán Nôm;fr,Phan Bội Châu\n"
        ",scan/2.tif,,,,,Huỳnh Thúc Kháng\n"
        ",scan/1.tif,,,,Tiếng Sao Hoả,\n",
        "utf-8",
    )

    manifest = read_manifest(path, source.files)

    [obj] = manifest.objects
    assert [(p.relpath, p.pdf_page, p.label) for p in obj.pages] == [
        ("doc.pdf", 3, "Phụ lục"),
        ("scan/2.tif", None, "2"),
        ("scan/1.tif", None, "3"),
    ]
    assert obj.dc["language"] == ["chi", "vie", "fre", "Tiếng Sao Hoả"]
    assert obj.dc["creator"] == ["Phan Bội Châu", "Huỳnh Thúc Kháng"]
    assert problems_of(manifest) == {
        (1, None, "no-access-column"),
        (2, "language", "unknown-language"),
    }
    assert obj.access == "restricted"  # nothing is published unless the manifest says so


def test_page_order_problems_and_conflicting_rows(tmp_path):
    source = batch_with(tmp_path / "lo", ["a/1.tif", "a/2.tif", "a/3.tif", "b/1.tif", "b/2.tif"])
    path = tmp_path / "manifest.csv"
    path.write_text(
        "object,file,page,title,access\n"
        "a,a/1.tif,1,A,public\n"
        "a,a/2.tif,4,A,public\n"
        "b,b/1.tif,1,B,public\n"
        "b,b/2.tif,,B khác,public\n",
        "utf-8",
    )

    manifest = read_manifest(path, source.files)

    [a] = manifest.objects
    assert [(p.relpath, p.order, p.label) for p in a.pages] == [
        ("a/1.tif", 1, "1"),
        ("a/2.tif", 2, "4"),
    ]
    assert problems_of(manifest) == {
        (2, "page", "order-gap"),
        (5, "title", "conflict"),
        (5, "page", "missing-order"),
        (0, None, "unlisted-file"),
    }
    [b] = manifest.rejected
    assert "Khác giá trị 'B' ở dòng 4" in b.problems[0].vi


# -- the folder layout -----------------------------------------------------------------------


def test_layout_folders_loose_pdf_and_loose_images(tmp_path):
    source = batch_with(
        tmp_path / "Lo 2024",
        [
            "Sach A/trang 10.tif",
            "Sach A/trang 2.tif",
            "Sach A/phu luc/1.tif",
            "Bao B/1.jpg",
            "cong-bao.pdf",
            "anh1.tif",
            "anh2.tif",
            "doc-truoc.txt",
        ],
    )

    manifest = manifest_from_layout(source.files, batch_name=source.name)

    by_key = {obj.key: obj for obj in manifest.objects}
    assert list(by_key) == ["Lo 2024", "Bao B", "cong-bao", "Sach A"]  # by first file
    assert [(p.relpath, p.label) for p in by_key["Sach A"].pages] == [
        ("Sach A/phu luc/1.tif", "1"),
        ("Sach A/trang 2.tif", "2"),
        ("Sach A/trang 10.tif", "3"),
    ]
    assert by_key["Sach A"].title == "Sach A"
    assert [p.pdf_page for p in by_key["cong-bao"].pages] == [1, 2, 3]
    assert by_key["cong-bao"].title == "cong-bao"
    assert [p.relpath for p in by_key["Lo 2024"].pages] == ["anh1.tif", "anh2.tif"]
    assert {obj.access for obj in manifest.objects} == {"restricted"}
    assert [(p.file, p.code, p.level) for p in manifest.problems] == [
        ("doc-truoc.txt", "not-a-page", "warning")
    ]


def test_layout_text_named_tif_rejects_its_object(tmp_path):
    source = batch_with(tmp_path / "lo", ["ok/1.tif", "bad/1.tif"])
    (source.root / "bad" / "2.tif").write_text("không phải ảnh")
    source = open_source(source.root, tmp_path / "w")

    manifest = manifest_from_layout(source.files)

    assert [obj.key for obj in manifest.objects] == ["ok"]
    [bad] = manifest.rejected
    [problem] = bad.problems
    assert (problem.code, problem.file, problem.key) == ("unsupported-format", "bad/2.tif", "bad")


# -- plan: the batch and its manifest together -----------------------------------------------


def test_plan_holds_back_the_object_with_a_lying_checksum(tmp_path):
    import bagit

    folder = tmp_path / "bag"
    for name in ["sach-1/1.tif", "sach-2/1.tif"]:
        write_image(folder / name, "tiff", width=16, height=12)
    bagit.make_bag(str(folder), checksums=["sha256"])
    page = folder / "data" / "sach-2" / "1.tif"
    page.write_bytes(page.read_bytes()[:-1] + b"\x07")  # same size, different bytes

    source = open_source(folder, tmp_path / "w")
    manifest = plan(source)

    assert [obj.key for obj in manifest.objects] == ["sach-1"]
    [held] = manifest.rejected
    assert held.key == "sach-2"
    assert [p.code for p in held.problems] == ["blocked-file"]

    with open(folder / "bag-info.txt", "a", encoding="utf-8") as info:
        info.write("Contact-Name: Ai đó\n")  # the tag manifest no longer matches
    manifest = plan(open_source(folder, tmp_path / "w"))
    assert manifest.objects == []
    [batch_error] = [p for p in manifest.problems if p.code == "batch-error"]
    assert batch_error.key == "sach-1"
    assert "bag-info.txt" in batch_error.en
