"""A report through the whole workflow in Chromium: the library fills it in as people type
numbers in Vietnam, sees a total that does not add up, fixes it and submits; the province
office returns it with a comment; the library fixes it and submits again; the office
approves; the ministry certifies."""

import pytest

from tests import factories
from tests.e2e.conftest import SHOTS, shot, sign_in
from tests.stats.conftest import ANNUAL
from thuvien.accounts.models import Role
from thuvien.stats.definitions import load_file
from thuvien.stats.models import Submission, Value
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(transactional_db):
    ministry = factories.user("bo", Role.MINISTRY_ADMIN)
    library = factories.library("Thư viện Hà Nội", factories.hanoi())
    factories.user("thuthu", Role.LIBRARY_STAFF, library=library)
    factories.user("so-hanoi", Role.PROVINCE_OFFICER, province=factories.hanoi())
    form, _ = load_form(ministry, load_file(ANNUAL))
    round_ = open_round(ministry, form, 2025, libraries=[library])
    return Submission.objects.get(round=round_)


def shot_at(page, locator, name: str) -> None:
    """A screenshot of the window with ``locator`` in the middle (what the person sees)."""
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def field(page, code: str):
    return page.locator(f"input[name='v-{code}']")


def type_figure(page, code: str, typed: str) -> None:
    """Type a figure and leave the field, waiting for its autosave to come back."""
    field(page, code).fill(typed)
    watch_settle(page)
    with page.expect_response(lambda r: f"/tu-dong-luu/{code}/" in r.url) as answer:
        field(page, code).press("Tab")
    assert answer.value.status == 200
    page.wait_for_function("() => window.settled")


def watch_settle(page) -> None:
    """Mark when htmx has swapped and settled the next answer (its field and the
    out-of-band problems)."""
    page.evaluate(
        """() => { window.settled = false;
        document.body.addEventListener("htmx:afterSettle", () => { window.settled = true; },
                                       {once: true}); }"""
    )


def problem_of(page, code: str) -> str:
    row = page.locator(".fig", has=field(page, code))
    return row.locator(".problems").inner_text()


def stored(report, code: str):
    return Value.objects.get(submission=report, element__code=code).number


def test_report_from_draft_to_certified(page, report):
    sign_in(page, "thuthu")
    page.click("nav >> text=Thống kê")
    assert page.locator("h1").inner_text() == "Thống kê thư viện"
    shot(page, "stats-index-library")
    page.click("text=Thư viện Hà Nội")
    assert "Báo cáo thống kê thư viện hằng năm 2025" in page.locator("h1").inner_text()

    for code, typed in (
        ("TV01", "2"),
        ("TV02", "12,5"),
        ("VT01", "1.234"),
        ("VT01.1", "1.000"),
        ("VT01.2", "200"),
        ("VT01.3", "30"),
        ("VT01.4", "10"),
    ):
        type_figure(page, code, typed)
    assert "Chưa nhập" not in page.locator("#state").inner_text()
    assert field(page, "VT01").input_value() == "1.234"
    assert field(page, "TV02").input_value() == "12,5"
    assert str(stored(report, "TV02")) == "12.5000" and stored(report, "VT01") == 1234
    message = problem_of(page, "VT01")
    assert "Tổng VT01 (1.234) khác VT01.1 + VT01.2 + VT01.3 + VT01.4 (1.240)" in message
    assert "Cần xem lại 1 số liệu" in page.locator("#summary").inner_text()
    shot_at(page, field(page, "VT01"), "stats-report-total-does-not-add-up")

    type_figure(page, "VT01.4", "4")
    assert problem_of(page, "VT01") == ""
    assert page.locator("#summary").inner_text().strip() == ""
    type_figure(page, "SD02", "12 nghìn")  # not a number: kept and explained, not stored
    assert "«12 nghìn» không phải là số" in problem_of(page, "SD02")
    assert not Value.objects.filter(submission=report, element__code="SD02").exists()
    for code, typed in (
        ("SD01", "400"),
        ("SD02", "5.000"),
        ("SD04", "6.000"),
        ("SD04.1", "4.000"),
        ("SD04.2", "2.000"),
        ("NL01", "5"),
    ):
        type_figure(page, code, typed)
    page.click("button[name=do][value=submit]")
    page.wait_for_load_state()
    assert "Đã gửi báo cáo" in page.locator(".messages").inner_text()
    assert page.locator("#state").inner_text() == "Đã gửi"
    assert field(page, "VT01").count() == 0  # read-only once submitted
    shot(page, "stats-report-submitted")

    sign_in(page, "so-hanoi")
    page.goto(page.base + "/thong-ke/?state=submitted")
    shot(page, "stats-index-province-queue")
    page.click("td >> text=Thư viện Hà Nội")
    page.click("button:has-text('Trả lại')")  # no comment yet: refused with a reason
    assert "Cần ghi ý kiến khi trả lại" in page.locator(".alert").inner_text()
    page.fill("#comment-return", "Lượt bạn đọc thấp hơn sổ theo dõi; đề nghị kiểm tra lại.")
    page.click("button:has-text('Trả lại')")
    assert page.locator("#state").inner_text() == "Bị trả lại"
    shot(page, "stats-report-returned")

    sign_in(page, "thuthu")
    page.goto(page.base + f"/thong-ke/bao-cao/{report.pk}/")
    assert "Lượt bạn đọc thấp hơn sổ theo dõi" in page.locator("table.data").inner_text()
    type_figure(page, "SD02", "5.500")
    page.click("button[name=do][value=submit]")
    page.wait_for_load_state()
    assert page.locator("#state").inner_text() == "Đã gửi"

    sign_in(page, "so-hanoi")
    page.goto(page.base + f"/thong-ke/bao-cao/{report.pk}/")
    page.click("button:has-text('Duyệt')")
    assert page.locator("#state").inner_text() == "Sở đã duyệt"

    sign_in(page, "bo")
    page.goto(page.base + f"/thong-ke/bao-cao/{report.pk}/")
    page.click("button:has-text('Xác nhận')")
    assert page.locator("#state").inner_text() == "Bộ đã xác nhận"
    trail = page.locator("table.data").inner_text()
    for step in ("Gửi báo cáo", "Trả lại", "Duyệt", "Xác nhận"):
        assert step in trail
    shot(page, "stats-report-certified")
    report.refresh_from_db()
    assert report.state == "certified" and stored(report, "SD02") == 5500
    page.goto(page.base + "/thong-ke/")
    shot(page, "stats-index-ministry")


def certified_last_year(report) -> None:
    """Last year's report of the same library, certified: its figures are shown beside."""
    from decimal import Decimal

    from thuvien.accounts.models import User
    from thuvien.stats.services import workflow
    from thuvien.stats.validation import Entered

    users = {u.username: u for u in User.objects.all()}
    form = report.round.form
    last = open_round(users["bo"], form, 2024, libraries=[report.library])
    last = Submission.objects.get(round=last)
    figures = {"TV01": 2, "VT01": 1000, "VT01.1": 1000, "VT01.2": 0, "VT01.3": 0, "VT01.4": 0}
    figures |= {"SD01": 300, "SD02": 1000, "SD04": 2000, "SD04.1": 1500, "SD04.2": 500}
    figures |= {"NL01": 4}
    values = {code: Entered(Decimal(n)) for code, n in figures.items()}
    workflow.save_values(users["thuthu"], last, values)
    workflow.submit(users["thuthu"], last)
    workflow.approve(users["so-hanoi"], last)
    workflow.certify(users["bo"], last)


def test_a_warning_explained_in_a_note(page, report):
    certified_last_year(report)
    sign_in(page, "thuthu")
    page.goto(page.base + f"/thong-ke/bao-cao/{report.pk}/")
    row = page.locator(".fig", has=field(page, "SD02"))
    assert row.locator(".fig-last").inner_text().endswith("1.000")
    type_figure(page, "SD02", "5.000")
    warning = row.locator(".problems li.warning")
    assert "Gấp 5,00 lần năm trước (1.000): cần giải trình" in warning.inner_text()
    assert row.locator("details").get_attribute("open") is not None  # the note is offered
    shot_at(page, row, "stats-report-warning")
    page.fill("input[name='n-SD02']", "Năm 2025 mở thêm phòng đọc thiếu nhi và thư viện lưu động")
    watch_settle(page)
    page.press("input[name='n-SD02']", "Tab")
    page.wait_for_function("() => window.settled")
    assert row.locator(".problems li.explained").count() == 1
    assert Value.objects.get(submission=report, element__code="SD02").note.startswith("Năm 2025")
    shot_at(page, row, "stats-report-warning-explained")


def test_report_on_a_phone_and_in_english(page, report):
    sign_in(page, "thuthu")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + f"/thong-ke/bao-cao/{report.pk}/")
    type_figure(page, "VT01", "100")
    type_figure(page, "VT01.1", "150")
    assert "lớn hơn tổng VT01" in problem_of(page, "VT01.1")
    shot_at(page, field(page, "VT01"), "stats-report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Physical collection" in page.locator("main").inner_text()
    assert "exceeds the total VT01" in problem_of(page, "VT01.1")
    shot(page, "stats-report-en")
