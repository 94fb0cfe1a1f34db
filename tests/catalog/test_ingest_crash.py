"""A process killed in the middle of an ingest: the rerun ends with the same records, no
duplicates, and an index equal to the database. Real processes, a real SIGKILL."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "src/thuvien/catalog/demo"
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="drives its own SQLite database in a separate process",
)


CHECK = """
from django.db.models import Count
from thuvien.catalog.models import BibRecord
from thuvien.catalog.services.indexing import catalog_index
index = catalog_index()
index.reload()
in_index = set(index.iter_ids())
active = BibRecord.objects.filter(status="active").values_list("pk", flat=True)
in_db = {str(pk) for pk in active}
twice = BibRecord.objects.values("source", "local_id").annotate(n=Count("id")).filter(n__gt=1)
pending = BibRecord.objects.filter(indexed=False).count()
print(len(in_db), len(in_index), in_index == in_db, twice.count(), pending)
"""


def _thuvien(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "thuvien.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


def _position(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            row = conn.execute("SELECT max(position) FROM catalog_ingestbatch").fetchone()
    except sqlite3.Error:
        return 0
    return row[0] or 0


def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return {int(line) for line in out.stdout.split()}


def _gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_kill_mid_ingest_then_rerun(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "THUVIEN_DATA_DIR": str(tmp_path),
        "THUVIEN_INGEST_CHUNK": "50",
        "THUVIEN_INGEST_WORKERS": "2",
        "THUVIEN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    env.pop("DATABASE_URL", None)
    _thuvien(env, "migrate", "-v", "0")
    _thuvien(
        env,
        "shell",
        "-c",
        "from thuvien.registry.models import Library;"
        "Library.objects.create(vn_id='VN-00000018', name='Library of Congress',"
        " library_type='national', country='US')",
    )
    sample = DEMO / "lc-books-sample.mrc"
    command = [
        sys.executable,
        "-m",
        "thuvien.cli",
        "catalog_ingest",
        str(sample),
        "--library",
        "VN-00000018",
        "-v",
        "0",
    ]
    process = subprocess.Popen(command, env=env)
    db = tmp_path / "thuvien.sqlite3"
    deadline = time.monotonic() + 300
    while _position(db) < 200 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be interrupted"
    workers = _children(process.pid)
    assert workers, "the ingest prepares records in worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _gone(workers), "worker processes outlived the killed ingest"
    assert 0 < _position(db) < 1000
    rerun = _thuvien(env, "catalog_ingest", str(sample), "--library", "VN-00000018", "-v", "1")
    assert "1000" in rerun.stdout or "read" in rerun.stdout
    check = _thuvien(env, "shell", "-c", CHECK)
    total, indexed, same, duplicates, pending = check.stdout.split()[-5:]
    assert int(total) == 1000 and int(indexed) == 1000
    assert same == "True" and duplicates == "0" and pending == "0"
