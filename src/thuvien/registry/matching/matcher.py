"""Match incoming library rows against the registry: blocking, vetoes, evidence, verdict.

A verdict of "same" lets an import update the existing library without asking; it needs a
high score, names alike enough, nothing that speaks against it (another province, another
number or level in the name, a branch against its parent), evidence besides name and
province (the same commune when the names say the same, else the same address, phone,
website or e-mail), and no other candidate just as good. "possible" sends the pair to a
person with the reasons; "different" keeps them apart.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from thuvien.registry.matching.blocking import BlockingIndex
from thuvien.registry.matching.config import MatchConfig
from thuvien.registry.matching.evidence import Assessment, assess
from thuvien.registry.matching.facts import (
    DIFFERENT,
    POSSIBLE,
    SAME,
    LibraryFacts,
    MatchCandidate,
)
from thuvien.registry.matching.names import NameCache, WeightOf
from thuvien.registry.matching.prepared import Prepared, prepare
from thuvien.registry.matching.reasons import Reason


@dataclass
class _Judged:
    key: str
    score: float
    verdict: str
    assessment: Assessment
    ambiguous: bool = False


class Matcher:
    def __init__(
        self, existing: Iterable[LibraryFacts] = (), config: MatchConfig | None = None
    ) -> None:
        self.config = config or MatchConfig.default()
        self.index = BlockingIndex(self.config.blocking, self.config.name.idf_prior)
        for facts in existing:
            self.add(facts)

    def __len__(self) -> int:
        return len(self.index)

    def add(self, facts: LibraryFacts) -> None:
        """Index one more library, e.g. a row created earlier in the same import."""
        self.index.add(prepare(facts, self.config.vocabulary))

    def match(self, incoming: LibraryFacts, limit: int = 5) -> list[MatchCandidate]:
        """Candidates above the floor, best first; a vetoed pair is never returned."""
        record = prepare(incoming, self.config.vocabulary)
        weight = self._weights()
        floor = self.config.thresholds.floor
        min_points = self._points_for(floor)
        judged = []
        cache: NameCache = {}
        for candidate in self.index.candidates(record):
            assessment = assess(record, candidate, weight, self.config, min_points, cache)
            if assessment.veto is None and not assessment.hopeless:
                judged.append(self._judge(candidate, assessment))
        self._resolve_ambiguity(judged)
        judged = sorted(
            (item for item in judged if item.score >= floor),
            key=lambda item: (-item.score, item.key),
        )
        return [self._candidate(item) for item in judged[:limit]]

    def _points_for(self, score: float) -> float:
        """The inverse of the score: how many points a score needs."""
        if score <= 0:
            return -math.inf
        if score >= 1:
            return math.inf
        return self.config.score_scale * math.log(score / (1 - score))

    def _weights(self) -> WeightOf:
        """Word weight: generic words count little, words rare in the registry much."""
        class_weights = self.config.name.class_weights
        idf = self.index.idf
        cache: dict[str, float] = {}

        def weight(token: str, cls: str | None) -> float:
            rarity = cache.get(token)
            if rarity is None:
                rarity = cache[token] = idf(token)
            return rarity * class_weights.get(cls, 1.0) if cls else rarity

        return weight

    def _judge(self, candidate: Prepared, assessment: Assessment) -> _Judged:
        score = 1 / (1 + math.exp(-assessment.points / self.config.score_scale))
        return _Judged(candidate.key, score, self._verdict(score, assessment), assessment)

    def _verdict(self, score: float, assessment: Assessment) -> str:
        if assessment.shared_identifier:
            return SAME
        needs_evidence = self.config.rules.same_requires_corroboration
        if (
            score >= self.config.thresholds.same
            and not assessment.blockers
            and (assessment.corroborated or not needs_evidence)
        ):
            return SAME
        return POSSIBLE if score >= self.config.thresholds.possible else DIFFERENT

    def _resolve_ambiguity(self, judged: list[_Judged]) -> None:
        """Two records that both look like the incoming row cannot both be it: ask a person."""
        sure = [item for item in judged if item.verdict == SAME]
        if len(sure) < 2 or not self.config.rules.ambiguous_same_becomes_possible:
            return
        for item in sure:
            item.verdict, item.ambiguous = POSSIBLE, True

    def _candidate(self, item: _Judged) -> MatchCandidate:
        assessment = item.assessment
        reasons = [finding.reason for finding in assessment.findings]
        if item.verdict != SAME:
            reasons += [reason for reason in assessment.blockers if reason not in reasons]
            reasons += self._missing_evidence(item)
        if item.ambiguous:
            reasons.append(Reason("ambiguous"))
        texts = tuple(reason.text() for reason in reasons)
        return MatchCandidate(item.key, round(item.score, 4), item.verdict, texts)

    def _missing_evidence(self, item: _Judged) -> list[Reason]:
        """Why a high score alone did not merge: say what a person should look for."""
        assessment = item.assessment
        if item.score < self.config.thresholds.same or assessment.blockers:
            return []
        if assessment.corroborated or not self.config.rules.same_requires_corroboration:
            return []
        if assessment.same_place and not assessment.contact_differs:
            return [Reason("names-not-equivalent")]
        if assessment.same_place:
            return [Reason("contact-differs")]
        return [Reason("no-second-evidence")]


__all__ = ["DIFFERENT", "POSSIBLE", "SAME", "Matcher"]
