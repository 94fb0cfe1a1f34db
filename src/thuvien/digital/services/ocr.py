"""OCR of ingested pages: text and word boxes kept, empty pages flagged, PDF made.

Runs in the batch's job after the derivatives, one tesseract process per core
(THUVIEN_DIGITAL_OCR_WORKERS). A page's text commits as soon as it is read, so a rerun
only reads the pages not done; an object's hOCR files join its preserved versions.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.conf import settings
from django.db.models import Q

from thuvien.digital.models import DigitalObject, ObjectStatus, Page, PageStatus
from thuvien.digital.services import paths

EMPTY, DONE, FAILED = "empty", "done", "failed"


def pending_pages(objects):
    return (
        Page.objects.filter(obj__in=objects, status=PageStatus.READY)
        .filter(Q(ocr_status="") | Q(ocr_status=FAILED))
        .select_related("obj")
        .order_by("obj_id", "order")
    )


class OcrUnavailable(Exception):
    """tesseract or its language model cannot be loaded (bilingual message)."""


def ocr_objects(objects: list[DigitalObject], progress=None) -> dict:
    """Read every page not read yet. Raises OcrUnavailable, with nothing changed, when the
    engine cannot start (the pages stay unread, for ``thuvien digital_ocr`` later)."""
    from thuvien.digital.ocr.engine import OcrError, OcrFailure, OcrPool

    pages = list(pending_pages(objects))
    counts = {DONE: 0, EMPTY: 0, FAILED: 0}
    if progress and pages:
        progress.set_total((progress.job.total or 0) + len(pages))
    if pages:
        workers = max(1, min(settings.THUVIEN_DIGITAL_OCR_WORKERS, len(pages)))
        try:
            pool = OcrPool(processes=workers, language=settings.THUVIEN_DIGITAL_OCR_LANGUAGE)
        except OcrError as exc:
            raise OcrUnavailable(
                f"Không chạy được OCR ({exc}); cài tesseract-ocr-vie rồi chạy thuvien "
                f"digital_ocr / OCR cannot start; install tesseract-ocr-vie, then run "
                f"thuvien digital_ocr"
            ) from exc
        with pool:
            for page, result in zip(
                pages, pool.map([paths.pyramid_path(p) for p in pages]), strict=True
            ):
                state = (
                    _failed(page, result) if isinstance(result, OcrFailure) else _keep(page, result)
                )
                counts[state] += 1
                if progress:
                    progress.advance(1, f"OCR {page.ident}")
    for obj in objects:
        finish_object(obj)
    return counts


def _keep(page: Page, result) -> str:
    state = EMPTY if result.empty else DONE
    words = [[w.text, w.x, w.y, w.w, w.h] for line in result.lines for w in line.words]
    lines = [[line.text, line.x, line.y, line.w, line.h] for line in result.lines]
    target = paths.words_path(page)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"words": words, "lines": lines}, ensure_ascii=False), "utf-8")
    tmp.replace(target)
    hocr = paths.hocr_path(page)
    hocr.write_text(result.hocr, "utf-8")
    Page.objects.filter(pk=page.pk).update(
        ocr_status=state,
        text=result.text,
        ocr_confidence=round(result.mean_confidence, 2),
        error="Trang không có chữ nhận dạng được / No text recognised on this page"
        if state == EMPTY
        else "",
    )
    return state


def _failed(page: Page, failure) -> str:
    Page.objects.filter(pk=page.pk).update(ocr_status=FAILED, error=str(failure.message)[:2000])
    return FAILED


def finish_object(obj: DigitalObject) -> None:
    """When every ready page has been read: preserve the hOCR, make the PDF, reindex."""
    from thuvien.digital.services.indexing import schedule_index
    from thuvien.digital.services.preservation import preserve_files

    obj.refresh_from_db()
    pages = list(obj.pages.filter(status=PageStatus.READY).order_by("order"))
    if not pages or any(p.ocr_status in ("", FAILED) for p in pages):
        return
    hocr = {f"ocr/{p.ident}.hocr": paths.hocr_path(p) for p in pages if paths.hocr_path(p).exists()}
    if hocr and obj.status != ObjectStatus.INGESTING:
        preserve_files(obj, hocr, "OCR hOCR")
    make_pdf(obj, pages)
    DigitalObject.objects.filter(pk=obj.pk).update(ocr_done=True, indexed=False)
    obj.ocr_done = True
    if obj.status == ObjectStatus.READY:
        schedule_index(obj)


def make_pdf(obj, pages) -> None:
    from thuvien.digital.ocr.pdf import searchable_pdf

    entries = []
    for page in pages:
        words = load_words(page)
        entries.append((paths.access_path(page), _page_for_pdf(page, words)))
    searchable_pdf(entries, paths.pdf_path(obj), title=obj.title)


def _page_for_pdf(page, words):
    """The OCR result shape the PDF writer takes, rebuilt from the stored words."""
    from thuvien.digital.ocr.engine import Line, OcrPage, Word

    lines = [Line(text=t, x=x, y=y, w=w, h=h, words=[]) for t, x, y, w, h in words.get("lines", [])]
    flat = [Word(text=t, x=x, y=y, w=w, h=h, confidence=0.0) for t, x, y, w, h in words["words"]]
    _assign(lines, flat)
    return OcrPage(
        text=page.text,
        lines=lines,
        width=page.width,
        height=page.height,
        mean_confidence=page.ocr_confidence or 0.0,
        hocr="",
        alto=None,
        empty=page.ocr_status == EMPTY,
        preprocessed=False,
        seconds=0.0,
    )


def _assign(lines, words) -> None:
    """Put each word into the line whose box holds its centre."""
    by_line = defaultdict(list)
    for word in words:
        cx, cy = word.x + word.w / 2, word.y + word.h / 2
        for number, line in enumerate(lines):
            if line.x <= cx <= line.x + line.w and line.y <= cy <= line.y + line.h:
                by_line[number].append(word)
                break
    for number, line in enumerate(lines):
        line.words = by_line[number]


def load_words(page) -> dict:
    path = paths.words_path(page)
    if not path.exists():
        return {"words": [], "lines": []}
    return json.loads(path.read_text("utf-8"))
