"""Ingest end to end on real files: counts, re-ingest, deletions, quarantine, index."""

import io

import pytest

from tests.catalog.conftest import FIXTURES
from thuvien.catalog.models import BibRecord, Holding, IngestBatch, QuarantinedRecord
from thuvien.catalog.services import indexing
from thuvien.catalog.services.batches import IngestError, create_batch
from thuvien.catalog.services.ingest import run_ingest

pytestmark = pytest.mark.django_db
EDGE = "/work/shared/data/marc/marc4j-edge-cases/"


def ingest(library, path, **kwargs) -> IngestBatch:
    with open(path, "rb") as handle:
        batch = create_batch(None, library, handle, str(path).rsplit("/", 1)[-1], **kwargs)
    run_ingest(batch)
    batch.refresh_from_db()
    return batch


def _index_ids() -> set[str]:
    index = indexing.catalog_index()
    index.reload()
    return set(index.iter_ids())


def test_lc_vietnamese_records_are_stored_normalised_and_searchable(contributor, lc_vie_file):
    batch = ingest(contributor, lc_vie_file)
    counts = batch.counts["records"]
    assert counts["read"] == 121 and counts["stored"] == 121
    assert counts.get("quarantined", 0) == 0
    assert batch.counts["conversions"].get("nfd->nfc", 0) > 50
    assert BibRecord.objects.count() == 121
    assert Holding.objects.filter(library=contributor).count() == 121
    assert _index_ids() == {str(pk) for pk in BibRecord.objects.values_list("pk", flat=True)}
    record = BibRecord.objects.exclude(title="").first()
    assert record.title == __import__("unicodedata").normalize("NFC", record.title)
    assert bytes(record.raw).endswith(b"\x1d")


def test_reingest_updates_in_place_and_replace_deletes(contributor, lc_vie_file, tmp_path):
    ingest(contributor, lc_vie_file)
    again = ingest(contributor, lc_vie_file)
    assert again.counts["records"]["unchanged"] == 121
    assert BibRecord.objects.count() == 121
    records = lc_vie_file.read_bytes().split(b"\x1d")[:-1]
    fewer = tmp_path / "fewer.mrc"
    fewer.write_bytes(b"".join(r + b"\x1d" for r in records[:100]))
    replaced = ingest(contributor, fewer, mode="replace")
    assert replaced.counts["records"]["deleted"] == 21
    assert BibRecord.objects.filter(status="active").count() == 100
    assert len(_index_ids()) == 100


def test_bad_records_are_quarantined_and_good_ones_kept(contributor):
    batch = ingest(contributor, EDGE + "pride-and-prejudice-with-many-errors.mrc")
    counts = batch.counts["records"]
    assert counts["read"] == 383
    assert counts["read"] == sum(
        counts.get(k, 0)
        for k in ("stored", "updated", "unchanged", "quarantined", "repeated_in_file")
    )
    for item in QuarantinedRecord.objects.filter(batch=batch):
        assert item.reason and " / " in item.reason and bytes(item.raw)


@pytest.mark.parametrize(
    "name",
    [
        "bad_leaders_10_11.mrc",
        "bad_oversize_field_bad_directory.mrc",
        "bad_too_long_plus_2.mrc",
        "bad-characters-in-various-fields.mrc",
        "chinese_mangled_multibyte.mrc",
        "incomplete_esc_seq.mrc",
        "unordered-directory-entries.mrc",
        "bad_hathi_records.mrc",
        "brkrtest.mrc",
        "greekmissingcharsetchange.mrc",
        "1474920681_KOHA_LFL_5.xml",
        "OCLC_814388508.xml",
        "marc-in-json.json",
        "illegal-marc-in-json.json",
    ],
)
def test_every_edge_case_file_ends_with_a_report(contributor, name):
    batch = ingest(contributor, EDGE + name)
    counts = batch.counts["records"]
    assert batch.status == "done"
    assert counts["read"] >= 1
    assert counts["read"] == sum(
        counts.get(k, 0)
        for k in ("stored", "updated", "unchanged", "deleted", "quarantined", "repeated_in_file")
    )


def test_koha_items_become_holdings(contributor):
    ingest(contributor, FIXTURES / "catalog/koha-vie-items.xml")
    holdings = Holding.objects.filter(library=contributor)
    assert holdings.exists()
    assert any(h.call_number for h in holdings)


def test_refused_files(contributor):
    for data, message in ((b"", "rỗng"), (b"just some text\n", "định dạng")):
        with pytest.raises(IngestError, match=message):
            create_batch(None, contributor, io.BytesIO(data), "x.txt")


def test_xxe_in_marcxml_is_quarantined_not_read(contributor, tmp_path):
    payload = tmp_path / "xxe.xml"
    payload.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        "<leader>00000nam a2200000 a 4500</leader>"
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&x;</subfield></datafield>'
        "</record></collection>"
    )
    batch = ingest(contributor, payload)
    assert BibRecord.objects.filter(title__contains="root:").count() == 0
    assert batch.counts["records"].get("stored", 0) == 0


def test_spreadsheet_of_a_small_library_with_a_column_mapping(vn_library, tmp_path):
    from thuvien.catalog.services.batches import set_mapping

    path = tmp_path / "sach.csv"
    path.write_text(
        "Mã,Nhan đề,Tác giả,Nhà xuất bản,Năm xuất bản,Ký hiệu xếp giá,Số bản\n"
        "TV001,Lịch sử Việt Nam,Trần Trọng Kim,Nhà xuất bản Văn hóa thông tin,2008,959.7,3\n"
        "TV002,Truyện Kiều,Nguyễn Du,Nhà xuất bản Văn học,2015,895.922,2\n"
        "TV003,,Không tên,,2010,,1\n",
        encoding="utf-8",
    )
    with open(path, "rb") as handle:
        batch = create_batch(None, vn_library, handle, "sach.csv")
    assert batch.file_format == "csv"
    assert batch.mapping["Nhan đề"] == "title" and batch.mapping["Số bản"] == "copies"
    set_mapping(None, batch, {**batch.mapping, "Mã": "local_id"})
    run_ingest(batch)
    batch.refresh_from_db()
    counts = batch.counts["records"]
    assert counts["read"] == 3 and counts["stored"] == 2 and counts["quarantined"] == 1
    assert "Nhan đề" in QuarantinedRecord.objects.get(batch=batch).reason
    kieu = BibRecord.objects.get(local_id="TV002")
    holding = Holding.objects.get(record=kieu)
    assert holding.items == 2 and holding.call_number == "895.922"
    with pytest.raises(IngestError):
        set_mapping(None, batch, {"Không có": "title"})


def _stored_state() -> tuple[list, list, dict]:
    from thuvien.kernel.search import SearchQuery

    records = list(
        BibRecord.objects.order_by("local_id").values_list("local_id", "checksum", "marc", "title")
    )
    quarantined = list(
        QuarantinedRecord.objects.order_by("position").values_list("position", "offset", "reason")
    )
    index = indexing.catalog_index()
    index.reload()
    local = dict(BibRecord.objects.values_list("pk", "local_id"))
    documents = {}
    for hit in index.search(SearchQuery(limit=1000)).hits:
        documents[local[int(hit.id)]] = {k: v for k, v in hit.document.items() if k != "id"}
    return records, quarantined, documents


@pytest.mark.parametrize("name", ["lc-books-sample.mrc", "pride-and-prejudice-with-many-errors"])
def test_worker_processes_store_and_index_what_one_process_does(contributor, settings, name):
    """ISO 2709 read and prepared in worker processes ends exactly as in one process:
    same records, same quarantine (positions, offsets, reasons), same index documents."""
    from tests.catalog.conftest import DEMO
    from thuvien.catalog.models import Source

    path = DEMO / name if name.endswith(".mrc") else EDGE + name + ".mrc"
    settings.THUVIEN_INGEST_CHUNK = 37  # many chunks in flight
    states = []
    for workers in (1, 2):
        settings.THUVIEN_INGEST_WORKERS = workers
        batch = ingest(contributor, path)
        assert batch.file_format == "iso2709" and batch.counts["records"]["read"] > 100
        states.append(_stored_state())
        for model in (Holding, BibRecord, QuarantinedRecord, IngestBatch, Source):
            model.objects.all().delete()
        indexing.rebuild()
    assert states[0] == states[1]
