"""The decision on one pair: vetoes first, then evidence.

A veto is a difference that makes two records different publications whatever else
agrees (another volume, another edition, print against online, dates far apart with no
reprint to explain them, another language, page counts far apart). Vetoes are cheap and
are checked before anything is scored. A pair that passes them is scored by the learned
model over the comparison features, plus fixed evidence from shared identifiers (the
training set has none, so their weights are set here, not learned). Every decision keeps
its features, vetoes and contributions, for the page that shows why records matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from thuvien.catalog.dedup.features import MISSING, NAMES, compare, explain
from thuvien.catalog.dedup.model import TreeModel, load_model, sigmoid
from thuvien.catalog.dedup.profile import Profile

__all__ = ["IDENTIFIER_WEIGHTS", "Decision", "Matcher", "Veto", "vetoes"]

TITLE_GATE = 60  # in percent: below this the titles share too little to be one record
YEARS_APART = 30  # more years than this between the nearest dates, and no reprint
PAGES_RATIO = 0.5  # page counts differing by more than half of the larger one...
PAGES_GAP = 50  # ...and by more than this many pages
SAME_TITLE = 0.9  # title proper similarity from which a language code is doubted
_UNCLEAR_LANGUAGES = frozenset({"", "|||", "und", "zxx", "mul", "mis", "n/a"})
_REPRINT_TYPES = frozenset("rp")

# Fixed log-odds added for identifiers (learned weights cannot exist: the goldfinch set
# has its identifiers removed). An OCLC number or LCCN is one record's number; an ISBN
# can be shared by the volumes of a set, so it weighs less.
IDENTIFIER_WEIGHTS = {
    "oclc-same": 4.0,
    "lccn-same": 4.0,
    "lccn-different": -3.0,
    "isbn-same": 2.5,
}
# ISBNs printed on many different books (publisher placeholders, invalid but common).
DEFAULT_IGNORED_ISBNS = frozenset({"0000000000", "9780000000002", "1111111111", "9781111111113"})


@dataclass(frozen=True, slots=True)
class Veto:
    key: str
    vi: str
    en: str

    @property
    def text(self) -> str:
        return f"{self.vi} / {self.en}"


@dataclass
class Decision:
    """The verdict on one pair and everything that made it."""

    match: bool
    probability: float
    score: float  # log-odds
    vetoes: list[Veto] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)  # filled by explain()
    expected: float = 0.0  # the score of an average training pair, before contributions
    evidence: dict[str, float] = field(default_factory=dict)  # fixed identifier weights


def title_gate(a: Profile, b: Profile) -> Veto | None:
    """The first and cheapest check: titles that share too few words (as a set, so that
    a short title inside a longer one passes) end the comparison. Blocking brings many
    such pairs (the same author in the same year); none was ever a match on goldfinch."""
    if fuzz.token_set_ratio(a.whole, b.whole, score_cutoff=TITLE_GATE):
        return None
    if fuzz.token_set_ratio(a.title, b.title, score_cutoff=TITLE_GATE):
        return None
    variants = [(a.title, v) for v in b.variants] + [(b.title, v) for v in a.variants]
    if any(fuzz.ratio(x, y, score_cutoff=TITLE_GATE) for x, y in variants):
        return None
    return Veto(
        "title",
        f"Nhan đề quá khác nhau («{a.whole}» ~ «{b.whole}»)",
        f"titles too different («{a.whole}» ~ «{b.whole}»)",
    )


def vetoes(a: Profile, b: Profile, x: list[float] | None = None) -> list[Veto]:
    """Every veto that holds for the pair (empty: the pair may match)."""
    gate = title_gate(a, b)
    return ([gate] if gate else []) + content_vetoes(a, b, x if x is not None else compare(a, b))


def content_vetoes(a: Profile, b: Profile, x: list[float]) -> list[Veto]:
    """The vetoes after the title gate, from the pair's features ``x``."""
    found: list[Veto] = []
    values = dict(zip(NAMES, x, strict=True))
    if a.part_numbers and b.part_numbers and set(a.part_numbers) != set(b.part_numbers):
        found.append(_veto("part", "Khác số tập/phần", "different volume or part", a, b))
    if a.edition_no and b.edition_no and a.edition_no != b.edition_no:
        found.append(_edition(a, b))
    if (a.carrier == "electronic") != (b.carrier == "electronic"):
        found.append(_carrier(a, b))
    gap = values["year"]
    if gap > YEARS_APART and not ({a.date_type, b.date_type} & _REPRINT_TYPES):
        found.append(_years(gap))
    if _languages_differ(a, b, values["title"]):
        found.append(_language(a, b))
    if values["pages"] > PAGES_RATIO and values["page_gap"] > PAGES_GAP:
        found.append(_pages(a, b))
    return found


def _languages_differ(a: Profile, b: Profile, title: float) -> bool:
    # A translation has a title of its own; the same title under two codes is more
    # often a miscoded 008 than a translation.
    clear = a.language not in _UNCLEAR_LANGUAGES and b.language not in _UNCLEAR_LANGUAGES
    return clear and a.language != b.language and title < SAME_TITLE


def _veto(key: str, vi: str, en: str, a: Profile, b: Profile) -> Veto:
    left, right = list(a.part_numbers), list(b.part_numbers)
    return Veto(key, f"{vi} ({left} ≠ {right})", f"{en} ({left} ≠ {right})")


def _edition(a: Profile, b: Profile) -> Veto:
    return Veto(
        "edition",
        f"Khác lần xuất bản ({a.edition_no} ≠ {b.edition_no})",
        f"different edition ({a.edition_no} ≠ {b.edition_no})",
    )


def _carrier(a: Profile, b: Profile) -> Veto:
    return Veto(
        "carrier",
        f"Bản in và bản điện tử ({a.carrier} ≠ {b.carrier})",
        f"print and electronic ({a.carrier} ≠ {b.carrier})",
    )


def _years(gap: float) -> Veto:
    return Veto(
        "years",
        f"Năm xuất bản cách nhau {gap:.0f} năm, không phải tái bản",
        f"published {gap:.0f} years apart, not a reprint",
    )


def _language(a: Profile, b: Profile) -> Veto:
    return Veto(
        "language",
        f"Khác ngôn ngữ ({a.language} ≠ {b.language})",
        f"different language ({a.language} ≠ {b.language})",
    )


def _pages(a: Profile, b: Profile) -> Veto:
    return Veto(
        "pages",
        f"Số trang chênh lệch lớn ({a.pages} ≠ {b.pages})",
        f"page counts far apart ({a.pages} ≠ {b.pages})",
    )


class Matcher:
    """Vetoes, then the learned score and identifier evidence, against a threshold."""

    def __init__(
        self,
        model: TreeModel | None = None,
        threshold: float | None = None,
        ignored_isbns: frozenset[str] = DEFAULT_IGNORED_ISBNS,
    ):
        self.model = model if model is not None else load_model()
        if list(self.model.features) != list(NAMES):
            raise ValueError(
                "Mô hình không khớp danh sách đặc trưng: cần huấn luyện lại"
                " / the model does not fit the feature list: retrain it"
            )
        self.threshold = self.model.threshold if threshold is None else threshold
        self.ignored_isbns = ignored_isbns

    def decide(self, a: Profile, b: Profile) -> Decision:
        x = compare(a, b)
        found = vetoes(a, b, x)
        features = dict(zip(NAMES, x, strict=True))
        if found:
            return Decision(False, 0.0, float("-inf"), found, features)
        evidence = self.identifier_evidence(a, b)
        score = self.model.score(x) + sum(evidence.values())
        probability = sigmoid(score)
        return Decision(
            probability >= self.threshold, probability, score, [], features, evidence=evidence
        )

    def probability(self, a: Profile, b: Profile) -> float:
        """The match probability alone (0 when vetoed)."""
        return max(self.assess(a, b), 0.0)

    def assess(self, a: Profile, b: Profile) -> float:
        """The fast path for clustering: the match probability, or -1.0 when a veto holds
        (the title gate first, before any feature is computed)."""
        if title_gate(a, b):
            return -1.0
        x = compare(a, b)
        if content_vetoes(a, b, x):
            return -1.0
        evidence = self.identifier_evidence(a, b)
        return sigmoid(self.model.score(x) + sum(evidence.values()))

    def identifier_evidence(self, a: Profile, b: Profile) -> dict[str, float]:
        found: dict[str, float] = {}
        if set(a.oclc) & set(b.oclc):
            found["oclc-same"] = IDENTIFIER_WEIGHTS["oclc-same"]
        if a.lccn and b.lccn:
            key = "lccn-same" if a.lccn == b.lccn else "lccn-different"
            found[key] = IDENTIFIER_WEIGHTS[key]
        if (set(a.isbns) & set(b.isbns)) - self.ignored_isbns:
            found["isbn-same"] = IDENTIFIER_WEIGHTS["isbn-same"]
        return found

    def explain(self, a: Profile, b: Profile) -> tuple[Decision, list[str]]:
        """The decision with its contributions filled in, and its reasons as sentences
        (vetoes first, then features by the size of their contribution)."""
        decision = self.decide(a, b)
        if decision.vetoes:
            return decision, [v.text for v in decision.vetoes]
        x = [decision.features[name] for name in NAMES]
        decision.expected, decision.contributions = self.model.contributions(x)
        reasons = [
            f"{_signed(part)} {explain(name, decision.features[name], a, b)}"
            for name, part in sorted(decision.contributions.items(), key=lambda kv: -abs(kv[1]))
            if _worth_showing(part, decision.features[name])
        ]
        reasons += [f"{_signed(w)} {_IDENTIFIER_TEXT[k]}" for k, w in decision.evidence.items()]
        return decision, reasons


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):.2f}"


def _worth_showing(contribution: float, value: float) -> bool:
    """Small contributions are noise on the page; a missing value is shown only when its
    absence weighed a lot."""
    return abs(contribution) >= (0.05 if value != MISSING else 0.5)


_IDENTIFIER_TEXT = {
    "oclc-same": "Cùng số OCLC / same OCLC number",
    "lccn-same": "Cùng số LCCN / same LCCN",
    "lccn-different": "Khác số LCCN / different LCCNs",
    "isbn-same": "Cùng ISBN / shared ISBN",
}
