"""The ministry loads population figures on their page in Chromium: a table with one bad
row; the good rows are listed and the bad one is named with its row and column."""

import pytest

from tests import factories
from tests.e2e.conftest import shot, sign_in
from thuvien.accounts.models import Role
from thuvien.stats.models import PopulationFigure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_population_page(page, tmp_path):
    factories.hanoi(), factories.danang()
    factories.user("bo", Role.MINISTRY_ADMIN)
    table = tmp_path / "dan-so-2024.csv"
    table.write_text(
        "Tỉnh,Năm,Dân số,Nguồn\n"
        "01,2024,8.685.600,Niên giám thống kê 2024\n"
        "48,2024,3.065.600,Niên giám thống kê 2024\n"
        "Cả nước,2024,101.112.656,Niên giám thống kê 2024\n"
        "Hà Giang,2024,900.000,Niên giám thống kê 2024\n",
        encoding="utf-8",
    )
    sign_in(page, "bo")
    page.goto(page.base + "/thong-ke/")
    page.click("text=Dân số cho chỉ số bình quân")
    page.set_input_files("input[name=file]", str(table))
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    status = page.locator("[role=status]").inner_text()
    assert "3 mới" in status and "1 dòng lỗi" in status
    assert "Dòng 5, cột “Tỉnh”" in status and "Hà Giang" in status
    rows = page.locator("table.data tbody tr")
    assert rows.first.inner_text().split("\t")[:3] == ["Cả nước", "2024", "101.112.656"]
    assert rows.count() == 3 and PopulationFigure.objects.count() == 3
    shot(page, "stats-population")
