"""Access levels, one rule per level: who reads what, from where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tests import factories
from thuvien.accounts.models import Role
from thuvien.digital.models import AccessLevel, DigitalObject, ObjectStatus
from thuvien.digital.services.access import can_read, readable_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    home = factories.library("Thư viện nhà")
    other = factories.library("Thư viện khác")
    return {
        "anonymous": AnonymousUser(),
        "reader": factories.user("bandoc", Role.READER),
        "own staff": factories.user("canbo", Role.LIBRARY_STAFF, library=home),
        "other staff": factories.user("canbo2", Role.LIBRARY_STAFF, library=other),
        "nlv": factories.user("tvqg", Role.NATIONAL_LIBRARY),
        "home": home,
    }


def _object(library, access, status=ObjectStatus.READY):
    obj = DigitalObject.objects.create(
        library=library, title="T", kind="book", access=access, status=status
    )
    obj.ident = f"tv{obj.pk:07d}"
    obj.save()
    return obj


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (AccessLevel.PUBLIC, {"anonymous", "reader", "own staff", "other staff", "nlv"}),
        (AccessLevel.REGISTERED, {"reader", "own staff", "other staff", "nlv"}),
        (AccessLevel.ONSITE, {"own staff", "nlv"}),
        (AccessLevel.RESTRICTED, {"own staff", "nlv"}),
    ],
)
def test_who_reads_each_level_from_outside(people, access, expected):
    obj = _object(people["home"], access)
    outside = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    readers = {
        name
        for name in ("anonymous", "reader", "own staff", "other staff", "nlv")
        if can_read(people[name], obj, outside)
    }
    assert readers == expected


def test_onsite_objects_open_inside_the_library_network(people, settings):
    settings.THUVIEN_DIGITAL_ONSITE_NETWORKS = ["10.20.0.0/16"]
    from thuvien.digital.services import access

    access._networks.cache_clear()
    obj = _object(people["home"], AccessLevel.ONSITE)
    inside = RequestFactory().get("/", REMOTE_ADDR="10.20.3.4")
    assert can_read(people["anonymous"], obj, inside)
    assert "onsite" in readable_levels(people["anonymous"], inside)
    assert not can_read(people["anonymous"], obj, RequestFactory().get("/", REMOTE_ADDR="x"))


def test_unpublished_objects_are_for_the_staff_only(people):
    held = _object(people["home"], AccessLevel.PUBLIC, ObjectStatus.HELD)
    assert not can_read(people["anonymous"], held)
    assert not can_read(people["other staff"], held)
    assert can_read(people["own staff"], held)
