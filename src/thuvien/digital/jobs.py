"""Background job handlers of the digital collections (discovered by thuvien.ops.jobs)."""

from thuvien.ops.jobs import job_handler


@job_handler("digital.ingest")
def ingest(job, progress):
    from thuvien.digital.models import DigitalBatch
    from thuvien.digital.services.batches import run_batch

    batch = DigitalBatch.objects.select_related("library", "collection").get(pk=job.params["batch"])
    return run_batch(batch, progress)


@job_handler("digital.audit")
def audit(job, progress):
    from thuvien.digital.services.audit import run_audit

    return run_audit(progress, everything=bool(job.params.get("all")))


@job_handler("digital.ocr")
def ocr(job, progress):
    from thuvien.digital.models import DigitalObject, ObjectStatus
    from thuvien.digital.services.ocr import ocr_objects

    objects = DigitalObject.objects.filter(status=ObjectStatus.READY)
    if job.params.get("objects"):
        objects = objects.filter(ident__in=job.params["objects"])
    return ocr_objects(list(objects), progress)
