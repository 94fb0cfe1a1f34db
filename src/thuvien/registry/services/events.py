"""Lifecycle events: what each kind does to the libraries it links, and lineage queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from thuvien.accounts.permissions import Action, Target, require
from thuvien.kernel.audit import record_change
from thuvien.registry.choices import EventKind, EventRole, NameKind, Status
from thuvien.registry.models import EventLink, Library, LibraryName, LifecycleEvent
from thuvien.registry.services.errors import LibraryDataError
from thuvien.registry.services.indexing import schedule_index

# Status a predecessor takes, per kind; successors stay or become active.
PREDECESSOR_STATUS = {
    EventKind.MERGE: Status.MERGED,
    EventKind.CONSOLIDATE: Status.MERGED,
    EventKind.SPLIT: Status.SPLIT,
}
SUBJECT_STATUS = {
    EventKind.DISSOLVE: Status.DISSOLVED,
    EventKind.CEASE: Status.DISSOLVED,
    EventKind.SUSPEND: Status.TEMPORARILY_CLOSED,
    EventKind.RESUME: Status.ACTIVE,
}
# How many libraries each role needs, per kind: (min predecessors, min successors, min subjects)
SHAPE = {
    EventKind.ESTABLISH: (0, 0, 1),
    EventKind.MERGE: (1, 1, 0),
    EventKind.CONSOLIDATE: (2, 1, 0),
    EventKind.SPLIT: (1, 2, 0),
    EventKind.SEPARATE: (1, 1, 0),
    EventKind.DISSOLVE: (0, 0, 1),
    EventKind.CEASE: (0, 0, 1),
    EventKind.RENAME: (0, 0, 1),
    EventKind.MOVE: (0, 0, 1),
    EventKind.REPARENT: (0, 0, 1),
    EventKind.SUSPEND: (0, 0, 1),
    EventKind.RESUME: (0, 0, 1),
}


@dataclass
class EventSpec:
    kind: str
    date: datetime.date
    predecessors: list[Library] = field(default_factory=list)
    successors: list[Library] = field(default_factory=list)
    subjects: list[Library] = field(default_factory=list)
    document_number: str = ""
    document_date: datetime.date | None = None
    document_issuer: str = ""
    note: str = ""
    source: str = ""
    new_name: str = ""  # rename
    partial: bool = False  # a reported event whose other libraries are not identified


def _check_shape(spec: EventSpec) -> None:
    need = (0, 0, 0) if spec.partial and _all(spec) else SHAPE[EventKind(spec.kind)]
    have = (len(spec.predecessors), len(spec.successors), len(spec.subjects))
    labels = (
        "thư viện trước / predecessors",
        "thư viện kế thừa / successors",
        "thư viện liên quan / libraries",
    )
    errors = [
        f"cần ít nhất {n} {label} / at least {n} needed"
        for n, got, label in zip(need, have, labels, strict=True)
        if got < n
    ]
    if spec.kind == EventKind.RENAME and not spec.new_name.strip():
        errors.append("Đổi tên cần tên mới / a rename needs the new name")
    if errors:
        raise LibraryDataError({"event": errors})


def _all(spec: EventSpec) -> list[Library]:
    return [*spec.predecessors, *spec.successors, *spec.subjects]


@transaction.atomic
def record_event(actor, spec: EventSpec) -> LifecycleEvent:
    _check_shape(spec)
    for library in _all(spec):
        require(actor, Action.REGISTRY_RECORD_EVENT, Target.for_library(library))
    event = LifecycleEvent.objects.create(
        kind=spec.kind,
        date=spec.date,
        document_number=spec.document_number,
        document_date=spec.document_date,
        document_issuer=spec.document_issuer,
        note=spec.note,
        source=spec.source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for role, libraries in (
        (EventRole.PREDECESSOR, spec.predecessors),
        (EventRole.SUCCESSOR, spec.successors),
        (EventRole.SUBJECT, spec.subjects),
    ):
        EventLink.objects.bulk_create(
            [EventLink(event=event, library=lib, role=role) for lib in libraries]
        )
    _apply(actor, spec, event)
    record_change(
        actor,
        "registry.event.record",
        event,
        after={
            "kind": spec.kind,
            "date": spec.date,
            "predecessors": [lib.vn_id for lib in spec.predecessors],
            "successors": [lib.vn_id for lib in spec.successors],
            "subjects": [lib.vn_id for lib in spec.subjects],
            "document": spec.document_number,
        },
    )
    schedule_index(lib.pk for lib in _all(spec))
    return event


def _apply(actor, spec: EventSpec, event: LifecycleEvent) -> None:
    reason = f"{spec.kind} {spec.date.isoformat()}"
    status = PREDECESSOR_STATUS.get(EventKind(spec.kind))
    if status:
        for library in spec.predecessors:
            _set(actor, library, reason, status=status)
    for library in spec.successors:
        if library.status != Status.ACTIVE:
            _set(actor, library, reason, status=Status.ACTIVE)
    status = SUBJECT_STATUS.get(EventKind(spec.kind))
    for library in spec.subjects:
        if status:
            _set(actor, library, reason, status=status)
        if spec.kind == EventKind.RENAME:
            LibraryName.objects.create(
                library=library, name=library.name, kind=NameKind.FORMER, valid_to=spec.date
            )
            _set(actor, library, reason, name=spec.new_name.strip())


def _set(actor, library: Library, reason: str, **values) -> None:
    from thuvien.registry.services.libraries import update_library

    update_library(actor, library, values, reason=reason, action=Action.REGISTRY_RECORD_EVENT)
    library.refresh_from_db()


def successors_of(library: Library, *, max_depth: int = 20) -> list[Library]:
    """Libraries that took over ``library``'s collection, following merges transitively.

    Answers "which library holds the collection of the old district library X?": the
    still-open libraries at the end of every successor chain.
    """
    frontier, seen, open_ends = [library.pk], {library.pk}, []
    for _ in range(max_depth):
        links = (
            EventLink.objects.filter(
                event__links__library_id__in=frontier,
                event__links__role=EventRole.PREDECESSOR,
                role=EventRole.SUCCESSOR,
            )
            .select_related("library")
            .distinct()
        )
        frontier = []
        for link in links:
            if link.library_id in seen:
                continue
            seen.add(link.library_id)
            frontier.append(link.library_id)
            if link.library.is_open:
                open_ends.append(link.library)
        if not frontier:
            break
    return open_ends


def predecessors_of(library: Library) -> list[Library]:
    return list(
        Library.objects.filter(
            event_links__role=EventRole.PREDECESSOR,
            event_links__event__links__library=library,
            event_links__event__links__role=EventRole.SUCCESSOR,
        ).distinct()
    )


def events_of(library: Library) -> Iterable[LifecycleEvent]:
    return (
        LifecycleEvent.objects.filter(links__library=library)
        .prefetch_related("links__library")
        .distinct()
        .order_by("-date", "-id")
    )
