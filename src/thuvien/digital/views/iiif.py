"""IIIF endpoints: Image API 3.0, Presentation API 3.0, Content Search API 2.0.

Stable URIs (docs/architecture): /iiif/3/{page}/..., /iiif/presentation/{object}/manifest,
/iiif/presentation/collections/{slug}. Every response carries CORS headers so viewers on
other sites can use them; access levels apply to every one of them.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from thuvien.digital import tilecache
from thuvien.digital.iiif import image as image_api
from thuvien.digital.services import paths
from thuvien.digital.services.presentation import (
    collection_json,
    manifest_json,
    page_annotations_json,
    search_json,
    top_collection_json,
)
from thuvien.digital.views.common import public_base, readable_object, readable_page

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "tif": "image/tiff"}


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def iiif_endpoint(view):
    """CORS on every answer, and errors as short plain text rather than HTML pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except image_api.IIIFError as exc:
            response = HttpResponse(exc.message, status=exc.status, content_type="text/plain")
        except PermissionDenied as exc:
            status = 401 if not request.user.is_authenticated else 403
            response = HttpResponse(str(exc), status=status, content_type="text/plain")
        except Http404 as exc:
            response = HttpResponse(str(exc), status=404, content_type="text/plain")
        return _cors(response)

    return require_GET(wrapped)


def _json(data: dict, profile: str, request) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=None)
    accept = request.headers.get("Accept", "")
    media = (
        f'application/ld+json;profile="{profile}"' if "ld+json" in accept else ("application/json")
    )
    response = HttpResponse(body, content_type=media)
    response["Cache-Control"] = "no-cache"
    return response


def image_id(request, ident: str) -> str:
    return f"{public_base(request)}/iiif/3/{ident}"


@iiif_endpoint
def image_base(request, ident):
    return HttpResponseRedirect(f"{image_id(request, ident)}/info.json", status=303)


@iiif_endpoint
def image_info(request, ident):
    page = readable_page(request, ident)
    info = image_api.info_json(
        image_id(request, ident),
        page.width,
        page.height,
        max_width=settings.THUVIEN_IIIF_MAX_WIDTH,
        max_area=settings.THUVIEN_IIIF_MAX_AREA,
        rights=page.obj.rights or None,
        extra_features=("canonicalLinkHeader", "profileLinkHeader"),
    )
    if page.obj.access == "public" and page.obj.published:
        tilecache.remember_page(
            ident, page.obj.ident, paths.pyramid_path(page), page.width, page.height
        )
    return _json(info, IMAGE_CONTEXT, request)


@iiif_endpoint
def image_request(request, ident, region, size, rotation, quality, fmt):
    parsed = image_api.parse_request(region, size, rotation, quality, fmt)
    page = readable_page(request, ident)
    limits = {
        "max_width": settings.THUVIEN_IIIF_MAX_WIDTH,
        "max_area": settings.THUVIEN_IIIF_MAX_AREA,
    }
    canonical = image_api.canonical_path(parsed, page.width, page.height, **limits)
    etag = '"' + hashlib.sha1(f"{page.sha512}{canonical}".encode()).hexdigest() + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304)
    data, media_type = image_api.render(paths.pyramid_path(page), parsed, **limits)
    response = HttpResponse(data, content_type=media_type)
    response["Link"] = image_api.image_link_header(image_id(request, ident), canonical)
    response["ETag"] = etag
    public = page.obj.access == "public" and page.obj.published
    response["Cache-Control"] = "public, max-age=86400" if public else "private, max-age=3600"
    if public and not request.META.get("QUERY_STRING"):
        tilecache.store(request.path_info, response["Link"], data)
    return response


@iiif_endpoint
def manifest(request, ident):
    obj = readable_object(request, ident)
    return _json(manifest_json(obj, public_base(request)), PRESENTATION_CONTEXT, request)


@iiif_endpoint
def page_annotations(request, ident, order):
    obj = readable_object(request, ident)
    return _json(
        page_annotations_json(obj, int(order), public_base(request)),
        PRESENTATION_CONTEXT,
        request,
    )


@iiif_endpoint
def collection(request, slug):
    data = collection_json(slug, request.user, request, public_base(request))
    if data is None:
        raise Http404(f"Không có bộ sưu tập {slug} / No collection {slug}")
    return _json(data, PRESENTATION_CONTEXT, request)


@iiif_endpoint
def top_collection(request):
    return _json(top_collection_json(public_base(request)), PRESENTATION_CONTEXT, request)


@iiif_endpoint
def content_search(request, ident):
    obj = readable_object(request, ident)
    query = request.GET.get("q", "").strip()
    return _json(
        search_json(obj, query, public_base(request), request.get_full_path()),
        "http://iiif.io/api/search/2/context.json",
        request,
    )


@iiif_endpoint
def autocomplete(request, ident):
    from thuvien.digital.services.presentation import autocomplete_json

    obj = readable_object(request, ident)
    return _json(
        autocomplete_json(
            obj, request.GET.get("q", ""), public_base(request), request.get_full_path()
        ),
        "http://iiif.io/api/search/2/context.json",
        request,
    )
