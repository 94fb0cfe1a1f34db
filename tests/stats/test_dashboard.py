"""The public national tables page and its downloads."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.stats.test_tables import counted  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_dashboard_shows_counted_figures_the_response_and_charts(client, counted):  # noqa: F811
    page = client.get("/thong-ke/bang-tong-hop/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thành phố Hà Nội" in html and "12.000" in html
    assert "Đã tính 1/2 báo cáo" in html and "Số liệu sơ bộ" in html
    assert html.count("<svg") == 3  # bars, map, trend
    by_type = client.get("/thong-ke/bang-tong-hop/", {"dimension": "type", "code": ["SD04"]})
    assert "Thư viện công cộng" in by_type.content.decode() and "9.000" in by_type.content.decode()


def test_downloads(client, counted):  # noqa: F811
    query = {"dimension": "province", "code": ["SD02", "VT01"]}
    xlsx = client.get("/thong-ke/bang-tong-hop/tai-ve.xlsx", query)
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A5"].value == "Thành phố Hà Nội" and sheet["E5"].value == 12000
    csv = client.get("/thong-ke/bang-tong-hop/tai-ve.csv", query)
    assert "Thành phố Hà Nội,1,1,100.0,12000" in csv.content.decode("utf-8-sig")
    pdf = client.get("/thong-ke/bang-tong-hop/tai-ve.pdf", query)
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/thong-ke/bang-tong-hop/tai-ve.doc", query).status_code == 404


def test_unknown_choices_fall_back_instead_of_failing(client, counted):  # noqa: F811
    page = client.get(
        "/thong-ke/bang-tong-hop/", {"round": "x", "dimension": "planet", "code": "DROP"}
    )
    assert page.status_code == 200 and "SD02" in page.content.decode()


def test_empty_site(client, db):
    page = client.get("/thong-ke/bang-tong-hop/")
    assert page.status_code == 200 and "Chưa có đợt báo cáo nào" in page.content.decode()
    assert client.get("/thong-ke/bang-tong-hop/tai-ve.csv").status_code == 404


def test_a_counted_report_shows_the_library_beside_its_peers(client, counted, staff, ministry):  # noqa: F811
    from thuvien.stats.models import Submission

    report = Submission.objects.get(round=counted, state="approved")
    client.force_login(staff)
    page = client.get(f"/thong-ke/bao-cao/{report.pk}/").content.decode()
    assert "So với nhóm thư viện cùng loại, cùng cấp và cả nước" in page
    assert "Trung vị nhóm (1 thư viện)" in page and "Bình quân cả nước" in page
    draft = Submission.objects.exclude(pk=report.pk).get(round=counted)
    client.force_login(ministry)
    assert "So với nhóm" not in client.get(f"/thong-ke/bao-cao/{draft.pk}/").content.decode()


def test_the_cached_page_follows_every_change_of_the_tables(
    client,
    counted,  # noqa: F811
    danang_library,
    ministry,
    annual_form,
):
    from tests import factories
    from tests.stats.test_workflow import GOOD, entries, report
    from thuvien.accounts.models import Role
    from thuvien.stats.services import workflow
    from thuvien.stats.services.rounds import open_round

    def page() -> str:
        return client.get("/thong-ke/bang-tong-hop/", {"round": counted.pk}).content.decode()

    with CaptureQueriesContext(connection) as first:
        assert "Đã tính 1/2 báo cáo" in page()
    with CaptureQueriesContext(connection) as again:
        assert "Đã tính 1/2 báo cáo" in page() and "&lt;svg" not in page()  # kept as markup
    assert len(again) < len(first) - 5  # the body from the cache
    danang_staff = factories.user("dn", Role.LIBRARY_STAFF, library=danang_library)
    sub = report(counted, danang_library)
    workflow.save_values(danang_staff, sub, entries({**GOOD, "SD02": "7000"}))
    workflow.submit(danang_staff, sub)
    workflow.approve(ministry, sub)
    assert "Đã tính 2/2 báo cáo" in page() and "19.000" in page()
    workflow.unlock(ministry, sub, "sửa lại")
    assert "Đã tính 1/2 báo cáo" in page() and "19.000" not in page()
    open_round(ministry, annual_form, 2026)
    assert "2026" in page()  # the new round among the choices


def test_a_deployment_draws_the_pages_again(client, counted):  # noqa: F811
    """``migrate`` (run by every deployment) stamps the tables: a page drawn by the code it
    replaces is not served again."""
    from django.core.management import call_command

    from thuvien.stats.freshness import tables_stamp

    client.get("/thong-ke/bang-tong-hop/", {"round": counted.pk})
    before = tables_stamp()
    call_command("migrate", verbosity=0)
    assert tables_stamp() > before
