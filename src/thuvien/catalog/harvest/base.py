"""The seam every harvest protocol plugs into: what a protocol is given (a configuration and
its limits), what it yields (pages of records with the cursor to resume after each), and the
registry that names them. OAI-PMH, SRU and Z39.50 are registered here like any other would be.

A page is stored with its cursor in one transaction, so a harvest killed at any moment
resumes after the last page it stored: a protocol's ``pages(cursor)`` must continue from any
cursor it yielded, and from the one ``start()`` returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from thuvien.catalog.harvest.errors import HarvestError
from thuvien.catalog.harvest.retry import Limits, RetryNotice

__all__ = ["HarvestConfig", "Harvested", "Harvester", "Page", "harvester", "register"]

Cursor = dict[str, Any]  # JSON-ready: it is kept in the database between pages


@dataclass(frozen=True, slots=True)
class Harvested:
    """One record as the provider sent it.

    ``data`` holds the record's bytes in ``format`` (a reader format of catalog.marc:
    "marcxml", "oai_dc", "iso2709"); a deletion has none. ``local_id`` is the record's key in
    our store when the protocol gives a stable one (the OAI identifier); otherwise the ingest
    keys it by its 001. ``where`` says where it came from, for reports. ``error`` is a
    problem the provider reported for this one record (it is kept aside, not stored)."""

    data: bytes | None
    format: str
    where: str
    local_id: str | None = None
    deleted: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Page:
    """What one request brought: records, the cursor to resume after them, the size of the
    whole list when the provider says it, counters and notes for the run's report."""

    records: list[Harvested]
    cursor: Cursor
    total: int | None = None
    counters: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HarvestConfig:
    """One source's harvest settings, as the protocols need them."""

    endpoint: str
    metadata_prefix: str = ""  # OAI-PMH metadataPrefix; SRU recordSchema
    set_spec: str = ""  # OAI-PMH set
    query: str = ""  # SRU: CQL; Z39.50: PQF (empty: every record)
    page_size: int = 100  # SRU maximumRecords, Z39.50 present size
    from_date: datetime | None = None  # OAI-PMH from= (incremental harvest)
    limits: Limits = field(default_factory=Limits)


class Harvester(Protocol):
    #: the reader format of the records (the ingest batch's format)
    format: str

    def start(self) -> Cursor:
        """Check the configuration and the provider; the cursor of a fresh run. A cursor may
        carry "until": the provider's time when the run began (ISO 8601), from which the next
        incremental harvest starts."""

    def pages(self, cursor: Cursor) -> Iterator[Page]:
        """Pages from ``cursor`` on, to the end of the list (the last one's cursor has
        "done": true). Raises HarvestError when it cannot go on."""


Factory = Callable[..., Harvester]
_PROTOCOLS: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    def add(factory: Factory) -> Factory:
        _PROTOCOLS[name] = factory
        return factory

    return add


def protocols() -> list[str]:
    return sorted(_PROTOCOLS)


def harvester(
    name: str,
    config: HarvestConfig,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> Harvester:
    """The registered protocol ``name`` set up for ``config``."""
    try:
        factory = _PROTOCOLS[name]
    except KeyError:
        raise HarvestError(
            f"Không có giao thức thu thập {name!r} (có: {', '.join(protocols())})",
            f"No harvest protocol {name!r} (known: {', '.join(protocols())})",
            code="bad-protocol",
        ) from None
    return factory(config, sleep=sleep, on_retry=on_retry)
