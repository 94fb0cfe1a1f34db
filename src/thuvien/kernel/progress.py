"""CLI progress bars (rich) fed by a job's counters."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress_bar(title: str) -> Iterator[Callable[[Any], None]]:
    """Yield an ``update(job)`` callback that redraws a bar from ``job.done``/``job.total``."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[message]}"),
    )
    with Progress(*columns, transient=False) as bar:
        task_id = bar.add_task(title, total=None, message="")

        def update(job) -> None:
            bar.update(task_id, completed=job.done, total=job.total, message=job.message or "")

        yield update
