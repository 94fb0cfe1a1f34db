"""Argument helpers shared by the digital collections' commands."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from thuvien.digital.models import DigitalObject
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.models import Library


def library_arg(value: str) -> Library:
    found = Library.objects.filter(vn_id=normalize_identifier(value)).first()
    if found is None:
        raise CommandError(f"Không có thư viện {value} / no library {value}")
    return found


def user_arg(value: str | None):
    if not value:
        return None
    found = get_user_model().objects.filter(username=value).first()
    if found is None:
        raise CommandError(f"Không có tài khoản {value!r} / no such user: {value!r}")
    return found


def object_arg(ident: str) -> DigitalObject:
    found = DigitalObject.objects.filter(ident=ident).first()
    if found is None:
        raise CommandError(f"Không có tài nguyên {ident} / no object {ident}")
    return found
