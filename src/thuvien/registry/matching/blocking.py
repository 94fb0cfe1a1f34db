"""Candidate keys: which existing records are worth a full comparison with an incoming row.

Keys in priority order: a shared identifier, web page, phone number or e-mail address; then
the rarest words of the names within the same country and province; then the same commune.
A key shared by too many records (a consortium's web host, "county") selects nothing, and
only the best ``max_candidates`` by key evidence (and none far behind the best) go on to be
compared.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterator

from thuvien.registry.matching.config import Blocking
from thuvien.registry.matching.prepared import Prepared

Key = tuple[str, ...]
ANY = "*"
_PLACE_BONUS = 1.0


class BlockingIndex:
    def __init__(self, settings: Blocking, idf_prior: float) -> None:
        self.settings = settings
        self.idf_prior = idf_prior
        self.records: dict[str, Prepared] = {}
        self.words: dict[str, frozenset[str]] = {}
        self.postings: defaultdict[Key, list[str]] = defaultdict(list)
        self.document_frequency: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record: Prepared) -> None:
        if record.key in self.records:
            raise ValueError(f"record {record.key!r} is already indexed")
        self.records[record.key] = record
        words = _name_words(record)
        self.words[record.key] = words
        self.document_frequency.update({token for form in record.names for token in form.tokens})
        for key in _contact_keys(record):
            self.postings[key].append(record.key)
        for word in words:
            for key in _word_keys(record.country, record.province, word):
                self.postings[key].append(record.key)
        if record.commune:
            self.postings[("place", record.country, record.province, record.commune)].append(
                record.key
            )

    def idf(self, word: str) -> float:
        """Inverse document frequency, smoothed so that a small registry weighs words evenly."""
        total = len(self.records) + self.idf_prior
        return math.log(total / (self.document_frequency.get(word, 0) + 1))

    def candidates(self, incoming: Prepared) -> list[Prepared]:
        """Records sharing a contact first, then the best by name and place evidence."""
        contacts = self._contacts(incoming)
        evidence: dict[str, float] = {}
        self._add_words(incoming, evidence)
        self._add_place(incoming, evidence)
        ranked = sorted(evidence.items(), key=lambda item: (-item[1], item[0]))
        # A record sharing one common word while another shares every rare one is noise.
        bar = ranked[0][1] * self.settings.min_evidence_share if ranked else 0.0
        chosen = sorted(contacts) + [
            key for key, score in ranked if score >= bar and key not in contacts
        ]
        chosen = [key for key in chosen if key != incoming.key]  # never compare with itself
        return [self.records[key] for key in chosen[: self.settings.max_candidates]]

    def _contacts(self, incoming: Prepared) -> set[str]:
        found: set[str] = set()
        for key in _contact_keys(incoming):
            posting = self.postings.get(key, ())
            if len(posting) <= self.settings.max_posting:
                found.update(posting)
        return found

    def _add_words(self, incoming: Prepared, evidence: dict[str, float]) -> None:
        ranked = sorted(
            _name_words(incoming), key=lambda word: (self.document_frequency[word], word)
        )
        limit = self.settings.max_candidates
        for word in ranked[: self.settings.max_token_keys]:
            weight = self.idf(word)
            if len(evidence) >= limit:  # enough candidates: only strengthen those we have
                for record_key in evidence:
                    if word in self.words.get(record_key, ()):
                        evidence[record_key] += weight
                continue
            for key in self._lookup_keys(incoming, word):
                posting = self.postings.get(key, ())
                if len(posting) > self.settings.max_posting:
                    continue
                for record_key in posting:
                    evidence[record_key] = evidence.get(record_key, 0.0) + weight

    def _lookup_keys(self, incoming: Prepared, word: str) -> Iterator[Key]:
        if incoming.province:
            yield ("word", incoming.country, incoming.province, word)
            yield ("word", incoming.country, "", word)  # existing records without a province
        else:
            yield ("word", incoming.country, ANY, word)

    def _add_place(self, incoming: Prepared, evidence: dict[str, float]) -> None:
        if not incoming.commune:
            return
        key = ("place", incoming.country, incoming.province, incoming.commune)
        posting = self.postings.get(key, ())
        if len(posting) > self.settings.max_posting:
            return
        for record_key in posting:
            evidence[record_key] = evidence.get(record_key, 0.0) + _PLACE_BONUS


_KEY_CLASSES = (None, "weak")


def _name_words(record: Prepared) -> frozenset[str]:
    """Words worth a key: those that tell libraries apart, not "library", "county", "THPT"."""
    return frozenset(
        token
        for form in record.names
        for token, cls in zip(form.tokens, form.classes, strict=True)
        if cls in _KEY_CLASSES
    )


def _word_keys(country: str, province: str, word: str) -> Iterator[Key]:
    yield ("word", country, province, word)
    yield ("word", country, ANY, word)


def _contact_keys(record: Prepared) -> Iterator[Key]:
    for scheme, value in record.identifiers:
        yield ("id", scheme, value)
    if record.site is not None:
        yield ("site", record.site.page)
    for number in record.phones:
        yield ("phone", number)
    if record.email:
        yield ("email", record.email)
