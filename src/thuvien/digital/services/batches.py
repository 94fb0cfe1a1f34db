"""Batches of digitised material: create (web upload or server path), run, resume.

A batch runs as a job: open the source safely, read the manifest (or the folder layout),
then each object in turn — pages probed, derivatives made, masters preserved — and finally
OCR of every page that has none yet. Every step commits on its own, so a rerun after a
crash picks up at the first page not done; an object with any failed page, or with a file
whose checksum lies, is held back (never published in part).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from thuvien.accounts.permissions import Action, Target, require
from thuvien.digital.ingest.errors import IngestError
from thuvien.digital.ingest.manifest import plan
from thuvien.digital.ingest.sources import open_source
from thuvien.digital.models import DigitalBatch, DigitalBatchStatus, ObjectStatus
from thuvien.digital.services import paths
from thuvien.digital.services.reimport import own_export
from thuvien.kernel.audit.log import record_change
from thuvien.ops.jobs import start_job

INGEST_JOB = "digital.ingest"


def create_batch(
    actor,
    library,
    source: Path,
    *,
    original_name: str = "",
    collection=None,
    access: str = "public",
    ocr: bool = True,
    uploaded: bool = False,
) -> DigitalBatch:
    if actor is not None:  # None: the command line, run by the operator
        require(actor, Action.DIGITAL_INGEST, Target.for_library(library))
    if collection is not None and collection.library_id != library.pk:
        raise ValueError(
            "Bộ sưu tập thuộc thư viện khác / The collection belongs to another library"
        )
    with transaction.atomic():
        batch = DigitalBatch.objects.create(
            library=library,
            collection=collection,
            source=str(source),
            original_name=(original_name or Path(source).name)[:255],
            uploaded=uploaded,
            default_access=access,
            ocr=ocr,
            created_by=actor if _real(actor) else None,
        )
        record_change(actor, "digital.batch.create", batch, after={"source": str(source)})
    return batch


def start_batch(actor, batch: DigitalBatch):
    """Queue the batch for the task worker (the web's way)."""
    require(actor, Action.DIGITAL_INGEST, Target.for_library(batch.library))
    job = start_job(
        INGEST_JOB,
        f"Nạp tài nguyên số: {batch.original_name}",
        {"batch": batch.pk},
        user=actor,
        library=batch.library,
    )
    DigitalBatch.objects.filter(pk=batch.pk).update(job=job)
    return job


def _real(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def run_batch(batch: DigitalBatch, progress) -> dict:
    from thuvien.digital.services.objects import hold_object, ingest_object
    from thuvien.digital.services.ocr import OcrUnavailable, ocr_objects

    DigitalBatch.objects.filter(pk=batch.pk).update(status=DigitalBatchStatus.RUNNING)
    try:
        source = open_source(Path(batch.source), paths.work_dir(batch.pk))
        manifest = own_export(source) or plan(source, default_access=batch.default_access)
    except IngestError as exc:
        return _finish(batch, DigitalBatchStatus.FAILED, {}, [_problem(exc.where, exc)])
    problems = [_as_dict(p) for p in source.problems]
    problems += [problem_dict(p) for p in manifest.problems]
    progress.set_total(sum(len(spec.pages) for spec in manifest.objects))
    objects = [ingest_object(batch, source, spec, progress) for spec in manifest.objects]
    objects += [hold_object(batch, spec) for spec in manifest.rejected]
    if batch.ocr:
        progress.note("OCR")
        try:
            ocr_objects([o for o in objects if o.status == ObjectStatus.READY], progress)
        except OcrUnavailable as exc:  # published without text; OCR can run later
            vi, _, en = str(exc).partition(" / ")
            problems.append({"where": "OCR", "vi": vi, "en": en, "level": "warning"})
    counts = _counts(objects)
    status = DigitalBatchStatus.DONE
    if counts["held"] or any(p["level"] == "error" for p in problems):
        status = DigitalBatchStatus.PARTIAL
    if not objects:
        status = DigitalBatchStatus.FAILED
        problems.append(
            {
                "where": batch.original_name,
                "vi": "Không có tài nguyên nào để nạp",
                "en": "Nothing to ingest",
                "level": "error",
            }
        )
    report = _finish(batch, status, counts, problems)
    if status == DigitalBatchStatus.DONE:
        shutil.rmtree(paths.work_dir(batch.pk), ignore_errors=True)
    return report


def problem_dict(problem) -> dict:
    """A manifest row problem or a file problem as stored on batches and objects."""
    if hasattr(problem, "row"):
        parts = [
            f"dòng {problem.row}" if problem.row else "",
            f"cột {problem.column}" if problem.column else "",
            problem.file or "",
        ]
        where = ", ".join(part for part in parts if part)
    else:
        where = problem.where
    return {"where": where, "vi": problem.vi, "en": problem.en, "level": problem.level}


def _counts(objects) -> dict:
    pages = sum(o.page_count for o in objects)
    return {
        "objects": len(objects),
        "published": sum(1 for o in objects if o.status == ObjectStatus.READY),
        "held": sum(1 for o in objects if o.status == ObjectStatus.HELD),
        "pages": pages,
        "pages_failed": sum(o.pages.filter(status="failed").count() for o in objects),
        "ocr_empty": sum(o.pages.filter(ocr_status="empty").count() for o in objects),
    }


def _finish(batch, status, counts, problems) -> dict:
    DigitalBatch.objects.filter(pk=batch.pk).update(
        status=status, counts=counts, problems=problems, finished_at=timezone.now()
    )
    return {"status": status, **counts, "problems": problems[:200]}


def _problem(where, exc: IngestError) -> dict:
    return {"where": str(where or ""), "vi": exc.vi, "en": exc.en, "level": "error"}


def _as_dict(problem) -> dict:
    return problem_dict(problem)
