"""Match weights, thresholds and vocabulary, read from versioned JSON files shipped here.

They are data so that a change of threshold is reviewed as data (and measured with
``bench/registry_matching.py``), not hunted across the code.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from thuvien.registry.matching.folding import word, words

DEFAULT_CONFIG = Path(__file__).with_name("config.json")
T = TypeVar("T")


@dataclass(frozen=True)
class Thresholds:
    same: float
    possible: float
    floor: float


@dataclass(frozen=True)
class NameSettings:
    curve: tuple[tuple[float, float], ...]  # name similarity -> points, linear in between
    same_min: float  # below this similarity no automatic merge, whatever else agrees
    bigram_share: Mapping[str, float]  # share of word-pair agreement in the similarity
    fuzzy_min_len: Mapping[str, int]  # Vietnamese syllables are short: typos match badly
    fuzzy_min_similarity: float
    idf_prior: float  # pseudo-count so that a small registry still weighs words evenly
    class_weights: Mapping[str, float]

    @property
    def best_points(self) -> float:
        """What the most alike names can add: a bound for skipping hopeless pairs."""
        return max(points for _, points in self.curve)


@dataclass(frozen=True)
class Points:
    identifier_same: float
    province_same: float
    province_different: float
    commune_same: float
    commune_code_different: float  # official codes: another commune is another place
    commune_text_different: float  # city text abroad: a mailing town often differs
    address_same: float
    address_similar: float
    address_different: float
    phone_same: float
    phone_different: float
    website_same: float
    website_same_host: float
    email_same: float
    email_same_domain: float


@dataclass(frozen=True)
class Similarity:
    address_same: float
    address_similar: float
    place_same: float


@dataclass(frozen=True)
class Rules:
    same_requires_corroboration: bool
    ambiguous_same_becomes_possible: bool


@dataclass(frozen=True)
class Blocking:
    max_candidates: int  # full comparisons per incoming row
    max_posting: int  # a key shared by more records than this selects nothing
    max_token_keys: int  # rarest name words looked up per name
    min_evidence_share: float  # of the best candidate's key evidence, to be compared at all


@dataclass(frozen=True)
class ConflictRule:
    """What a disagreement between two names costs, per language ("vi" or "other")."""

    points: Mapping[str, float]
    blocks_same: Mapping[str, bool]

    def points_for(self, language: str) -> float:
        return self.points.get(language, self.points["other"])

    def blocks(self, language: str) -> bool:
        return self.blocks_same.get(language, self.blocks_same["other"])

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ConflictRule":
        return cls(_by_language(data["points"], float), _by_language(data["blocks_same"], bool))


def _by_language(value: Any, kind: type) -> dict[str, Any]:
    """A single value applies to every language; a mapping gives one per language."""
    if isinstance(value, Mapping):
        return {language: kind(item) for language, item in value.items()}
    return {"other": kind(value)}


@dataclass(frozen=True)
class Vocabulary:
    version: str
    stopwords: frozenset[str]
    abbreviations: Mapping[str, Mapping[str, tuple[str, ...]]]  # "common" | "vi" | "en"
    phrases: Mapping[tuple[str, ...], str]
    initials: Mapping[str, str]
    classes: Mapping[str, str]  # token -> class name
    kind: Mapping[str, str]  # token -> kind of institution
    kind_family: Mapping[str, str]  # kind -> family of kinds easily renamed into each other
    level: Mapping[str, str]  # token -> administrative level
    address_abbreviations: Mapping[str, tuple[str, ...]]
    address_noise: frozenset[str]
    free_mail_domains: frozenset[str]
    public_markers: frozenset[str]
    place_prepositions: frozenset[str]
    longest_phrase: int


@dataclass(frozen=True)
class MatchConfig:
    version: str
    score_scale: float
    thresholds: Thresholds
    name: NameSettings
    points: Points
    similarity: Similarity
    rules: Rules
    blocking: Blocking
    conflicts: Mapping[str, ConflictRule]
    vocabulary: Vocabulary

    @classmethod
    def default(cls) -> "MatchConfig":
        return _load_default()


def load_config(path: Path | str = DEFAULT_CONFIG) -> MatchConfig:
    """Read a config file; its vocabulary path is relative to the file."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    vocabulary = load_vocabulary(path.parent / data["vocabulary"])
    name = dict(data["name"])
    name["curve"] = tuple(tuple(point) for point in name["curve"])
    return MatchConfig(
        version=data["version"],
        score_scale=float(data["score_scale"]),
        thresholds=_build(Thresholds, data["thresholds"]),
        name=_build(NameSettings, name),
        points=_build(Points, data["points"]),
        similarity=_build(Similarity, data["similarity"]),
        rules=_build(Rules, data["rules"]),
        blocking=_build(Blocking, data["blocking"]),
        conflicts={name: ConflictRule.from_json(rule) for name, rule in data["conflicts"].items()},
        vocabulary=vocabulary,
    )


def load_vocabulary(path: Path) -> Vocabulary:
    """Read the vocabulary, folding every word the way names are folded."""
    data = json.loads(path.read_text(encoding="utf-8"))
    phrases = {tuple(words(run)): word(token) for run, token in data["phrases"].items()}
    return Vocabulary(
        version=data["version"],
        stopwords=frozenset(map(word, data["stopwords"])),
        abbreviations={
            language: _expansions(table) for language, table in data["abbreviations"].items()
        },
        phrases=phrases,
        initials={word(token): word(letters) for token, letters in data["initials"].items()},
        classes={word(token): cls for cls, tokens in data["classes"].items() for token in tokens},
        kind={word(token): kind for token, kind in data["groups"]["kind"].items()},
        kind_family={
            kind: family for family, kinds in data["kind_families"].items() for kind in kinds
        },
        level={word(token): level for token, level in data["groups"]["level"].items()},
        address_abbreviations=_expansions(data["address_abbreviations"]),
        address_noise=frozenset(map(word, data["address_noise"])),
        free_mail_domains=frozenset(data["free_mail_domains"]),
        public_markers=frozenset(map(word, data["public_markers"])),
        place_prepositions=frozenset(map(word, data["place_prepositions"])),
        longest_phrase=max((len(run) for run in phrases), default=1),
    )


def _expansions(table: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    return {word(short): tuple(words(long)) for short, long in table.items()}


def _build(cls: type[T], values: Mapping[str, Any]) -> T:
    """Construct a settings dataclass, failing loudly on a missing or unknown key."""
    names = {field.name for field in fields(cls)}  # type: ignore[arg-type]
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"unknown {cls.__name__} settings: {sorted(unknown)}")
    return cls(**values)


@cache
def _load_default() -> MatchConfig:
    return load_config(DEFAULT_CONFIG)
