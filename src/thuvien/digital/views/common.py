"""Lookups shared by the IIIF endpoints and the pages: objects and pages by public id,
with the access check that every image, text and download goes through."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from thuvien.digital.models import DigitalObject, Page
from thuvien.digital.services.access import can_read

PAGE_IDENT = re.compile(r"^(tv\d{7,})-p(\d{4,})$")


def public_base(request) -> str:
    configured = settings.THUVIEN_PUBLIC_URL.rstrip("/")
    return configured or f"{request.scheme}://{request.get_host()}"


def readable_object(request, ident: str) -> DigitalObject:
    obj = (
        DigitalObject.objects.select_related("library", "collection", "record")
        .filter(ident=ident)
        .first()
    )
    if obj is None:
        raise Http404(f"Không có tài nguyên {ident} / No object {ident}")
    if not can_read(request.user, obj, request):
        raise PermissionDenied("Tài nguyên này không mở cho bạn / This object is not open to you")
    return obj


def readable_page(request, ident: str) -> Page:
    match = PAGE_IDENT.match(ident)
    if not match:
        raise Http404(f"Mã ảnh không hợp lệ: {ident} / Invalid image identifier: {ident}")
    obj = readable_object(request, match.group(1))
    page = obj.pages.filter(order=int(match.group(2)), status="ready").first()
    if page is None:
        raise Http404(f"Không có trang {ident} / No page {ident}")
    page.obj = obj
    return page
