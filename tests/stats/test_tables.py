"""National tables, per-capita figures, response rates, trends, peers and the exports."""

import csv
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.stats.test_workflow import GOOD, entries, report
from thuvien.accounts.models import Role
from thuvien.stats import exports, tables
from thuvien.stats.models import PopulationFigure
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.services import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(round_2025, hanoi_library, danang_library, staff, officer):
    """Hà Nội approved (12,000 visits); Đà Nẵng's report not sent."""
    sub = report(round_2025, hanoi_library)
    workflow.save_values(staff, sub, entries(GOOD))
    workflow.submit(staff, sub)
    workflow.approve(officer, sub)
    return round_2025


def test_province_rows_carry_their_response_and_per_capita(counted):
    PopulationFigure.objects.create(
        dimension=Dimension.PROVINCE, key="01", year=2024, population=8_700_000, source="GSO"
    )
    table = tables.national_table(counted, Dimension.PROVINCE, ["SD02", "VT01"])
    rows = {r.key: r for r in table.rows}
    assert [r.label for r in table.rows] == ["Thành phố Hà Nội", "Thành phố Đà Nẵng"]
    hanoi, danang = rows["01"], rows["48"]
    assert (hanoi.expected, hanoi.counted, hanoi.response_rate) == (1, 1, 1.0)
    assert hanoi.values == {"SD02": D(12000), "VT01": D(1000)}
    assert hanoi.per_capita("VT01", per=1000) == D(1000) * 1000 / 8_700_000
    # no report counted: no figure (not zero), and the response rate says why
    assert (danang.expected, danang.counted, danang.values) == (1, 0, {})
    assert danang.per_capita("SD02") is None
    assert table.total.values["SD02"] == D(12000) and table.total.response_rate == 0.5


def test_trend_and_peers(counted, ministry, annual_form, hanoi_library):
    assert tables.trend(annual_form.code, "SD02") == [(2025, D(12000))]
    comparison = tables.library_against_peers(report(counted, hanoi_library), "SD02")
    assert comparison.library == D(12000) and comparison.peer_count == 1
    assert comparison.peer_median == D(12000) and comparison.national_mean == D(12000)


def test_exports_read_back(counted):
    table = tables.national_table(counted, Dimension.PROVINCE, ["SD02", "VT01"])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert rows[0][0] == "Đơn vị" and rows[0][4].startswith("SD02 Lượt bạn đọc")
    assert rows[1][:5] == ["Thành phố Hà Nội", "1", "1", "100.0", "12000"]
    assert rows[2][:5] == ["Thành phố Đà Nẵng", "1", "0", "0.0", ""]
    assert rows[-1][0] == "Tổng cộng" and rows[-1][4] == "12000"
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    assert sheet["A1"].value == counted.title
    assert [c.value for c in sheet[5]][:5] == ["Thành phố Hà Nội", 1, 1, 100.0, 12000]
    assert sheet[sheet.max_row][0].value == "Tổng cộng"


def test_type_dimension(counted):
    factories.user("x", Role.READER)
    table = tables.national_table(counted, Dimension.LIBRARY_TYPE, ["SD02"])
    assert [(r.label, r.values.get("SD02")) for r in table.rows] == [
        ("Thư viện công cộng", D(12000))
    ]


def test_pdf_report_reads_in_vietnamese(counted):
    from pypdf import PdfReader

    from thuvien.stats.pdf import national_pdf

    table = tables.national_table(counted, Dimension.PROVINCE, ["SD02", "VT01"])
    pdf = national_pdf(table)
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    squeezed = " ".join(text.split())
    assert "Thành phố Hà Nội" in squeezed and "Thành phố Đà Nẵng" in squeezed
    assert "Lượt bạn đọc đến thư viện" in squeezed and "12.000" in squeezed
    assert "Tổng cộng" in squeezed and "1/2" in squeezed
