"""The pages under /danh-gia/: scope, forms that drive the workflow, and the reports read
back (XLSX with openpyxl, PDF text with pypdf)."""

import io
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import factories
from tests.evaluation.conftest import approve_report
from tests.evaluation.test_compute import COMMUNE, DANANG, HANOI
from thuvien.accounts.models import Role
from thuvien.evaluation.services.rounds import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(root, ministry, example_set, stats_2025, libraries, populations):
    approve_report(stats_2025, libraries["hn"], HANOI, root)
    approve_report(stats_2025, libraries["dn"], DANANG, root)
    approve_report(stats_2025, libraries["xa"], COMMUNE, root)
    return open_round(ministry, example_set.body, example_set, 2025)


def login(client, role, **scope):
    user = factories.user(f"u-{role}", role, **scope)
    client.force_login(user)
    return user


def test_round_page_ranks_within_groups(client, round_, ministry):
    client.force_login(ministry)
    page = client.get(f"/danh-gia/dot/{round_.pk}/").content.decode()
    assert "Nhóm so sánh: Thư viện công cộng · Cấp tỉnh" in page
    assert page.index("Thư viện Hà Nội") < page.index("Thư viện Khoa học Tổng hợp")
    assert "chưa đủ số liệu" in page  # Đà Nẵng: 60% of the weight rated
    index = client.get("/danh-gia/").content.decode()
    assert round_.title in index


def test_library_staff_see_only_their_library(client, round_, libraries):
    login(client, Role.LIBRARY_STAFF, library=libraries["dn"])
    page = client.get(f"/danh-gia/dot/{round_.pk}/").content.decode()
    assert "Thư viện Khoa học Tổng hợp" in page and "Thư viện Hà Nội" not in page
    hanoi = round_.evaluations.get(library=libraries["hn"])
    assert client.get(f"/danh-gia/thu-vien/{hanoi.pk}/").status_code == 403
    assert client.get(f"/danh-gia/thu-vien/{hanoi.pk}/tai-ve.xlsx").status_code == 403
    login(client, Role.READER)
    assert client.get("/danh-gia/").status_code == 403


def test_self_assessment_and_review_through_the_forms(client, round_, libraries, ministry):
    evaluation = round_.evaluations.get(library=libraries["hn"])
    url = f"/danh-gia/thu-vien/{evaluation.pk}/"
    login(client, Role.LIBRARY_STAFF, library=libraries["hn"])
    page = client.get(url).content.decode()
    assert 'name="rating-overall"' in page and "Gửi tự đánh giá" in page
    refused = client.post(url + "tu-danh-gia/", {"submit": "1", "rating-1": "kha"})
    assert refused.status_code == 400
    assert "Cần tự xếp loại chung trước khi gửi" in refused.content.decode()
    sent = {"submit": "1", "rating-1": "kha", "comment-1": "Tăng 12%", "rating-overall": "kha"}
    assert client.post(url + "tu-danh-gia/", sent).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == "submitted"
    assert "Tăng 12%" in client.get(url).content.decode()
    client.force_login(ministry)
    page = client.get(url).content.decode()
    assert "Kết luận" in page and 'name="conclude"' in page
    done = client.post(url + "ket-luan/", {"conclude": "1", "rating-overall": "tot"})
    assert done.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == "concluded" and evaluation.final_rating == "tot"


def test_english_page(client, round_, libraries, ministry):
    client.force_login(ministry)
    evaluation = round_.evaluations.get(library=libraries["dn"])
    page = client.get(f"/en/danh-gia/thu-vien/{evaluation.pk}/").content.decode()
    assert "Collection turnover" in page
    assert "Missing figures: SD04 (unknown)" in page
    assert "Division by zero: VT01.5 = 0" in page


def test_xlsx_reports_read_back(client, round_, libraries, ministry):
    client.force_login(ministry)
    response = client.get(f"/danh-gia/dot/{round_.pk}/tai-ve.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    ranking = list(book["Xếp hạng"].iter_rows(values_only=True))
    by_name = {row[0]: row for row in ranking[1:]}
    assert by_name["Thư viện Hà Nội"][4] == 3.05 and by_name["Thư viện Hà Nội"][6] == 1
    assert by_name["Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"][4] is None
    values = list(book["Chỉ số"].iter_rows(values_only=True))
    header, hanoi = values[0], next(r for r in values if r[0] == "Thư viện Hà Nội")
    turnover = header.index("3. Vòng quay vốn tài liệu (lần)")
    assert hanoi[turnover] == 1.74 and hanoi[turnover + 1] == 1
    evaluation = round_.evaluations.get(library=libraries["hn"])
    one = load_workbook(
        io.BytesIO(client.get(f"/danh-gia/thu-vien/{evaluation.pk}/tai-ve.xlsx").content)
    )
    rows = list(one["Chỉ số"].iter_rows(values_only=True))
    assert rows[4][:4] == ("4", "Chi phí cho một lượt bạn đọc", "KP01 * 1000000 / SD02", 30000)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def test_pdf_reports_carry_the_vietnamese_names(client, round_, libraries, ministry):
    client.force_login(ministry)
    evaluation = round_.evaluations.get(library=libraries["dn"])
    response = client.get(f"/danh-gia/thu-vien/{evaluation.pk}/tai-ve.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    assert "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng" in text
    assert "Báo cáo đánh giá hoạt động thư viện" in text
    assert "Lượt luân chuyển tài liệu trên đầu người" in text
    assert "Chia cho 0: VT01.5 = 0" in text
    whole = client.get(f"/danh-gia/dot/{round_.pk}/tai-ve.pdf")
    text = " ".join(_pdf_text(whole.content).split())
    assert "Thư viện xã Bát Tràng" in text and "Bộ Văn hoá, Thể thao và Du lịch" in text


def test_recompute_is_for_the_evaluating_body(client, round_, libraries, ministry):
    login(client, Role.LIBRARY_STAFF, library=libraries["hn"])
    assert client.post(f"/danh-gia/dot/{round_.pk}/tinh-lai/").status_code == 403
    assert "Tính lại" not in client.get(f"/danh-gia/dot/{round_.pk}/").content.decode()
    client.force_login(ministry)
    response = client.post(f"/danh-gia/dot/{round_.pk}/tinh-lai/", follow=True)
    assert "Đã tính lại chỉ số của 4 thư viện" in response.content.decode()


def test_round_title_in_english(client, round_, ministry):
    client.force_login(ministry)
    page = client.get(f"/en/danh-gia/dot/{round_.pk}/").content.decode()
    assert (
        "<h1>Example criteria for evaluating provincial public libraries – "
        "Ministry of Culture, Sports and Tourism – 2025</h1>"
    ) in page
