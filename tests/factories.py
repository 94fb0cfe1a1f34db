"""Small builders for test data: real models in the real database, no mocks."""

from __future__ import annotations

import itertools

from thuvien.accounts.models import Role, RoleAssignment, User
from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.kernel.text import fold_for_search
from thuvien.registry.identifiers import format_identifier
from thuvien.registry.models import Library

_serial = itertools.count(9_000_000)


def unit(
    code: str,
    name: str,
    level: str = Level.PROVINCE,
    scheme: str = Scheme.V2025,
    parent: AdminUnit | None = None,
) -> AdminUnit:
    obj, _ = AdminUnit.objects.get_or_create(
        scheme=scheme,
        level=level,
        code=code,
        defaults={"name": name, "name_folded": fold_for_search(name), "parent": parent},
    )
    if obj.province_id is None:
        obj.province = parent.province if parent else obj
        obj.save(update_fields=["province"])
    return obj


def hanoi() -> AdminUnit:
    return unit("01", "Thành phố Hà Nội")


def danang() -> AdminUnit:
    return unit("48", "Thành phố Đà Nẵng")


def commune(code: str, name: str, province: AdminUnit) -> AdminUnit:
    return unit(code, name, Level.COMMUNE, province.scheme, parent=province)


def user(
    username: str, role: str | None = None, *, province=None, library=None, superuser: bool = False
) -> User:
    account = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        full_name=username.title(),
        is_superuser=superuser,
        is_staff=superuser,
    )
    if role:
        RoleAssignment.objects.create(user=account, role=role, province=province, library=library)
    return account


def library(name: str = "Thư viện tỉnh Thử nghiệm", province=None, **fields) -> Library:
    """A library row written directly (tests of services build theirs through services)."""
    defaults = {"library_type": "public", "level": "province"}
    defaults.update(fields)
    return Library.objects.create(
        vn_id=format_identifier(next(_serial)), name=name, province=province, **defaults
    )


ROLES = [
    Role.MINISTRY_ADMIN,
    Role.NATIONAL_LIBRARY,
    Role.PROVINCE_OFFICER,
    Role.LIBRARY_STAFF,
    Role.READER,
]
