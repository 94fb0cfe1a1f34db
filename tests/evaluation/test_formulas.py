"""The formula language: precedence, codes with dots, Decimal arithmetic, missing inputs and
division by zero as "not computable" with the reason, and refused constructs."""

import re
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thuvien.evaluation.formulas import FormulaError, parse

CASES = [
    ("SD04 / VT01", {"SD04": 9000, "VT01": 1000}, D(9)),
    ("1 + 2 * 3", {}, D(7)),
    ("(1 + 2) * 3", {}, D(9)),
    ("10 - 4 - 3", {}, D(3)),  # left to right
    ("100 / 10 / 5", {}, D(2)),
    ("-VT01 + 5", {"VT01": 2}, D(3)),
    ("VT05.2 / VT01.5 * 100", {"VT05.2": 35, "VT01.5": 50}, D(70)),
    ("NL01 / population * 1000", {"NL01": 45, "population": 1_500_000}, D("0.03")),
    ("KP01 * 1000000 / SD02", {"KP01": D("1500.5"), "SD02": 50000}, D("30010")),
    ("max(SD02, SD03) - min(1, 2, 3)", {"SD02": 5, "SD03": 7}, D(6)),
    ("0.1 + 0.2", {}, D("0.3")),  # decimals, not binary floats
    ("{VT-01} / 2", {"VT-01": 5}, D("2.5")),
    ("VT01.1+VT01.2", {"VT01.1": 1, "VT01.2": 2}, D(3)),
]


@pytest.mark.parametrize(("source", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_values(source, values, expected):
    outcome = parse(source).evaluate(values)
    assert outcome.computable and outcome.value == expected


def test_codes_with_dots_are_names_and_the_inputs_come_back():
    formula = parse("VT05.2 / VT01.5 * 100 + VT05.2 * 0")
    assert formula.codes == ("VT05.2", "VT01.5")
    outcome = formula.evaluate({"VT05.2": 7, "VT01.5": 10, "unused": 1})
    assert outcome.inputs == {"VT05.2": D(7), "VT01.5": D(10)}


def test_division_by_zero_is_not_computable_and_names_the_divisor():
    outcome = parse("SD04 / (VT01 - VT01.4)").evaluate({"SD04": 1, "VT01": 5, "VT01.4": 5})
    assert outcome.value is None
    assert outcome.problem == "chia cho 0: VT01 - VT01.4 = 0 / division by zero: VT01 - VT01.4 = 0"


def test_missing_inputs_are_all_listed_with_their_reasons():
    outcome = parse("SD02 / population + VT01").evaluate(
        {"VT01": None}, {"population": "chưa có số dân / no population figure"}
    )
    assert outcome.value is None
    assert outcome.inputs == {"SD02": None, "population": None, "VT01": None}
    assert outcome.problem == (
        "thiếu số liệu: SD02, population (chưa có số dân), VT01 / "
        "missing figures: SD02, population (no population figure), VT01"
    )


REFUSED = [
    ("__import__('os').system('true')", "character '_' not allowed at position 1"),
    ("VT01.__class__", "character '.' not allowed at position 5"),
    ("(1).real", "character '.' not allowed"),
    ("abs(SD02)", "only min and max may be called, not abs"),
    ("eval(SD02)", "only min and max may be called, not eval"),
    ("max(1)(2)", "only min and max may be called"),
    ("2 ** 1000000000", "powers (**) are not allowed"),
    ("9 ** 9 ** 9", "powers (**) are not allowed"),
    ("SD02 // 2", "not FloorDiv"),
    ("SD02 % 2", "character '%' not allowed"),
    ("SD02 < 1", "character '<' not allowed"),
    ("SD02 if VT01 else 0", "invalid formula syntax"),
    ("lambda: 1", "character ':' not allowed"),
    ("[SD02]", "character '[' not allowed"),
    ("'text'", 'character "\'" not allowed'),
    ("SD02, VT01", "construct not allowed: Tuple"),
    ("max()", "needs at least one positional argument"),
    ("max(*VT01)", "no * in arguments"),
    ("1e999", "invalid formula syntax"),
    ("1" * 31, "number too long"),
    ("(" * 210 + "1" + ")" * 210, "invalid formula syntax"),
    ("SD02 + " * 100 + "1", "longer than 500 characters"),
    ("", "the formula is empty"),
    ("SD02 = 1", "character '=' not allowed"),
]


@pytest.mark.parametrize(("source", "reason"), REFUSED, ids=[r[0][:30] for r in REFUSED])
def test_refused(source, reason):
    with pytest.raises(FormulaError, match=re.escape(reason)):
        parse(source)


def test_a_dotted_word_is_one_code_never_attribute_access():
    formula = parse("SD02.real.imag")
    assert formula.codes == ("SD02.real.imag",)
    outcome = formula.evaluate({"SD02": 5})  # SD02's number is not reached through it
    assert outcome.value is None and "SD02.real.imag" in outcome.problem


@given(st.text(max_size=60))
def test_any_text_either_parses_or_is_refused_cleanly(text):
    try:
        formula = parse(text)
    except FormulaError:
        return
    outcome = formula.evaluate(dict.fromkeys(formula.codes, 3))
    assert outcome.computable or outcome.problem


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-(10**12), max_value=10**12),
)
def test_arithmetic_matches_python_on_integers(a, b):
    values = {"A": a, "B": b}
    assert parse("A + B * 2 - (A - B)").evaluate(values).value == a + b * 2 - (a - b)
    outcome = parse("A / B").evaluate(values)
    assert (outcome.value is None) == (b == 0)
