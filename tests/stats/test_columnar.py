"""Packed figures: what is packed comes back, and the sums are exact at any size."""

import random
from decimal import Decimal as D

import numpy as np
import pytest

from thuvien.stats import columnar


def test_packing_keeps_element_status_and_number_and_drops_blanks():
    packed = columnar.pack(
        [
            (7, "reported", D("12.5")),
            (8, "estimated", D("-3.0001")),
            (9, "unknown", None),
            (10, "reported", None),  # a text or a blank: nothing to add up
            (11, "made-up", D(1)),  # not a status the tables count
        ]
    )
    figures, lengths = columnar.unpack([packed])
    assert lengths.tolist() == [3]
    assert figures["element"].tolist() == [7, 8, 9]
    assert figures["number"].tolist() == [125_000, -30_001, 0]
    assert figures["kind"].tolist() == [0, 1, 3]


def test_a_figure_too_large_to_pack_is_refused():
    with pytest.raises(columnar.TooWide):
        columnar.pack([(1, "reported", D("500000000000000"))])
    columnar.pack([(1, "reported", D("400000000000000.1234"))])  # 4 × 10¹⁴ still fits


def test_sums_are_exact_for_decimals_negatives_and_near_the_limit():
    rng = random.Random(5)
    reports = []
    expected: dict[int, D] = {}
    for _ in range(300):
        figures = []
        for element in range(4):
            number = D(rng.randint(-(10**18), 10**18)).scaleb(-4) if element else D("0.0001")
            figures.append((element, rng.choice(["reported", "estimated"]), number))
            expected[element] = expected.get(element, D(0)) + number
        reports.append(columnar.pack(figures))
    figures, _ = columnar.unpack(reports)
    fine = columnar.fine_sums(figures["element"].astype(np.int64), figures, 4)
    cells = columnar.cell_values(fine)
    assert [cell[0] for cell in cells] == [expected[key] for key in range(4)]
    assert cells[0][0] == D("0.03")
    assert all(cell[1] == 300 for cell in cells)
    # rolled up (elements 1-3 into one column, element 0 dropped) the total stays exact
    rolled = columnar.roll_up(fine, np.array([-1, 0, 0, 0]), 1)
    assert columnar.cell_values(rolled)[0][0] == expected[1] + expected[2] + expected[3]


def test_counters_follow_the_statuses():
    packed = columnar.pack(
        [
            (0, "reported", D(5)),
            (0, "estimated", D(7)),
            (0, "not_applicable", None),
            (0, "unknown", None),
            (0, "suppressed", None),
            (0, "estimated", None),  # an estimate without a number counts nowhere
            (0, "unknown", D(99)),  # a number beside "unknown" is not added
        ]
    )
    figures, _ = columnar.unpack([packed])
    fine = columnar.fine_sums(np.zeros(len(figures), dtype=np.int64), figures, 1)
    assert columnar.cell_values(fine) == [[D(12), 2, 1, 1, 2, 1]]
    assert fine[columnar.PRESENT, 0] == 6
