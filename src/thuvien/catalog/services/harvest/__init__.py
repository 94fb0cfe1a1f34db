"""Harvesting member libraries' servers into the catalogue, on their schedules.

A run fetches pages through a protocol of ``thuvien.catalog.harvest`` and stores each page
the way the file ingest stores a chunk (same reading, quarantine, counts and index), in one
transaction with the run's cursor: a run killed at any moment resumes after the last page
it stored, and because records are keyed (by OAI identifier, or by 001), a page fetched
twice updates in place instead of duplicating. Each run feeds one IngestBatch, whose page
shows the counts and the quarantined records; the run keeps the protocol's own counts and
the errors, in Vietnamese and English.
"""

from thuvien.catalog.services.harvest.runs import HarvestBusy, report, run_harvest, run_harvest_job
from thuvien.catalog.services.harvest.sources import (
    config_of,
    configure_harvest,
    due_harvests,
    endpoint_of,
    start_harvest,
)

__all__ = [
    "HarvestBusy",
    "config_of",
    "configure_harvest",
    "due_harvests",
    "endpoint_of",
    "report",
    "run_harvest",
    "run_harvest_job",
    "start_harvest",
]
