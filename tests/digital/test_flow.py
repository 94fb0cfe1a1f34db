"""A batch from folder to reader: ingest, derivatives, OCR, IIIF, search, access, preservation."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from tests import factories
from tests.digital.conftest import MANIFEST, TEXTS, render
from tests.digital.conftest import ingest_batch as _ingest
from thuvien.accounts.models import Role
from thuvien.digital.models import DigitalBatch, DigitalObject, ObjectStatus, PreservationEvent
from thuvien.digital.services import paths
from thuvien.ops.jobs import run_job_inline

pytestmark = pytest.mark.django_db


def test_batch_publishes_objects_with_pages_text_and_preserved_masters(ingested, client):
    _, _, report = ingested
    assert report["objects"] == 2 and report["published"] == 2, report
    book = DigitalObject.objects.get(batch_key="sach-1")
    assert book.status == ObjectStatus.READY and book.kind == "book" and book.page_count == 2
    assert [p.label for p in book.pages.order_by("order")] == ["Bìa", "1"]
    first = book.pages.get(order=1)
    assert (
        first.width > 500
        and len(first.sha512) == 128
        and first.puid in {"fmt/11", "fmt/12", "fmt/13"}
    )
    assert "thư viện" in first.text.lower() and first.ocr_status == "done"
    assert paths.pyramid_path(first).exists() and paths.pdf_path(book).exists()
    state = paths.primary_root().state(book.ocfl_id)
    assert "masters/sach-1/a.png" in state and "metadata/mods.xml" in state
    assert any(name.startswith("ocr/") for name in state)
    assert paths.replica_root().head(book.ocfl_id) == paths.primary_root().head(book.ocfl_id)
    kinds = set(PreservationEvent.objects.filter(obj=book).values_list("event_type", flat=True))
    assert {
        "ingestion",
        "message digest calculation",
        "format identification",
        "replication",
    } <= kinds
    assert paths.primary_root().validate().ok and paths.replica_root().validate().ok


def test_iiif_image_and_manifest(ingested, client):
    book = DigitalObject.objects.get(batch_key="sach-1")
    page = book.pages.get(order=1)
    info = client.get(f"/iiif/3/{page.ident}/info.json")
    assert info.status_code == 200 and info["Access-Control-Allow-Origin"] == "*"
    data = info.json()
    assert data["width"] == page.width and data["id"].endswith(f"/iiif/3/{page.ident}")
    tile = client.get(f"/iiif/3/{page.ident}/0,0,256,256/256,/0/default.jpg")
    assert tile.status_code == 200 and tile["Content-Type"] == "image/jpeg"
    assert tile.content[:2] == b"\xff\xd8"
    assert client.get(f"/iiif/3/{page.ident}/0,0,0,0/max/0/default.jpg").status_code == 400
    manifest = client.get(f"/iiif/presentation/{book.ident}/manifest").json()
    from iiif_prezi3 import Manifest

    Manifest(**manifest)
    assert len(manifest["items"]) == 2
    assert any(s.get("type") == "SearchService2" for s in manifest.get("service", []))


def test_content_search_finds_words_with_boxes(ingested, client):
    book = DigitalObject.objects.get(batch_key="sach-1")
    found = client.get(f"/iiif/search/{book.ident}", {"q": "chuyen doi so"}).json()
    assert found["type"] == "AnnotationPage" and found["items"], found
    target = json.dumps(found["items"][0])
    assert "/canvas/2" in target and "xywh=" in target


def test_restricted_object_refused_to_the_public(ingested, client):
    library, _, _ = ingested
    secret = DigitalObject.objects.get(batch_key="mat-1")
    page = secret.pages.get(order=1)
    for url in (
        f"/iiif/3/{page.ident}/info.json",
        f"/iiif/presentation/{secret.ident}/manifest",
        f"/iiif/3/{page.ident}/full/max/0/default.jpg",
        f"/iiif/search/{secret.ident}?q=bao",
    ):
        assert client.get(url).status_code == 401, url
    assert client.get(f"/so-hoa/{secret.ident}/").status_code == 403
    assert client.get(f"/so-hoa/{secret.ident}/tai-ve.pdf").status_code == 403
    reader = factories.user("reader1", Role.READER)
    client.force_login(reader)
    assert client.get(f"/iiif/3/{page.ident}/info.json").status_code == 403
    staff = factories.user("staff1", Role.LIBRARY_STAFF, library=library)
    client.force_login(staff)
    assert client.get(f"/iiif/3/{page.ident}/info.json").status_code == 200
    assert client.get(f"/so-hoa/{secret.ident}/").status_code == 200


def test_search_across_collections_hides_what_the_reader_cannot_read(ingested, client):
    page = client.get("/so-hoa/", {"q": "di san van hoa"})
    assert page.status_code == 200
    assert "Hồ sơ hạn chế" not in page.content.decode()
    found = client.get("/so-hoa/", {"q": "thu vien quoc gia"}).content.decode()
    assert "Sổ tay số hóa" in found and "<mark>" in found


def test_mets_and_bag_export(ingested, tmp_path):
    from thuvien.digital.preservation.bags import validate_bag
    from thuvien.digital.services.export import export_object_bag, mets_for

    book = DigitalObject.objects.get(batch_key="sach-1")
    root = etree.fromstring(mets_for(book))
    assert root.tag == "{http://www.loc.gov/METS/}mets"
    assert root.findall(".//{http://www.loc.gov/premis/v3}event")
    bag = export_object_bag(book, tmp_path / "bag")
    assert validate_bag(bag) == []
    assert (bag / "data" / "masters" / "sach-1" / "a.png").exists()


def test_flipped_byte_found_by_audit_and_repaired(ingested):
    from thuvien.digital.services.audit import run_audit

    book = DigitalObject.objects.get(batch_key="sach-1")
    held = paths.primary_root().state(book.ocfl_id)["masters/sach-1/a.png"]
    data = bytearray(held.content_path.read_bytes())
    data[100] ^= 0xFF
    held.content_path.write_bytes(bytes(data))
    report = run_audit(everything=True)
    assert report["mismatches"] == 1 and report["repaired"] == 1 and report["unrepaired"] == 0
    again = run_audit(everything=True)
    assert again["mismatches"] == 0
    assert PreservationEvent.objects.filter(
        obj=book, event_type="recovery", outcome="success"
    ).exists()


def test_restore_drill_command(ingested, capsys):
    book = DigitalObject.objects.get(batch_key="sach-1")
    call_command("digital_restore_drill", "--object", book.ident, "--seed", "3")
    out = capsys.readouterr().out
    assert '"passed": true' in out and "restore drill passed" in out


def test_broken_page_holds_the_object_back(digital_dirs, tmp_path, client):
    folder = tmp_path / "broken"
    (folder / "tap-1").mkdir(parents=True)
    render(folder / "tap-1" / "01.png", TEXTS[0])
    (folder / "tap-1" / "02.tif").write_bytes(b"II*\x00" + b"\x00" * 40)  # truncated TIFF
    library = factories.library()
    batch, _ = _ingest(library, folder, ocr=False)
    obj = DigitalObject.objects.get(batch=batch)
    assert obj.status == ObjectStatus.HELD and batch.status == "partial"
    assert "02.tif" in json.dumps(obj.problems, ensure_ascii=False)
    assert client.get(f"/iiif/presentation/{obj.ident}/manifest").status_code == 401
    # a rerun of the same batch leaves everything as it was: no duplicates
    run_job_inline("digital.ingest", "rerun", {"batch": batch.pk}, show_progress=False)
    assert DigitalObject.objects.filter(batch=batch).count() == 1


def test_zip_with_path_traversal_is_refused_per_item(digital_dirs, tmp_path):
    archive = tmp_path / "evil.zip"
    good = render(tmp_path / "good.png", TEXTS[1])
    with zipfile.ZipFile(archive, "w") as out:
        out.write(good, "sach/01.png")
        out.writestr("../../etc/evil.png", b"x")
    library = factories.library()
    batch, _ = _ingest(library, archive, ocr=False)
    assert any("evil" in p["where"] for p in batch.problems)
    # an archive built to attack is trusted for nothing: its objects are held, not published
    assert DigitalObject.objects.get(batch=batch).status == ObjectStatus.HELD
    assert not (digital_dirs / "etc").exists()


def test_ingest_command_json_and_wrong_arguments(digital_dirs, batch_folder, capsys):
    library = factories.library()
    with pytest.raises(CommandError, match="no library"):
        call_command("digital_ingest", str(batch_folder), "--library", "VN-999999999")
    with pytest.raises(CommandError, match="no such file"):
        call_command("digital_ingest", "/nonexistent", "--library", library.vn_id)
    shutil.rmtree(batch_folder / "mat-1")
    (batch_folder / "manifest.csv").write_text("\n".join(MANIFEST.splitlines()[:3]), "utf-8")
    call_command(
        "digital_ingest", str(batch_folder), "--library", library.vn_id, "--no-ocr", "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert report["published"] == 1 and report["objects"][0]["pages"][0]["iiif"].startswith(
        "/iiif/3/tv"
    )
    assert DigitalBatch.objects.count() == 1


def test_exported_bag_comes_back_as_the_same_object(ingested, tmp_path):
    from thuvien.digital.services.export import export_object_bag

    book = DigitalObject.objects.get(batch_key="sach-1")
    bag = export_object_bag(book, tmp_path / "bag")
    batch, report = _ingest(book.library, bag, ocr=False)
    again = DigitalObject.objects.get(batch=batch)
    assert report["published"] == 1 and again.title == book.title and again.kind == book.kind
    assert [p.label for p in again.pages.order_by("order")] == ["Bìa", "1"]
    assert [p.sha512 for p in again.pages.order_by("order")] == [
        p.sha512 for p in book.pages.order_by("order")
    ]
    # a bag whose manifest lies: a master changed after export holds the object back
    master = next((bag / "data" / "masters").rglob("a.png"))
    master.write_bytes(master.read_bytes()[:-10] + b"0123456789")
    batch, _ = _ingest(book.library, bag, ocr=False)
    held = DigitalObject.objects.get(batch=batch)
    assert held.status == ObjectStatus.HELD and "a.png" in json.dumps(batch.problems)


def test_commands_refuse_wrong_arguments(ingested, tmp_path, capsys):
    library, _, _ = ingested
    with pytest.raises(CommandError, match="slug"):
        call_command("digital_collection", "bộ sưu tập", "--library", library.vn_id, "--title", "X")
    call_command(
        "digital_collection", "tu-lieu-quy", "--library", library.vn_id, "--title", "Tư liệu quý"
    )
    with pytest.raises(CommandError, match="no object"):
        call_command("digital_export_bag", "tv9999999", str(tmp_path / "bag"))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    book = DigitalObject.objects.get(batch_key="sach-1")
    with pytest.raises(CommandError, match="not empty"):
        call_command("digital_export_bag", book.ident, str(tmp_path / "full"))
    call_command("digital_validate")
    assert capsys.readouterr().out.count("valid") >= 2
    call_command("digital_reindex")


def test_collections_are_iiif_collections(ingested, client):
    from iiif_prezi3 import Collection as IIIFCollection

    from thuvien.digital.models import Collection

    library, _, _ = ingested
    collection = Collection.objects.create(slug="tu-lieu", library=library, title="Tư liệu")
    DigitalObject.objects.update(collection=collection)
    data = client.get("/iiif/presentation/collections/tu-lieu").json()
    IIIFCollection(**data)
    assert [item["label"]["vi"][0] for item in data["items"]] == ["Sổ tay số hóa"]  # public only
    top = client.get("/iiif/presentation/collections/top").json()
    assert top["items"][0]["id"].endswith("/collections/tu-lieu")
    assert client.get("/iiif/presentation/collections/khong-co").status_code == 404
    assert "Sổ tay số hóa" in client.get("/so-hoa/bo-suu-tap/tu-lieu/").content.decode()


def test_catalogue_search_points_to_matching_digital_objects(ingested, client):
    page = client.get("/muc-luc/", {"q": "chuyển đổi số"}).content.decode()
    assert "tài liệu số có chữ khớp" in page and "/so-hoa/?q=" in page


def test_damage_is_mailed_to_the_keepers(ingested, settings, mailoutbox):
    from thuvien.digital.services.audit import run_audit

    settings.THUVIEN_DIGITAL_ALERT_EMAILS = ["baoquan@example.vn"]
    book = DigitalObject.objects.get(batch_key="sach-1")
    paths.replica_root().delete_object(book.ocfl_id)
    report = run_audit(everything=True)
    assert report["repaired"] == 1
    assert mailoutbox and "baoquan@example.vn" in mailoutbox[0].to


def test_interrupted_object_resumes_without_duplicates(ingested):
    """A crash after one page: the rerun derives the rest and ends as a clean run would."""
    _, batch, _ = ingested
    book = DigitalObject.objects.get(batch_key="sach-1")
    second = book.pages.get(order=2)
    paths.pyramid_path(second).unlink()
    type(second).objects.filter(pk=second.pk).update(status="pending", ocr_status="")
    DigitalObject.objects.filter(pk=book.pk).update(status=ObjectStatus.INGESTING)
    report = run_job_inline(
        "digital.ingest", "rerun", {"batch": batch.pk}, show_progress=False
    ).report
    book.refresh_from_db()
    assert report["objects"] == 2 and book.status == ObjectStatus.READY
    assert book.pages.count() == 2 and paths.pyramid_path(second).exists()
    assert DigitalObject.objects.count() == 2
    assert paths.primary_root().validate().ok


def test_blank_page_is_flagged_not_silently_empty(digital_dirs, tmp_path):
    folder = tmp_path / "trang-trang"
    (folder / "tap").mkdir(parents=True)
    render(folder / "tap" / "1.png", TEXTS[0])
    render(folder / "tap" / "2.png", "")
    batch, report = _ingest(factories.library(), folder)
    blank = DigitalObject.objects.get(batch=batch).pages.get(order=2)
    assert blank.ocr_status == "empty" and "No text" in blank.error
    assert report["ocr_empty"] == 1


def test_ocr_that_cannot_start_publishes_without_text_then_runs_later(
    digital_dirs, tmp_path, settings, capsys
):
    folder = tmp_path / "lo"
    (folder / "tap").mkdir(parents=True)
    render(folder / "tap" / "1.png", TEXTS[0])
    settings.THUVIEN_DIGITAL_OCR_LANGUAGE = "khong-co"
    batch, report = _ingest(factories.library(), folder)
    assert report["published"] == 1
    obj = DigitalObject.objects.get(batch=batch)
    assert obj.status == ObjectStatus.READY and not obj.ocr_done
    assert any(p["where"] == "OCR" and "tesseract-ocr-vie" in p["en"] for p in batch.problems)
    settings.THUVIEN_DIGITAL_OCR_LANGUAGE = "vie"
    with pytest.raises(CommandError, match="no such object"):
        call_command("digital_ocr", "tv9999999")
    call_command("digital_ocr", obj.ident, verbosity=0)
    obj.refresh_from_db()
    assert obj.ocr_done and "Thư viện" in obj.pages.get().text
