"""Pages of the digital collections: search, collections, objects, downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy

from thuvien.digital.models import Collection, DigitalObject, ObjectStatus
from thuvien.digital.services import paths
from thuvien.digital.services.access import is_staff_for, readable_levels
from thuvien.digital.services.search import FACETS, search_objects
from thuvien.digital.views.common import readable_object
from thuvien.kernel.search import SearchError

PAGE_SIZE = 20


def home(request):
    text = request.GET.get("q", "").strip()
    filters = {name: request.GET.getlist(name) for name in FACETS if request.GET.getlist(name)}
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 5000 else 1
    result, error = None, ""
    if text or filters:
        try:
            result = search_objects(
                request.user, request, text, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE
            )
        except SearchError as exc:
            error = str(exc)
    objects = {}
    if result:
        found = DigitalObject.objects.filter(ident__in=[h.id for h in result.hits])
        objects = {o.ident: o for o in found.prefetch_related("pages")}
    base = urlencode([(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"])
    context = {
        "q": text,
        "result": result,
        "error": error,
        "page": page,
        "base_query": base,
        "hits": [(h, objects.get(h.id)) for h in result.hits] if result else [],
        "facets": _facets(result, filters) if result else [],
        "collections": Collection.objects.select_related("library").order_by("title"),
        "recent": DigitalObject.objects.filter(
            status=ObjectStatus.READY, access__in=readable_levels(request.user, request)
        ).select_related("library")[:12],
        "pages": (result.total - 1) // PAGE_SIZE + 1 if result and result.total else 0,
    }
    return render(request, "digital/home.html", context)


FACET_TITLES = {
    "kind": gettext_lazy("Loại tài liệu"),
    "collection": gettext_lazy("Bộ sưu tập"),
    "library": gettext_lazy("Thư viện"),
    "language": gettext_lazy("Ngôn ngữ"),
    "access": gettext_lazy("Quyền truy cập"),
}


def _facets(result, filters):
    from thuvien.digital.models import AccessLevel, ObjectKind

    labels = {"kind": dict(ObjectKind.choices), "access": dict(AccessLevel.choices)}
    return [
        {
            "name": name,
            "title": FACET_TITLES[name],
            "open": bool(filters.get(name)),
            "values": [
                {
                    "value": value,
                    "count": count,
                    "label": labels.get(name, {}).get(value, value),
                    "checked": value in filters.get(name, []),
                }
                for value, count in result.facets.get(name, [])
            ],
        }
        for name in FACETS
        if result.facets.get(name)
    ]


def collection_page(request, slug):
    collection = get_object_or_404(Collection.objects.select_related("library"), slug=slug)
    objects = collection.digital_objects.filter(
        status=ObjectStatus.READY, access__in=readable_levels(request.user, request)
    ).order_by("title")
    return render(
        request, "digital/collection.html", {"collection": collection, "objects": objects}
    )


DC_LABELS = {
    "creator": gettext_lazy("Tác giả"),
    "contributor": gettext_lazy("Đồng tác giả"),
    "date": gettext_lazy("Năm"),
    "publisher": gettext_lazy("Nhà xuất bản"),
    "subject": gettext_lazy("Chủ đề"),
    "description": gettext_lazy("Mô tả"),
    "language": gettext_lazy("Ngôn ngữ"),
    "identifier": gettext_lazy("Định danh"),
    "source": gettext_lazy("Nguồn"),
    "relation": gettext_lazy("Liên kết"),
    "coverage": gettext_lazy("Phạm vi"),
    "format": gettext_lazy("Định dạng"),
    "type": gettext_lazy("Dạng tài liệu"),
    "rights": gettext_lazy("Bản quyền"),
}
LANGUAGE_NAMES = {
    "vie": gettext_lazy("Tiếng Việt"),
    "eng": gettext_lazy("Tiếng Anh"),
    "fre": gettext_lazy("Tiếng Pháp"),
    "fra": gettext_lazy("Tiếng Pháp"),
    "chi": gettext_lazy("Tiếng Trung"),
    "zho": gettext_lazy("Tiếng Trung"),
    "rus": gettext_lazy("Tiếng Nga"),
}


def _metadata(obj) -> list[tuple[str, list[str]]]:
    rows = []
    for name, label in DC_LABELS.items():
        values = (obj.dc or {}).get(name) or []
        if name == "language":
            values = [LANGUAGE_NAMES.get(v, v) for v in values]
        if values:
            rows.append((label, values))
    return rows


def object_page(request, ident):
    obj = readable_object(request, ident)
    staff = is_staff_for(request.user, obj)
    pages = obj.pages.order_by("order")
    context = {
        "obj": obj,
        "staff": staff,
        "pages": pages,
        "first_page": pages.first(),
        "manifest_url": f"/iiif/presentation/{obj.ident}/manifest",
        "search_query": request.GET.get("q", ""),
        "language": get_language() or "vi",
        "events": obj.events.order_by("-when")[:50] if staff else [],
        "failed_pages": [p for p in pages if p.status == "failed" or p.ocr_status == "empty"],
        "has_pdf": paths.pdf_path(obj).exists(),
    }
    return render(request, "digital/object.html", context)


def download_pdf(request, ident):
    obj = readable_object(request, ident)
    path = paths.pdf_path(obj)
    if not path.exists():
        raise Http404("Chưa có PDF cho tài nguyên này / No PDF for this object yet")
    return FileResponse(
        open(path, "rb"), content_type="application/pdf", filename=f"{obj.ident}.pdf"
    )


def download_mets(request, ident):
    from thuvien.digital.services.export import mets_for

    obj = readable_object(request, ident)
    return HttpResponse(mets_for(obj), content_type="application/xml; charset=utf-8")


def download_mods(request, ident):
    from thuvien.digital.preservation.mets import mods_xml

    obj = readable_object(request, ident)
    return HttpResponse(mods_xml(obj.dc), content_type="application/xml; charset=utf-8")


def page_image(request, ident, order: int):
    """The access JPEG of one page (download)."""
    obj = readable_object(request, ident)
    page = get_object_or_404(obj.pages, order=order, status="ready")
    page.obj = obj
    return FileResponse(
        open(paths.access_path(page), "rb"), content_type="image/jpeg", filename=f"{page.ident}.jpg"
    )
