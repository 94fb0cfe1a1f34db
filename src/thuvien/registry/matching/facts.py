"""What the matcher reads and what it answers."""

from dataclasses import dataclass

SAME = "same"
POSSIBLE = "possible"
DIFFERENT = "different"


@dataclass(frozen=True)
class LibraryFacts:
    """What we know of one library: an existing registry entry or an incoming import row."""

    key: str
    name: str
    other_names: tuple[str, ...] = ()
    country: str = "VN"
    province: str = ""
    commune: str = ""
    address: str = ""
    website: str = ""
    phone: str = ""
    email: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MatchCandidate:
    """One existing library proposed for an incoming row, with the reasons for the verdict."""

    key: str
    score: float
    verdict: str
    reasons: tuple[str, ...]
