"""Bands, weighted scores and competition ranks (pure functions, no database)."""

from decimal import Decimal as D

from thuvien.evaluation.criteria import Band
from thuvien.evaluation.scoring import median, ranks, rate, weighted_score

HIGHER = (Band("tot", D(10)), Band("kha", D(5)), Band("yeu", None))
LOWER = (Band("tot", D(100)), Band("kha", D(200)), Band("yeu", None))


def test_bands_include_their_threshold_in_both_directions():
    assert [rate(D(v), "higher", HIGHER) for v in (10, 9.99, 5, 4, -1)] == [
        "tot", "kha", "kha", "yeu", "yeu",
    ]  # fmt: skip
    assert [rate(D(v), "lower", LOWER) for v in (0, 100, 100.01, 200, 201)] == [
        "tot", "tot", "kha", "kha", "yeu",
    ]  # fmt: skip


def test_weighted_score_leaves_out_what_was_not_rated_and_says_how_much():
    score = weighted_score([(D(50), D(4)), (D(30), D(2)), (D(20), None)], D("0.75"))
    assert score.value == D("3.25")  # (50*4 + 30*2) / 80
    assert score.weight_share == D("0.8")
    short = weighted_score([(D(50), D(4)), (D(50), None)], D("0.75"))
    assert short.value is None and short.weight_share == D("0.5")
    assert weighted_score([], D("0.5")).value is None


def test_competition_ranks_ties_and_lowest_first():
    values = {"a": D(3), "b": D(5), "c": D(5), "d": D(1), "e": None}
    assert ranks(values, "higher") == {"b": 1, "c": 1, "a": 3, "d": 4}
    assert ranks(values, "lower") == {"d": 1, "a": 2, "b": 3, "c": 3}
    assert median(values.values()) == D(4) and median([None]) is None
