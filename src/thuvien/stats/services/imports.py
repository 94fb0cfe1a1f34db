"""Bulk import of many libraries' figures into a reporting round.

The file is kept as it came; its rows are read in chunks (bounded memory). Each good row
becomes the library's report in the round, "submitted" or, when the importer (the ministry
or a province office loading figures it has already checked) asks for it, "approved"; each
bad row goes to an error file with its errors, to be fixed and imported again. A chunk is
one transaction that writes the reports, their figures, trail and audit entries, so a
killed import loses nothing committed and a rerun finds the rows already imported
unchanged and skips them.

The tables follow the approved reports in one of two ways, both exact. A file of one chunk
adds its reports' deltas in the chunk's transaction (aggregation.apply_submissions, as an
approval does). A larger file rebuilds the round's tables from the raw values at the end
(aggregation.rebuild): one scan of the round costs about as much as the deltas of 2,000
reports, so a year of IMLS (9,261 rows) takes one second instead of five. Until that end
the round's tables lag behind its counted reports; after a killed import they stay behind
until the file is imported again (the rerun ends with the rebuild too) or the round is
rebuilt.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from thuvien.accounts.permissions import (
    DENIED_MESSAGE,
    Action,
    has_any_scope,
    province_ids_for,
)
from thuvien.kernel.audit.log import record_change
from thuvien.kernel.audit.models import AuditEntry
from thuvien.ops.jobs import job_handler, run_job_inline, start_job
from thuvien.ops.models import Job
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.importing.readers import TableError
from thuvien.registry.models import Library, LibraryAlias
from thuvien.stats.freshness import tables_changed
from thuvien.stats.importing.errors import ErrorFile, RowError, bilingual
from thuvien.stats.importing.options import VN_ID, Mapping, SetupError, parse_mapping
from thuvien.stats.importing.plan import ColumnPlan, plan_columns
from thuvien.stats.importing.readers import open_figures
from thuvien.stats.importing.rows import ParsedRow, check_row, read_row
from thuvien.stats.models import (
    ReportingRound,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Value,
)
from thuvien.stats.models.reports import COUNTED_STATES, EDITABLE_STATES
from thuvien.stats.services import aggregation
from thuvien.stats.services.forms import spec_of
from thuvien.stats.services.rebuild import store_counted
from thuvien.stats.validation import Entered, validate

JOB_KIND = "stats.import"
CHUNK = 2000  # rows a transaction: larger chunks pay the table update less often
VALUES_PER_INSERT = 1000  # 7,000 parameters: under SQLite's limit of 32,766
FIRST_ERRORS = 100  # kept in the job's report for the page; the error file has them all
S = SubmissionState


class StatsImportError(ValueError):
    """The import cannot start; ``problems`` lists each reason (vi / en)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---- starting an import ----------------------------------------------------------------


def find_round(text: str) -> ReportingRound:
    """A round by its id or as "form-code:period" (the latest version of the form)."""
    text = text.strip()
    if text.isdigit():
        found = ReportingRound.objects.filter(pk=int(text)).select_related("form").first()
    else:
        code, _, period = text.partition(":")
        found = (
            ReportingRound.objects.filter(form__code=code.strip(), period=period.strip())
            .select_related("form")
            .order_by("-form__version")
            .first()
        )
    if found is None:
        raise StatsImportError(
            [
                bilingual(
                    f"Không có đợt báo cáo «{text}» (cần số hiệu hoặc mã-biểu-mẫu:kỳ)",
                    f"no reporting round {text!r} (give its id or form-code:period)",
                )
            ]
        )
    return found


def start_import(
    user, round_: ReportingRound, file_obj, name: str, mapping: Mapping, *, approve: bool = False
) -> Job:
    """Keep the file, check it can be imported, and queue the import (the web)."""
    params = _prepare(user, round_, file_obj, name, mapping, approve)
    return start_job(JOB_KIND, _title(round_, name), params, user=user)


def run_import(
    user,
    round_: ReportingRound,
    path: Path,
    mapping: Mapping,
    *,
    approve: bool = False,
    show_progress: bool = True,
) -> Job:
    """The same, run now in this process with a progress bar (the command line)."""
    with open(path, "rb") as handle:
        params = _prepare(user, round_, handle, path.name, mapping, approve)
    title = _title(round_, path.name)
    return run_job_inline(JOB_KIND, title, params, user=user, show_progress=show_progress)


def _title(round_: ReportingRound, name: str) -> str:
    return f"Nhập số liệu {name} vào {round_.title}"


def _prepare(user, round_, file_obj, name, mapping, approve) -> dict[str, Any]:
    _require_some_scope(user, approve)
    if round_.closed:
        raise StatsImportError(
            [bilingual(f"Đợt {round_.title} đã khoá", f"the round {round_.title} is closed")]
        )
    stored = _keep(file_obj, name)
    try:
        table = open_figures(Path(default_storage.path(stored)))
        codes = round_.form.elements.values_list("code", flat=True)
        plan_columns(table.columns, mapping, codes)
    except (TableError, SetupError) as exc:
        default_storage.delete(stored)  # refused before any row was read: nothing to keep
        problems = exc.problems if isinstance(exc, SetupError) else [f"{name}: {exc}"]
        raise StatsImportError(problems) from exc
    return {
        "round": round_.pk,
        "file": stored,
        "name": name,
        "mapping": mapping.as_dict(),
        "approve": approve,
        "actor": user.pk,
    }


def _require_some_scope(user, approve: bool) -> None:
    """Refused at once when the user may import (or approve) for no library at all."""
    actions = [Action.STATS_IMPORT, *([Action.STATS_REVIEW] if approve else [])]
    for action in actions:
        if not has_any_scope(user, action):
            raise PermissionDenied(DENIED_MESSAGE.format(action=action.value))


def _keep(file_obj, name: str) -> str:
    """Store the file as it came (nothing lost); returns its storage name."""
    size = getattr(file_obj, "size", None)
    if size is None:
        file_obj.seek(0, os.SEEK_END)
        size = file_obj.tell()
        file_obj.seek(0)
    limit = settings.THUVIEN_MAX_IMPORT_BYTES
    if size > limit:
        mb = limit // (1024 * 1024)
        raise StatsImportError([bilingual(f"Tệp lớn hơn {mb} MB", f"the file is over {mb} MB")])
    if size == 0:
        raise StatsImportError([bilingual(f"Tệp {name} rỗng", f"the file {name} is empty")])
    folder = timezone.localdate().strftime("stats/imports/%Y/%m")
    return default_storage.save(f"{folder}/{Path(name).name[-100:] or 'import'}", File(file_obj))


def error_file(user, job: Job) -> Path | None:
    """The rejected rows of an import, for its owner or whoever may import everywhere."""
    if job.kind != JOB_KIND:
        raise ValueError(job.kind)
    if job.created_by_id != user.pk and province_ids_for(user, Action.STATS_IMPORT) is not None:
        raise PermissionDenied(DENIED_MESSAGE.format(action=Action.STATS_IMPORT.value))
    name = (job.report or {}).get("error_file")
    return Path(default_storage.path(name)) if name else None


# ---- the job ---------------------------------------------------------------------------


@job_handler(JOB_KIND)
def import_job(job: Job, progress) -> dict[str, Any]:
    actor = get_user_model().objects.get(pk=job.params["actor"])
    round_ = ReportingRound.objects.select_related("form").get(pk=job.params["round"])
    mapping = parse_mapping(job.params["mapping"])
    run = _Import(job, actor, round_, mapping, bool(job.params.get("approve")))
    return run.execute(Path(default_storage.path(job.params["file"])), progress)


@dataclass
class _Counts:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    approved: int = 0
    submitted: int = 0
    values: int = 0
    rounded: int = 0  # figures rounded to the stored 4 decimal places
    warned: int = 0  # rows imported with a warning to look at (e.g. far from last year)


@dataclass
class _Write:
    """One good row: its report (new or existing), the figures and the state it moves to."""

    row: ParsedRow
    library: Library
    report: Submission | None
    to_state: str
    refill: bool = True  # False: figures unchanged, only the state moves
    from_state: str = ""


@dataclass
class _Chunk:
    writes: list[_Write] = field(default_factory=list)
    rejected: list[tuple[ParsedRow, list[RowError]]] = field(default_factory=list)


class _Import:
    def __init__(self, job: Job, actor, round_: ReportingRound, mapping: Mapping, approve: bool):
        self.job, self.actor, self.round, self.mapping = job, actor, round_, mapping
        self.approve = approve
        self.target = S.APPROVED if approve else S.SUBMITTED
        self.spec = spec_of(round_.form)
        self.by_code = {e.code: e for e in self.spec.elements}
        self.element_ids = dict(round_.form.elements.values_list("code", "pk"))
        self.scope = _scope(actor, approve)
        self.seen: dict[int, int] = {}  # library id -> the row that first named it
        self.counts = _Counts()
        self.first_errors: list[dict[str, Any]] = []
        self.first_warnings: list[dict[str, Any]] = []
        self.plan: ColumnPlan | None = None
        self.rebuild_at_end = False
        self.now = timezone.now()

    def execute(self, path: Path, progress) -> dict[str, Any]:
        started = time.monotonic()
        table = open_figures(path)
        self.plan = plan_columns(table.columns, self.mapping, self.element_ids)
        progress.set_total(table.expected_rows)
        error_name = f"{self.job.params['file']}.loi.csv"
        self.rebuild_at_end = self.approve and table.expected_rows > CHUNK
        with ErrorFile(Path(default_storage.path(error_name)), table.columns) as errors:
            for rows in _chunks(table.rows, CHUNK):
                chunk = self._sort(
                    [read_row(n, raw, self.plan, self.by_code, self.mapping) for n, raw in rows]
                )
                with transaction.atomic():
                    self._write(chunk.writes)
                for row, row_errors in chunk.rejected:
                    errors.write(row.number, row.raw, row_errors)
                    self._note_errors(row_errors)
                self.counts.rows += len(rows)
                progress.advance(len(rows), f"{self.counts.rejected} dòng lỗi / rows rejected")
        if self.rebuild_at_end:
            progress.note("Cập nhật bảng tổng hợp / updating the tables")
            aggregation.rebuild(self.round)
        return self._report(time.monotonic() - started, error_name if errors.rows else "")

    def _report(self, seconds: float, error_name: str) -> dict[str, Any]:
        counts = self.counts.__dict__.copy()
        report = {
            **counts,
            "round": self.round.pk,
            "file": self.job.params["file"],
            "error_file": error_name,
            "seconds": round(seconds, 2),
            "rows_per_second": round(counts["rows"] / seconds) if seconds else None,
            "first_errors": self.first_errors,
            "first_warnings": self.first_warnings,
        }
        record_change(
            self.actor,
            "stats.import",
            self.round,
            after={k: v for k, v in report.items() if not k.startswith("first_")},
            note=f"{self.job.params['name']} (job {self.job.pk})",
        )
        return report

    def _note_errors(self, errors: list[RowError]) -> None:
        self.counts.rejected += 1
        room = FIRST_ERRORS - len(self.first_errors)
        self.first_errors += [e.as_dict() for e in errors[:room]]

    # -- deciding each row --

    def _sort(self, rows: list[ParsedRow]) -> _Chunk:
        libraries = _libraries(rows)
        reports = {
            s.library_id: s
            for s in Submission.objects.filter(
                round=self.round, library__in=[lib.pk for lib in libraries.values()]
            )
        }
        kept = _kept_values(list(reports.values()))
        last = self._last_year([lib.pk for lib in libraries.values()])
        chunk = _Chunk()
        for row in rows:
            library = libraries.get((row.scheme, row.key))
            report = reports.get(library.pk) if library else None
            errors = self._check(row, library, report, kept)
            if errors:
                chunk.rejected.append((row, errors))
                continue
            write = self._decide(row, library, report)
            if write is None:
                self.counts.unchanged += 1
            else:
                chunk.writes.append(write)
                self._warn(row, library, last.get(library.pk, {}))
        return chunk

    def _last_year(self, library_ids: list[int]) -> dict[int, dict[str, Decimal]]:
        """The libraries' counted figures of the same form a year earlier (by code)."""
        rows = Value.objects.filter(
            submission__library_id__in=library_ids,
            submission__round__form__code=self.round.form.code,
            submission__round__year=self.round.year - 1,
            submission__state__in=COUNTED_STATES,
            number__isnull=False,
            status__in=("reported", "estimated"),
        ).values_list("submission__library_id", "element__code", "number")
        found: dict[int, dict[str, Decimal]] = {}
        for library_id, code, number in rows:
            found.setdefault(library_id, {})[code] = number
        return found

    def _warn(self, row: ParsedRow, library: Library, last: dict[str, Decimal]) -> None:
        """Warnings do not stop a row (as on the form, where a note answers them), but the
        importer sees each one: a figure far from last year's is often a typing slip."""
        problems = [
            p
            for p in validate(self.spec.elements, row.entries, library.library_type, last)
            if p.level == "warning" and not p.explained
        ]
        if not problems:
            return
        self.counts.warned += 1
        room = FIRST_ERRORS - len(self.first_warnings)
        self.first_warnings += [
            RowError(row.number, self.plan.column_of(p.code) or p.code, p.message).as_dict()
            for p in problems[:room]
        ]

    def _check(self, row, library, report, kept) -> list[RowError]:
        """Every error of the row, so that one round of fixes is enough."""
        if row.broken:
            return row.errors
        column = self.plan.library_column
        if library is None:
            if not row.key:
                return row.errors
            scheme = f"theo {row.scheme} / by {row.scheme}" if row.scheme != VN_ID else "VN-"
            vi, en = f"Không có thư viện «{row.key}»", f"no library {row.key!r} ({scheme})"
            return [_error(row, column, vi, en), *row.errors]
        errors = self._repeated(row, library)
        errors += self._eligibility(row, library, report) or self._conflict(row, report, kept)
        return errors + row.errors + self._figures(row, library, report, kept)

    def _repeated(self, row: ParsedRow, library: Library) -> list[RowError]:
        first = self.seen.setdefault(library.pk, row.number)
        if first == row.number:
            return []
        vi = f"Thư viện {library.vn_id} đã có ở dòng {first}"
        return [
            _error(row, self.plan.library_column, vi, f"{library.vn_id} is already on row {first}")
        ]

    def _figures(self, row, library, report, kept) -> list[RowError]:
        """The report's checks, on the figures that could be read (a cell that could not is
        already named, not again as missing)."""
        mapped = set(self.plan.elements.values())
        stored = kept.get(report.pk if report else 0, {})
        unmapped = {c: e for c, e in stored.items() if c not in mapped}
        found = check_row(row, self.spec.elements, library.library_type, self.plan, unmapped)
        unread = {e.column for e in row.errors}
        return [e for e in found if e.column not in unread]

    def _eligibility(self, row, library, report) -> list[RowError]:
        column = self.plan.library_column
        if self.scope is not None and library.province_id not in self.scope:
            return [
                _error(
                    row,
                    column,
                    f"Không có quyền nhập số liệu cho {library.vn_id}",
                    f"not allowed to import figures for {library.vn_id}",
                )
            ]
        types = self.round.library_types
        if report is None and types and library.library_type not in types:
            return [
                _error(
                    row,
                    column,
                    f"Loại thư viện {library.library_type} không thuộc đợt báo cáo này",
                    f"{library.library_type} libraries do not report in this round",
                )
            ]
        return []

    def _conflict(self, row, report, kept) -> list[RowError]:
        """A report past the library's hands takes no other figures until it is returned
        or unlocked (the same figures again are a rerun, not a conflict)."""
        if report is None or report.state in EDITABLE_STATES or self._same(row, kept, report):
            return []
        return [
            _error(
                row,
                self.plan.library_column,
                f"Báo cáo của thư viện đang ở trạng thái '{report.get_state_display()}'; "
                "cần trả lại hoặc mở khoá trước khi nhập số liệu khác",
                f"the library's report is {report.state}; return or unlock it before importing "
                "other figures",
            )
        ]

    def _same(self, row: ParsedRow, kept, report: Submission) -> bool:
        mapped = set(self.plan.elements.values())
        stored = kept.get(report.pk, {})
        return {c: e for c, e in stored.items() if c in mapped} == row.entries

    def _decide(self, row, library, report) -> _Write | None:
        if report is None or report.state in EDITABLE_STATES:
            return _Write(row, library, report, self.target)
        if report.state == S.SUBMITTED and self.approve:
            return _Write(row, library, report, S.APPROVED, refill=False)
        return None  # already imported (a rerun), or the same figures again

    # -- writing a chunk --

    def _write(self, writes: list[_Write]) -> None:
        if not writes:
            return
        self._reports(writes)
        refilled = [w for w in writes if w.refill]
        Value.objects.filter(
            submission__in=[w.report.pk for w in refilled],
            element_id__in=[self.element_ids[c] for c in self.plan.elements.values()],
        ).delete()
        values = [
            (w.report.pk, self.element_ids[code], e.number, e.text, e.status, "", "")
            for w in refilled
            for code, e in w.row.entries.items()
        ]
        _insert_values(values)
        self._trail(writes)
        approved = [w.report for w in writes if w.to_state == S.APPROVED]
        if self.rebuild_at_end:  # packed now, added up once at the end
            store_counted([report.pk for report in approved])
        else:
            aggregation.apply_submissions(approved, +1)
        tables_changed()  # reports created and moved in bulk
        self.counts.values += len(values)
        self.counts.rounded += sum(w.row.rounded for w in refilled)
        self.counts.imported += len(writes)
        self.counts.approved += sum(w.to_state == S.APPROVED for w in writes)
        self.counts.submitted += sum(w.to_state == S.SUBMITTED for w in writes)

    def _reports(self, writes: list[_Write]) -> None:
        """Create the reports that do not exist yet and move every report to its state."""
        source = f"import:{self.job.pk} {self.job.params['name']}"[:255]
        late = bool(self.round.deadline and timezone.localdate(self.now) > self.round.deadline)
        new = [w for w in writes if w.report is None]
        for write in writes:
            if write.report is None:
                write.report = Submission(round=self.round, library=write.library)
            write.from_state = write.report.state
            report = write.report
            report.state, report.updated_at, report.source = write.to_state, self.now, source
            if write.refill:
                report.submitted_at, report.late = self.now, late
            if write.to_state == S.APPROVED:
                report.approved_at = self.now
        Submission.objects.bulk_create([w.report for w in new])
        fields = ["state", "updated_at", "source", "submitted_at", "late", "approved_at"]
        created = {id(w) for w in new}
        existing = [w.report for w in writes if id(w) not in created]
        Submission.objects.bulk_update(existing, fields, batch_size=500)

    def _trail(self, writes: list[_Write]) -> None:
        """The report's trail and the audit log: who imported what, from which file row."""
        actor = self.actor
        name = self.job.params["name"]
        SubmissionEvent.objects.bulk_create(
            SubmissionEvent(
                submission=w.report,
                action="import",
                from_state=w.from_state,
                to_state=w.to_state,
                actor=actor,
                comment=f"{name}, dòng / row {w.row.number}",
            )
            for w in writes
        )
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=actor,
                actor_name=str(actor)[:150],
                action="stats.import_report",
                object_type="stats.submission",
                object_id=str(w.report.pk),
                object_repr=f"{self.round.title} – {w.library.name}"[:255],
                before={"state": w.from_state},
                after={"state": w.to_state, "values": len(w.row.entries) if w.refill else 0},
                note=f"{self.job.params['file']}, dòng / row {w.row.number} (job {self.job.pk})",
            )
            for w in writes
        )


def _insert_values(rows: list[tuple]) -> None:
    """Figures written in bulk below the ORM: a model instance per figure was most of the
    import's time (a year of IMLS is 220,000 figures). PostgreSQL takes them by COPY, the
    others by INSERTs of 1,000 rows."""
    table = connection.ops.quote_name(Value._meta.db_table)
    columns = "submission_id, element_id, number, text, status, estimate_method, note"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), VALUES_PER_INSERT):
            batch = rows[start : start + VALUES_PER_INSERT]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            params = [cell for row in batch for cell in row]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", params)


def _error(row: ParsedRow, column: str, vi: str, en: str) -> RowError:
    return RowError(row.number, column, bilingual(vi, en))


def _scope(actor, approve: bool) -> set[int] | None:
    """Provinces whose libraries the actor may import for (and approve); None: all."""
    scope = province_ids_for(actor, Action.STATS_IMPORT)
    if approve:
        review = province_ids_for(actor, Action.STATS_REVIEW)
        if scope is None:
            return review
        if review is not None:
            return scope & review
    return scope


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def _libraries(rows: list[ParsedRow]) -> dict[tuple[str, str], Library]:
    """The libraries the rows name, by (scheme, key as written), in one query a scheme."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.key:
            wanted.setdefault(row.scheme, set()).add(row.key)
    found: dict[tuple[str, str], Library] = {}
    for scheme, keys in wanted.items():
        if scheme == VN_ID:  # "vn 0000001 8" and "VN-00000018" name the same library
            written: dict[str, list[str]] = {}
            for key in keys:
                written.setdefault(normalize_identifier(key), []).append(key)
            for library in Library.objects.filter(vn_id__in=written).select_related("province"):
                found.update({(scheme, key): library for key in written[library.vn_id]})
            continue
        aliases = LibraryAlias.objects.filter(scheme=scheme, value__in=keys)
        for alias in aliases.select_related("library__province"):
            found[(scheme, alias.value)] = alias.library
    return found


def _kept_values(reports: list[Submission]) -> dict[int, dict[str, Entered]]:
    """The figures already in these reports, by report and element code."""
    kept: dict[int, dict[str, Entered]] = {}
    rows = Value.objects.filter(submission__in=[r.pk for r in reports]).values_list(
        "submission_id", "element__code", "number", "text", "status", "estimate_method", "note"
    )
    for report_id, code, number, text, status, method, note in rows:
        kept.setdefault(report_id, {})[code] = Entered(number, text, status, method, note)
    return kept
