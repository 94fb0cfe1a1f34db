"""The public directory: search with facets, the map, and exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from pydantic import ValidationError

from thuvien.kernel.search import SearchError
from thuvien.registry.selectors import (
    FILTERS,
    DirectoryFilters,
    iterate_directory,
    search_directory,
)
from thuvien.registry.views.labels import label_maps, labelled_facets

PAGE_SIZE = 20
MAX_MAP_POINTS = 5000


def parse_filters(request, **overrides) -> DirectoryFilters:
    data = {name: request.GET.getlist(name) for name in FILTERS if request.GET.getlist(name)}
    for key in ("q", "sort"):
        if request.GET.get(key):
            data[key] = request.GET[key]
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 5000 else 1
    data.update({"offset": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE, **overrides})
    return DirectoryFilters(**data)


def _query_without_page(request) -> str:
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    return urlencode(pairs)


def directory(request):
    try:
        filters = parse_filters(request)
    except ValidationError:
        return HttpResponseBadRequest("Tham số tìm kiếm không hợp lệ / invalid search parameters")
    try:
        result = search_directory(filters)
        error = ""
    except SearchError as exc:
        result, error = None, str(exc)
    page = filters.offset // PAGE_SIZE + 1
    pages = ((result.total - 1) // PAGE_SIZE + 1) if result and result.total else 0
    selected = {name: getattr(filters, name) for name in FILTERS}
    labels = label_maps()
    context = {
        "filters": filters,
        "result": result,
        "error": error,
        "facets": labelled_facets(result.facets, selected) if result else [],
        "page": page,
        "pages": pages,
        "page_range": [p for p in range(max(1, page - 3), min(pages, page + 3) + 1)],
        "base_query": _query_without_page(request),
        "export_query": _query_without_page(request),
        "type_labels": labels["library_type"],
        "status_labels": labels["status"],
    }
    template = (
        "registry/_results.html" if request.headers.get("HX-Request") else "registry/directory.html"
    )
    return render(request, template, context)


def map_page(request):
    return render(request, "registry/map.html", {"query": _query_without_page(request)})


def map_points(request):
    """Libraries with coordinates for the map (current filters), at most 5,000 points."""
    try:
        filters = parse_filters(request, offset=0, limit=100)
    except ValidationError:
        return JsonResponse({"error": "invalid parameters"}, status=400)
    overview = search_directory(filters.model_copy(update={"limit": 1}), highlight=False)
    points = [
        [
            hit.id,
            hit.document["name"],
            hit.document["latitude"],
            hit.document["longitude"],
            hit.document.get("library_type", ""),
        ]
        for hit in iterate_directory(filters, MAX_MAP_POINTS)
        if hit.document.get("latitude") is not None and hit.document.get("longitude") is not None
    ]
    return JsonResponse(
        {
            "total": overview.total,
            "points": points,
            "province_counts": dict(overview.facets.get("province", [])),
        }
    )
