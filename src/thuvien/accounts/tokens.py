"""API bearer tokens: issued once in clear, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from ninja.security import HttpBearer

from thuvien.accounts.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user, name: str) -> str:
    """Create a token for ``user`` and return its key (shown once, never stored)."""
    key = "tv_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_hash(key), prefix=key[:8])
    return key


def user_for_token(key: str):
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
