import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories
from thuvien.accounts.models import Role
from thuvien.registry.choices import Status
from thuvien.registry.models import Library
from thuvien.registry.models.notifications import NotificationStatus
from thuvien.registry.services import LibraryDataError, create_library
from thuvien.registry.services.notifications import (
    NotificationRequest,
    accept_notification,
    add_documents,
    overdue,
    reject_notification,
    request_more_documents,
    submit_notification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    hanoi = factories.hanoi()
    return {
        "hanoi": hanoi,
        "officer": factories.user("officer", Role.PROVINCE_OFFICER, province=hanoi),
        "founder": factories.user("founder", Role.READER),
        "outsider": factories.user("dn", Role.PROVINCE_OFFICER, province=factories.danang()),
    }


def _pdf(name="quyet-dinh.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minimal", content_type="application/pdf")


def _founding(world, **extra):
    new = {
        "name": "Thư viện cộng đồng Hoa Sữa",
        "library_type": "community",
        "ownership": "non_public",
        "province": world["hanoi"].pk,
        "collection_size": 1600,
        "floor_area_m2": "30",
    }
    fields = {
        "kind": "establish",
        "province_id": world["hanoi"].pk,
        "submitter_name": "Nguyễn Văn An",
        "effective_date": datetime.date(2026, 1, 1),
        "new_libraries": [new],
    }
    fields.update(extra)
    return NotificationRequest(**fields)


def test_founding_notification_accepted_creates_the_library(world):
    notification = submit_notification(
        world["founder"], _founding(world), [("Quyết định thành lập", _pdf())]
    )
    assert notification.due_date == timezone.localdate() + datetime.timedelta(days=15)
    assert notification.documents.count() == 1
    accept_notification(world["officer"], notification, "Đủ điều kiện")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.ACCEPTED
    library = Library.objects.get(name="Thư viện cộng đồng Hoa Sữa")
    assert notification.event.kind == "establish"
    assert list(notification.event.links.values_list("library", flat=True)) == [library.pk]


def test_more_documents_restarts_the_clock_then_rejection(world):
    notification = submit_notification(world["founder"], _founding(world))
    notification.due_date = datetime.date(2020, 1, 1)
    notification.save()
    assert list(overdue()) == [notification]
    request_more_documents(world["officer"], notification, "Thiếu danh mục tài liệu")
    add_documents(world["founder"], notification, [("Danh mục", _pdf("danh-muc.pdf"))])
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SUBMITTED
    assert notification.due_date > timezone.localdate()
    with pytest.raises(LibraryDataError):
        reject_notification(world["officer"], notification, "   ")
    reject_notification(world["officer"], notification, "Không đủ diện tích")
    with pytest.raises(LibraryDataError, match="already been decided"):
        accept_notification(world["officer"], notification)


def test_only_the_province_authority_decides(world):
    notification = submit_notification(world["founder"], _founding(world))
    for actor in (world["outsider"], world["founder"]):
        with pytest.raises(PermissionDenied):
            accept_notification(actor, notification)


def test_merger_notification(world):
    admin = factories.user("admin", Role.MINISTRY_ADMIN)
    base = {"library_type": "public", "level": "commune", "province": world["hanoi"].pk}
    a = create_library(admin, {**base, "name": "Thư viện xã A"})
    b = create_library(admin, {**base, "name": "Thư viện xã B"})
    notification = submit_notification(
        world["founder"],
        NotificationRequest(
            kind="merge",
            province_id=world["hanoi"].pk,
            submitter_name="UBND xã B",
            effective_date=datetime.date(2025, 7, 1),
            libraries=[a, b],
            successor=b,
        ),
    )
    accept_notification(world["officer"], notification)
    a.refresh_from_db()
    assert a.status == Status.MERGED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"new_libraries": []}, "new_libraries"),
        ({"kind": "rename"}, "kind"),
        ({"new_libraries": [{"name": "X", "library_type": "public"}]}, "new_libraries[1].level"),
    ],
)
def test_bad_notifications_are_refused(world, change, field):
    with pytest.raises(LibraryDataError) as err:
        submit_notification(world["founder"], _founding(world, **change))
    assert field in err.value.errors


def test_documents_are_checked(world):
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(LibraryDataError, match=r"virus\.exe"):
        submit_notification(world["founder"], _founding(world), [("x", exe)])
