"""Fuzzing the figures reader: any cell is a figure, a status or a clear bilingual error, a
stored figure always fits the database column, and any bytes are a table or a clear error."""

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.stats.conftest import ANNUAL
from thuvien.registry.importing.readers import TableError
from thuvien.stats.definitions import load_file
from thuvien.stats.importing.options import Mapping, parse_missing_codes
from thuvien.stats.importing.readers import open_figures
from thuvien.stats.importing.rows import CellError, read_cell

SPEC = load_file(ANNUAL)
IMLS = Mapping().with_missing(parse_missing_codes("imls"))
ENGLISH = Mapping(number_format="en").with_missing(parse_missing_codes("imls"))
PLACES = Decimal("0.0001")

number_like = st.from_regex(r"\A[ \-+]?[0-9 .,]{0,24}(e[+-]?[0-9]{1,4})?\Z")
cells = st.one_of(
    st.text(max_size=40),
    number_like,
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["-1", "-3", "-4", "-9", "M", "m", " -1 ", "Có", "không", "x"]),
)


@settings(max_examples=400, deadline=None)
@given(cell=cells, code=st.sampled_from(["SD02", "TV02", "CS04", "CS07"]), english=st.booleans())
def test_a_cell_is_a_figure_a_status_or_a_clear_error(cell, code, english):
    element = SPEC.element(code)
    try:
        entered = read_cell(cell, element, ENGLISH if english else IMLS)
    except CellError as exc:
        assert " / " in str(exc)
        return
    if entered.number is not None:
        assert entered.number.is_finite() and abs(entered.number) < Decimal(10) ** 16
        assert entered.number == entered.number.quantize(PLACES)
    assert entered.status in ("reported", "unknown", "not_applicable", "suppressed")


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=600), header=st.booleans())
def test_any_bytes_are_a_table_or_a_clear_error(content, header):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes((b"VN_ID,SD02\n" if header else b"") + content)
        try:
            table = open_figures(path)
            rows = list(table.rows)
        except TableError as exc:
            assert " / " in str(exc)
            return
        assert all(isinstance(number, int) and number >= 2 for number, _ in rows)
