"""One object of a batch: pages probed, derivatives made, masters preserved, published.

Each page commits on its own (a rerun skips pages already done). The object is published
only when every page is ready and nothing blocks it; otherwise it is held with its
problems listed, and nothing of it is shown to the public.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from thuvien.digital import tilecache
from thuvien.digital.ingest.derivatives import make_derivatives
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.images import load, probe
from thuvien.digital.models import DigitalObject, ObjectStatus, Page, PageStatus
from thuvien.digital.preservation.fixity import digests
from thuvien.digital.preservation.formats import identify
from thuvien.digital.services import paths
from thuvien.digital.services.catalog_link import dc_from_record, find_record


@dataclass
class _FileFacts:
    """Probe, digests and format of one source file (a PDF serves several pages)."""

    cache: dict[str, dict] = field(default_factory=dict)

    def of(self, path: Path) -> dict:
        key = str(path)
        if key not in self.cache:
            fmt = identify(path)
            self.cache[key] = {
                "digests": digests(path),
                "format": fmt,
                "size": path.stat().st_size,
            }
        return self.cache[key]


def hold_object(batch, spec) -> DigitalObject:
    """An object the batch cannot publish (a bad row, a file whose checksum lies): kept
    with its reasons for the library's staff, with no derivatives and nothing public."""
    from thuvien.digital.services.batches import problem_dict

    obj = _object_for(batch, spec)
    if obj.status == ObjectStatus.INGESTING:
        _pages_for(obj, spec)
        problems = list(obj.problems) + [problem_dict(p) for p in spec.problems]
        DigitalObject.objects.filter(pk=obj.pk).update(status=ObjectStatus.HELD, problems=problems)
        obj.refresh_from_db()
    return obj


def ingest_object(batch, source, spec, progress) -> DigitalObject:
    from thuvien.digital.services.batches import problem_dict

    blocking = [problem_dict(p) for p in spec.problems if not p.warning]
    obj = _object_for(batch, spec)
    if obj.status in (ObjectStatus.READY, ObjectStatus.HELD, ObjectStatus.WITHDRAWN):
        progress.advance(len(spec.pages))
        return obj
    pages = _pages_for(obj, spec)
    tilecache.purge(obj.ident)  # pages are being made (again): no old image may be served
    files = {f.relpath: f for f in source.files}
    facts = _FileFacts()
    for page in pages:
        if page.status != PageStatus.READY:
            _derive(page, files.get(page.source_path), facts)
        progress.advance(1, f"{obj.ident} {page.label}")
    return _conclude(obj, pages, files, facts, blocking)


def _object_for(batch, spec) -> DigitalObject:
    existing = DigitalObject.objects.filter(batch=batch, batch_key=spec.key).first()
    if existing is not None:
        return existing
    record = find_record(spec.catalogue_record, batch.library) if spec.catalogue_record else None
    dc = {**(dc_from_record(record) if record else {}), **{k: v for k, v in spec.dc.items() if v}}
    title = spec.title or (dc.get("title") or [""])[0] or spec.key
    dc.setdefault("title", [title])
    with transaction.atomic():
        obj = DigitalObject.objects.create(
            library=batch.library,
            collection=_collection(batch, spec),
            batch=batch,
            batch_key=spec.key,
            title=title[:1000],
            kind=spec.kind or "other",
            dc=dc,
            access=spec.access or batch.default_access,
            rights=(dc.get("rights") or [""])[0][:255],
            record=record,
        )
        obj.ident = f"tv{obj.pk:07d}"
        obj.save(update_fields=["ident"])
    if spec.catalogue_record and record is None:
        obj.problems = [_missing_record(spec.catalogue_record)]
        obj.save(update_fields=["problems"])
    return obj


def _missing_record(reference: str) -> dict:
    return {
        "where": reference,
        "vi": f"Không tìm thấy biểu ghi thư mục {reference}; tài nguyên chưa được liên kết",
        "en": f"Catalogue record {reference} not found; the object is not linked",
        "level": "warning",
    }


def _collection(batch, spec):
    from thuvien.digital.models import Collection

    if spec.collection:
        found = Collection.objects.filter(slug=spec.collection, library=batch.library).first()
        if found is not None:
            return found
    return batch.collection


def _pages_for(obj, spec) -> list[Page]:
    if not obj.pages.exists():
        Page.objects.bulk_create(
            Page(
                obj=obj,
                order=number,
                label=(page.label or str(number))[:64],
                source_path=page.relpath,
                pdf_page=page.pdf_page,
            )
            for number, page in enumerate(spec.pages, start=1)
        )
        DigitalObject.objects.filter(pk=obj.pk).update(page_count=len(spec.pages))
        obj.page_count = len(spec.pages)
    return list(obj.pages.select_related("obj").order_by("order"))


def _derive(page: Page, source_file, facts: _FileFacts) -> None:
    if source_file is None:
        _fail(
            page,
            IngestError(
                f"Thiếu tệp {page.source_path}",
                f"Missing file {page.source_path}",
                page.source_path,
            ),
        )
        return
    try:
        probe(source_file.path)
        image = load(source_file.path, page.pdf_page)
        made = make_derivatives(image, paths.derivative_dir(page.obj.ident), page.ident)
        file_facts = facts.of(source_file.path)
    except IngestError as exc:
        _fail(page, exc)
        return
    except Exception as exc:  # libvips raises its own errors for broken files
        _fail(
            page,
            IngestError(
                f"Không xử lý được ảnh: {exc}",
                f"Could not process the image: {exc}",
                page.source_path,
            ),
        )
        return
    fmt = file_facts["format"]
    Page.objects.filter(pk=page.pk).update(
        status=PageStatus.READY,
        error="",
        width=made.width,
        height=made.height,
        size=file_facts["size"],
        sha512=file_facts["digests"]["sha512"],
        md5=file_facts["digests"]["md5"],
        puid=fmt.puid or "",
        format_name=fmt.name[:255],
        mime=fmt.mime or "",
        master_name=master_name(source_file.relpath),
    )
    page.refresh_from_db()


def master_name(relpath: str) -> str:
    return f"masters/{relpath}"


def _fail(page: Page, exc: IngestError) -> None:
    Page.objects.filter(pk=page.pk).update(status=PageStatus.FAILED, error=str(exc)[:2000])
    page.refresh_from_db()


def _conclude(obj, pages, files, facts, blocking) -> DigitalObject:
    from thuvien.digital.services.preservation import preserve_ingest

    failed = [p for p in pages if p.status != PageStatus.READY]
    problems = (
        list(obj.problems)
        + blocking
        + [
            {"where": p.source_path, "vi": p.error, "en": "", "page": p.order, "level": "error"}
            for p in failed
        ]
    )
    preserve_ingest(obj, pages, files, facts.cache)
    holds = [p for p in problems if p.get("level", "error") == "error"]
    status = ObjectStatus.HELD if holds else ObjectStatus.READY
    DigitalObject.objects.filter(pk=obj.pk).update(status=status, problems=problems)
    tilecache.purge(obj.ident)
    obj.refresh_from_db()
    if status == ObjectStatus.READY:
        from thuvien.digital.services.indexing import schedule_index

        schedule_index(obj)
    return obj
