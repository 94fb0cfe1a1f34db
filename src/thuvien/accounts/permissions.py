"""Who may do what, and where: one matrix of actions x roles x scope.

Services call :func:`require` with the acting user and the organisation the action touches.
The matrix is data so that it can be read, reviewed and tested cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from thuvien.accounts.models import Role


class Action(StrEnum):
    REGISTRY_CREATE = "registry.create_library"
    REGISTRY_CHANGE = "registry.change_library"
    REGISTRY_RECORD_EVENT = "registry.record_event"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_DECIDE_NOTIFICATION = "registry.decide_notification"
    REGISTRY_VIEW_NOTIFICATIONS = "registry.view_notifications"
    REGISTRY_SUBMIT_NOTIFICATION = "registry.submit_notification"
    CATALOG_INGEST = "catalog.ingest"
    CATALOG_CLUSTER = "catalog.cluster"
    DIGITAL_INGEST = "digital.ingest"
    DIGITAL_VIEW_RESTRICTED = "digital.view_restricted"
    DIGITAL_PRESERVE = "digital.preserve"
    STATS_MANAGE_FORMS = "stats.manage_forms"
    STATS_OPEN_ROUND = "stats.open_round"
    STATS_VIEW_REPORT = "stats.view_report"
    STATS_FILL = "stats.fill"
    STATS_REVIEW = "stats.review"
    STATS_CERTIFY = "stats.certify"
    STATS_UNLOCK = "stats.unlock"
    STATS_IMPORT = "stats.import"
    EVALUATION_VIEW = "evaluation.view"
    EVALUATION_MANAGE = "evaluation.manage"
    EVALUATION_SELF_ASSESS = "evaluation.self_assess"
    EVALUATION_MANAGE_KPIS = "evaluation.manage_kpis"
    AUDIT_VIEW = "audit.view"
    JOBS_VIEW_ALL = "jobs.view_all"


class Scope(StrEnum):
    ANY = "any"  # anywhere in the country
    PROVINCE = "province"  # only inside the province the role is scoped to
    LIBRARY = "library"  # only the library the role is scoped to (and its branches)
    NONE = "none"


_R = Role
MATRIX: dict[Action, dict[str, Scope]] = {
    Action.REGISTRY_CREATE: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.REGISTRY_CHANGE: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.REGISTRY_RECORD_EVENT: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.REGISTRY_IMPORT: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
    },
    # Notifications are decided by the state management body (Sở VHTTDL or the ministry),
    # not by NLV, which is itself a library (TT 01/2020/TT-BVHTTDL).
    Action.REGISTRY_DECIDE_NOTIFICATION: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.REGISTRY_VIEW_NOTIFICATIONS: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.REGISTRY_SUBMIT_NOTIFICATION: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.ANY,
        _R.LIBRARY_STAFF: Scope.ANY,
        _R.READER: Scope.ANY,
    },
    # Libraries contribute their own records; NLV and the ministry run the union catalogue.
    Action.CATALOG_INGEST: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    # Merging and splitting clusters of duplicates changes what every library's readers see.
    Action.CATALOG_CLUSTER: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
    },
    # Digital collections: a library digitises and publishes its own holdings; restricted
    # objects are read by its staff (and NLV and the ministry, which run the national
    # programme); the preservation store is run by NLV and the ministry.
    Action.DIGITAL_INGEST: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.DIGITAL_VIEW_RESTRICTED: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.DIGITAL_PRESERVE: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
    },
    # Statistics (TT 16/2022): the ministry defines forms and rounds; a library fills in its
    # own report (the province office may fill in for libraries without staff, e.g. commune
    # libraries); the province office checks and approves; the ministry certifies.
    Action.STATS_MANAGE_FORMS: {
        _R.MINISTRY_ADMIN: Scope.ANY,
    },
    Action.STATS_OPEN_ROUND: {
        _R.MINISTRY_ADMIN: Scope.ANY,
    },
    Action.STATS_VIEW_REPORT: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.STATS_FILL: {
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.STATS_REVIEW: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.STATS_CERTIFY: {
        _R.MINISTRY_ADMIN: Scope.ANY,
    },
    Action.STATS_UNLOCK: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.STATS_IMPORT: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    # Evaluation (TT 05/2020): the ministry and a province's department (for the libraries of
    # its province) set criteria, open rounds and conclude; a library assesses itself; the
    # programme's targets are the ministry's.
    Action.EVALUATION_VIEW: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.EVALUATION_MANAGE: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
    },
    Action.EVALUATION_SELF_ASSESS: {
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.EVALUATION_MANAGE_KPIS: {
        _R.MINISTRY_ADMIN: Scope.ANY,
    },
    Action.AUDIT_VIEW: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
        _R.PROVINCE_OFFICER: Scope.PROVINCE,
        _R.LIBRARY_STAFF: Scope.LIBRARY,
    },
    Action.JOBS_VIEW_ALL: {
        _R.MINISTRY_ADMIN: Scope.ANY,
        _R.NATIONAL_LIBRARY: Scope.ANY,
    },
}

DENIED_MESSAGE = (
    "Bạn không có quyền thực hiện thao tác này ({action}). "
    "/ You are not allowed to do this ({action})."
)


@dataclass(frozen=True)
class Target:
    """Where an action lands: a province (2025 unit id) and/or a library with its ancestors."""

    province_id: int | None = None
    library_ids: frozenset[int] = frozenset()

    @classmethod
    def nowhere(cls) -> Target:
        return cls()

    @classmethod
    def for_library(cls, library) -> Target:
        ids, node, seen = set(), library, 0
        while node is not None and seen < 20:  # a branch belongs to its parent's staff too
            ids.add(node.pk)
            node, seen = node.parent, seen + 1
        return cls(province_id=library.province_id, library_ids=frozenset(ids))

    @classmethod
    def for_province(cls, province_id: int | None) -> Target:
        return cls(province_id=province_id)


def _assignments(user):
    cached = getattr(user, "_thuvien_roles", None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "province_id", "library_id"))
        user._thuvien_roles = cached
    return cached


def _covers(scope: Scope, province_id, library_id, target: Target) -> bool:
    if scope == Scope.ANY:
        return True
    if scope == Scope.PROVINCE:
        return province_id is not None and province_id == target.province_id
    if scope == Scope.LIBRARY:
        return library_id is not None and library_id in target.library_ids
    return False


def has_perm(user, action: Action, target: Target | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    target = target or Target.nowhere()
    allowed = MATRIX.get(action, {})
    for role, province_id, library_id in _assignments(user):
        scope = allowed.get(role, Scope.NONE)
        if _covers(scope, province_id, library_id, target):
            return True
    return False


def has_any_scope(user, action: Action) -> bool:
    """Whether the user may do ``action`` somewhere (to show or hide a menu entry)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    allowed = MATRIX.get(action, {})
    return any(allowed.get(role, Scope.NONE) != Scope.NONE for role, _, _ in _assignments(user))


def require(user, action: Action, target: Target | None = None) -> None:
    if not has_perm(user, action, target):
        raise PermissionDenied(DENIED_MESSAGE.format(action=action.value))


def province_ids_for(user, action: Action) -> set[int] | None:
    """Provinces in which ``user`` may do ``action``; None means everywhere."""
    if user.is_superuser:
        return None
    allowed = MATRIX.get(action, {})
    provinces: set[int] = set()
    for role, province_id, _ in _assignments(user):
        scope = allowed.get(role, Scope.NONE)
        if scope == Scope.ANY:
            return None
        if scope == Scope.PROVINCE and province_id:
            provinces.add(province_id)
    return provinces


def library_ids_for(user, action: Action) -> set[int]:
    allowed = MATRIX.get(action, {})
    return {
        library_id
        for role, _, library_id in _assignments(user)
        if library_id and allowed.get(role, Scope.NONE) == Scope.LIBRARY
    }
