"""Background jobs: a :class:`Job` row tracks progress and keeps the report; a task runs it.

A job kind is registered with :func:`job_handler`; the handler receives the job and a
:class:`Progress` and returns the report (a JSON-ready dict). The web starts jobs with
:func:`start_job` (the task worker runs them); the CLI runs them in process with
:func:`run_job_inline` and a progress bar. Handlers must be resumable: a rerun after a crash
picks up where the last committed step ended.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from thuvien.ops.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler:
    _load_handlers()
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"Không có loại công việc {kind!r} / unknown job kind {kind!r}") from None


_discovered = False


def _load_handlers() -> None:
    """Import each app's ``jobs`` module once so its handlers register themselves."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
        _discovered = True


class Progress:
    """Counts work done, writing to the job row at most every ``interval`` seconds."""

    def __init__(
        self, job: Job, on_change: Callable[[Job], None] | None = None, interval: float = 0.5
    ):
        self.job = job
        self.on_change = on_change
        self.interval = interval
        self._last_write = 0.0

    def set_total(self, total: int | None) -> None:
        self.job.total = total
        self._save(force=True)

    def advance(self, count: int = 1, message: str | None = None) -> None:
        self.job.done += count
        if message is not None:
            self.job.message = message[:500]
        self._save()

    def set_done(self, done: int) -> None:
        self.job.done = done
        self._save()

    def note(self, message: str) -> None:
        self.job.message = message[:500]
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        if self.on_change:
            self.on_change(self.job)
        now = time.monotonic()
        if force or now - self._last_write >= self.interval:
            Job.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total, message=self.job.message
            )
            self._last_write = now


def start_job(
    kind: str, title: str, params: dict[str, Any] | None = None, *, user=None, library=None
) -> Job:
    """Create the job and enqueue it for the worker once the caller's transaction commits."""
    handler_for(kind)  # fail now, not in the worker, on an unknown kind
    job = Job.objects.create(
        kind=kind,
        title=title[:255],
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
        owner_library=library,
    )
    transaction.on_commit(lambda: run_job_task.enqueue(str(job.pk)))
    return job


def execute(job: Job, progress: Progress) -> Job:
    """Run ``job`` now, recording status, timings, report or error on its row."""
    handler = handler_for(job.kind)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), error=""
    )
    job.status = JobStatus.RUNNING
    try:
        report = handler(job, progress)
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        job.status, job.error = JobStatus.FAILED, _describe(exc)
    else:
        job.status, job.report = JobStatus.SUCCEEDED, report or {}
    job.finished_at = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=job.status,
        report=job.report,
        error=job.error,
        finished_at=job.finished_at,
        done=job.done,
        total=job.total,
        message=job.message,
    )
    return job


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{exc.__class__.__name__}: {exc}{where}"


@task()
def run_job_task(job_id: str) -> str:
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job.status
    return execute(job, Progress(job)).status


def run_job_inline(
    kind: str,
    title: str,
    params: dict[str, Any],
    *,
    user=None,
    library=None,
    show_progress: bool = True,
) -> Job:
    """Create and run a job in this process (the CLI), with a rich progress bar."""
    handler_for(kind)
    job = Job.objects.create(
        kind=kind, title=title[:255], params=params, created_by=user, owner_library=library
    )
    if not show_progress:
        return execute(job, Progress(job))
    from thuvien.kernel.progress import progress_bar

    with progress_bar(title) as update:
        return execute(job, Progress(job, on_change=update))
