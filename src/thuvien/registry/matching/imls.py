"""The IMLS Public Libraries Survey sample: FY2016 rows are the registry, FY2018 rows arrive.

The label is FSCSKEY (the survey's stable library id), which the matcher is never given.
States alternate between a tuning split and a held-out test split, so that thresholds are
chosen on libraries (and state naming habits) that the reported figures do not include.
"""

import csv
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from thuvien.registry.matching.config import MatchConfig
from thuvien.registry.matching.evaluation import Measure, measure_rows
from thuvien.registry.matching.facts import LibraryFacts
from thuvien.registry.matching.matcher import Matcher

EXISTING_YEAR, INCOMING_YEAR = "2016", "2018"
SPLITS = ("tune", "test")


@dataclass(frozen=True)
class ImlsRow:
    year: str
    fscskey: str
    state: str
    name: str
    address: str
    city: str
    zip: str
    phone: str

    @property
    def key(self) -> str:
        return f"FY{self.year}/{self.fscskey}"

    def facts(self, contacts: bool = True) -> LibraryFacts:
        """Name and place always; address and phone only when ``contacts``."""
        return LibraryFacts(
            key=self.key,
            name=self.name,
            country="US",
            province=self.state,
            commune=self.city,
            address=f"{self.address} {self.zip}" if contacts else "",
            phone=self.phone if contacts else "",
        )


def load(path: Path) -> list[ImlsRow]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return [
            ImlsRow(
                year=row["YEAR"],
                fscskey=row["FSCSKEY"],
                state=row["STABR"],
                name=row["LIBNAME"],
                address=row["ADDRESS"],
                city=row["CITY"],
                zip=row["ZIP"],
                phone=row["PHONE"],
            )
            for row in csv.DictReader(handle)
        ]


def split_of(rows: list[ImlsRow]) -> dict[str, str]:
    """State -> split, alternating over the sorted state codes."""
    states = sorted({row.state for row in rows})
    return {state: SPLITS[index % 2] for index, state in enumerate(states)}


def _withheld(fscskey: str, share: float) -> bool:
    """A stable pseudo-random choice of libraries to leave out of the registry."""
    digest = hashlib.sha256(fscskey.encode()).digest()
    return digest[0] / 256 < share


@dataclass(frozen=True)
class Scenario:
    name: str
    contacts: bool = True  # incoming rows carry address and phone
    withheld_share: float = 0.0  # share of libraries missing from the registry (new ones)


SCENARIOS = (
    Scenario("name, place, address, phone"),
    Scenario("name and place only", contacts=False),
    Scenario("20% new libraries", withheld_share=0.2),
)


def measure(
    rows: list[ImlsRow],
    split: str,
    scenario: Scenario,
    config: MatchConfig | None = None,
) -> Measure:
    states = split_of(rows)
    existing = [
        row
        for row in rows
        if row.year == EXISTING_YEAR
        and not (states[row.state] == split and _withheld(row.fscskey, scenario.withheld_share))
    ]
    registered = {row.fscskey: row.key for row in existing}
    incoming = [row for row in rows if row.year == INCOMING_YEAR and states[row.state] == split]
    matcher = Matcher((row.facts() for row in existing), config)
    truth = {row.key: registered.get(row.fscskey) for row in incoming}
    facts = [row.facts(scenario.contacts) for row in incoming]
    return measure_rows(f"IMLS {split}: {scenario.name}", matcher, facts, truth)
