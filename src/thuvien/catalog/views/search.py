"""The catalogue search page and record pages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as RefusedDecision
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from thuvien.accounts.permissions import Action, has_perm
from thuvien.catalog.models import BibRecord
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.selectors import FILTERS, CatalogFilters, search_catalog
from thuvien.catalog.views.labels import labelled_facets
from thuvien.kernel.search import SearchError

PAGE_SIZE = 20


def _filters(request) -> CatalogFilters:
    data = {name: request.GET.getlist(name) for name in FILTERS if request.GET.getlist(name)}
    for key in ("q", "sort", "year_from", "year_to"):
        if request.GET.get(key):
            data[key] = request.GET[key]
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 5000 else 1
    return CatalogFilters(**data, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)


def search_page(request):
    try:
        filters = _filters(request)
    except ValidationError:
        return HttpResponseBadRequest("Tham số tìm kiếm không hợp lệ / invalid search parameters")
    result, error = None, ""
    try:
        result = search_catalog(filters)
    except SearchError as exc:
        error = str(exc)
    page = filters.offset // PAGE_SIZE + 1
    pages = (result.total - 1) // PAGE_SIZE + 1 if result and result.total else 0
    base = urlencode([(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"])
    selected = {name: getattr(filters, name) for name in FILTERS}
    context = {
        "filters": filters,
        "result": result,
        "error": error,
        "page": page,
        "pages": pages,
        "page_range": list(range(max(1, page - 3), min(pages, page + 3) + 1)),
        "base_query": base,
        "facets": labelled_facets(result.facets, selected) if result else [],
        "digital_count": _digital_count(request, filters.q),
    }
    template = (
        "catalog/_results.html" if request.headers.get("HX-Request") else "catalog/search.html"
    )
    return render(request, template, context)


def _digital_count(request, text) -> int:
    from thuvien.digital.selectors import matching_count

    return matching_count(request.user, request, text or "")


def _record(pk: int) -> BibRecord:
    return get_object_or_404(BibRecord.objects.select_related("source__library"), pk=pk)


def record_page(request, pk: int):
    from thuvien.catalog.marc.citation import apa, tcvn4743
    from thuvien.catalog.marc.extract import extract
    from thuvien.catalog.services.clusters import cluster_view
    from thuvien.catalog.services.indexing import parse_stored

    record = _record(pk)
    cluster = cluster_view(record)
    marc = parse_stored(record.marc)
    extracted = extract(marc)
    holdings = (  # a cluster shows the union of its members' holdings
        cluster["holdings"]
        if cluster
        else record.holdings.select_related("library__province").order_by(
            "library__name", "location"
        )
    )
    rows = [
        (
            f.tag,
            getattr(f, "indicators", ""),
            getattr(f, "subfields", None),
            getattr(f, "value", ""),
        )
        for f in marc.fields
    ]
    return render(
        request,
        "catalog/record.html",
        {
            "record": record,
            "marc": marc,
            "marc_rows": rows,
            "x": extracted,
            "holdings": holdings,
            "deleted": record.status == RecordStatus.DELETED,
            "apa": apa(marc, extracted),
            "tcvn": tcvn4743(marc, extracted),
            "cluster": cluster,
            "can_correct": has_perm(request.user, Action.CATALOG_CLUSTER),
            "digital_copies": _digital_copies(request, record, cluster),
        },
    )


def _digital_copies(request, record, cluster):
    from thuvien.digital.selectors import objects_for_records

    ids = {record.pk}
    if cluster:
        ids |= {other.pk for other in cluster["others"]}
    return objects_for_records(request.user, request, ids)


@login_required
@require_POST
def record_merge(request, pk: int):
    """A cataloguer joins this record's cluster with another record's, for good."""
    from thuvien.catalog.services.clusters import merge

    record, other = _record(pk), request.POST.get("other", "").strip().lstrip("#")
    target = BibRecord.objects.filter(pk=int(other)).first() if other.isdigit() else None
    if target is None:
        messages.error(request, _("Không có biểu ghi số này."))
        return redirect("catalog:record", pk=pk)
    return _decide(request, pk, lambda: merge(request.user, record, target, _reason(request)))


@login_required
@require_POST
def record_split(request, pk: int):
    """A cataloguer takes this record out of its cluster, for good."""
    from thuvien.catalog.services.clusters import split

    record = _record(pk)
    return _decide(request, pk, lambda: split(request.user, record, _reason(request)))


def _reason(request) -> str:
    return request.POST.get("reason", "")[:2000]


def _decide(request, pk: int, apply):
    """Apply a merge or split; a refused permission is a 403, a bad request a message."""
    try:
        apply()
    except RefusedDecision as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã lưu quyết định; cụm được tính lại."))
    return redirect("catalog:record", pk=pk)


EXPORTS = {
    "mrc": ("application/marc", "to_iso2709"),
    "xml": ("application/marcxml+xml; charset=utf-8", "to_marcxml"),
    "dc": ("application/xml; charset=utf-8", "to_oai_dc"),
    "json": ("application/json; charset=utf-8", "to_marc_json"),
}


def record_export(request, pk: int, fmt: str):
    from thuvien.catalog.marc import writers
    from thuvien.catalog.services.indexing import parse_stored

    if fmt not in EXPORTS:
        raise Http404
    content_type, writer = EXPORTS[fmt]
    try:
        body = getattr(writers, writer)(parse_stored(_record(pk).marc))
    except writers.WriteError as exc:  # e.g. a field too long for ISO 2709
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    response = HttpResponse(body, content_type=content_type)
    suffix = "dc.xml" if fmt == "dc" else fmt
    response["Content-Disposition"] = f'attachment; filename="ban-ghi-{pk}.{suffix}"'
    return response
