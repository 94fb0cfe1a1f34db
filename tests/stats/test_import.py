"""Bulk import of figures from hand-made CSV and XLSX files: every kind of bad row named with
its row and column in Vietnamese and English, good rows kept, the error file downloadable,
fixable and importable again, reruns that change nothing, permissions by province, and
the tables following the approved rows."""

import csv
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from tests import factories
from tests.stats.conftest import ANNUAL
from thuvien.accounts.models import Role
from thuvien.kernel.audit.models import AuditEntry
from thuvien.registry.models import LibraryAlias
from thuvien.stats.definitions import load_file
from thuvien.stats.importing.errors import ERRORS_COLUMN, ROW_COLUMN
from thuvien.stats.importing.options import Mapping, parse_mapping, parse_missing_codes
from thuvien.stats.importing.plan import ColumnPlan
from thuvien.stats.importing.rows import read_row
from thuvien.stats.models import Submission, Value
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.services import aggregation
from thuvien.stats.services.imports import (
    StatsImportError,
    error_file,
    find_round,
    run_import,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "Mã thư viện",
    "Tên thư viện",
    "TV01",
    "TV02",
    "VT01",
    "VT01.1",
    "VT01.2",
    "VT01.3",
    "VT01.4",
    "SD01",
    "Lượt bạn đọc",
    "SD03",
    "SD04",
    "SD04.1",
    "SD04.2",
    "NL01",
]
MAPPING = {
    "library": {"column": "Mã thư viện"},
    "columns": {"Lượt bạn đọc": "SD02"},
    "ignore": ["Tên thư viện"],
    "missing": {"-1": "unknown", "M": "unknown", "-4": "not_applicable"},
}
GOOD = ["3", "", "1000", "900", "50", "30", "20", "400", "12000", "", "9000", "6000", "3000", "12"]


@pytest.fixture
def libraries(db):
    """Two libraries whose rows are good, and one for each faulty row (a later row of a
    library already in the file is itself a fault)."""
    hanoi, danang = factories.hanoi(), factories.danang()
    made = {
        "hn": factories.library("Thư viện Hà Nội", hanoi),
        "dn": factories.library("Thư viện Đà Nẵng", danang),
    }
    for key in ("type", "negative", "sum", "extra"):
        made[key] = factories.library(f"Thư viện xã {key}", hanoi, level="commune")
    return made


@pytest.fixture
def round_(ministry, annual_form, libraries):
    from thuvien.stats.services.rounds import open_round

    LibraryAlias.objects.create(library=libraries["dn"], scheme="so-dn", value="DN-01")
    return open_round(ministry, annual_form, 2025)


def rows_with_every_fault(libs) -> list[list]:
    """Row 2 good; 3 unknown library; 4 not a number; 5 negative count; 6 parts that do not
    add up; 7 the first library again; 8 good, named by an alias, with missing codes; 9 a
    cell past the last column; 10 no library id."""
    bad_type = [*GOOD]
    bad_type[8] = "nhiều"
    negative = [*GOOD]
    negative[13] = "-3"
    not_adding = [*GOOD]
    not_adding[3] = "890"  # 890 + 50 + 30 + 20 = 990, not 1000
    coded = [*GOOD]
    coded[1], coded[9] = "12,125", "-1"  # Vietnamese decimal comma; -1: unknown
    hn = libs["hn"].vn_id
    return [
        HEADER,
        [hn, "Hà Nội", *GOOD],
        ["VN-99999999", "Không có", *GOOD],
        [libs["type"].vn_id, "Sai kiểu", *bad_type],
        [libs["negative"].vn_id, "Số âm", *negative],
        [libs["sum"].vn_id, "Không khớp tổng", *not_adding],
        [hn.lower().replace("-", " "), "Hà Nội lần hai", *GOOD],
        ["so-dn:DN-01", "Đà Nẵng", *coded],
        [libs["extra"].vn_id, "Ô thừa", *GOOD, "ô thừa"],
        ["", "Không mã", *GOOD],
    ]


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """Numbers typed as numbers, as a spreadsheet holds them (12.125 hours stays 12.125)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([_typed(cell) for cell in row])
    book.save(path)
    return path


def _typed(cell: str):
    if cell.lstrip("-").isdigit():
        return int(cell)
    if cell == "12,125":
        return 12.125
    return cell or None


def do_import(user, round_, path, mapping=MAPPING, approve=False):
    job = run_import(
        user, round_, path, parse_mapping(mapping), approve=approve, show_progress=False
    )
    assert job.status == "succeeded", job.error
    return job


def errors_by_row(job) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for error in job.report["first_errors"]:
        found.setdefault(error["row"], []).append(error)
    return found


EXPECTED = {  # row: (column, words of the Vietnamese message, words of the English one)
    3: ("Mã thư viện", "Không có thư viện «VN-99999999»", "no library 'VN-99999999'"),
    4: ("Lượt bạn đọc", "Không phải số: «nhiều»", "not a number: 'nhiều'"),
    5: ("NL01", "Không được âm", "Must not be negative"),
    6: ("VT01", "khác VT01.1 + VT01.2 + VT01.3 + VT01.4 (990)", "differs from VT01.1"),
    7: ("Mã thư viện", "đã có ở dòng 2", "is already on row 2"),
    9: ("", "Có ô nằm ngoài cột cuối cùng", "cells to the right of the last named column"),
    10: ("Mã thư viện", "Thiếu mã thư viện", "the library id is missing"),
}


def check_every_fault(job, libraries, round_):
    report = job.report
    assert (report["rows"], report["imported"], report["rejected"]) == (9, 2, 7)
    found = errors_by_row(job)
    assert sorted(found) == sorted(EXPECTED)
    for row, (column, vi, en) in EXPECTED.items():
        (error,) = found[row]
        assert error["column"] == column
        assert vi in error["message"] and en in error["message"], error
        assert " / " in error["message"]
    hanoi = Submission.objects.get(round=round_, library=libraries["hn"])
    danang = Submission.objects.get(round=round_, library=libraries["dn"])
    assert hanoi.state == danang.state == "submitted"
    for key in ("type", "negative", "sum", "extra"):
        assert Submission.objects.get(round=round_, library=libraries[key]).state == "not_started"
    figures = {v.element.code: v for v in danang.values.select_related("element")}
    assert figures["TV02"].number == D("12.125") and figures["SD02"].number == 12000
    assert figures["SD03"].status == "unknown" and figures["SD03"].number is None
    assert hanoi.values.count() == 12 and "TV02" not in {v.element.code for v in hanoi.values.all()}


def test_csv_with_every_kind_of_bad_row(ministry, round_, libraries, tmp_path):
    path = write_csv(tmp_path / "so-lieu.csv", rows_with_every_fault(libraries))
    job = do_import(ministry, round_, path)
    check_every_fault(job, libraries, round_)
    assert AuditEntry.objects.filter(action="stats.import_report").count() == 2
    assert AuditEntry.objects.get(action="stats.import").after["rejected"] == 7
    events = Submission.objects.get(round=round_, library=libraries["hn"]).events.all()
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("import", "not_started", "submitted")
    ]
    assert aggregation.national_totals(round_) == {}  # submitted, not yet counted


def test_xlsx_with_every_kind_of_bad_row(ministry, round_, libraries, tmp_path):
    path = write_xlsx(tmp_path / "so-lieu.xlsx", rows_with_every_fault(libraries))
    job = do_import(ministry, round_, path)
    check_every_fault(job, libraries, round_)


def test_error_file_is_downloadable_fixable_and_imports_again(
    ministry, round_, libraries, tmp_path
):
    job = do_import(
        ministry, round_, write_csv(tmp_path / "a.csv", rows_with_every_fault(libraries))
    )
    path = error_file(ministry, job)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r[ROW_COLUMN]) for r in rows] == sorted(EXPECTED)
    assert rows[1]["Lượt bạn đọc"] == "nhiều" and "not a number" in rows[1][ERRORS_COLUMN]
    assert rows[1]["Tên thư viện"] == "Sai kiểu"  # the row as it came, ignored columns too
    assert rows[5]["Ô thừa / extra cells"] == "ô thừa"
    # the library staff fix the row typed wrongly and send the error file back as it is
    rows[1]["Lượt bạn đọc"] = "5000"
    fixed = tmp_path / "sua.csv"
    with open(fixed, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = do_import(ministry, round_, fixed)
    # the fixed row imported; Hà Nội's row 7, now first in the file, is a rerun (unchanged);
    # the others are still wrong (the extra cell too: it is carried in its own column)
    report = again.report
    assert (report["imported"], report["unchanged"], report["rejected"]) == (1, 1, 5)
    report = Submission.objects.get(round=round_, library=libraries["type"])
    assert report.state == "submitted"
    assert report.values.get(element__code="SD02").number == 5000
    officer = factories.user("so-hn", Role.PROVINCE_OFFICER, province=factories.hanoi())
    with pytest.raises(PermissionDenied):
        error_file(officer, job)  # another user's import, and not a ministry account


def test_approved_import_feeds_the_tables_and_a_rerun_changes_nothing(
    ministry, round_, libraries, tmp_path
):
    path = write_csv(tmp_path / "a.csv", rows_with_every_fault(libraries))
    first = do_import(ministry, round_, path, approve=True)
    assert first.report["approved"] == 2
    nation = aggregation.national_totals(round_)
    assert nation[("SD02", "VN")].total == 24000 and nation[("SD02", "VN")].reported == 2
    assert nation[("SD03", "VN")].unknown == 1
    by_province = aggregation.totals_by_key(round_, "VT01", Dimension.PROVINCE)
    assert by_province == {"01": 1000, "48": 1000}
    incremental = {
        (c.element_id, c.dimension, c.key, c.total, c.unknown) for c in round_.cells.all()
    }
    aggregation.rebuild(round_)
    assert {(c.element_id, c.dimension, c.key, c.total, c.unknown) for c in round_.cells.all()} == (
        incremental
    )
    values = Value.objects.count()
    rerun = do_import(ministry, round_, path, approve=True)
    assert (rerun.report["imported"], rerun.report["unchanged"]) == (0, 2)
    assert Value.objects.count() == values
    assert aggregation.national_totals(round_)[("SD02", "VN")].total == 24000
    # other figures for an approved report are refused until it is unlocked
    changed = rows_with_every_fault(libraries)[:2]
    changed[1][10] = "13000"  # SD02
    conflict = do_import(ministry, round_, write_csv(tmp_path / "b.csv", changed), approve=True)
    (error,) = conflict.report["first_errors"]
    assert "mở khoá" in error["message"] and "unlock" in error["message"]


def test_submitted_figures_approved_by_a_second_import(ministry, round_, libraries, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows_with_every_fault(libraries)[:2])
    do_import(ministry, round_, path)
    assert aggregation.national_totals(round_) == {}
    again = do_import(ministry, round_, path, approve=True)
    assert again.report["approved"] == 1
    assert aggregation.national_totals(round_)[("SD02", "VN")].total == 12000


def test_province_office_imports_only_its_own_libraries(round_, libraries, tmp_path):
    officer = factories.user("so-hn", Role.PROVINCE_OFFICER, province=factories.hanoi())
    rows = rows_with_every_fault(libraries)
    job = do_import(officer, round_, write_csv(tmp_path / "a.csv", rows), approve=True)
    found = errors_by_row(job)
    assert "not allowed to import figures" in found[8][0]["message"]  # Đà Nẵng's library
    hanoi = Submission.objects.get(round=round_, library=libraries["hn"])
    assert hanoi.state == "approved" and job.report["imported"] == 1
    reader = factories.user("ban-doc", Role.READER)
    with pytest.raises(PermissionDenied):
        do_import(reader, round_, write_csv(tmp_path / "b.csv", rows))
    staff = factories.user("thu-thu", Role.LIBRARY_STAFF, library=libraries["hn"])
    with pytest.raises(PermissionDenied):  # a library files its own report; it does not import
        do_import(staff, round_, write_csv(tmp_path / "c.csv", rows))


def test_unknown_columns_are_refused_unless_ignored(ministry, round_, libraries, tmp_path):
    rows = rows_with_every_fault(libraries)[:2]
    path = write_csv(tmp_path / "a.csv", rows)
    with pytest.raises(StatsImportError) as caught:
        do_import(ministry, round_, path, mapping={"library": {"column": "Mã thư viện"}})
    problems = caught.value.problems
    assert any("Dòng 1 (tiêu đề), cột «Tên thư viện»" in p for p in problems)
    assert any("row 1 (header), column 'Lượt bạn đọc'" in p for p in problems)
    with pytest.raises(StatsImportError, match="XX9"):
        do_import(ministry, round_, path, mapping={**MAPPING, "columns": {"Lượt bạn đọc": "XX9"}})
    assert Submission.objects.filter(round=round_, state="submitted").count() == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "rỗng"), (b"\x00\x01binary", "nhị phân"), (b"PK\x03\x04broken", "hỏng")],
)
def test_broken_files_are_refused_with_a_clear_message(ministry, round_, tmp_path, content, words):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(StatsImportError, match=words):
        do_import(ministry, round_, path)


def test_missing_codes_and_mappings_are_checked():
    assert parse_missing_codes("imls")["-9"] == "suppressed"
    assert parse_missing_codes("imls,-2=unknown")["-2"] == "unknown"
    with pytest.raises(ValueError, match="maybe"):
        parse_missing_codes("-1=maybe")
    with pytest.raises(ValueError, match="number_format"):
        parse_mapping({"number_format": "fr"})
    mapping = Mapping().with_missing({"M": "unknown"})
    assert mapping.missing.status_of_text(" m ") == "unknown"


def test_decimals_beyond_the_stored_four_are_refused_unless_the_mapping_rounds(annual_form):
    hours = load_file(ANNUAL).element("TV02")  # decimal
    plan = ColumnPlan("vn_id", "vn_id", {"TV02": "TV02"}, ())
    raw = {"vn_id": "VN-1", "TV02": "43.21957671958"}
    strict = read_row(2, raw, plan, {"TV02": hours}, parse_mapping({"number_format": "en"}))
    assert "at most 4 decimal places" in strict.errors[0].message
    rounding = parse_mapping({"number_format": "en", "round_decimals": True})
    kept = read_row(2, raw, plan, {"TV02": hours}, rounding)
    assert kept.entries["TV02"].number == D("43.2196") and kept.rounded == 1
    assert read_row(2, {**raw, "TV02": "43.5"}, plan, {"TV02": hours}, rounding).rounded == 0


def test_command_line(ministry, round_, libraries, tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", rows_with_every_fault(libraries))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    call_command(
        "stats_import",
        str(path),
        "--round",
        "bao-cao-thu-vien-nam:2025",
        "--map",
        str(mapping),
        "--missing-codes=-9=suppressed",
        "--approve",
        "--user",
        "bo",
        verbosity=0,
    )
    out = capsys.readouterr().out
    assert "lỗi / rejected: 7" in out and "dòng / row 4, cột / column «Lượt bạn đọc»" in out
    assert find_round(str(round_.pk)) == round_
    number = str(round_.pk)
    bad = [
        ([str(tmp_path / "none.csv"), "--round", number], "no such file"),
        ([str(path), "--round", number], "there is no superuser"),
        ([str(path), "--round", number, "--user", "nobody"], "no such user"),
        ([str(path), "--round", "bao-cao-thu-vien-nam:1999", "--user", "bo"], "no reporting round"),
        (
            [str(path), "--round", number, "--missing-codes=-1=maybe", "--user", "bo"],
            "invalid status",
        ),
        (
            [str(path), "--round", number, "--map", str(tmp_path / "no.json"), "--user", "bo"],
            "JSON",
        ),
    ]
    for args, words in bad:
        with pytest.raises(CommandError, match=words):
            call_command("stats_import", *args, verbosity=0)


def test_loaders_say_what_is_wrong_with_their_arguments(ministry, tmp_path):
    bad = [
        ("stats_load_imls", [str(tmp_path / "none")], "no such directory"),
        ("stats_load_imls", [str(tmp_path), "--years", "2015"], "invalid years"),
        ("stats_load_imls", [str(tmp_path), "--years", "2018"], "missing files"),
        ("stats_load_ifla", [str(tmp_path)], "no values_long.csv"),
    ]
    for command, args, words in bad:
        with pytest.raises(CommandError, match=words):
            call_command(command, *args, "--user", "bo", verbosity=0)


def test_figures_far_from_last_year_are_imported_with_a_warning(
    ministry, annual_form, round_, libraries, tmp_path, capsys
):
    from thuvien.stats.services.rounds import open_round

    earlier = open_round(ministry, annual_form, 2024)
    hn = libraries["hn"].vn_id
    do_import(
        ministry,
        earlier,
        write_csv(tmp_path / "2024.csv", [HEADER, [hn, "HN", *GOOD]]),
        approve=True,
    )
    tripled = [*GOOD]
    tripled[2:7] = ["3000", "2700", "150", "90", "60"]  # VT01 and its parts, 3x last year
    job = do_import(
        ministry,
        round_,
        write_csv(tmp_path / "2025.csv", [HEADER, [hn, "HN", *tripled]]),
        approve=True,
    )
    assert job.report["imported"] == 1 and job.report["warned"] == 1
    (warning,) = job.report["first_warnings"]
    assert warning["row"] == 2 and warning["column"] == "VT01"
    assert "năm trước" in warning["message"] and "last year" in warning["message"]
    from thuvien.stats.management.common import report_lines

    assert any("imported with warnings: 1" in line for line in report_lines(job))
