"""Background job handlers of the catalogue (discovered by thuvien.ops.jobs)."""

from thuvien.catalog.models import IngestBatch
from thuvien.ops.jobs import job_handler


@job_handler("catalog.ingest")
def ingest(job, progress):
    from thuvien.catalog.services.ingest import run_ingest

    batch = IngestBatch.objects.select_related("source").get(pk=job.params["batch"])
    return run_ingest(batch, progress)


@job_handler("catalog.reindex")
def reindex(job, progress):
    from thuvien.catalog.services.indexing import rebuild

    return rebuild(progress)


@job_handler("catalog.harvest")
def harvest(job, progress):
    from thuvien.catalog.services.harvest import run_harvest_job

    return run_harvest_job(job, progress)


@job_handler("catalog.quality")
def quality(job, progress):
    from thuvien.catalog.services.quality import recompute

    return recompute(job.params.get("library"), progress)
