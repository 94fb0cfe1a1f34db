"""What the evaluation commands share: the acting user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def acting_user(username: str | None):
    """The named user, or the first active superuser (the operator at the console); the
    audit log records whoever it is."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r} / no such user: {username!r}")
        return user
    user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(
            "Cần --user: chưa có tài khoản quản trị nào / --user is needed: there is no superuser"
        )
    return user
