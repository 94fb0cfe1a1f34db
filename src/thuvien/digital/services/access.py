"""Who may read what: access levels enforced on images, text, manifests and downloads.

- public: everyone; registered: any signed-in user; onsite: requests from the library's
  networks (THUVIEN_DIGITAL_ONSITE_NETWORKS) or staff who may see restricted objects;
- restricted: the owning library's staff, NLV and the ministry (DIGITAL_VIEW_RESTRICTED).
Unpublished objects (being ingested, held for errors) are shown to the same staff only.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings

from thuvien.accounts.permissions import Action, Target, has_perm
from thuvien.digital.models import AccessLevel, DigitalObject


@cache
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def is_onsite(request) -> bool:
    if request is None:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = _networks(tuple(settings.THUVIEN_DIGITAL_ONSITE_NETWORKS))
    return any(address in network for network in networks)


def is_staff_for(user, obj: DigitalObject) -> bool:
    return has_perm(user, Action.DIGITAL_VIEW_RESTRICTED, Target.for_library(obj.library))


def can_read(user, obj: DigitalObject, request=None) -> bool:
    """Whether ``user`` (on ``request``) may see the object's images and text."""
    if not obj.published:
        return is_staff_for(user, obj)
    if obj.access == AccessLevel.PUBLIC:
        return True
    if obj.access == AccessLevel.REGISTERED and user is not None and user.is_authenticated:
        return True
    if obj.access == AccessLevel.ONSITE and is_onsite(request):
        return True
    return is_staff_for(user, obj)


def readable_levels(user, request=None) -> list[str]:
    """Access levels readable by ``user`` anywhere (the filter of cross-collection search)."""
    if (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or has_perm(user, Action.DIGITAL_VIEW_RESTRICTED, Target.nowhere()))
    ):
        return [level.value for level in AccessLevel]
    levels = [AccessLevel.PUBLIC.value]
    if user is not None and user.is_authenticated:
        levels.append(AccessLevel.REGISTERED.value)
    if is_onsite(request):
        levels.append(AccessLevel.ONSITE.value)
    return levels
