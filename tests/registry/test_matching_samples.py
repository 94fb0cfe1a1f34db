"""Precision and recall on the committed labelled sample (tests/fixtures/matching/README.md).

Targets: an automatic merge ("same") is right at least 99 times in 100; a true duplicate
reaches the review queue ("same" or "possible") at least 95 times in 100. Ratios only:
timings belong to bench/registry_matching.py.
"""

from pathlib import Path

import pytest

from thuvien.registry.matching import Matcher
from thuvien.registry.matching import imls as imls_sample
from thuvien.registry.matching.evaluation import (
    LabelledPair,
    Measure,
    load_existing,
    load_pairs,
    measure_pairs,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "matching"
SAME_PRECISION = 0.99
REVIEW_RECALL = 0.95


def assert_targets(measure: Measure) -> None:
    assert measure.same.precision >= SAME_PRECISION, (measure.name, measure.wrong_merges)
    assert measure.review.recall >= REVIEW_RECALL, (measure.name, measure.missed)


@pytest.fixture(scope="module")
def imls_rows() -> list[imls_sample.ImlsRow]:
    return imls_sample.load(FIXTURES / "imls_pls_fy2016_fy2018.csv.gz")


@pytest.mark.parametrize("scenario", imls_sample.SCENARIOS, ids=lambda s: s.name)
def test_imls_held_out_states(
    imls_rows: list[imls_sample.ImlsRow], scenario: imls_sample.Scenario
) -> None:
    measure = imls_sample.measure(imls_rows, "test", scenario)
    assert measure.rows > 4000
    assert_targets(measure)


@pytest.mark.parametrize("split", ["tune", "test"])
@pytest.mark.parametrize("part", ["libweb", "vn"])
def test_labelled_pairs(part: str, split: str) -> None:
    matcher = Matcher(load_existing(FIXTURES / f"{part}_existing.csv"))
    pairs = load_pairs(FIXTURES / f"{part}_pairs.csv")
    assert_targets(measure_pairs(f"{part} {split}", matcher, pairs, split))


def test_sample_sizes_match_the_readme() -> None:
    def counts(pairs: list[LabelledPair]) -> tuple[int, int]:
        return sum(pair.same for pair in pairs), sum(not pair.same for pair in pairs)

    vietnamese = load_pairs(FIXTURES / "vn_pairs.csv")
    assert len(vietnamese) >= 200
    assert counts(vietnamese) == (149, 145)
    assert counts(load_pairs(FIXTURES / "libweb_pairs.csv")) == (58, 2852)
    assert {pair.split for pair in vietnamese} == {"tune", "test"}


def test_imls_splits_are_disjoint_states(imls_rows: list[imls_sample.ImlsRow]) -> None:
    splits = imls_sample.split_of(imls_rows)
    assert set(splits.values()) == {"tune", "test"}
    assert len(splits) == len({row.state for row in imls_rows})
