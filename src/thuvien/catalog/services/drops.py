"""Scheduled file drops: member libraries (or their systems) put export files in a folder,
and a scheduled run ingests them.

Layout under THUVIEN_CATALOG_DROP_DIR: ``<VN-id>/file`` for the library's "drop" source, or
``<VN-id>/<source-code>/file`` for another source of it. A file is taken once it has not
changed for THUVIEN_CATALOG_DROP_SETTLE seconds (an upload still being written is left for
the next run). It is moved into ``.processing/`` first, so two runs never take the same
file, then ingested as any uploaded file, and moved to ``done/`` or ``failed/`` with a
report beside it (``<name>.txt``) that says what happened. Nothing is deleted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

from thuvien.catalog.services.batches import IngestError, create_batch
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.models import Library

WORK_FOLDERS = {".processing", "done", "failed"}
DEFAULT_SOURCE = "drop"


@dataclass
class DropReport:
    ingested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # folders named after no library


def drop_dir() -> Path:
    return Path(settings.THUVIEN_CATALOG_DROP_DIR)


def run_drops(ingest, now: float | None = None) -> DropReport:
    """Ingest every settled file; ``ingest(batch)`` runs one batch and returns its report."""
    report = DropReport()
    root = drop_dir()
    if not root.is_dir():
        return report
    now = time.time() if now is None else now
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not _hidden(p)):
        library = Library.objects.filter(vn_id=normalize_identifier(folder.name)).first()
        if library is None:
            report.unknown.append(folder.name)
            continue
        for path, source in _files(folder):
            if now - path.stat().st_mtime < settings.THUVIEN_CATALOG_DROP_SETTLE:
                report.waiting.append(str(path.relative_to(root)))
                continue
            _take(folder, path, library, source, ingest, report)
    return report


def _hidden(path: Path) -> bool:
    return path.name.startswith(".") or path.name in WORK_FOLDERS


def _files(folder: Path):
    for entry in sorted(folder.iterdir()):
        if _hidden(entry):
            continue
        if entry.is_file():
            yield entry, DEFAULT_SOURCE
        elif entry.is_dir():
            for inner in sorted(entry.iterdir()):
                if inner.is_file() and not _hidden(inner):
                    yield inner, entry.name


def _take(folder: Path, path: Path, library, source: str, ingest, report: DropReport) -> None:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    working = folder / ".processing" / f"{stamp}-{path.name}"
    working.parent.mkdir(exist_ok=True)
    try:
        path.rename(working)  # atomic: another run can no longer see it
    except FileNotFoundError:
        return  # taken by a run started at the same moment
    try:
        with open(working, "rb") as handle:
            batch = create_batch(None, library, handle, path.name, source_code=source)
        outcome = ingest(batch)
    except IngestError as exc:
        _finish(folder, working, "failed", str(exc))
        report.failed.append(path.name)
        return
    _finish(folder, working, "done", _describe(batch, outcome))
    report.ingested.append(path.name)


def _describe(batch, outcome: dict) -> str:
    records = outcome.get("records", {}) if isinstance(outcome, dict) else {}
    lines = [f"Đợt nạp / batch {batch.pk}"]
    lines += [f"{key}: {value}" for key, value in records.items()]
    return "\n".join(lines)


def _finish(folder: Path, working: Path, where: str, text: str) -> None:
    target = folder / where / working.name
    target.parent.mkdir(exist_ok=True)
    working.rename(target)
    target.with_name(target.name + ".txt").write_text(text + "\n", "utf-8")
