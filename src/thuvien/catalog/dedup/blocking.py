"""Candidate pairs by blocking keys: only records that share a key are compared.

Keys, from the most to the least specific:
- identifiers: normalised ISBN (both forms), ISSN, LCCN, OCLC number, less an ignore
  list of ISBNs printed on many different books;
- title: the first three significant words of the title proper, folded (Vietnamese with
  and without diacritics give one key: "Lịch sử" and "Lich su" -> "lich su");
- title and name: the first two significant title words with the main author's surname
  (or the first corporate name's first word);
- name and year: the main author's surname with the first date, so that a title
  transcribed differently still meets its duplicate;
- word and year: the first significant title word with the first date, for a short title
  and its longer form ("Dardanelles" / "Dardanelles Commission").

A key shared by more records than ``max_block`` is too common to say anything ("report
annual" from one agency, a publisher's placeholder ISBN): it is dropped and counted, as
RecordManager caps its candidates; the other keys of those records still apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from thuvien.catalog.dedup.profile import Profile
from thuvien.catalog.dedup.rules import DEFAULT_IGNORED_ISBNS

__all__ = ["MAX_BLOCK", "BlockIndex", "blocking_keys"]

MAX_BLOCK = 60
# Words that open many titles without telling them apart (folded: "và", "của" -> va, cua).
_STOPWORDS = frozenset(
    "the a an of and in on for to at by with from or as its his her their our new "
    "de la le les des du et l d en au aux un une der die das und von zu im den dem el los "
    "las y del il di e lo della va cua cac nhung mot ve trong voi cho tai".split()
)


def _significant(title: str) -> list[str]:
    words = title.split()
    kept = [w for w in words if w not in _STOPWORDS]
    return kept or words


def _name_word(profile: Profile) -> str:
    if profile.persons:
        return profile.persons[0][0].split()[0] if profile.persons[0][0] else ""
    if profile.bodies:
        significant = _significant(profile.bodies[0])
        return significant[0] if significant else ""
    return ""


def blocking_keys(
    profile: Profile, ignored_isbns: frozenset[str] = DEFAULT_IGNORED_ISBNS
) -> set[str]:
    """Every blocking key of one record."""
    keys = {f"isbn:{i}" for i in profile.isbns if i not in ignored_isbns}
    keys.update(f"issn:{i}" for i in profile.issns)
    keys.update(f"oclc:{n}" for n in profile.oclc)
    if profile.lccn:
        keys.add(f"lccn:{profile.lccn}")
    words = _significant(profile.title)
    name = _name_word(profile)
    if words:
        keys.add("t:" + " ".join(words[:3]))
        if name:
            keys.add(f"tn:{' '.join(words[:2])}|{name}")
    if name and profile.date1:
        keys.add(f"ny:{name}|{profile.date1}")
    if words and profile.date1:
        keys.add(f"wy:{words[0]}|{profile.date1}")
    return keys


@dataclass
class BlockIndex:
    """Records by blocking key, kept between batches so that a new batch is compared
    only with its candidates."""

    max_block: int = MAX_BLOCK
    ignored_isbns: frozenset[str] = DEFAULT_IGNORED_ISBNS
    blocks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    oversized: set[str] = field(default_factory=set)

    def add(self, profile: Profile) -> set[str]:
        """Index one record; returns its keys."""
        keys = blocking_keys(profile, self.ignored_isbns)
        for key in keys:
            if key in self.oversized:
                continue
            block = self.blocks[key]
            block.append(profile.key)
            if len(block) > self.max_block:
                self.oversized.add(key)
                del self.blocks[key]
        return keys

    def add_all(self, profiles: Iterable[Profile]) -> None:
        for profile in profiles:
            self.add(profile)

    def candidates(self, profile: Profile) -> set[str]:
        """Keys of the indexed records that share a usable key with ``profile``."""
        found: set[str] = set()
        for key in blocking_keys(profile, self.ignored_isbns):
            found.update(self.blocks.get(key, ()))
        found.discard(profile.key)
        return found

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every candidate pair of the indexed records, each once (ordered keys)."""
        seen: set[tuple[str, str]] = set()
        for block in self.blocks.values():
            for i, left in enumerate(block):
                for right in block[i + 1 :]:
                    pair = (left, right) if left < right else (right, left)
                    if pair not in seen:
                        seen.add(pair)
                        yield pair
