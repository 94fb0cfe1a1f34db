"""The IMLS Public Libraries Survey: the library systems become partner libraries in the
registry (through its import, matched by FSCSKEY) and each fiscal year's file is imported,
approved, into its round."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from thuvien.ops.jobs import run_job_inline
from thuvien.registry.models import ImportBatch, LibraryAlias
from thuvien.registry.models.imports import RowOutcome
from thuvien.registry.services import imports as registry_imports
from thuvien.stats.importing.options import load_mapping
from thuvien.stats.importing.sources import MAPS, SHARED_DATA, round_for, shipped_form
from thuvien.stats.services.imports import run_import

DEFAULT_DIR = SHARED_DATA / "imls-pls"
SCHEME = "imls_fscs"
FILES = {
    2018: "pls_fy2018_libraries.csv",
    2017: "pls_fy2017_libraries.csv",
    2016: "pls_fy2016_libraries.csv",
    2014: "pls_fy2014_pupld14a.csv",
}
FORM_OF_YEAR = {2014: "imls-pls-fy2014"}  # the 72-column file; the others: "imls-pls"
REGISTRY_MAPPING = {"FSCSKEY": "identifier", "LIBNAME": "name", "STABR": "region"}
REGISTRY_DEFAULTS = {"country": "US", "library_type": "public", "identifier_scheme": SCHEME}

Say = Callable[[str], None]


def load_imls(
    actor,
    directory: Path = DEFAULT_DIR,
    years: list[int] | None = None,
    *,
    show_progress: bool = False,
    say: Say = lambda _: None,
) -> dict[int, dict[str, Any]]:
    """Every year asked for (all four by default), newest first so that a library's current
    name is its official one and older spellings become other names. Rerunning refreshes
    the libraries and leaves the imported figures as they are."""
    reports = {}
    for year in sorted(years or FILES, reverse=True):
        path = Path(directory) / FILES[year]
        if not path.is_file():
            raise FileNotFoundError(f"Không có tệp {path} / missing file {path}")
        partners = register_partners(actor, path, show_progress=show_progress)
        say(f"FY{year} thư viện / libraries: {partners}")
        form = shipped_form(actor, FORM_OF_YEAR.get(year, "imls-pls"))
        round_ = round_for(actor, form, year, f"FY{year}", f"IMLS Public Libraries Survey FY{year}")
        mapping = load_mapping(MAPS / f"{form.code}.json")
        job = run_import(actor, round_, path, mapping, approve=True, show_progress=show_progress)
        if job.error:
            raise RuntimeError(job.error)
        reports[year] = {"round": round_.pk, "libraries": partners, "figures": job.report}
    return reports


def register_partners(actor, path: Path, *, show_progress: bool = False) -> dict[str, int]:
    """The file's library systems created or refreshed as partner libraries (US, state as
    region) with their FSCSKEY as an alias, by the registry's own import."""
    with open(path, "rb") as handle:
        batch = registry_imports.upload_import(actor, handle, path.name)
    registry_imports.set_mapping(actor, batch, REGISTRY_MAPPING, REGISTRY_DEFAULTS)
    _run("registry.import_preview", f"Xem trước {path.name}", batch, actor, show_progress)
    _create_distinct_entities(actor, batch)
    _run("registry.import_commit", f"Nhập {path.name}", batch, actor, show_progress)
    batch.refresh_from_db()
    return {k: v for k, v in batch.report.get("commit", {}).items() if isinstance(v, int)}


def _run(kind: str, title: str, batch: ImportBatch, actor, show_progress: bool) -> None:
    params = {"batch": batch.pk, "actor": actor.pk}
    job = run_job_inline(kind, title, params, user=actor, show_progress=show_progress)
    if job.error:
        raise RuntimeError(job.error)


def _create_distinct_entities(actor, batch: ImportBatch) -> None:
    """A row the matcher holds for review is a library of its own when every candidate is
    another IMLS entity (another FSCSKEY, in the registry or earlier in the file): IMLS
    keys one administrative entity per key. A candidate from elsewhere waits for a person."""
    imls = set(LibraryAlias.objects.filter(scheme=SCHEME).values_list("library__vn_id", flat=True))
    for row in batch.rows.filter(outcome=RowOutcome.REVIEW):
        keys = [c["key"] for c in row.candidates if c["verdict"] in ("same", "possible")]
        if all(key.startswith("row:") or key in imls for key in keys):
            registry_imports.decide_row(actor, row, "create")
