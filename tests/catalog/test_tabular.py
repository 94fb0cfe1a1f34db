"""Spreadsheet rows -> MARC 21: a commune library's CSV export read with the csv module,
the same rows in an XLSX file written and read with openpyxl (numbers typed as numbers),
and the problems each bad row must name."""

import csv
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.fixtures.catalog.records import HERE, schema
from thuvien.catalog.marc.citation import tcvn4743
from thuvien.catalog.marc.extract import Holding, extract
from thuvien.catalog.marc.tabular import (
    MappingError,
    RowError,
    check_mapping,
    row_to_record,
)
from thuvien.catalog.marc.writers import to_marcxml

MAPPING = {
    "Số ĐKCB": "barcode",
    "Nhan đề": "title",
    "Tác giả": "author",
    "Nhà XB": "publisher",
    "Nơi XB": "place",
    "Năm XB": "year",
    "Số trang": "pages",
    "ISBN": "isbn",
    "Môn loại": "call_number",
    "Ngôn ngữ": "language",
    "Chủ đề": "subject",
    "Số bản": "copies",
    "Kho": "location",
    "Ghi chú": "note",
}
ENTERED = date(2024, 3, 11)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (HERE / "thu-vien-xa.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _convert(rows, mapping=MAPPING):
    results, errors = {}, {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            results[number] = row_to_record(row, mapping, row_number=number, entered=ENTERED)
        except RowError as error:
            errors[number] = error
    return results, errors


def test_good_rows_become_records_with_their_copies(rows):
    results, errors = _convert(rows)
    assert sorted(results) == [2, 3, 6, 7] and sorted(errors) == [4, 5]
    de_men = results[2]
    ex = extract(de_men.record)
    assert ex.title == "Dế Mèn phiêu lưu ký" and ex.authors == ["Tô Hoài"]
    assert (ex.year, ex.pages, ex.extent, ex.language) == (2019, 144, "144 tr.", "vie")
    # 604212345: 60+0+32+14+6+10+12+12+10 = 156, mod 11 = 2 -> check 9.
    assert ex.isbns == ["9786042123457", "6042123459"]
    assert ex.subjects == ["Văn học thiếu nhi", "Truyện"]
    assert ex.holdings == [
        Holding(None, "Kho thiếu nhi", "895.9223 T450H", 2, None, ("VV.000101", "VV.000102"), "952")
    ]
    assert de_men.record.control("008") == "240311s2019    xx " + " " * 17 + "vie d"
    assert tcvn4743(de_men.record).text == (
        "Dế Mèn phiêu lưu ký / Tô Hoài. - Hà Nội : Kim Đồng, 2019. - 144 tr. - ISBN 9786042123457."
    )
    for result in results.values():
        schema("MARC21slim.xsd").assertValid(etree.fromstring(to_marcxml(result.record).encode()))


def test_lists_in_cells_and_years_as_catalogued(rows):
    results, _ = _convert(rows)
    ex = extract(results[7].record)
    assert ex.authors == ["Nguyễn, Văn Hùng", "Trần Thị Lan"]
    assert [c.inverted for c in ex.contributors] == [True, False]
    assert ex.subjects == ["Nông nghiệp", "Cây lúa"]
    assert ex.year == 2020  # "c2020"
    assert ex.notes == ["Sách do Sở Nông nghiệp tặng, tháng 3/2021"]
    assert results[3].items[0].barcode == "VV.000103"  # no copy count: one per barcode


def test_bad_rows_name_the_row_and_every_bad_column(rows):
    _, errors = _convert(rows)
    assert (
        str(errors[4])
        == "Dòng 4, cột “Nhan đề”: nhan đề trống / Row 4, column “Nhan đề”: the title is empty"
    )
    assert [p.column for p in errors[5].problems] == ["Năm XB", "Số bản"]
    message = str(errors[5]).splitlines()
    assert message[0] == (
        "Dòng 5, cột “Năm XB”: “20l5” không phải năm xuất bản / "
        "Row 5, column “Năm XB”: “20l5” is not a year of publication"
    )
    assert message[1].startswith("Dòng 5, cột “Số bản”: số bản “hai” phải là số nguyên từ 1 đến")


def test_doubtful_values_are_kept_with_warnings(rows):
    results, _ = _convert(rows)
    tat_den = results[6]
    assert [(w.column, w.en) for w in tat_den.warnings] == [
        ("ISBN", "ISBN “978-604-969-842-3” fails its check"),
        ("Ngôn ngữ", "language “Tiếng Mường” not recognised, kept as a note"),
    ]
    ex = extract(tat_den.record)
    assert ex.isbns == [] and ex.invalid_isbns == ["9786049698423"]
    assert ex.language is None and ex.notes == ["Tiếng Mường"]


def test_xlsx_rows_with_typed_numbers_give_the_same_records(tmp_path, rows):
    path = tmp_path / "thu-vien-xa.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        typed = [
            int(v) if v.isdigit() and k in ("Năm XB", "Số trang") else v for k, v in row.items()
        ]
        sheet.append([float(v) if isinstance(v, int) else v or None for v in typed])
    book.save(path)
    loaded = openpyxl.load_workbook(path, read_only=True)
    values = list(loaded.active.iter_rows(values_only=True))
    xlsx_rows = [dict(zip(values[0], line, strict=True)) for line in values[1:]]
    assert isinstance(xlsx_rows[0]["Năm XB"], int)  # a number, not text, as Excel keeps it
    from_xlsx, xlsx_errors = _convert(xlsx_rows)
    from_csv, csv_errors = _convert(rows)
    assert sorted(xlsx_errors) == sorted(csv_errors)
    for number, result in from_csv.items():
        assert from_xlsx[number].record == result.record, number


def test_mappings_are_checked_before_any_row():
    with pytest.raises(MappingError, match="Unknown target fields: tieu_de"):
        check_mapping({"Nhan đề": "tieu_de"})
    with pytest.raises(MappingError, match="No column is mapped to the title"):
        check_mapping({"Tác giả": "author"})
    with pytest.raises(MappingError, match="Tệp không có cột: Nhan đề"):
        check_mapping({"Nhan đề": "title"}, columns=["Tên sách"])
    check_mapping(MAPPING, columns=list(MAPPING))


def test_oversized_and_control_characters():
    row = {"Nhan đề": "Sách\x07 hay", "Ghi chú": "ư" * 5000}
    with pytest.raises(RowError) as error:
        row_to_record(row, {"Nhan đề": "title", "Ghi chú": "note"}, row_number=9)
    assert "column “Ghi chú”: value too long (5000 characters)" in str(error.value)
    with pytest.raises(RowError, match="from 1 to 9999"):
        row_to_record({"Nhan đề": "Sách", "Số bản": "²"}, {"Nhan đề": "title", "Số bản": "copies"})
    with pytest.raises(RowError, match="from 1 to 9999"):
        row_to_record(
            {"Nhan đề": "Sách", "Số bản": 1_000_000}, {"Nhan đề": "title", "Số bản": "copies"}
        )
    record = row_to_record({"Nhan đề": "Sách\x07 hay"}, {"Nhan đề": "title"}).record
    assert extract(record).title == "Sách hay"


_CELL = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=True))


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({column: _CELL for column in MAPPING}))
def test_any_row_gives_a_record_or_a_row_error(row):
    try:
        result = row_to_record(row, MAPPING, row_number=2, entered=ENTERED)
    except RowError as error:
        assert error.problems and all(p.vi and p.en for p in error.problems)
        return
    ex = extract(result.record)
    assert ex.title
    assert len(result.items) == sum(h.items for h in ex.holdings)
