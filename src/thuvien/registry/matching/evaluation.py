"""Precision and recall of the matcher on labelled samples (used by the tests and the bench).

Two measures per sample: "same" (automatic merges; a wrong one is the worst error) and
"review" (same or possible: what reaches a person; a duplicate missing from it is missed).
"""

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thuvien.registry.matching.facts import POSSIBLE, SAME, LibraryFacts
from thuvien.registry.matching.matcher import Matcher

SEARCH_LIMIT = 50  # deeper than an import shows, so that a labelled pair is always found


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Measure:
    """Counts for one sample, with the wrong decisions kept for inspection."""

    name: str
    same: Counts = field(default_factory=Counts)
    review: Counts = field(default_factory=Counts)
    rows: int = 0
    wrong_merges: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    def count(self, incoming_key: str, truth: str | None, same: set[str], review: set[str]) -> None:
        """One incoming row: its true counterpart (if any) and what the matcher said."""
        self.rows += 1
        for key in same - {truth}:
            self.same.false_positive += 1
            self.wrong_merges.append((incoming_key, key))
        self.review.false_positive += len(review - {truth})
        if truth is None:
            return
        if truth in same:
            self.same.true_positive += 1
        else:
            self.same.false_negative += 1
        if truth in review:
            self.review.true_positive += 1
        else:
            self.review.false_negative += 1
            self.missed.append((incoming_key, truth))


def measure_rows(
    name: str, matcher: Matcher, incoming: Iterable[LibraryFacts], truth: Mapping[str, str | None]
) -> Measure:
    """Every verdict counts: the labels are complete (one counterpart or none per row)."""
    result = Measure(name)
    for row in incoming:
        candidates = matcher.match(row, limit=SEARCH_LIMIT)
        same = {c.key for c in candidates if c.verdict == SAME}
        review = same | {c.key for c in candidates if c.verdict == POSSIBLE}
        result.count(row.key, truth.get(row.key), same, review)
    return result


@dataclass(frozen=True)
class LabelledPair:
    pair: str
    split: str
    same: bool
    existing_key: str
    incoming: LibraryFacts
    how: str = ""
    note: str = ""


def measure_pairs(
    name: str, matcher: Matcher, pairs: Sequence[LabelledPair], split: str | None = None
) -> Measure:
    """Only labelled pairs count: verdicts on other pairs of these rows are not judged."""
    result = Measure(name)
    chosen = [pair for pair in pairs if split is None or pair.split == split]
    verdicts: dict[str, dict[str, str]] = {}
    for pair in chosen:
        if pair.incoming.key not in verdicts:
            found = matcher.match(pair.incoming, limit=SEARCH_LIMIT)
            verdicts[pair.incoming.key] = {c.key: c.verdict for c in found}
    for pair in chosen:
        verdict = verdicts[pair.incoming.key].get(pair.existing_key, "different")
        same = {pair.existing_key} if verdict == SAME else set()
        review = {pair.existing_key} if verdict in (SAME, POSSIBLE) else set()
        truth = pair.existing_key if pair.same else None
        result.count(pair.pair, truth, same, review)
    return result


def facts_from_row(row: Mapping[str, str], prefix: str = "") -> LibraryFacts:
    def get(column: str) -> str:
        return (row.get(prefix + column) or "").strip()

    return LibraryFacts(
        key=get("key"),
        name=get("name"),
        other_names=tuple(name.strip() for name in get("other_names").split("|") if name.strip()),
        country=get("country") or "VN",
        province=get("province"),
        commune=get("commune"),
        address=get("address"),
        website=get("website"),
        phone=get("phone"),
        email=get("email"),
    )


def load_existing(path: Path) -> list[LibraryFacts]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [facts_from_row(row) for row in csv.DictReader(handle)]


def load_pairs(path: Path) -> list[LabelledPair]:
    """Pairs of an existing key and an incoming row (columns prefixed "in_")."""
    pairs: list[LabelledPair] = []
    seen: dict[str, LibraryFacts] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            incoming = facts_from_row(row, "in_")
            if seen.setdefault(incoming.key, incoming) != incoming:
                raise ValueError(f"{path.name}: incoming {incoming.key} differs between pairs")
            if row["label"] not in ("same", "different"):
                raise ValueError(f"{path.name}: pair {row['pair']} has label {row['label']!r}")
            pairs.append(
                LabelledPair(
                    pair=row["pair"],
                    split=row["split"],
                    same=row["label"] == "same",
                    existing_key=row["existing_key"],
                    incoming=incoming,
                    how=row.get("how", ""),
                    note=row.get("note", ""),
                )
            )
    return pairs
