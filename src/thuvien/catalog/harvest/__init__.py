"""Harvesting records from member libraries' servers (pure: no Django).

    from thuvien.catalog.harvest import HarvestConfig, harvester

    protocol = harvester("oai-pmh", HarvestConfig("https://koha.example/cgi-bin/koha/oai.pl"))
    cursor = protocol.start()
    for page in protocol.pages(cursor):
        store(page.records)        # and keep page.cursor with them, in one transaction

Protocols: "oai-pmh" (oai.py), "sru" (sru.py), "z39.50" (z3950.py, through YAZ's yaz-client).
"""

from thuvien.catalog.harvest import oai, sru, z3950  # noqa: F401  (they register themselves)
from thuvien.catalog.harvest.base import (
    HarvestConfig,
    Harvested,
    Harvester,
    Page,
    harvester,
    protocols,
    register,
)
from thuvien.catalog.harvest.errors import HarvestError, LoopError
from thuvien.catalog.harvest.retry import Limits, RetryNotice

__all__ = [
    "HarvestConfig",
    "HarvestError",
    "Harvested",
    "Harvester",
    "Limits",
    "LoopError",
    "Page",
    "RetryNotice",
    "harvester",
    "protocols",
    "register",
]
