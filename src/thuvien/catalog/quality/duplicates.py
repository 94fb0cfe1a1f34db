"""A library's own duplicates: records of one source set that describe one publication.

Pure Python. Uses the deduplication package's blocking and matcher
(docs/adr/0016-deduplication.md) without its clusterer, whose profiles stay in memory:
here only the block index is kept for the whole library, and the profiles of the
candidate pairs are loaded a batch of pairs at a time through the caller's ``load``, so
memory stays bounded on a library of millions of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from thuvien.catalog.dedup.blocking import BlockIndex
from thuvien.catalog.dedup.profile import Profile
from thuvien.catalog.dedup.rules import Matcher

__all__ = ["DuplicateGroup", "MatchedPair", "find_duplicates"]

PAIR_BATCH = 2000
ProfileLoader = Callable[[Iterable[str]], dict[str, Profile]]


@dataclass(slots=True)
class MatchedPair:
    left: str
    right: str
    probability: float
    reasons: list[str]


@dataclass(slots=True)
class DuplicateGroup:
    """Records judged to be one publication, with the pairs that joined them."""

    keys: list[str]
    pairs: list[MatchedPair] = field(default_factory=list)


def _batches(pairs: Iterator[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    while batch := list(islice(pairs, size)):
        yield batch


def matched_pairs(
    index: BlockIndex, load: ProfileLoader, matcher: Matcher, batch: int = PAIR_BATCH
) -> Iterator[MatchedPair]:
    """Every candidate pair of the index that the matcher calls one publication."""
    for pairs in _batches(index.pairs(), batch):
        profiles = load({key for pair in pairs for key in pair})
        for left, right in pairs:
            a, b = profiles.get(left), profiles.get(right)
            if a is None or b is None or matcher.assess(a, b) < matcher.threshold:
                continue
            decision, reasons = matcher.explain(a, b)
            yield MatchedPair(left, right, decision.probability, reasons)


def _groups(pairs: list[MatchedPair]) -> list[DuplicateGroup]:
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for pair in pairs:
        parent[root(pair.left)] = root(pair.right)
    groups: dict[str, DuplicateGroup] = {}
    for pair in pairs:
        group = groups.setdefault(root(pair.left), DuplicateGroup([]))
        group.pairs.append(pair)
    for group in groups.values():
        group.keys = sorted({k for p in group.pairs for k in (p.left, p.right)}, key=_natural)
    return sorted(groups.values(), key=lambda g: (-len(g.keys), _natural(g.keys[0])))


def _natural(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def find_duplicates(
    index: BlockIndex, load: ProfileLoader, matcher: Matcher | None = None
) -> list[DuplicateGroup]:
    """Groups of duplicates among the indexed records, largest first.

    Groups are the connected pairs: within one library a chain of matches is rare and a
    cataloguer checks each group by its reasons, so the clusterer's chaining guard is
    not needed here."""
    found = list(matched_pairs(index, load, matcher or Matcher()))
    return _groups(found)
