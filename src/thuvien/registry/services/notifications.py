"""The notification workflow for founding, merger, split and closure of libraries.

After Thông tư 01/2020/TT-BVHTTDL (amended by 13/2023): the founder notifies the state
management body (Sở VHTTDL of the province, or the ministry); the body answers within 15 days
of receiving a complete dossier — accepting, refusing with reasons, or asking for more
documents, which restarts the 15 days once they arrive.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.kernel.audit import record_change
from thuvien.registry.choices import EventKind
from thuvien.registry.models import Library, Notification, NotificationDocument
from thuvien.registry.models.notifications import OPEN_NOTIFICATION_STATUSES, NotificationStatus
from thuvien.registry.services.errors import LibraryDataError
from thuvien.registry.services.events import EventSpec, record_event
from thuvien.registry.services.libraries import create_library, validate

ANSWER_DAYS = 15
NOTIFIABLE_KINDS = (
    EventKind.ESTABLISH,
    EventKind.MERGE,
    EventKind.CONSOLIDATE,
    EventKind.SPLIT,
    EventKind.SEPARATE,
    EventKind.DISSOLVE,
    EventKind.CEASE,
)
NEW_LIBRARY_KINDS = {
    EventKind.ESTABLISH,
    EventKind.CONSOLIDATE,
    EventKind.SPLIT,
    EventKind.SEPARATE,
}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".odt"}


@dataclass
class NotificationRequest:
    kind: str
    province_id: int
    submitter_name: str
    effective_date: datetime.date
    submitter_contact: str = ""
    libraries: list[Library] = field(default_factory=list)
    new_libraries: list[dict[str, Any]] = field(default_factory=list)
    successor: Library | None = None
    reason: str = ""


def _error(field_name: str, vi: str, en: str) -> LibraryDataError:
    return LibraryDataError({field_name: [f"{vi} / {en}"]})


def _check_request(req: NotificationRequest) -> None:
    if req.kind not in NOTIFIABLE_KINDS:
        raise _error("kind", "Loại thông báo không hợp lệ", "Not a notifiable event")
    if req.kind in NEW_LIBRARY_KINDS and not req.new_libraries:
        raise _error(
            "new_libraries", "Cần thông tin thư viện mới", "The new library's details are needed"
        )
    if req.kind != EventKind.ESTABLISH and not req.libraries:
        raise _error("libraries", "Cần chọn thư viện liên quan", "Choose the libraries concerned")
    if req.kind == EventKind.MERGE and req.successor not in req.libraries:
        raise _error(
            "successor",
            "Cần chọn thư viện nhận sáp nhập trong danh sách",
            "Choose the receiving library among those listed",
        )
    for number, data in enumerate(req.new_libraries, start=1):
        try:
            validate(data)
        except LibraryDataError as exc:
            raise LibraryDataError(
                {f"new_libraries[{number}].{k}": v for k, v in exc.errors.items()}
            ) from exc


def _check_document(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in DOCUMENT_TYPES):
        raise _error(
            "documents",
            f"Tệp {upload.name}: chỉ nhận PDF, ảnh, Word/ODT",
            f"File {upload.name}: only PDF, images, Word/ODT are accepted",
        )
    if upload.size and upload.size > MAX_DOCUMENT_BYTES:
        raise _error(
            "documents",
            f"Tệp {upload.name} lớn hơn 20 MB",
            f"File {upload.name} is larger than 20 MB",
        )


def _due(from_date: datetime.date | None = None) -> datetime.date:
    return (from_date or timezone.localdate()) + datetime.timedelta(days=ANSWER_DAYS)


@transaction.atomic
def submit_notification(
    actor, req: NotificationRequest, documents: list[tuple[str, UploadedFile]] = ()
) -> Notification:
    require(actor, Action.REGISTRY_SUBMIT_NOTIFICATION)
    _check_request(req)
    for _, upload in documents:
        _check_document(upload)
    notification = Notification.objects.create(
        kind=req.kind,
        province_id=req.province_id,
        submitter_name=req.submitter_name,
        submitter_contact=req.submitter_contact,
        effective_date=req.effective_date,
        proposed={
            "new_libraries": req.new_libraries,
            "successor": req.successor.vn_id if req.successor else "",
        },
        reason=req.reason,
        due_date=_due(),
        submitted_by=actor,
    )
    notification.libraries.set(req.libraries)
    _attach(notification, documents)
    record_change(
        actor,
        "registry.notification.submit",
        notification,
        after={"kind": req.kind, "libraries": [lib.vn_id for lib in req.libraries]},
    )
    return notification


def _attach(notification: Notification, documents) -> None:
    for title, upload in documents:
        NotificationDocument.objects.create(
            notification=notification, title=title or upload.name, file=upload
        )


def _open_for_decision(actor, notification: Notification) -> Notification:
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    require(
        actor, Action.REGISTRY_DECIDE_NOTIFICATION, Target.for_province(notification.province_id)
    )
    if notification.status not in OPEN_NOTIFICATION_STATUSES:
        raise _error(
            "status",
            f"Thông báo đã được xử lý ({notification.get_status_display()})",
            "This notification has already been decided",
        )
    return notification


@transaction.atomic
def request_more_documents(actor, notification: Notification, note: str) -> Notification:
    notification = _open_for_decision(actor, notification)
    if not note.strip():
        raise _error(
            "decision_note", "Cần nêu tài liệu cần bổ sung", "Say which documents are missing"
        )
    notification.status = NotificationStatus.MORE_DOCUMENTS
    notification.decision_note = note.strip()
    notification.save(update_fields=["status", "decision_note"])
    record_change(actor, "registry.notification.more_documents", notification, note=note)
    return notification


@transaction.atomic
def add_documents(
    actor, notification: Notification, documents: list[tuple[str, UploadedFile]]
) -> Notification:
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.submitted_by_id != getattr(actor, "pk", None):
        require(
            actor,
            Action.REGISTRY_DECIDE_NOTIFICATION,
            Target.for_province(notification.province_id),
        )
    for _, upload in documents:
        _check_document(upload)
    _attach(notification, documents)
    if notification.status == NotificationStatus.MORE_DOCUMENTS:
        notification.status = NotificationStatus.SUBMITTED
        notification.due_date = _due()  # the 15 days restart with a complete dossier
        notification.save(update_fields=["status", "due_date"])
    record_change(
        actor,
        "registry.notification.documents",
        notification,
        after={"documents": [title for title, _ in documents]},
    )
    return notification


@transaction.atomic
def reject_notification(actor, notification: Notification, note: str) -> Notification:
    notification = _open_for_decision(actor, notification)
    if not note.strip():
        raise _error("decision_note", "Cần nêu lý do từ chối", "Give the reason for refusing")
    _close(actor, notification, NotificationStatus.REJECTED, note)
    return notification


@transaction.atomic
def accept_notification(actor, notification: Notification, note: str = "") -> Notification:
    notification = _open_for_decision(actor, notification)
    created = [
        create_library(actor, data, reason=f"notification {notification.pk}")
        for data in notification.proposed.get("new_libraries", [])
    ]
    existing = list(notification.libraries.all())
    spec = EventSpec(
        kind=notification.kind,
        date=notification.effective_date,
        source=f"notification:{notification.pk}",
        note=notification.reason,
        document_issuer=str(actor),
    )
    _fill_roles(spec, notification, existing, created)
    notification.event = record_event(actor, spec)
    _close(actor, notification, NotificationStatus.ACCEPTED, note)
    return notification


def _fill_roles(spec: EventSpec, notification: Notification, existing, created) -> None:
    kind = notification.kind
    if kind == EventKind.ESTABLISH:
        spec.subjects = created
    elif kind == EventKind.MERGE:
        successor_id = notification.proposed.get("successor")
        spec.successors = [lib for lib in existing if lib.vn_id == successor_id]
        spec.predecessors = [lib for lib in existing if lib.vn_id != successor_id]
    elif kind in {EventKind.CONSOLIDATE, EventKind.SPLIT, EventKind.SEPARATE}:
        spec.predecessors, spec.successors = existing, created
    else:
        spec.subjects = existing


def _close(actor, notification: Notification, status: str, note: str) -> None:
    notification.status = status
    notification.decision_note = note.strip()
    notification.decided_at = timezone.now()
    notification.decided_by = actor
    notification.save()
    record_change(actor, f"registry.notification.{status}", notification, note=note)


def overdue(queryset=None):
    """Open notifications past their answer date, for the officer's reminders."""
    queryset = queryset if queryset is not None else Notification.objects.all()
    return queryset.filter(status__in=OPEN_NOTIFICATION_STATUSES, due_date__lt=timezone.localdate())
