"""A harvest killed mid-way and run again, from a real Zebra (Z39.50) and from the
third-party OAI-PMH provider: real `thuvien catalog_harvest` processes, a real SIGKILL. The
rerun resumes the same run after its last stored page and ends with the server's records,
each once, and an index equal to the database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.test_harvest_oai_provider import oai_provider, provider_db  # noqa: F401
from tests.e2e.test_harvest_zebra import RECORDS, zebra  # noqa: F401
from thuvien.catalog.marc.readers import read_records

pytestmark = pytest.mark.e2e
LIBRARY = "VN-00000018"

CHECK = """
import json
from django.db.models import Count
from thuvien.catalog.models import BibRecord, HarvestRun
from thuvien.catalog.services.indexing import catalog_index
index = catalog_index()
index.reload()
active = {str(pk) for pk in BibRecord.objects.filter(status="active").values_list("pk", flat=True)}
twice = BibRecord.objects.values("source", "local_id").annotate(n=Count("id")).filter(n__gt=1)
print(json.dumps({
    "local_ids": sorted(BibRecord.objects.values_list("local_id", flat=True)),
    "index_equal": set(index.iter_ids()) == active,
    "active": len(active),
    "duplicates": twice.count(),
    "pending": BibRecord.objects.filter(indexed=False).count(),
    "runs": list(HarvestRun.objects.values_list("status", "pages")),
}))
"""


class Thuvien:
    """`thuvien` commands on a database and data directory of their own."""

    def __init__(self, data: Path):
        self.data = data
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
            "THUVIEN_DATA_DIR": str(data),
            "THUVIEN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
        self.env.pop("DATABASE_URL", None)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "thuvien.cli", *args]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def prepare(self, *configure: str) -> None:
        self.run("migrate", "-v", "0")
        self.run(
            "shell",
            "-c",
            "from thuvien.registry.models import Library;"
            f"Library.objects.create(vn_id='{LIBRARY}', name='Library of Congress',"
            " library_type='national', country='US')",
        )
        self.run("catalog_harvest", "--configure", LIBRARY, *configure)

    def position(self) -> int:
        try:
            with sqlite3.connect(self.data / "thuvien.sqlite3", timeout=5) as conn:
                row = conn.execute("SELECT max(position) FROM catalog_ingestbatch").fetchone()
        except sqlite3.Error:
            return 0
        return row[0] or 0

    def kill_midway(self, at: int, total: int) -> int:
        """Start the harvest, SIGKILL it once ``at`` records are stored; where it stopped."""
        process = subprocess.Popen(
            self.command("catalog_harvest", "--source", LIBRARY, "-v", "0"), env=self.env
        )
        deadline = time.monotonic() + 120
        while self.position() < at and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert process.poll() is None, "the harvest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        stopped = self.position()
        assert at <= stopped < total
        return stopped

    def check(self) -> dict:
        return json.loads(self.run("shell", "-c", CHECK).strip().splitlines()[-1])


def _assert_complete(state: dict, expected: set[str]) -> None:
    assert set(state["local_ids"]) == expected and len(state["local_ids"]) == len(expected)
    assert state["duplicates"] == 0 and state["pending"] == 0 and state["index_equal"]
    assert len(state["runs"]) == 1 and state["runs"][0][0] == "done"  # resumed, not restarted


def test_z3950_harvest_killed_and_rerun(tmp_path, zebra):  # noqa: F811
    thuvien = Thuvien(tmp_path)
    thuvien.prepare("--protocol", "z39.50", "--endpoint", zebra.z3950, "--page-size", "20")
    stopped = thuvien.kill_midway(100, RECORDS)
    killed = thuvien.check()
    assert killed["runs"] == [["running", stopped // 20]]
    assert len(killed["local_ids"]) == stopped  # every page committed with its records
    rerun = thuvien.run("catalog_harvest", "--source", LIBRARY, "-v", "1")
    assert f"stored: {RECORDS}" in rerun
    expected = {item.record.control_number for item in read_records(zebra.records)}
    _assert_complete(thuvien.check(), expected)


def test_oai_harvest_killed_and_rerun(tmp_path, oai_provider):  # noqa: F811
    thuvien = Thuvien(tmp_path)
    thuvien.prepare("--protocol", "oai-pmh", "--endpoint", oai_provider.url)
    expected = oai_provider.identifiers()
    stopped = thuvien.kill_midway(75, len(expected))
    assert thuvien.check()["runs"] == [["running", stopped // 25]]
    rerun = thuvien.run("catalog_harvest", "--source", f"{LIBRARY}/oai", "-v", "1")
    assert f"stored: {len(expected)}" in rerun
    _assert_complete(thuvien.check(), expected)
