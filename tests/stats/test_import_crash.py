"""An import killed in the middle (a real SIGKILL of a real process): running it again ends
with every row imported once, nothing lost, nothing doubled, and the tables right."""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="drives its own SQLite database in a separate process",
)
ANNUAL = Path(__file__).resolve().parents[2] / "src/thuvien/stats/forms_shipped"
LIBRARIES = 6000  # three chunks of the import
SETUP = f"""
from thuvien.accounts.models import User
from thuvien.geo.models import AdminUnit
from thuvien.registry.models import Library
from thuvien.stats.definitions import load_file
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round
admin = User.objects.create_superuser("admin", password="x")
hanoi = AdminUnit.objects.create(scheme="2025", level="province", code="01",
                                 name="Thành phố Hà Nội", name_folded="thanh pho ha noi")
Library.objects.bulk_create(
    Library(vn_id=f"VN-{{n:08d}}", name=f"Thư viện xã {{n}}", library_type="public",
            level="commune", province=hanoi)
    for n in range(1, {LIBRARIES} + 1)
)
form, _ = load_form(admin, load_file("{ANNUAL / "bao-cao-thu-vien-nam.json"}"))
open_round(admin, form, 2025)
"""
CHECK = """
from django.db.models import Count
from thuvien.stats.models import AggregateCell, Submission, SubmissionEvent, Value
from thuvien.kernel.audit.models import AuditEntry
counted = Submission.objects.filter(state="approved").count()
steps = SubmissionEvent.objects.values("submission").annotate(n=Count("id"))
audits = AuditEntry.objects.filter(action="stats.import_report").values("object_id")
doubled = steps.filter(n__gt=1).count() + audits.annotate(n=Count("id")).filter(n__gt=1).count()
visits = AggregateCell.objects.get(element__code="SD02", dimension="nation", key="VN")
print(counted, Value.objects.count(), doubled, visits.total, visits.reported)
"""
COLUMNS = ("TV01", "VT01", "SD01", "SD02", "SD04", "NL01")


def _thuvien(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "thuvien.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


def _approved(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            query = "SELECT count(*) FROM stats_submission WHERE state = 'approved'"
            return conn.execute(query).fetchone()[0]
    except sqlite3.Error:
        return 0


def _figures(path: Path) -> int:
    """The file: one row per library; visits = the library's number."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["vn_id", *COLUMNS])
        for n in range(1, LIBRARIES + 1):
            writer.writerow([f"VN-{n:08d}", 1, 100, 10, n, 50, 2])
    return sum(range(1, LIBRARIES + 1))


def test_kill_mid_import_then_rerun(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "THUVIEN_DATA_DIR": str(tmp_path),
        "THUVIEN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    env.pop("DATABASE_URL", None)
    _thuvien(env, "migrate", "-v", "0")
    _thuvien(env, "shell", "-c", SETUP)
    visits = _figures(tmp_path / "so-lieu.csv")
    command = [
        "stats_import",
        str(tmp_path / "so-lieu.csv"),
        "--round",
        "bao-cao-thu-vien-nam:2025",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "thuvien.cli", *command, "--approve", "-v", "0"], env=env
    )
    db = tmp_path / "thuvien.sqlite3"
    deadline = time.monotonic() + 300
    while _approved(db) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < _approved(db) < LIBRARIES
    rerun = _thuvien(env, *command, "--approve", "-v", "1")
    assert "lỗi / rejected: 0" in rerun.stdout
    check = _thuvien(env, "shell", "-c", CHECK).stdout.split()
    counted, values, doubled, total, reported = check[-5:]
    assert (int(counted), int(values), int(doubled)) == (LIBRARIES, LIBRARIES * 6, 0)
    assert (float(total), int(reported)) == (visits, LIBRARIES)
