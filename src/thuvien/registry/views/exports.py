from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from pydantic import ValidationError

from thuvien.registry.selectors import FILTERS, iterate_directory
from thuvien.registry.services import exports
from thuvien.registry.views.directory import parse_filters

MAX_EXPORT = 200_000


def _ids_for(request) -> list[str] | None:
    """Identifiers matching the request's filters; None (everything) when there are none."""
    filters = parse_filters(request, offset=0, limit=1)
    if not filters.q and not any(getattr(filters, name) for name in FILTERS):
        return None
    return [hit.id for hit in iterate_directory(filters, MAX_EXPORT)]


def export(request, fmt: str):
    try:
        ids = _ids_for(request)
    except ValidationError:
        return HttpResponseBadRequest("Tham số không hợp lệ / invalid parameters")
    libraries = exports.libraries_by_ids(ids)
    stamp = timezone.localdate().isoformat()
    name = f"thu-vien-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(libraries), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            exports.json_chunks(libraries), content_type="application/json; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(libraries),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
