"""Digital objects linked to union-catalogue records (read-only use of the catalogue)."""

from __future__ import annotations

from thuvien.catalog.marc import storage
from thuvien.catalog.marc.dublin_core import dc_elements
from thuvien.catalog.models import BibRecord


def find_record(reference: str, library=None) -> BibRecord | None:
    """A record by its database id, or by its control number (001) — the library's own
    sources first, then any."""
    reference = reference.strip()
    if reference.isdigit():
        found = BibRecord.objects.filter(pk=int(reference)).first()
        if found is not None:
            return found
    matches = BibRecord.objects.filter(local_id=reference)
    if library is not None:
        own = matches.filter(source__library=library).first()
        if own is not None:
            return own
    return matches.order_by("pk").first()


def dc_from_record(record: BibRecord) -> dict[str, list[str]]:
    dc: dict[str, list[str]] = {}
    for name, value in dc_elements(storage.load(record.marc)):
        dc.setdefault(name, []).append(value)
    return dc
