"""Population figures loaded from a table (service, command, page) and used by the
per-capita values of the national tables."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests import factories
from thuvien.accounts.models import Role
from thuvien.kernel.audit.models import AuditEntry
from thuvien.stats import tables
from thuvien.stats.models import PopulationFigure
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.services.population import PopulationError, load_populations

pytestmark = pytest.mark.django_db

GOOD = (
    "Tỉnh,Năm,Dân số,Nguồn\n"
    "Hà Nội,2024,8.685.600,Niên giám thống kê 2024\n"
    "TP. Hồ Chí Minh,2024,14002598,Niên giám thống kê 2024\n"
    "48,2024,3 065 600,Niên giám thống kê 2024\n"
    "Cả nước,2024,101.112.656,Niên giám thống kê 2024\n"
)


@pytest.fixture
def ministry(real_units):
    return factories.user("bo-dan-so", Role.MINISTRY_ADMIN)


def write(tmp_path, text, name="dan-so.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def figures():
    return {
        (f.dimension, f.key, f.year): (f.population, f.source)
        for f in PopulationFigure.objects.all()
    }


def test_names_codes_and_the_country_are_loaded_once(ministry, tmp_path):
    report = load_populations(ministry, write(tmp_path, GOOD))
    assert (report.created, report.updated, report.unchanged, report.errors) == (4, 0, 0, [])
    loaded = figures()
    assert loaded[(Dimension.PROVINCE, "01", 2024)][0] == 8_685_600
    assert loaded[(Dimension.PROVINCE, "79", 2024)][0] == 14_002_598
    assert loaded[(Dimension.PROVINCE, "48", 2024)][0] == 3_065_600
    assert loaded[(Dimension.NATION, "VN", 2024)] == (101_112_656, "Niên giám thống kê 2024")
    assert AuditEntry.objects.filter(action="stats.load_populations").count() == 1
    again = load_populations(ministry, write(tmp_path, GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert figures() == loaded
    changed = load_populations(
        ministry,
        write(tmp_path, "tinh,nam,dan so,nguon\nHà Nội,2024,8700000,GSO\nVN,2023,100000000,GSO\n"),
    )
    assert (changed.created, changed.updated) == (1, 1)
    assert figures()[(Dimension.PROVINCE, "01", 2024)] == (8_700_000, "GSO")
    assert figures()[(Dimension.NATION, "VN", 2023)] == (100_000_000, "GSO")


def test_bad_rows_are_named_and_the_good_ones_kept(ministry, tmp_path):
    text = (
        "Province,Year,Population\n"
        "Hà Nội,2024,8685600\n"
        "Hà Giang,2024,900000\n"  # a province merged away in 2025
        "Huế,năm ngoái,1000\n"
        "Huế,2024,-5\n"
        "Huế,2024,1.5\n"
        "Hà Nội,2024,8685601\n"
    )
    report = load_populations(ministry, write(tmp_path, text), source="GSO 2024")
    assert report.created == 1
    where = [(row, column) for row, column, _ in report.errors]
    assert where == [
        (3, "Province"), (4, "Year"), (5, "Population"), (6, "Population"), (7, "Province"),
    ]  # fmt: skip
    messages = [message for _, _, message in report.errors]
    assert messages[0] == (
        "“Hà Giang” là tỉnh trước 01/7/2025, nay thuộc Tỉnh Tuyên Quang: ghi số dân của tỉnh mới"
        " / “Hà Giang” is a province of before 1 July 2025, now part of Tỉnh Tuyên Quang: give"
        " the population of the new province"
    )
    assert "dòng 2" in messages[4] and "row 2" in messages[4]
    assert figures() == {(Dimension.PROVINCE, "01", 2024): (8_685_600, "GSO 2024")}


def test_a_table_without_its_columns_or_sources_is_refused(ministry, tmp_path):
    with pytest.raises(PopulationError, match=r"thiếu cột Dân số.*missing column population"):
        load_populations(ministry, write(tmp_path, "Tỉnh,Năm\nHà Nội,2024\n"))
    report = load_populations(ministry, write(tmp_path, "Tỉnh,Năm,Dân số\nHà Nội,2024,1000\n"))
    assert "thiếu nguồn" in report.errors[0][2] and not PopulationFigure.objects.exists()
    with pytest.raises(PopulationError, match="binary file"):
        path = tmp_path / "x.csv"
        path.write_bytes(b"\x00\x01\x02")
        load_populations(ministry, path)


def test_only_the_ministry_loads_populations(real_units, tmp_path):
    officer = factories.user("so", Role.PROVINCE_OFFICER, province=factories.hanoi())
    with pytest.raises(PermissionDenied):
        load_populations(officer, write(tmp_path, GOOD))


def counted_round(ministry, annual_form):
    """Round 2025 with Hà Nội's report approved (1,000 items in VT01)."""
    from tests.stats.test_workflow import GOOD as FIGURES
    from tests.stats.test_workflow import entries, report
    from thuvien.stats.services import workflow
    from thuvien.stats.services.rounds import open_round

    library = factories.library("Thư viện Hà Nội", factories.hanoi())
    round_ = open_round(ministry, annual_form, 2025)
    staff = factories.user("thuthu", Role.LIBRARY_STAFF, library=library)
    sub = report(round_, library)
    workflow.save_values(staff, sub, entries(FIGURES))
    workflow.submit(staff, sub)
    workflow.approve(ministry, sub)
    return round_


def test_xlsx_and_the_per_capita_values_of_the_tables(ministry, tmp_path, annual_form):
    round_ = counted_round(ministry, annual_form)
    row = {r.key: r for r in tables.national_table(round_, Dimension.PROVINCE, ["VT01"]).rows}
    assert row["01"].per_capita("VT01") is None  # no population yet: none shown, none guessed
    book = Workbook()
    book.active.append(["Tỉnh", "Năm", "Dân số", "Nguồn"])
    book.active.append(["Thành phố Hà Nội", 2024, 8_000_000, "GSO"])
    book.save(tmp_path / "dan-so.xlsx")
    load_populations(ministry, tmp_path / "dan-so.xlsx")
    row = {r.key: r for r in tables.national_table(round_, Dimension.PROVINCE, ["VT01"]).rows}
    assert row["01"].per_capita("VT01", per=1000) == D(1000) * 1000 / 8_000_000


def test_the_tables_page_and_exports_show_per_capita_values(
    ministry, tmp_path, annual_form, client
):
    round_ = counted_round(ministry, annual_form)
    query = f"/thong-ke/bang-tong-hop/?round={round_.pk}&dimension=province&code=VT01"
    assert "bình quân đầu người" not in client.get(query).content.decode()  # none loaded yet
    load_populations(
        ministry, write(tmp_path, "Tỉnh,Năm,Dân số,Nguồn\n01,2025,4000,x\nCả nước,2024,10000,x\n")
    )
    html = client.get(query).content.decode()
    assert "VT01 bình quân đầu người" in html
    assert '<td class="num">4.000</td><td class="num">0,25</td>' in html  # Hà Nội
    assert '<td class="num">10.000</td><td class="num">0,10</td>' in html  # the country
    from thuvien.stats import exports

    table = tables.national_table(round_, Dimension.PROVINCE, ["VT01"])
    lines = exports.to_csv(table).decode("utf-8-sig").splitlines()
    assert lines[0].endswith("Dân số,VT01 bình quân đầu người")
    assert lines[1].endswith(",4000,0.25") and lines[-1].endswith(",10000,0.1")


def test_command(ministry, tmp_path, capsys):
    call_command("stats_population", str(write(tmp_path, GOOD)), "--user", "bo-dan-so")
    assert "mới / new 4" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no such file"):
        call_command("stats_population", str(tmp_path / "none.csv"))
    bad = write(tmp_path, "Tỉnh,Năm,Dân số,Nguồn\nAtlantis,2024,5,x\n", "bad.csv")
    with pytest.raises(CommandError, match="1 errors"):
        call_command("stats_population", str(bad), "--user", "bo-dan-so")
    err = capsys.readouterr().err
    assert "dòng / row 2" in err and "không nhận ra tỉnh/thành phố “Atlantis”" in err


def test_page(ministry, client, tmp_path):
    client.force_login(ministry)
    page = client.get("/thong-ke/dan-so/")
    assert page.status_code == 200 and "Chưa có số dân nào" in page.content.decode()
    with open(write(tmp_path, GOOD), "rb") as handle:
        page = client.post("/thong-ke/dan-so/", {"file": handle, "source": ""})
    html = page.content.decode()
    assert "Đã nạp: 4 mới" in html and "8.685.600" in html
    assert "Thành phố Hồ Chí Minh" in html and "Cả nước" in html
    with open(write(tmp_path, "Tỉnh\nHà Nội\n", "bad.csv"), "rb") as handle:
        page = client.post("/thong-ke/dan-so/", {"file": handle})
    assert "missing column" in page.content.decode()
    reader = factories.user("ban-doc", Role.READER)
    client.force_login(reader)
    assert client.get("/thong-ke/dan-so/").status_code == 403
