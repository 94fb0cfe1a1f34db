"""Run every benchmark in turn (what `make bench` does); each prints its own figures.

Record the results with the date and the machine in docs/benchmarks.md.
"""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/thuvien_bench")
RUNS = [
    ["registry_matching.py"],
    ["registry_directory.py", "--count", "50000"],
    ["registry_import.py", "--existing", "50000", "--rows", "10000"],
    ["search_kernel.py", "--docs", "50000"],
    ["marc_reader.py"],
    ["catalog_ingest_search.py"],
    ["stats_aggregate.py"],
    ["dedup_goldfinch.py"],
    ["digital_ingest.py"],
    ["ocr_pages.py"],
    ["iiif_tiles.py"],
    ["fixity_audit.py"],
]


def main() -> None:
    print(
        f"# {datetime.date.today()} on {platform.node()}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    for run in RUNS:
        print(f"\n## {' '.join(run)}", flush=True)
        env = dict(os.environ)
        if run[0] == "search_kernel.py":
            env["DATABASE_URL"] = PG_URL  # the PostgreSQL backend runs beside tantivy
            env["DJANGO_SETTINGS_MODULE"] = "thuvien.config.settings"
        result = subprocess.run(
            [sys.executable, str(BENCH / run[0]), *run[1:]], env=env, check=False
        )
        if result.returncode:
            print(f"{run[0]} failed with exit code {result.returncode}")


if __name__ == "__main__":
    main()
