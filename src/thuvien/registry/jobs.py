"""Background job handlers of the registry (discovered by thuvien.ops.jobs)."""

from thuvien.ops.jobs import job_handler
from thuvien.registry.models import ImportBatch


@job_handler("registry.import_preview")
def import_preview(job, progress):
    from thuvien.registry.services.import_rows import preview

    return preview(ImportBatch.objects.get(pk=job.params["batch"]), progress)


@job_handler("registry.import_commit")
def import_commit(job, progress):
    from thuvien.registry.services.import_commit import actor_of, commit

    return commit(ImportBatch.objects.get(pk=job.params["batch"]), actor_of(job), progress)


@job_handler("registry.reindex")
def reindex(job, progress):
    from thuvien.registry.services.indexing import rebuild

    return {"indexed": rebuild(progress)}
