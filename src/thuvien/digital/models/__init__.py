from thuvien.digital.models.batches import DigitalBatch, DigitalBatchStatus
from thuvien.digital.models.objects import (
    AccessLevel,
    Collection,
    DigitalObject,
    ObjectKind,
    ObjectStatus,
    Page,
    PageStatus,
)
from thuvien.digital.models.preservation import FixityAudit, PreservationEvent

__all__ = [
    "AccessLevel",
    "Collection",
    "DigitalBatch",
    "DigitalBatchStatus",
    "DigitalObject",
    "FixityAudit",
    "ObjectKind",
    "ObjectStatus",
    "Page",
    "PageStatus",
    "PreservationEvent",
]
