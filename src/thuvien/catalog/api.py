"""The catalogue's JSON API: /api/v1/catalog/search and /api/v1/catalog/records/{id}."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from thuvien.catalog.models import BibRecord
from thuvien.catalog.selectors import CatalogFilters, search_catalog

router = Router(tags=["catalog"])


class HitOut(Schema):
    id: str
    title: str
    author: list[str]
    publisher: list[str]
    year: int | None = None
    isbn: list[str]
    libraries: list[str]
    highlight: str | None = None


class FacetValue(Schema):
    value: str
    count: int


class SearchOut(Schema):
    total: int
    offset: int
    limit: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValue]]


class HoldingOut(Schema):
    library: str
    library_name: str
    location: str
    call_number: str
    items: int | None
    available: int | None


class RecordOut(Schema):
    id: str
    source_library: str
    local_id: str
    status: str
    title: str
    responsibility: str | None
    authors: list[str]
    subjects: list[str]
    publisher: str | None
    place: str | None
    year: int | None
    edition: str | None
    isbns: list[str]
    language: str | None
    format: str | None
    holdings: list[HoldingOut]
    marc: dict


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="Tìm trong mục lục / search the catalogue",
)
def search(request, filters: Query[CatalogFilters]):
    result = search_catalog(filters)
    hits = [
        {
            "id": h.id,
            "title": h.document.get("title", ""),
            "author": h.document.get("author", []),
            "publisher": h.document.get("publisher", []),
            "year": h.document.get("year"),
            "isbn": h.document.get("isbn", []),
            "libraries": h.document.get("library", []),
            "highlight": h.highlights.get("title"),
        }
        for h in result.hits
    ]
    facets = {
        k: [{"value": v, "count": n} for v, n in values] for k, values in result.facets.items()
    }
    # Sent as built (in SearchOut's shape): re-validating every facet value cost more than
    # the search itself.
    return JsonResponse(
        {
            "total": result.total,
            "offset": filters.offset,
            "limit": filters.limit,
            "hits": hits,
            "facets": facets,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/records/{record_id}",
    response={200: RecordOut, 404: ErrorOut, 422: ErrorOut},
    summary="Một biểu ghi / one record",
)
def record(request, record_id: int):
    from thuvien.catalog.marc.extract import extract
    from thuvien.catalog.marc.writers import to_marc_json
    from thuvien.catalog.services.indexing import parse_stored

    bib = get_object_or_404(BibRecord.objects.select_related("source__library"), pk=record_id)
    marc = parse_stored(bib.marc)
    x = extract(marc)
    return {
        "id": str(bib.pk),
        "source_library": bib.source.library.vn_id,
        "local_id": bib.local_id,
        "status": bib.status,
        "title": x.title or "",
        "responsibility": x.responsibility,
        "authors": list(x.authors),
        "subjects": list(x.subjects),
        "publisher": x.publisher,
        "place": x.place,
        "year": x.year,
        "edition": x.edition,
        "isbns": sorted(x.isbns),
        "language": x.language,
        "format": x.format,
        "holdings": [
            {
                "library": h.library.vn_id,
                "library_name": h.library.name,
                "location": h.location,
                "call_number": h.call_number,
                "items": h.items,
                "available": h.available,
            }
            for h in bib.holdings.select_related("library")
        ],
        "marc": to_marc_json(marc),
    }
