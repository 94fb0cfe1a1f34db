"""Read-only views of the digital collections for other apps (the catalogue)."""

from __future__ import annotations

from thuvien.digital.models import DigitalObject, ObjectStatus
from thuvien.digital.services.access import readable_levels


def objects_for_records(user, request, record_ids) -> list[DigitalObject]:
    """Published digital copies of these catalogue records that the reader may open."""
    return list(
        DigitalObject.objects.filter(
            record_id__in=list(record_ids),
            status=ObjectStatus.READY,
            access__in=readable_levels(user, request),
        ).order_by("title")[:20]
    )


def matching_count(user, request, text: str) -> int:
    """How many readable digital objects match ``text`` (0 when search fails)."""
    from thuvien.digital.services.search import count_for
    from thuvien.kernel.search import SearchError

    try:
        return count_for(user, request, text)
    except SearchError:
        return 0
