"""Validation of a report's figures (pure, no database)."""

from decimal import Decimal as D

import pytest

from tests.stats.conftest import ANNUAL
from thuvien.stats.definitions import load_file
from thuvien.stats.validation import Entered, blocking, parse_number, validate

SPEC = load_file(ANNUAL)


def problems(values, library_type="public", last=None, submit=False):
    entered = {k: v if isinstance(v, Entered) else Entered(D(v)) for k, v in values.items()}
    return validate(SPEC.elements, entered, library_type, last, for_submission=submit)


def codes(found, level="error"):
    return sorted({p.code for p in found if p.level == level})


def test_parts_must_add_up_to_the_total_and_of_which_must_not_exceed_it():
    found = problems({"VT01": 100, "VT01.1": 60, "VT01.2": 30, "VT01.3": 5, "VT01.4": 4})
    assert codes(found) == ["VT01"]
    assert "VT01.1 + VT01.2 + VT01.3 + VT01.4 (99)" in found[0].vi
    ok = problems({"VT01": 100, "VT01.1": 60, "VT01.2": 30, "VT01.3": 6, "VT01.4": 4})
    assert ok == []
    # an "of which" need not add up, but cannot be larger than its total
    assert problems({"SD01": 50, "SD01.1": 10}) == []
    assert codes(problems({"SD01": 50, "SD01.1": 51})) == ["SD01.1"]


def test_missing_parts_do_not_trigger_the_sum_check_but_a_part_over_the_total_does():
    assert problems({"VT01": 100, "VT01.1": 60}) == []
    assert codes(problems({"VT01": 100, "VT01.1": 160})) == ["VT01.1"]


@pytest.mark.parametrize(
    ("code", "value", "words"),
    [
        ("SD02", "-1", "âm"),
        ("SD02", "1.5", "nguyên"),
        ("TV02", "170", "168"),
        ("CS04", "2", "Có hoặc Không"),
    ],
)
def test_types_and_ranges(code, value, words):
    found = problems({code: value})
    assert codes(found) == [code] and words in found[0].vi and " / " in found[0].message


def test_statuses_are_not_numbers_and_an_estimate_needs_its_method():
    assert problems({"SD02": Entered(status="not_applicable")}) == []
    assert problems({"SD02": Entered(status="unknown")}) == []
    found = problems({"SD02": Entered(D(1000), status="estimated")})
    assert codes(found) == ["SD02"] and "ước tính" in found[0].vi
    assert problems({"SD02": Entered(D(1000), status="estimated", estimate_method="x2")}) == []


def test_required_figures_block_submission_only():
    assert problems({}) == []
    required = codes(problems({}, submit=True))
    assert {"SD01", "SD02", "SD04", "VT01", "NL01", "TV01"} <= set(required)
    assert "VT01.6" not in required


def test_year_on_year_ratio_is_a_warning_until_explained():
    found = problems({"SD02": 30000}, last={"SD02": D(10000)})
    assert codes(found, "warning") == ["SD02"] and codes(found) == []
    assert blocking(found) and "3,00" in found[0].vi
    explained = problems(
        {"SD02": Entered(D(30000), note="Mở thêm chi nhánh")}, last={"SD02": D(10000)}
    )
    assert explained[0].explained and not blocking(explained)
    assert problems({"SD02": 15000}, last={"SD02": D(10000)}) == []


def test_elements_for_other_library_types_are_not_asked():
    # own documents (VT01.6) are asked of universities, not of public libraries
    assert problems({"VT01": 10, "VT01.6": 20}, library_type="public") == []
    assert codes(problems({"VT01": 10, "VT01.6": 20}, library_type="university")) == ["VT01.6"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1.234.567", "1234567"),
        ("1 234", "1234"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.234", "1234"),
        ("0", "0"),
        ("1.234,5", "1234.5"),
    ],
)
def test_numbers_as_people_type_them(typed, number):
    assert parse_number(typed) == D(number)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "NaN", "Infinity"])
def test_not_numbers(typed):
    with pytest.raises(ValueError):
        parse_number(typed)
