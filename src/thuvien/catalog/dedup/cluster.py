"""Clusters of records that are one publication, from pairwise decisions.

Union-find over the matched pairs, strongest first, with a guard against chaining: two
clusters are joined only if the records of one match at least half of the records of the
other that are checked (up to ``checks`` on each side, scored on demand), and no checked
pair is vetoed. A chain A~B, B~C where A and C differ (two volumes that both resemble a
set record) therefore stops at the first link that the rest of the cluster disagrees with.

Manual decisions always win: a cataloguer's merge joins records whatever the scores say
and a split keeps them apart whatever the scores say. They are data passed in on every
run (the application stores them), applied in the order given, a later decision on the
same records replacing an earlier one, so they survive every rerun.

Incremental: ``add`` indexes a batch and compares each new record only with its blocking
candidates; existing clusters are kept and only grow or join. Cluster ids are stable: a
cluster keeps the id of the larger of the two that joined (a new record's id at first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from thuvien.catalog.dedup.blocking import BlockIndex
from thuvien.catalog.dedup.profile import Profile
from thuvien.catalog.dedup.rules import Matcher

__all__ = ["BatchReport", "Clusterer", "ManualDecision", "preferred"]

CHECKS = 5
AGREEMENT = 0.5


@dataclass(frozen=True, slots=True)
class ManualDecision:
    """A cataloguer's correction: ``merge`` puts every record of ``left`` and ``right`` in
    one cluster; ``split`` keeps every record of ``left`` apart from every one of ``right``."""

    kind: Literal["merge", "split"]
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass
class BatchReport:
    records: int = 0
    candidate_pairs: int = 0
    matched_pairs: int = 0
    joins: int = 0
    refused_chains: int = 0  # joins refused by the guard
    refused_manual: int = 0  # joins refused by a manual split
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # split inside a merge


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


class Clusterer:
    """Holds profiles, the block index and the clusters between batches."""

    def __init__(
        self,
        matcher: Matcher | None = None,
        decisions: Sequence[ManualDecision] = (),
        checks: int = CHECKS,
        agreement: float = AGREEMENT,
        index: BlockIndex | None = None,
    ):
        self.matcher = matcher if matcher is not None else Matcher()
        self.index = index if index is not None else BlockIndex()
        self.checks, self.agreement = checks, agreement
        self.profiles: dict[str, Profile] = {}
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.links: dict[tuple[str, str], float] = {}  # the pairs that joined clusters
        self.scores: dict[tuple[str, str], float] = {}  # -1.0 marks a vetoed pair
        self.must: set[tuple[str, str]] = set()
        self.cannot: set[tuple[str, str]] = set()
        self.merged_by_hand: set[str] = set()
        self._set_decisions(decisions)

    # --- manual decisions ---------------------------------------------------------

    def _set_decisions(self, decisions: Iterable[ManualDecision]) -> None:
        for decision in decisions:
            if decision.kind == "merge":
                everyone = [*decision.left, *decision.right]
                pairs = {_pair(a, b) for a in everyone for b in everyone if a != b}
                self.cannot -= pairs
                first = everyone[0]
                self.must |= {_pair(first, other) for other in everyone[1:]}
            else:
                pairs = {_pair(a, b) for a in decision.left for b in decision.right if a != b}
                self.must -= pairs
                self.cannot |= pairs
        self.merged_by_hand = {key for pair in self.must for key in pair}

    def _manual_apart(self, left: str, right: str) -> bool:
        if not self.cannot:
            return False
        return any(
            _pair(a, b) in self.cannot for a in self.members[left] for b in self.members[right]
        )

    # --- union-find ---------------------------------------------------------------

    def cluster_of(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def _join(self, left: str, right: str) -> str:
        big, small = sorted((left, right), key=lambda c: (-len(self.members[c]), c))
        self.parent[small] = big
        self.members[big].extend(self.members.pop(small))
        return big

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> member keys, for clusters of more than one record."""
        return {c: sorted(m) for c, m in self.members.items() if len(m) > 1}

    # --- scoring ------------------------------------------------------------------

    def score(self, a: str, b: str) -> float:
        """Match probability of two records (-1.0 when a veto holds), cached."""
        pair = _pair(a, b)
        if pair not in self.scores:
            self.scores[pair] = self.matcher.assess(self.profiles[a], self.profiles[b])
        return self.scores[pair]

    def _agrees(self, left: str, right: str) -> bool:
        """The anti-chaining guard for joining two clusters. A veto against a record that
        a cataloguer merged by hand does not block: that record is there by decision, not
        by resemblance."""
        ours = sorted(self.members[left])[: self.checks]
        theirs = sorted(self.members[right])[: self.checks]
        pairs = [(a, b, self.score(a, b)) for a in ours for b in theirs]
        manual = self.merged_by_hand
        if any(s < 0 and a not in manual and b not in manual for a, b, s in pairs):
            return False
        matched = sum(1 for _, _, s in pairs if s >= self.matcher.threshold)
        return matched >= self.agreement * len(pairs)

    # --- batches ------------------------------------------------------------------

    def add(self, batch: Iterable[Profile]) -> BatchReport:
        """Index and cluster a batch: each new record is compared with its candidates."""
        report = BatchReport()
        new: list[str] = []
        for profile in batch:
            if profile.key in self.profiles:
                continue
            self.profiles[profile.key] = profile
            self.parent[profile.key] = profile.key
            self.members[profile.key] = [profile.key]
            self.index.add(profile)
            new.append(profile.key)
        report.records = len(new)
        pairs = {
            _pair(key, other) for key in new for other in self.index.candidates(self.profiles[key])
        }
        self._apply_merges(report)
        self._link(pairs, report)
        return report

    def _apply_merges(self, report: BatchReport) -> None:
        for a, b in sorted(self.must):
            if a in self.parent and b in self.parent:
                left, right = self.cluster_of(a), self.cluster_of(b)
                if left != right:
                    self._join(left, right)
        for a, b in self.cannot:
            if a in self.parent and b in self.parent and self.cluster_of(a) == self.cluster_of(b):
                report.conflicts.append((a, b))

    def _link(self, pairs: Iterable[tuple[str, str]], report: BatchReport) -> None:
        matched: list[tuple[float, str, str]] = []
        for a, b in pairs:
            report.candidate_pairs += 1
            probability = self.score(a, b)
            if probability >= self.matcher.threshold:
                matched.append((probability, a, b))
        report.matched_pairs = len(matched)
        for probability, a, b in sorted(matched, key=lambda m: (-m[0], m[1], m[2])):
            left, right = self.cluster_of(a), self.cluster_of(b)
            if left == right:
                continue
            if self._manual_apart(left, right):
                report.refused_manual += 1
            elif not self._agrees(left, right):
                report.refused_chains += 1
            else:
                self._join(left, right)
                self.links[_pair(a, b)] = probability
                report.joins += 1

    def apply(self, decision: ManualDecision) -> BatchReport:
        """A new manual decision on clustered records: a merge joins their clusters; a
        split re-clusters the records of the clusters involved under the new constraint."""
        self._set_decisions([decision])
        report = BatchReport()
        if decision.kind == "merge":
            self._apply_merges(report)
            return report
        affected = {
            self.cluster_of(k) for k in (*decision.left, *decision.right) if k in self.parent
        }
        keys = [k for c in affected for k in self.members.pop(c)]
        for key in keys:
            self.parent[key] = key
            self.members[key] = [key]
        self.links = {p: s for p, s in self.links.items() if p[0] not in keys and p[1] not in keys}
        self._apply_merges(report)
        pairs = {
            _pair(a, b) for a in keys for b in self.index.candidates(self.profiles[a]) if b in keys
        }
        self._link(pairs, report)
        return report


def preferred(profiles: Sequence[Profile], priority: dict[str, int] | None = None) -> Profile:
    """The record to show for a cluster: the highest source priority (the National
    Library of Vietnam first, configurable), then the most complete, then the first key."""
    ranks = priority or {}

    def completeness(p: Profile) -> int:
        filled = (
            *(p.title, p.remainder, p.persons or p.bodies, p.publisher, p.place, p.years),
            *(p.pages, p.edition, p.series, p.subjects, p.isbns, p.language, p.height),
        )
        return sum(1 for value in filled if value) + min(len(p.subjects), 5)

    return min(profiles, key=lambda p: (-ranks.get(p.key, 0), -completeness(p), p.key))
