"""Harvests from a third-party OAI-PMH provider: django-oai-pmh (PyPI) serving 300 LC records
from the fixture project tests/fixtures/oai_provider/, run by Django's server on 127.0.0.1 in
a subprocess with its own settings and SQLite database. A whole harvest brings every record;
an incremental one only the changes and deletions; a set is honoured even though the
provider's resumption tokens lose it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import factories
from tests.e2e.test_harvest_zebra import free_port, wait_for
from thuvien.catalog.models import BibRecord, HarvestRun
from thuvien.catalog.services import indexing
from thuvien.catalog.services.harvest import configure_harvest, run_harvest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests/fixtures/oai_provider"
DEMO = ROOT / "src/thuvien/catalog/demo"
VIETNAMESE, OTHERS = 121, 179
PAGE = 25


def provider_env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "THUVIEN_")) and key != "DATABASE_URL"
    }
    return {
        **env,
        "PYTHONPATH": str(PROJECT),
        "DJANGO_SETTINGS_MODULE": "oai_provider.settings",
        "OAI_PROVIDER_DB": str(db),
        **extra,
    }


def django_admin(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=PROJECT,
        env=provider_env(db),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"django-oai-pmh fixture {args}: {done.stderr[-2000:]}")
    return done.stdout


@pytest.fixture(scope="module")
def provider_db(tmp_path_factory) -> Path:
    """The provider's database, migrated and loaded once: 121 Vietnamese LC records and 179
    others, as marc21 and oai_dc."""
    db = tmp_path_factory.mktemp("oai-provider") / "template.sqlite3"
    django_admin(db, "migrate", "-v", "0")
    assert django_admin(db, "oai_fixture_load", str(DEMO / "lc-vie.mrc")).strip() == "121"
    loaded = django_admin(
        db, "oai_fixture_load", str(DEMO / "lc-books-sample.mrc"), "--limit", str(OTHERS)
    )
    assert loaded.strip() == str(OTHERS)
    return db


@dataclass
class Provider:
    url: str
    db: Path

    def identifiers(self, deleted: bool = False) -> set[str]:
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(
                "SELECT identifier FROM django_oai_pmh_header WHERE deleted = ?", (deleted,)
            ).fetchall()
        return {row[0] for row in rows}

    def change(self, *, touch: tuple[str, ...] = (), delete: tuple[str, ...] = ()) -> None:
        args = [a for i in touch for a in ("--touch", i)]
        args += [a for i in delete for a in ("--delete", i)]
        django_admin(self.db, "oai_fixture_change", *args)


@pytest.fixture
def oai_provider(provider_db, tmp_path):
    """A fresh copy of the provider's database, served by Django's server on a free port."""
    db = tmp_path / "provider.sqlite3"
    shutil.copy(provider_db, db)
    port = free_port()
    url = f"http://127.0.0.1:{port}/oai"
    env = provider_env(db, OAI_PROVIDER_PAGE=str(PAGE), OAI_PROVIDER_BASE_URL=url)
    with (tmp_path / "provider.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, server, seconds=60)
        yield Provider(url, db)
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def contributor(db):
    return factories.library(
        "Library of Congress", None, library_type="national", level="", country="US"
    )


def _harvest(library, provider: Provider, **settings):
    options = {"retry_backoff": 0.2, "retries": 3, "timeout": 20, **settings}
    return configure_harvest(None, library, "oai-pmh", endpoint=provider.url, **options)


def _index_equals_database() -> bool:
    index = indexing.catalog_index()
    index.reload()
    active = BibRecord.objects.filter(status="active").values_list("pk", flat=True)
    return set(index.iter_ids()) == {str(pk) for pk in active}


def test_whole_harvest_brings_every_record(contributor, oai_provider):
    report = run_harvest(_harvest(contributor, oai_provider))
    total = VIETNAMESE + OTHERS
    assert report["status"] == "done" and report["total"] == total
    assert report["pages"] == -(-total // PAGE) and report["records"]["stored"] == total
    assert not report["records"].get("quarantined")
    stored = set(BibRecord.objects.values_list("local_id", flat=True))
    assert stored == oai_provider.identifiers() and len(stored) == total
    vietnamese = BibRecord.objects.get(local_id="oai:fixture.lc:00236597")
    assert vietnamese.title.startswith("Ngôi chùa")  # NFD in the LC record, stored NFC
    assert unicodedata.is_normalized("NFC", vietnamese.title)
    assert _index_equals_database()


def test_incremental_harvest_brings_changes_and_deletions(contributor, oai_provider):
    harvest = _harvest(contributor, oai_provider)
    run_harvest(harvest)
    touched, deleted = "oai:fixture.lc:00280612", "oai:fixture.lc:00280615"
    before = BibRecord.objects.get(local_id=touched).updated_at
    oai_provider.change(touch=(touched,), delete=(deleted,))
    harvest.refresh_from_db()
    report = run_harvest(harvest)
    assert report["harvest"]["received"] == 2 and report["pages"] == 1
    assert report["records"]["deleted"] == 1 and report["records"]["unchanged"] == 1
    assert BibRecord.objects.get(local_id=deleted).status == "deleted"
    assert BibRecord.objects.get(local_id=touched).updated_at == before  # same content
    assert BibRecord.objects.filter(status="active").count() == VIETNAMESE + OTHERS - 1
    assert _index_equals_database()
    full = run_harvest(harvest, full=True)
    assert full["records"]["unchanged"] == VIETNAMESE + OTHERS


def test_a_set_in_dublin_core(contributor, oai_provider):
    harvest = _harvest(contributor, oai_provider, metadata_prefix="oai_dc", set_spec="lang:vie")
    report = run_harvest(harvest)
    assert report["records"]["stored"] == VIETNAMESE
    assert report["harvest"]["outside_set"] > 0  # the provider's later pages forget the set
    records = BibRecord.objects.all()
    assert {r.raw_format for r in records} == {"oai_dc"}
    assert all(bytes(r.raw).startswith(b"<oai_dc:dc") for r in records[:5])
    assert all(r.title for r in records)
    # its later pages also repeat records of the first: recognised, not stored twice
    read = HarvestRun.objects.get().batch.counts["conversions"]["dc->marc21"]
    assert read > VIETNAMESE and report["records"]["unchanged"] == read - VIETNAMESE
    assert BibRecord.objects.count() == VIETNAMESE
