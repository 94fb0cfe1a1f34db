"""IIIF Presentation API 3.0 documents (manifests, collections, OCR annotation pages).

Plain JSON-serialisable dicts that follow the specification's REQUIRED and RECOMMENDED
properties, so that they pass the official presentation validator and not only
iiif-prezi3's models (which check types, not required properties).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from thuvien.digital.iiif.image import (
    DEFAULT_MAX_AREA,
    DEFAULT_MAX_HEIGHT,
    DEFAULT_MAX_WIDTH,
    parse_request,
    resolve,
)

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
SEARCH_CONTEXT = "http://iiif.io/api/search/2/context.json"
SEARCH1_PROFILE = "http://iiif.io/api/search/1/search"
AUTOCOMPLETE1_PROFILE = "http://iiif.io/api/search/1/autocomplete"
VIEWING_DIRECTIONS = ("left-to-right", "right-to-left", "top-to-bottom", "bottom-to-top")
MANIFEST_BEHAVIORS = (
    "auto-advance", "no-auto-advance", "repeat", "no-repeat", "unordered", "individuals",
    "continuous", "paged", "facing-pages", "non-paged", "multi-part", "together", "sequence",
    "thumbnail-nav", "no-nav", "hidden",
)  # fmt: skip
THUMBNAIL_SIZE = 300

LanguageMap = dict[str, list[str]]

# The presentation validator accepts these rights URIs only, and only over http.
_RIGHTS = re.compile(
    r"^https?://(creativecommons\.org/(?:licenses|publicdomain)/|rightsstatements\.org/"
    r"(?:vocab|page)/)"
)
_RIGHTS_LABEL = {"vi": ["Quyền sử dụng"], "en": ["Rights"]}
_NAV_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2}):(\d{2}):(\d{2})Z?)?")
_FORMAT_TYPES = {"image": "Image", "audio": "Sound", "video": "Video", "model": "Model"}


@dataclass
class PageInfo:
    """One page of a digital object, shown as one Canvas."""

    id: str  # a page identifier ("p0001") or an absolute URI for the Canvas
    label: str | LanguageMap
    width: int
    height: int
    image_service: str  # base URI of the page's IIIF image service
    thumbnail: str | None = None
    annotations: str | None = None  # URI of the AnnotationPage with the page's OCR lines


@dataclass
class Provider:
    id: str  # URI identifying the institution, e.g. its ISIL page
    label: LanguageMap
    homepage: str | None = None


@dataclass
class ObjectInfo:
    """What a manifest says about a digital object; ``id`` is the manifest's URI."""

    id: str
    label: LanguageMap
    summary: LanguageMap | None = None
    metadata: list[tuple[LanguageMap, LanguageMap]] = field(default_factory=list)
    rights: str | None = None
    required_statement: tuple[LanguageMap, LanguageMap] | None = None
    homepage: str | None = None
    rendering: list[tuple[str, str | LanguageMap, str]] = field(default_factory=list)
    see_also: list[tuple[str, str, str | None]] = field(default_factory=list)
    search_service: str | None = None  # Content Search 2.0 endpoint
    autocomplete: str | None = None  # its AutoComplete 2.0 endpoint
    viewing_direction: str = "left-to-right"
    behavior: list[str] = field(default_factory=list)
    nav_date: str | None = None
    pages: list[PageInfo] = field(default_factory=list)
    provider: Provider | None = None
    part_of: list[str] = field(default_factory=list)
    # Content Search 1.0 endpoints: Mirador 4 finds a search service by these profiles only.
    search_service_v1: str | None = None
    autocomplete_v1: str | None = None
    language: str = "vi"


def build_manifest(
    info: ObjectInfo,
    *,
    max_width: int | None = DEFAULT_MAX_WIDTH,
    max_height: int | None = DEFAULT_MAX_HEIGHT,
    max_area: int | None = DEFAULT_MAX_AREA,
) -> dict:
    """A Presentation 3.0 Manifest of ``info``, one Canvas per page.

    The limits are the image service's, used to state the true pixel size of each
    ``full/max`` image body (a 5000x7000 page under a 5000-pixel limit is 3571x5000).
    """
    if info.viewing_direction not in VIEWING_DIRECTIONS:
        raise ValueError(
            f"Hướng xem không hợp lệ: {info.viewing_direction!r} / "
            f"Invalid viewingDirection: {info.viewing_direction!r}"
        )
    unknown = [value for value in info.behavior if value not in MANIFEST_BEHAVIORS]
    if unknown:
        raise ValueError(
            f"Giá trị behavior không hợp lệ: {unknown} / Invalid behavior values: {unknown}"
        )
    if not info.pages:
        raise ValueError(
            f"Đối tượng chưa có trang nào: {info.id} / Object has no pages: {info.id}"
            " (a Manifest needs at least one Canvas)"
        )
    limits = (max_width, max_height, max_area)
    canvases = [_canvas(info, page, limits) for page in info.pages]
    manifest: dict = {
        "@context": [SEARCH_CONTEXT, PRESENTATION_CONTEXT]
        if info.search_service
        else PRESENTATION_CONTEXT,
        "id": info.id,
        "type": "Manifest",
        "label": info.label,
    }
    manifest.update(_descriptive(info))
    manifest.update(_linking(info, canvases, limits))
    manifest["viewingDirection"] = info.viewing_direction
    if info.behavior:
        manifest["behavior"] = list(info.behavior)
    if info.nav_date:
        manifest["navDate"] = normalise_nav_date(info.nav_date)
    manifest["items"] = canvases
    return manifest


def _descriptive(info: ObjectInfo) -> dict:
    props: dict = {}
    metadata = [{"label": label, "value": value} for label, value in info.metadata]
    rights = normalise_rights(info.rights) if info.rights else None
    if info.rights and rights is None:
        # Not a URI the specification allows in "rights": keep it visible in metadata.
        metadata.append({"label": _RIGHTS_LABEL, "value": {"none": [info.rights]}})
    if metadata:
        props["metadata"] = metadata
    if info.summary:
        props["summary"] = info.summary
    if info.required_statement:
        label, value = info.required_statement
        props["requiredStatement"] = {"label": label, "value": value}
    if rights:
        props["rights"] = rights
    if info.provider:
        props["provider"] = [_provider(info.provider, info.language)]
    return props


def _linking(info: ObjectInfo, canvases: list[dict], limits: tuple) -> dict:
    props: dict = {}
    thumbnail = next((canvas["thumbnail"] for canvas in canvases if "thumbnail" in canvas), None)
    if thumbnail is None and info.pages:
        thumbnail = [_service_thumbnail(info.pages[0], limits)]
    if thumbnail:
        props["thumbnail"] = thumbnail
    if info.homepage:
        props["homepage"] = [_homepage(info.homepage, info.label, info.language)]
    if info.rendering:
        props["rendering"] = [_rendering(uri, label, fmt) for uri, label, fmt in info.rendering]
    if info.see_also:
        props["seeAlso"] = [_see_also(uri, fmt, profile) for uri, fmt, profile in info.see_also]
    services = _services(info)
    if services:
        props["service"] = services
    if info.part_of:
        props["partOf"] = [{"id": uri, "type": "Collection"} for uri in info.part_of]
    return props


def _services(info: ObjectInfo) -> list[dict]:
    services = []
    if info.search_service:
        search: dict = {"id": info.search_service, "type": "SearchService2"}
        if info.autocomplete:
            search["service"] = [{"id": info.autocomplete, "type": "AutoCompleteService2"}]
        services.append(search)
    if info.search_service_v1:
        search1: dict = {
            "id": info.search_service_v1,
            "type": "SearchService1",
            "profile": SEARCH1_PROFILE,
        }
        if info.autocomplete_v1:
            search1["service"] = [
                {
                    "id": info.autocomplete_v1,
                    "type": "AutoCompleteService1",
                    "profile": AUTOCOMPLETE1_PROFILE,
                }
            ]
        services.append(search1)
    return services


def _provider(provider: Provider, language: str) -> dict:
    agent: dict = {"id": provider.id, "type": "Agent", "label": provider.label}
    if provider.homepage:
        agent["homepage"] = [_homepage(provider.homepage, provider.label, language)]
    return agent


def _homepage(uri: str, label: LanguageMap, language: str) -> dict:
    return {
        "id": uri,
        "type": "Text",
        "label": label,
        "format": "text/html",
        "language": [language],
    }


def _rendering(uri: str, label: str | LanguageMap, fmt: str) -> dict:
    return {"id": uri, "type": _resource_type(fmt), "label": lang_map(label, "vi"), "format": fmt}


def _see_also(uri: str, fmt: str, profile: str | None) -> dict:
    item = {"id": uri, "type": "Dataset", "format": fmt}
    if profile:
        item["profile"] = profile
    return item


def _resource_type(fmt: str) -> str:
    return _FORMAT_TYPES.get(fmt.split("/", 1)[0], "Text")


def _canvas(info: ObjectInfo, page: PageInfo, limits: tuple) -> dict:
    if page.width <= 0 or page.height <= 0:
        raise ValueError(
            f"Trang {page.id} của {info.id} không có kích thước ({page.width}x{page.height}) / "
            f"Page {page.id} of {info.id} has no size ({page.width}x{page.height})"
        )
    canvas_id = canvas_uri(info.id, page.id)
    service = page.image_service.rstrip("/")
    body_width, body_height = _scaled(page.width, page.height, "max", limits)
    canvas: dict = {
        "id": canvas_id,
        "type": "Canvas",
        "label": lang_map(page.label, "none"),
        "width": page.width,
        "height": page.height,
    }
    if page.thumbnail:
        canvas["thumbnail"] = [{"id": page.thumbnail, "type": "Image", "format": "image/jpeg"}]
    painting = {
        "id": f"{canvas_id}/painting/image",
        "type": "Annotation",
        "motivation": "painting",
        "body": {
            "id": f"{service}/full/max/0/default.jpg",
            "type": "Image",
            "format": "image/jpeg",
            "width": body_width,
            "height": body_height,
            "service": [{"id": service, "type": "ImageService3", "profile": "level2"}],
        },
        "target": canvas_id,
    }
    painting_page = {"id": f"{canvas_id}/painting", "type": "AnnotationPage", "items": [painting]}
    canvas["items"] = [painting_page]
    if page.annotations:
        canvas["annotations"] = [{"id": page.annotations, "type": "AnnotationPage"}]
    return canvas


def _service_thumbnail(page: PageInfo, limits: tuple) -> dict:
    """A thumbnail drawn from the page's image service (no separate file needed)."""
    service = page.image_service.rstrip("/")
    width, height = _scaled(page.width, page.height, f"!{THUMBNAIL_SIZE},{THUMBNAIL_SIZE}", limits)
    return {
        "id": f"{service}/full/{width},{height}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [{"id": service, "type": "ImageService3", "profile": "level2"}],
    }


def _scaled(width: int, height: int, size: str, limits: tuple) -> tuple[int, int]:
    resolved = resolve(parse_request("full", size, "0", "default", "jpg"), width, height, *limits)
    return resolved.width, resolved.height


def canvas_uri(manifest_id: str, page_id: str) -> str:
    """A stable Canvas URI: the page's own URI, or ``{object base}/canvas/{page id}``."""
    if page_id.startswith(("http://", "https://")):
        return page_id
    base = manifest_id.removesuffix("/manifest").removesuffix("/manifest.json").rstrip("/")
    return f"{base}/canvas/{page_id}"


def lang_map(value: str | LanguageMap, language: str) -> LanguageMap:
    """A language map; a plain string is tagged with ``language`` ("none" for numbers)."""
    if isinstance(value, dict):
        return {key: list(values) for key, values in value.items()}
    return {language: [value]}


def normalise_rights(uri: str) -> str | None:
    """The rights URI in the form the specification lists (http, /vocab/), or None.

    Creative Commons and RightsStatements.org publish their identifiers over http;
    ``https`` and RightsStatements.org's ``/page/`` address are the human pages.
    """
    uri = uri.strip().split("?", 1)[0]
    if not _RIGHTS.match(uri):
        return None
    uri = "http://" + uri.split("://", 1)[1]
    return uri.replace("rightsstatements.org/page/", "rightsstatements.org/vocab/")


def normalise_nav_date(value: str) -> str:
    """``navDate`` as an xsd:dateTime in UTC: "1930" becomes "1930-01-01T00:00:00Z"."""
    match = _NAV_DATE.fullmatch(value.strip())
    if not match:
        raise ValueError(
            f"Ngày điều hướng không hợp lệ: {value!r} (cần YYYY, YYYY-MM-DD hoặc ISO 8601) / "
            f"Invalid navDate: {value!r} (expected YYYY, YYYY-MM-DD or ISO 8601)"
        )
    year, month, day, hour, minute, second = match.groups()
    return f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:{second or '00'}Z"


def build_collection(
    id: str,
    label: LanguageMap,
    items: list[tuple[str, str, LanguageMap]],
    summary: LanguageMap | None = None,
    thumbnail: str | None = None,
    part_of: list[str] | None = None,
) -> dict:
    """A Presentation 3.0 Collection referencing Manifests and sub-Collections."""
    collection: dict = {"@context": PRESENTATION_CONTEXT, "id": id, "type": "Collection"}
    collection["label"] = label
    if summary:
        collection["summary"] = summary
    if thumbnail:
        collection["thumbnail"] = [{"id": thumbnail, "type": "Image", "format": "image/jpeg"}]
    if part_of:
        collection["partOf"] = [{"id": uri, "type": "Collection"} for uri in part_of]
    collection["items"] = [_reference(*item) for item in items]
    return collection


def _reference(uri: str, kind: str, label: LanguageMap) -> dict:
    if kind not in ("Manifest", "Collection"):
        raise ValueError(
            f"Mục của bộ sưu tập phải là Manifest hoặc Collection, không phải {kind!r}: {uri} / "
            f"A collection item must be a Manifest or a Collection, not {kind!r}: {uri}"
        )
    return {"id": uri, "type": kind, "label": label}


def text_annotation_page(
    page_uri: str,
    canvas_id: str,
    lines: list[tuple[str, int, int, int, int]],
    *,
    language: str = "vi",
) -> dict:
    """An AnnotationPage of a page's OCR text lines (``supplementing``, one per line)."""
    items = [
        {
            "id": f"{page_uri}/line/{number}",
            "type": "Annotation",
            "motivation": "supplementing",
            "body": {
                "type": "TextualBody",
                "value": text,
                "format": "text/plain",
                "language": language,
            },
            "target": f"{canvas_id}#xywh={x},{y},{w},{h}",
        }
        for number, (text, x, y, w, h) in enumerate(lines, start=1)
    ]
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": page_uri,
        "type": "AnnotationPage",
        "items": items,
    }
