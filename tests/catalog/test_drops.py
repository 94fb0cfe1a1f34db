"""Scheduled file drops: settled files ingested and filed under done/ or failed/ with a
report; files still being written, and folders named after no library, left alone."""

import os
import time

import pytest
from django.core.management import call_command

from tests.catalog.conftest import DEMO
from thuvien.catalog.models import BibRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def drop(settings, tmp_path):
    settings.THUVIEN_CATALOG_DROP_DIR = tmp_path / "drop"
    settings.THUVIEN_CATALOG_DROP_SETTLE = 60
    return tmp_path / "drop"


def _settled(path, data: bytes | None = None):
    """A file written an hour ago (``data``: write it first)."""
    if data is not None:
        path.write_bytes(data)
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def test_drops_are_ingested_filed_and_reported(drop, contributor, capsys):
    records = (DEMO / "lc-vie.mrc").read_bytes().split(b"\x1d")[:3]
    library = drop / contributor.vn_id
    (library / "koha").mkdir(parents=True)
    _settled(library / "xuat.mrc", b"".join(r + b"\x1d" for r in records))
    _settled(library / "koha" / "hong.bin", b"\x00\x01 not a catalogue file")
    fresh = library / "dang-ghi.mrc"
    fresh.write_bytes(records[0] + b"\x1d")
    (drop / "VN-99999999").mkdir()
    (drop / "khong-phai-ma").mkdir()

    call_command("catalog_drop", verbosity=0)

    assert BibRecord.objects.filter(source__code="drop", source__library=contributor).count() == 3
    done = list((library / "done").iterdir())
    assert {p.suffix for p in done} == {".mrc", ".txt"}
    report = next(p for p in done if p.suffix == ".txt").read_text("utf-8")
    assert "stored: 3" in report and "quarantined: 0" in report
    failed = [p.name for p in (library / "failed").iterdir()]
    assert any(name.endswith("hong.bin.txt") for name in failed)
    reason = next(p for p in (library / "failed").iterdir() if p.suffix == ".txt").read_text()
    assert "unrecognised file format" in reason
    assert fresh.exists()  # still being written: left for the next run
    out = capsys.readouterr().out
    assert "still being written" in out and "khong-phai-ma" in out and "ingested: xuat.mrc" in out
    # the next run finds nothing new except the settled file
    _settled(fresh)
    call_command("catalog_drop", verbosity=0)
    assert not fresh.exists()
    assert BibRecord.objects.filter(source__code="drop").count() == 3  # same record again
