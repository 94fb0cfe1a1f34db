from thuvien.registry.models.events import EventLink, LifecycleEvent
from thuvien.registry.models.imports import ImportBatch, ImportRow
from thuvien.registry.models.library import (
    IdentifierSequence,
    Library,
    LibraryAlias,
    LibraryName,
)
from thuvien.registry.models.notifications import Notification, NotificationDocument

__all__ = [
    "EventLink",
    "IdentifierSequence",
    "ImportBatch",
    "ImportRow",
    "Library",
    "LibraryAlias",
    "LibraryName",
    "LifecycleEvent",
    "Notification",
    "NotificationDocument",
]
