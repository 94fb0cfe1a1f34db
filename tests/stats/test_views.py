"""The statistics pages with the Django test client on the real database: who sees what,
autosave and the whole-form save, numbers typed the Vietnamese way, and every workflow step."""

import html
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.stats.test_workflow import GOOD, entries, report
from thuvien.accounts.models import Role
from thuvien.stats.models import DataElement, Submission, Value
from thuvien.stats.services import workflow
from thuvien.stats.services.rounds import open_round

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(submission, tail: str = "") -> str:
    return f"/thong-ke/bao-cao/{submission.pk}/{tail}"


def stored(submission, code):
    value = Value.objects.filter(submission=submission, element__code=code).first()
    return value.number if value else None


@pytest.fixture
def hanoi_report(round_2025, hanoi_library):
    return report(round_2025, hanoi_library)


@pytest.fixture
def danang_report(round_2025, danang_library):
    return report(round_2025, danang_library)


@pytest.fixture
def submitted(hanoi_report, staff):
    workflow.save_values(staff, hanoi_report, entries(GOOD))
    return workflow.submit(staff, hanoi_report)


def login(client, user):
    client.force_login(user)
    return client


# ---- the list page ---------------------------------------------------------------------------


def test_library_staff_sees_only_their_library(client, hanoi_report, danang_report, staff):
    page = login(client, staff).get("/thong-ke/")
    assert page.status_code == 200
    body = text(page)
    assert "Thư viện Hà Nội" in body and "Thư viện Đà Nẵng" not in body
    assert url(hanoi_report) in page.content.decode()
    assert "Chờ duyệt" not in body  # a library does not review


def test_province_officer_sees_the_province_queue(
    client, hanoi_report, danang_report, submitted, officer
):
    page = login(client, officer).get("/thong-ke/")
    body = text(page)
    assert "Thư viện Hà Nội" in body and "Thư viện Đà Nẵng" not in body
    assert "Chờ duyệt: 1 báo cáo" in body
    queue = text(client.get("/thong-ke/", {"state": "submitted"}))
    assert "Thư viện Hà Nội" in queue
    assert "Thư viện Hà Nội" not in text(client.get("/thong-ke/", {"state": "draft"}))


def test_ministry_sees_every_report_and_filters_by_province_and_state(
    client, hanoi_report, danang_report, submitted, ministry
):
    login(client, ministry)
    body = text(client.get("/thong-ke/"))
    assert "Thư viện Hà Nội" in body and "Thư viện Đà Nẵng" in body
    # counts per state in the round and the national response rate
    assert "1/2 đã gửi, 0 đã duyệt" in body and "1/2 (50%)" in body
    danang = text(client.get("/thong-ke/", {"province": factories.danang().pk}))
    assert "Thư viện Đà Nẵng" in danang and "Thư viện Hà Nội" not in danang
    queue = text(client.get("/thong-ke/", {"state": "submitted"}))
    assert "Thư viện Hà Nội" in queue and "Thư viện Đà Nẵng" not in queue
    assert client.get("/thong-ke/", {"state": "nonsense"}).status_code == 200


def test_readers_and_strangers_are_refused(client, hanoi_report):
    assert client.get("/thong-ke/").status_code == 302  # to the sign-in page
    assert client.get(url(hanoi_report)).status_code == 302
    reader = factories.user("bandoc", Role.READER)
    login(client, reader)
    assert client.get("/thong-ke/").status_code == 403
    assert client.get(url(hanoi_report)).status_code == 403
    assert "Thống kê" not in text(client.get("/"))


def test_menu_entry_for_those_who_see_reports(client, staff):
    assert 'href="/thong-ke/"' in login(client, staff).get("/").content.decode()


# ---- the report page, role by role -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "mine", "other"),
    [
        ("staff", "edit", 403),
        ("officer", "edit", 403),  # the office may fill in for a library without staff
        ("ministry", "read", "read"),
        ("national", "read", "read"),
        ("other_officer", 403, "edit"),
    ],
)
def test_report_page_per_role(
    client, hanoi_report, danang_report, staff, officer, ministry, who, mine, other
):
    users = {
        "staff": staff,
        "officer": officer,
        "ministry": ministry,
        "national": factories.user("tvqg", Role.NATIONAL_LIBRARY),
        "other_officer": factories.user(
            "so-dn", Role.PROVINCE_OFFICER, province=factories.danang()
        ),
    }
    login(client, users[who])
    for submission, expected in ((hanoi_report, mine), (danang_report, other)):
        page = client.get(url(submission))
        if expected == 403:
            assert page.status_code == 403
            continue
        assert page.status_code == 200
        editable = 'name="v-VT01"' in page.content.decode()
        assert editable == (expected == "edit")
        assert "Tổng số bản tài liệu" in text(page)


def test_form_grouped_with_children_last_year_and_only_what_applies(
    client, ministry, annual_form, hanoi_report, staff, officer, hanoi_library
):
    last_round = open_round(ministry, annual_form, 2024, libraries=[hanoi_library])
    last = report(last_round, hanoi_library)
    workflow.save_values(staff, last, entries({**GOOD, "SD02": "1234567"}))
    workflow.submit(staff, last)
    workflow.approve(officer, last)
    page = login(client, staff).get(url(hanoi_report))
    body = text(page)
    headings = re.findall(r"<h2 [^>]*>(.*?)</h2>", page.content.decode())
    assert headings[:3] == ["Thư viện", "Vốn tài liệu", "Dịch vụ và sử dụng"]
    assert {"Truy cập và tiện ích", "Quản lý", "Nhân lực", "Kinh phí và chi tiêu"} <= set(headings)
    assert "VT01.1 Sách (thành phần)" in body
    assert "SD01.1 Trong đó: bạn đọc thiếu nhi" in body
    assert "thiếu nhi (trong đó)" not in body  # the label says it already
    assert "1.234.567" in body  # last year's visits, written the Vietnamese way
    assert 'class="fig depth-1"' in page.content.decode()
    assert "VT01.6" not in body  # own documents: asked of universities, not public libraries
    university = factories.library("Thư viện Đại học", factories.hanoi(), library_type="university")
    sub = Submission.objects.create(round=hanoi_report.round, library=university)
    assert "VT01.6" in text(login(client, ministry).get(url(sub)))
    for status in ("Số liệu", "Ước tính", "Không áp dụng", "Không rõ", "Không công bố"):
        assert status in body


# ---- autosave and saving the whole form -------------------------------------------------------


def autosave(client, submission, code, value, **extra):
    data = {f"v-{code}": value, f"s-{code}": extra.pop("status", "reported"), **extra}
    return client.post(url(submission, f"tu-dong-luu/{code}/"), data, HTTP_HX_REQUEST="true")


def test_autosave_stores_the_figure_and_shows_the_problem(client, hanoi_report, staff):
    login(client, staff)
    for code, value in (("VT01", "1.000"), ("VT01.1", "900"), ("VT01.2", "50"), ("VT01.3", "30")):
        assert autosave(client, hanoi_report, code, value).status_code == 200
    fragment = autosave(client, hanoi_report, "VT01.4", "25")
    assert stored(hanoi_report, "VT01") == D(1000) and stored(hanoi_report, "VT01.4") == D(25)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div class="fig depth-1"')
    # the total's problem goes, out of band, next to the total and into the summary
    total = DataElement.objects.get(form=hanoi_report.round.form, code="VT01")
    oob = re.search(
        rf'<div class="problems" id="p-{total.pk}" hx-swap-oob="true">(.*?)</div>', body, re.S
    )
    assert oob and "khác VT01.1 + VT01.2 + VT01.3 + VT01.4 (1.005)" in oob.group(1)
    assert 'id="summary"' in body and 'class="error"' in oob.group(1)
    hanoi_report.refresh_from_db()
    assert hanoi_report.state == "draft" and "Đang nhập" in body
    fixed = autosave(client, hanoi_report, "VT01.4", "20").content.decode()
    assert "khác VT01.1" not in fixed


def test_a_warning_turns_grey_once_explained(
    client, hanoi_report, staff, ministry, annual_form, hanoi_library, officer
):
    last_round = open_round(ministry, annual_form, 2024, libraries=[hanoi_library])
    last = report(last_round, hanoi_library)
    workflow.save_values(staff, last, entries(GOOD))
    workflow.submit(staff, last)
    workflow.approve(officer, last)
    login(client, staff)
    warned = autosave(client, hanoi_report, "SD02", "36.000").content.decode()
    assert 'class="warning"' in warned and "Gấp 3,00 lần năm trước" in warned
    explained = autosave(client, hanoi_report, "SD02", "36.000", **{"n-SD02": "Mở chi nhánh"})
    assert 'class="explained"' in explained.content.decode()
    assert Value.objects.get(submission=hanoi_report, element__code="SD02").note == "Mở chi nhánh"


def test_a_non_number_is_refused_with_its_message_and_nothing_is_stored(
    client, hanoi_report, staff
):
    login(client, staff)
    autosave(client, hanoi_report, "SD02", "12.000")
    fragment = autosave(client, hanoi_report, "SD02", "12 nghìn")
    body = text(fragment)
    assert fragment.status_code == 200
    assert "«12 nghìn» không phải là số" in body and "is not a number" in body
    assert 'value="12 nghìn"' in fragment.content.decode()  # shown back, not lost
    assert stored(hanoi_report, "SD02") == D(12000)


def test_whole_form_saves_without_javascript_and_keeps_what_it_cannot_read(
    client, hanoi_report, staff
):
    login(client, staff)
    saved = client.post(
        url(hanoi_report),
        {
            "do": "save",
            "v-VT01": "1.234",
            "s-VT01": "reported",
            "v-TV02": "12,5",
            "s-TV02": "reported",
        },
    )
    assert saved.status_code == 302
    assert stored(hanoi_report, "VT01") == D(1234) and stored(hanoi_report, "TV02") == D("12.5")
    page = client.get(url(hanoi_report)).content.decode()
    assert 'value="1.234"' in page and 'value="12,5"' in page
    mixed = client.post(
        url(hanoi_report),
        {
            "do": "save",
            "v-SD02": "abc",
            "s-SD02": "reported",
            "v-SD01": "400",
            "s-SD01": "reported",
        },
    )
    assert mixed.status_code == 200
    assert "1 số liệu chưa lưu được" in text(mixed) and 'value="abc"' in mixed.content.decode()
    assert stored(hanoi_report, "SD02") is None and stored(hanoi_report, "SD01") == D(400)
    assert stored(hanoi_report, "VT01") == D(1234)  # fields not posted are left alone


def test_status_estimate_method_and_note(client, hanoi_report, staff):
    login(client, staff)
    fragment = autosave(client, hanoi_report, "KP01", "1.500,5", status="estimated")
    body = fragment.content.decode()
    assert 'name="m-KP01"' in body and "Số ước tính cần ghi cách ước tính" in body
    autosave(client, hanoi_report, "KP01", "1.500,5", status="estimated", **{"m-KP01": "dự toán"})
    value = Value.objects.get(submission=hanoi_report, element__code="KP01")
    assert (value.number, value.status, value.estimate_method) == (
        D("1500.5"),
        "estimated",
        "dự toán",
    )
    autosave(client, hanoi_report, "SD03", "", status="unknown")
    assert Value.objects.get(submission=hanoi_report, element__code="SD03").status == "unknown"


# ---- the workflow through the pages -----------------------------------------------------------


def test_submit_is_blocked_with_the_problem_list(client, hanoi_report, staff):
    login(client, staff)
    blocked = client.post(
        url(hanoi_report), {"do": "submit", "v-VT01": "100", "s-VT01": "reported"}
    )
    assert blocked.status_code == 200
    body = text(blocked)
    assert "lỗi hoặc cảnh báo chưa giải trình" in body
    assert "Cần xem lại" in body and "Chỉ tiêu bắt buộc" in body
    assert "SD02 Lượt bạn đọc đến thư viện" in body
    hanoi_report.refresh_from_db()
    assert hanoi_report.state == "draft" and stored(hanoi_report, "VT01") == D(100)


def test_submit_then_read_only_for_the_library(client, hanoi_report, staff):
    login(client, staff)
    data = {"do": "submit"}
    for code, value in GOOD.items():
        data |= {f"v-{code}": value, f"s-{code}": "reported"}
    response = client.post(url(hanoi_report), data)
    assert response.status_code == 302
    hanoi_report.refresh_from_db()
    assert hanoi_report.state == "submitted"
    page = client.get(url(hanoi_report))
    assert 'name="v-VT01"' not in page.content.decode() and "Đã gửi" in text(page)
    late = autosave(client, hanoi_report, "SD02", "1")
    assert "không sửa được" in text(late) and stored(hanoi_report, "SD02") == D(12000)


def test_return_needs_a_comment(client, submitted, officer, staff):
    login(client, officer)
    page = text(client.get(url(submitted)))
    assert "Trả lại" in page and "Duyệt" in page
    refused = client.post(url(submitted, "tra-lai/"), {"comment": "  "})
    assert refused.status_code == 200 and "Cần ghi ý kiến khi trả lại" in text(refused)
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    done = client.post(url(submitted, "tra-lai/"), {"comment": "Kiểm tra lại lượt bạn đọc"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    page = text(login(client, staff).get(url(submitted)))
    assert "Trả lại bởi So-Hanoi" in page and "Bị trả lại" in page
    assert page.index("Kiểm tra lại lượt bạn đọc") < page.index("Tổng số bản tài liệu")
    assert "So-Hanoi" in page  # who returned it, in the trail


def test_approve_certify_and_unlock_by_role(client, submitted, officer, staff, ministry):
    assert login(client, staff).post(url(submitted, "duyet/")).status_code == 403
    other = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    assert login(client, other).post(url(submitted, "duyet/")).status_code == 403
    assert login(client, officer).post(url(submitted, "duyet/")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "approved"
    assert login(client, officer).post(url(submitted, "xac-nhan/")).status_code == 403
    page = text(login(client, ministry).get(url(submitted)))
    assert "Xác nhận" in page and "Mở khoá" in page
    assert client.post(url(submitted, "xac-nhan/")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "certified"
    assert (
        login(client, officer).post(url(submitted, "mo-khoa/"), {"comment": "x"}).status_code == 403
    )
    login(client, ministry)
    refused = client.post(url(submitted, "mo-khoa/"), {"comment": ""})
    assert "Cần ghi lý do mở khoá" in text(refused)
    assert client.post(url(submitted, "mo-khoa/"), {"comment": "Sai lượt mượn"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    trail = text(client.get(url(submitted)))
    for step in ("Gửi báo cáo", "Duyệt", "Xác nhận", "Mở khoá", "Sai lượt mượn"):
        assert step in trail
    assert client.post(url(submitted, "lam-gi/")).status_code == 404


def test_autosave_needs_the_right_to_fill_in(client, hanoi_report, ministry):
    refused = autosave(login(client, ministry), hanoi_report, "SD02", "100")
    assert refused.status_code == 403 and stored(hanoi_report, "SD02") is None


def test_a_step_in_the_wrong_state_says_why(client, hanoi_report, officer):
    refused = login(client, officer).post(url(hanoi_report, "duyet/"))
    assert refused.status_code == 200 and "Không thể 'approve'" in text(refused)


# ---- attachments --------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_upload_download_and_refusals(client, hanoi_report, staff, officer):
    login(client, staff)
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    assert client.post(url(hanoi_report, "tep/"), {"file": upload}).status_code == 302
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = client.post(url(hanoi_report, "tep/"), {"file": fake})
    assert "không đúng loại .pdf" in text(refused)
    exe = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    assert "chỉ nhận PDF" in text(client.post(url(hanoi_report, "tep/"), {"file": exe}))
    attachment = hanoi_report.attachments.get()
    link = url(hanoi_report, f"tep/{attachment.pk}/")
    assert link in client.get(url(hanoi_report)).content.decode()
    download = login(client, officer).get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    stranger = factories.user("so-dn", Role.PROVINCE_OFFICER, province=factories.danang())
    assert login(client, stranger).get(link).status_code == 403


def test_attachment_size_limit(client, hanoi_report, staff, monkeypatch):
    from thuvien.stats import forms

    monkeypatch.setattr(forms, "MAX_ATTACHMENT_BYTES", len(PDF) - 1)
    login(client, staff)
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    assert "bien-ban.pdf lớn hơn" in text(client.post(url(hanoi_report, "tep/"), {"file": upload}))
    assert not hanoi_report.attachments.exists()


# ---- English ------------------------------------------------------------------------------------


def test_report_page_in_english(client, hanoi_report, staff):
    login(client, staff)
    autosave(client, hanoi_report, "VT01", "100")
    autosave(client, hanoi_report, "VT01.1", "200")
    page = client.get(f"/en{url(hanoi_report)}")
    assert page.status_code == 200
    body = text(page)
    assert '<html lang="en">' in page.content.decode()
    assert "Physical collection: total items at 31 December" in body
    assert "Collection" in body and "Books (part)" in body and "of which: children" in body
    assert "Draft" in body and "Save" in body and "Submit the report" in body
    assert "exceeds the total VT01" in body
    assert "Lưu" not in body and "Gửi báo cáo" not in body and "Đang nhập" not in body
    refused = client.post(
        f"/en{url(hanoi_report, 'tu-dong-luu/SD02/')}", {"v-SD02": "x", "s-SD02": "reported"}
    )
    assert "«x» is not a number" in text(refused) and "không phải là số" not in text(refused)
    assert "Statistics" in text(client.get("/en/thong-ke/"))
