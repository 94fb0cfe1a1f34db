"""IIIF Presentation documents and Content Search answers built from the database."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse

from thuvien.digital.iiif.presentation import (
    ObjectInfo,
    PageInfo,
    build_collection,
    build_manifest,
    text_annotation_page,
)
from thuvien.digital.iiif.search import Word, annotation_page, autocomplete, find_hits
from thuvien.digital.models import Collection, DigitalObject, ObjectStatus, PageStatus
from thuvien.digital.services.access import readable_levels
from thuvien.digital.services.ocr import load_words
from thuvien.kernel.text.normalize import fold_for_search

DC_LABELS = {
    "creator": ("Tác giả", "Creator"),
    "date": ("Năm", "Date"),
    "publisher": ("Nhà xuất bản", "Publisher"),
    "subject": ("Chủ đề", "Subject"),
    "language": ("Ngôn ngữ", "Language"),
    "description": ("Mô tả", "Description"),
    "identifier": ("Định danh", "Identifier"),
}


def _lang(vi: str, en: str | None = None) -> dict[str, list[str]]:
    return {"vi": [vi], "en": [en or vi]} if en else {"vi": [vi]}


def manifest_uri(base: str, ident: str) -> str:
    return f"{base}/iiif/presentation/{ident}/manifest"


def object_info(obj: DigitalObject, base: str) -> ObjectInfo:
    pages = [
        PageInfo(
            id=f"{manifest_uri(base, obj.ident)}/canvas/{page.order}",
            label=page.label or str(page.order),
            width=page.width,
            height=page.height,
            image_service=f"{base}/iiif/3/{page.ident}",
            thumbnail=f"{base}/iiif/3/{page.ident}/full/200,/0/default.jpg",
            annotations=(
                f"{base}/iiif/presentation/{obj.ident}/annotations/{page.order}"
                if page.ocr_status == "done"
                else None
            ),
        )
        for page in obj.pages.filter(status=PageStatus.READY).order_by("order")
    ]
    metadata = [
        (_lang(*DC_LABELS[name]), {"none": values})
        for name, values in (obj.dc or {}).items()
        if name in DC_LABELS and values
    ]
    metadata.append((_lang("Thư viện", "Library"), {"none": [obj.library.name]}))
    homepage = base + reverse("digital:object", args=[obj.ident])
    rendering = []
    if obj.ocr_done:
        rendering.append(
            (
                base + reverse("digital:pdf", args=[obj.ident]),
                "PDF (có lớp chữ tìm được)",
                "application/pdf",
            )
        )
    return ObjectInfo(
        id=manifest_uri(base, obj.ident),
        label=_lang(obj.title),
        summary=_lang(obj.dc["description"][0]) if obj.dc.get("description") else None,
        metadata=metadata,
        rights=obj.rights if obj.rights.startswith("http") else None,
        required_statement=(_lang("Cung cấp bởi", "Provided by"), {"none": [obj.library.name]}),
        homepage=homepage,
        rendering=rendering,
        see_also=[
            (
                base + reverse("digital:mets", args=[obj.ident]),
                "text/xml",
                "http://www.loc.gov/METS/",
            )
        ],
        search_service=f"{base}/iiif/search/{obj.ident}" if obj.ocr_done else None,
        autocomplete=f"{base}/iiif/autocomplete/{obj.ident}" if obj.ocr_done else None,
        pages=pages,
        part_of=[f"{base}/iiif/presentation/collections/{obj.collection.slug}"]
        if obj.collection_id
        else [],
    )


def manifest_json(obj: DigitalObject, base: str) -> dict:
    from django.conf import settings

    return build_manifest(
        object_info(obj, base),
        max_width=settings.THUVIEN_IIIF_MAX_WIDTH,
        max_area=settings.THUVIEN_IIIF_MAX_AREA,
    )


def page_annotations_json(obj: DigitalObject, order: int, base: str) -> dict:
    page = obj.pages.get(order=order)
    lines = [tuple(line) for line in load_words(page).get("lines", [])]
    uri = f"{base}/iiif/presentation/{obj.ident}/annotations/{order}"
    return text_annotation_page(uri, f"{manifest_uri(base, obj.ident)}/canvas/{order}", lines)


def collection_json(slug: str, user, request, base: str) -> dict | None:
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None:
        return None
    objects = DigitalObject.objects.filter(
        collection=collection,
        status=ObjectStatus.READY,
        access__in=readable_levels(user, request),
    ).order_by("title")
    items = [(manifest_uri(base, o.ident), "Manifest", _lang(o.title)) for o in objects]
    return build_collection(
        f"{base}/iiif/presentation/collections/{slug}",
        _lang(collection.title, collection.title_en or None),
        items,
        summary=_lang(collection.description) if collection.description else None,
        part_of=[f"{base}/iiif/presentation/collections/top"],
    )


def top_collection_json(base: str) -> dict:
    items = [
        (
            f"{base}/iiif/presentation/collections/{c.slug}",
            "Collection",
            _lang(c.title, c.title_en or None),
        )
        for c in Collection.objects.order_by("title")
    ]
    return build_collection(
        f"{base}/iiif/presentation/collections/top",
        _lang("Bộ sưu tập số", "Digital collections"),
        items,
    )


def _page_words(obj: DigitalObject, query: str, base: str):
    """(canvas id, words) of the pages whose text holds every query word (folded)."""
    terms = fold_for_search(query).split()
    pages = []
    for page in obj.pages.filter(ocr_status="done").order_by("order"):
        folded = fold_for_search(page.text)
        if terms and all(term in folded for term in terms):
            words = [Word(t, x, y, w, h) for t, x, y, w, h in load_words(page)["words"]]
            pages.append((f"{manifest_uri(base, obj.ident)}/canvas/{page.order}", words))
    return pages


def search_json(obj: DigitalObject, query: str, base: str, request_path: str) -> dict:
    hits = find_hits(_page_words(obj, query, base), query) if query else []
    return annotation_page(base + request_path, hits)


def autocomplete_json(obj: DigitalObject, prefix: str, base: str, request_path: str) -> dict:
    folded_prefix = fold_for_search(prefix).strip()
    counts: Counter[str] = Counter()
    if len(folded_prefix) >= 2:
        for text in obj.pages.filter(ocr_status="done").values_list("text", flat=True):
            for word in text.split():
                word = word.strip(".,;:!?()[]\"'«»“”").lower()
                if fold_for_search(word).startswith(folded_prefix):
                    counts[word] += 1
    return autocomplete(counts.most_common(20), base + request_path)
