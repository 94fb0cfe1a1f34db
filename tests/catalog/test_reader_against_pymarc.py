"""Our ISO 2709 reader gives the same fields as pymarc on all 250,000 LC records.

The file (LC "Books All 2016 part 01", 240 MB) is fetched from the pymarc 5.4.0 sdist on
PyPI the first time and kept in bench/data/; the comparison is the benchmark's own
(bench/marc_reader.py), so the two can never disagree about what "the same" means.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="database-independent; runs once, in the SQLite pass",
)


def test_same_fields_as_pymarc_on_every_lc_record():
    import marc_reader

    path = marc_reader.ensure_data(marc_reader.DATA)
    compared, differing, examples = marc_reader.compare(path, None)
    assert compared == 250_000
    assert differing == 0, examples[:5]
