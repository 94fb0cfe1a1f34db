"""Data-quality pages: overview, a library's report, XLSX export, who may see them."""

import io

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.catalog.test_ingest import EDGE, ingest
from thuvien.accounts.models import Role
from thuvien.catalog.models import BibRecord
from thuvien.catalog.services.quality import store_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(contributor, vn_library, lc_vie_file):
    ingest(contributor, lc_vie_file)
    ingest(vn_library, EDGE + "pride-and-prejudice-with-many-errors.mrc")
    return store_report(contributor), store_report(vn_library)


def _login(client, role=None, **scope):
    client.force_login(factories.user("u-" + (role or "super"), role, superuser=not role, **scope))


def test_overview_lists_each_library_with_its_verdict(client, reports):
    good, broken = reports
    _login(client, Role.MINISTRY_ADMIN)
    page = client.get("/muc-luc/chat-luong/").content.decode()
    assert good.library.name in page and broken.library.name in page
    assert "Đạt chuẩn tích hợp" in page and "Chưa đạt" in page
    assert f"/muc-luc/chat-luong/{broken.library.vn_id}/" in page
    english = client.get("/en/muc-luc/chat-luong/").content.decode()
    assert "Meets the integration standard" in english and "Not yet" in english


def test_overview_exports_xlsx(client, reports):
    good, broken = reports
    _login(client)
    response = client.get("/en/muc-luc/chat-luong/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Library", "Records", "Verdict")
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[good.library.vn_id][2] == 121
    assert by_id[good.library.vn_id][3] == "Meets the integration standard"
    assert by_id[broken.library.vn_id][3] == "Not yet"
    assert by_id[good.library.vn_id][4] == 1.0  # title share, as a fraction
    vietnamese = load_workbook(io.BytesIO(client.get("/muc-luc/chat-luong/?format=xlsx").content))
    assert vietnamese.active["D1"].value == "Kết luận"


def test_library_page_names_problems_with_links_to_records(client, reports):
    _, broken = reports
    _login(client)
    page = client.get(f"/muc-luc/chat-luong/{broken.library.vn_id}/").content.decode()
    assert "Chưa đạt" in page and "Thiếu Số kiểm soát (001)" in page
    assert "ISBN sai độ dài" in page and "Đã chuyển từ MARC-8 sang Unicode" in page
    example = broken.data["findings"][0]["examples"][0]
    assert f"/muc-luc/ban-ghi/{example['pk']}/" in page
    assert BibRecord.objects.filter(pk=example["pk"], source__library=broken.library).exists()
    assert "Biểu ghi trùng trong thư viện" in page and " ~ #" in page
    english = client.get(f"/en/muc-luc/chat-luong/{broken.library.vn_id}/").content.decode()
    assert "No control number (001)" in english and "converted from MARC-8 to Unicode" in english
    assert "Duplicates within the library" in english


def test_library_without_report_says_how_to_make_one(client, vn_library):
    _login(client)
    page = client.get(f"/muc-luc/chat-luong/{vn_library.vn_id}/").content.decode()
    assert "thuvien catalog_quality" in page
    assert client.get("/muc-luc/chat-luong/VN-00000000/").status_code == 404


def test_library_staff_see_only_their_library(client, reports):
    good, broken = reports
    _login(client, Role.LIBRARY_STAFF, library=broken.library)
    page = client.get("/muc-luc/chat-luong/").content.decode()
    assert broken.library.name in page and good.library.name not in page
    assert client.get(f"/muc-luc/chat-luong/{broken.library.vn_id}/").status_code == 200
    assert client.get(f"/muc-luc/chat-luong/{good.library.vn_id}/").status_code == 403


@pytest.mark.parametrize(
    ("role", "overview", "library_page"),
    [
        (Role.MINISTRY_ADMIN, 200, 200),
        (Role.NATIONAL_LIBRARY, 200, 200),
        (Role.PROVINCE_OFFICER, 403, 403),
        (Role.READER, 403, 403),
    ],
)
def test_permissions_by_role(client, reports, role, overview, library_page):
    _, broken = reports
    _login(
        client, role, province=broken.library.province if role == Role.PROVINCE_OFFICER else None
    )
    assert client.get("/muc-luc/chat-luong/").status_code == overview
    assert client.get(f"/muc-luc/chat-luong/{broken.library.vn_id}/").status_code == library_page


def test_anonymous_visitors_are_sent_to_log_in(client, reports):
    response = client.get("/muc-luc/chat-luong/")
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
