"""The permission matrix, cell by cell: every action x role x (own scope, other scope).

The expected table is written out here by hand from the product rules, not derived from
the code's MATRIX, so a change to the matrix must be made deliberately in both places.
"""

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.accounts.permissions import Action, Target, has_perm, require

Y, N = True, False
# action: {role: (in own scope, in another scope)}
EXPECTED = {
    Action.REGISTRY_CREATE: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_CHANGE: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_RECORD_EVENT: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_IMPORT: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_DECIDE_NOTIFICATION: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_VIEW_NOTIFICATIONS: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.REGISTRY_SUBMIT_NOTIFICATION: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, Y),
        Role.LIBRARY_STAFF: (Y, Y),
        Role.READER: (Y, Y),
    },
    Action.CATALOG_INGEST: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.CATALOG_CLUSTER: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.DIGITAL_INGEST: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.DIGITAL_VIEW_RESTRICTED: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.DIGITAL_PRESERVE: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_MANAGE_FORMS: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_OPEN_ROUND: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_VIEW_REPORT: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.STATS_FILL: {
        Role.MINISTRY_ADMIN: (N, N),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.STATS_REVIEW: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_CERTIFY: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_UNLOCK: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.STATS_IMPORT: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.EVALUATION_VIEW: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.EVALUATION_MANAGE: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.EVALUATION_SELF_ASSESS: {
        Role.MINISTRY_ADMIN: (N, N),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.EVALUATION_MANAGE_KPIS: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (N, N),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
    Action.AUDIT_VIEW: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (Y, N),
        Role.LIBRARY_STAFF: (Y, N),
        Role.READER: (N, N),
    },
    Action.JOBS_VIEW_ALL: {
        Role.MINISTRY_ADMIN: (Y, Y),
        Role.NATIONAL_LIBRARY: (Y, Y),
        Role.PROVINCE_OFFICER: (N, N),
        Role.LIBRARY_STAFF: (N, N),
        Role.READER: (N, N),
    },
}


def test_every_action_has_an_expected_row():
    assert set(EXPECTED) == set(Action)


@pytest.fixture
def world(db):
    hanoi, danang = factories.hanoi(), factories.danang()
    own_lib = factories.library("Thư viện Hà Nội", hanoi)
    other_lib = factories.library("Thư viện thành phố Đà Nẵng", danang)
    return {
        "hanoi": hanoi,
        "own": Target.for_library(own_lib),
        "other": Target.for_library(other_lib),
        "own_lib": own_lib,
    }


def _user_for(role, world, name):
    scope = {}
    if role == Role.PROVINCE_OFFICER:
        scope["province"] = world["hanoi"]
    if role == Role.LIBRARY_STAFF:
        scope["library"] = world["own_lib"]
    return factories.user(name, role, **scope)


CELLS = [(action, role) for action in EXPECTED for role in EXPECTED[action]]


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a.value}-{r}" for a, r in CELLS])
def test_cell(world, action, role):
    account = _user_for(role, world, f"u-{role}")
    in_own, in_other = EXPECTED[action][role]
    assert has_perm(account, action, world["own"]) is in_own
    assert has_perm(account, action, world["other"]) is in_other


@pytest.mark.django_db
def test_anonymous_and_inactive_users_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    inactive = _user_for(Role.MINISTRY_ADMIN, world, "gone")
    inactive.is_active = False
    for action in Action:
        assert not has_perm(AnonymousUser(), action, world["own"])
        assert not has_perm(None, action, world["own"])
        assert not has_perm(inactive, action, world["own"])


@pytest.mark.django_db
def test_superuser_may_do_everything(world):
    root = factories.user("root", superuser=True)
    assert all(has_perm(root, action, world["other"]) for action in Action)


@pytest.mark.django_db
def test_staff_of_a_library_may_edit_its_branches(world):
    branch = factories.library("Phân viện Hà Nội", world["hanoi"], parent=world["own_lib"])
    staff = _user_for(Role.LIBRARY_STAFF, world, "staff")
    assert has_perm(staff, Action.REGISTRY_CHANGE, Target.for_library(branch))


@pytest.mark.django_db
def test_require_raises_a_bilingual_permission_denied(world):
    from django.core.exceptions import PermissionDenied

    reader = _user_for(Role.READER, world, "reader")
    with pytest.raises(PermissionDenied, match=r"không có quyền.*not allowed"):
        require(reader, Action.REGISTRY_CHANGE, world["own"])
