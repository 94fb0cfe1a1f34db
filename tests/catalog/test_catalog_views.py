"""Catalogue pages and API on the real LC records: search, record page, exports, upload."""

import io
import unicodedata

import pymarc
import pytest
from lxml import etree

from tests import factories
from tests.catalog.conftest import LC_VIE
from tests.catalog.test_ingest import ingest
from thuvien.accounts.models import Role
from thuvien.catalog.models import BibRecord, QuarantinedRecord

pytestmark = pytest.mark.django_db
XSD = "/work/shared/data/xml-schemas/MARC21slim.xsd"


@pytest.fixture
def catalog(contributor, lc_vie_file):
    ingest(contributor, lc_vie_file)
    return contributor


def _titles(client, **params):
    data = client.get("/api/v1/catalog/search", params).json()
    return [hit["title"] for hit in data["hits"]], data


@pytest.mark.parametrize("query", ["lich su viet nam", "Lịch sử Việt Nam", "LICH SU VIET NAM"])
def test_vietnamese_search_with_and_without_diacritics(client, catalog, query):
    titles, data = _titles(client, q=query)
    assert data["total"] >= 3
    folded = unicodedata.normalize("NFC", titles[0]).lower()
    assert "lịch sử việt nam" in folded or "lịch sử" in folded


def test_isbn_10_finds_the_record_catalogued_with_isbn_13(client, contributor, tmp_path):
    record = pymarc.Record(force_utf8=True)
    record.leader = "00000nam a2200000 a 4500"
    record.add_field(pymarc.Field(tag="001", data="isbn-test"))
    record.add_field(
        pymarc.Field(
            tag="020",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "9786045512340")],
        )
    )
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "Sách thử ISBN")],
        )
    )
    path = tmp_path / "isbn.mrc"
    path.write_bytes(record.as_marc())
    ingest(contributor, path)
    titles, _ = _titles(client, q="604-551-234-0")
    assert titles == ["Sách thử ISBN"]
    titles, _ = _titles(client, q="978-604-551-234-0")
    assert titles == ["Sách thử ISBN"]


def test_facets_sort_and_paging(client, catalog):
    _, data = _titles(client, q="", limit=5, sort="-year")
    assert data["total"] == 121 and len(data["hits"]) == 5
    years = [hit["year"] for hit in data["hits"] if hit["year"]]
    assert years == sorted(years, reverse=True)
    assert {f["value"] for f in data["facets"]["language"]} >= {"vie"}
    _, page2 = _titles(client, q="", limit=5, offset=5, sort="-year")
    assert not {h["id"] for h in page2["hits"]} & {h["id"] for h in data["hits"]}


def test_record_page_and_exports_read_back(client, catalog):
    record = BibRecord.objects.exclude(title="").order_by("pk").first()
    page = client.get(f"/muc-luc/ban-ghi/{record.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "APA 7" in body and "TCVN 4743" in body and "Library of Congress" in body
    marc = client.get(f"/muc-luc/ban-ghi/{record.pk}.mrc").content
    read = next(pymarc.MARCReader(io.BytesIO(marc), to_unicode=True, force_utf8=True))
    assert read.leader[9] == "a"
    assert unicodedata.normalize("NFC", read.title or "").startswith(record.title[:10])
    xml = client.get(f"/muc-luc/ban-ghi/{record.pk}.xml").content
    schema = etree.XMLSchema(etree.parse(XSD))
    assert schema.validate(etree.fromstring(xml))
    dc = client.get(f"/muc-luc/ban-ghi/{record.pk}.dc").content
    assert b"dc:title" in dc
    api = client.get(f"/api/v1/catalog/records/{record.pk}").json()
    assert api["source_library"] == catalog.vn_id and api["holdings"][0]["library"] == catalog.vn_id
    assert client.get("/muc-luc/ban-ghi/999999/").status_code == 404


def test_upload_page_runs_a_batch_for_library_staff(
    client, contributor, lc_vie_file, django_capture_on_commit_callbacks
):
    staff = factories.user("staff", Role.LIBRARY_STAFF, library=contributor)
    other = factories.library("Thư viện khác", factories.hanoi())
    client.force_login(staff)
    assert client.get("/muc-luc/nap/").status_code == 200
    with open(lc_vie_file, "rb") as handle:
        refused = client.post(
            "/muc-luc/nap/",
            {"library": other.pk, "source": "default", "mode": "update", "file": handle},
        )
    assert refused.status_code == 200 and not BibRecord.objects.exists()
    with open(lc_vie_file, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/muc-luc/nap/",
            {"library": contributor.pk, "source": "default", "mode": "update", "file": handle},
        )
    assert response.status_code == 302
    assert BibRecord.objects.count() == 121  # the immediate task backend ran the job
    reader = factories.user("reader", Role.READER)
    client.force_login(reader)
    assert client.get("/muc-luc/nap/").status_code == 403


def test_quarantined_record_fixed_in_mnemonic_and_retried(client, contributor, tmp_path):
    good = LC_VIE.read_bytes().split(b"\x1d")[0] + b"\x1d"
    broken = good[:40] + b"\x00garbage"
    path = tmp_path / "broken.mrc"
    path.write_bytes(broken + good)
    batch = ingest(contributor, path)
    item = QuarantinedRecord.objects.get(batch=batch)
    staff = factories.user("staff", Role.LIBRARY_STAFF, library=contributor)
    client.force_login(staff)
    url = f"/muc-luc/nap/{batch.pk}/cach-ly/{item.position}/"
    assert "Biểu ghi" in client.get(url).content.decode()
    bad = client.post(url, {"corrected": "=245  10Tiêu đề không có mã trường con"})
    assert bad.status_code == 200
    fixed = "=LDR  00000nam a2200000 a 4500\n=001  fixed-1\n=245  10$aSách đã sửa\n"
    response = client.post(url, {"corrected": fixed})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "retried" and item.record.title == "Sách đã sửa"
