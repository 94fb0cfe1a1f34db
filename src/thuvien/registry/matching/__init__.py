"""Matching of library records for the registry's bulk import (pure Python, no Django).

    matcher = Matcher(existing_facts)
    for row in rows:
        candidates = matcher.match(row)   # best first: "same", "possible" or "different"
        ...
        matcher.add(created_row_facts)    # later rows of the same import can match it

Stages, features and measured figures: docs/adr/0006-library-matching.md.
"""

from thuvien.registry.matching.config import MatchConfig, load_config
from thuvien.registry.matching.facts import (
    DIFFERENT,
    POSSIBLE,
    SAME,
    LibraryFacts,
    MatchCandidate,
)
from thuvien.registry.matching.matcher import Matcher

__all__ = [
    "DIFFERENT",
    "POSSIBLE",
    "SAME",
    "LibraryFacts",
    "MatchCandidate",
    "MatchConfig",
    "Matcher",
    "load_config",
]
