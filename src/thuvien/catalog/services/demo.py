"""Loading the demo catalogue (catalog/demo/) under the Library of Congress partner record."""

from __future__ import annotations

from pathlib import Path

from thuvien.registry.models import LibraryAlias

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_FILES = ("lc-vie.mrc", "lc-books-sample.mrc")


def rebuild_index_if_outdated() -> bool:
    """A catalogue index built by an older version (another schema) is rebuilt from the
    database, so that `make run` after an upgrade serves search again."""
    from thuvien.catalog.services.indexing import catalog_index, rebuild
    from thuvien.kernel.search import SearchError

    try:
        catalog_index().count()
    except SearchError:
        rebuild()
        return True
    return False


def load_demo_catalog(progress_factory=None) -> dict[str, dict]:
    """Ingest the demo files once (a second run finds every record unchanged), then the
    contributing libraries' data-quality reports."""
    from thuvien.catalog.services.batches import create_batch
    from thuvien.catalog.services.ingest import run_ingest
    from thuvien.catalog.services.quality import recompute

    alias = (
        LibraryAlias.objects.filter(scheme="marc_org", value="DLC")
        .select_related("library")
        .first()
    )
    if alias is None:
        return {}
    reports = {}
    for name in DEMO_FILES:
        with open(DEMO_DIR / name, "rb") as handle:
            batch = create_batch(None, alias.library, handle, name, source_code="lc-demo")
        reports[name] = run_ingest(batch, progress_factory(name) if progress_factory else None)
    recompute()
    return reports
