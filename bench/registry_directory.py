"""Directory search at national scale: 50,000 generated libraries, 200 queries.

Measures, in one run:
- indexing rate (libraries/s) of the tantivy backend;
- in-process search (top 20 + 7 facets): p50/p95, tantivy and, as the peer, PostgreSQL
  full-text search on the same libraries and queries;
- over HTTP in the production configuration (gunicorn, one worker per core): /api/v1/libraries,
  serially and with 8 concurrent clients.

    .venv/bin/python bench/registry_directory.py [--count 50000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "registry-directory"
PYTHON = sys.executable
WORKERS = os.cpu_count() or 2  # searches are CPU-bound: one worker per core
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/thuvien_bench")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.5), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


# ---- phase run inside a Django process --------------------------------------------------


def phase_setup(count: int) -> dict:
    """Create the database, units and libraries; index; time in-process searches."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("geo_load_units", verbosity=0)
    sys.path.insert(0, str(ROOT / "bench"))
    from generate_libraries import communes_from_database, generate

    from thuvien.registry.models import Library

    started = time.perf_counter()
    created = _bulk_libraries(list(generate(communes_from_database(), count)))
    insert_s = time.perf_counter() - started
    from thuvien.registry.services.indexing import rebuild

    started = time.perf_counter()
    indexed = rebuild()
    index_s = time.perf_counter() - started
    queries = make_queries(list(Library.objects.values_list("name", flat=True)[:20000]))
    (DATA / "queries.json").write_text(json.dumps(queries, ensure_ascii=False))
    return {
        "libraries": created,
        "insert_s": round(insert_s, 1),
        "indexed": indexed,
        "index_s": round(index_s, 2),
        "index_docs_per_s": round(indexed / index_s),
        "in_process": time_in_process(queries),
    }


def _bulk_libraries(rows: list[list]) -> int:
    from thuvien.geo.models import AdminUnit, Scheme
    from thuvien.registry.identifiers import format_identifier
    from thuvien.registry.models import IdentifierSequence, Library

    units = dict(AdminUnit.objects.filter(scheme=Scheme.V2025).values_list("code", "pk"))
    libraries = [
        Library(
            vn_id=format_identifier(n),
            name=r[0],
            library_type=r[1],
            level=r[2],
            ownership=r[3],
            province_id=units[r[4]],
            commune_id=units[r[5]],
            street_address=r[6],
            latitude=r[7],
            longitude=r[8],
            phone=r[9],
            services=r[10].split("|"),
            collection_size=r[11],
        )
        for n, r in enumerate(rows, start=1)
    ]
    Library.objects.bulk_create(libraries, batch_size=2000)
    IdentifierSequence.objects.update_or_create(name="library", defaults={"last_value": len(rows)})
    return len(libraries)


def make_queries(names: list[str], count: int = 200) -> list[str]:
    """1–3 consecutive words of real names; half typed without diacritics."""
    from thuvien.kernel.text import fold_for_search

    rng = random.Random(7)
    queries = []
    while len(queries) < count:
        words = rng.choice(names).split()
        size = rng.choice((1, 2, 2, 3))
        start = rng.randrange(0, max(1, len(words) - size + 1))
        query = " ".join(words[start : start + size])
        if len(query) < 3:
            continue
        queries.append(fold_for_search(query) if rng.random() < 0.5 else query)
    return queries


def time_in_process(queries: list[str]) -> dict:
    from thuvien.registry.selectors import DirectoryFilters, search_directory

    for query in queries[:20]:  # warm caches
        search_directory(DirectoryFilters(q=query))
    timings = []
    for query in queries:
        started = time.perf_counter()
        search_directory(DirectoryFilters(q=query))
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings)


# ---- orchestration ------------------------------------------------------------------------


def run_phase(env: dict, count: int) -> dict:
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
        f"import registry_directory as b; print('RESULT' + json.dumps(b.phase_setup({count})))"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_timings(base: str, queries: list[str], clients: int) -> dict:
    def fetch(query: str) -> float:
        url = f"{base}/api/v1/libraries?" + urllib.parse.urlencode({"q": query})
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            assert response.status == 200
        return (time.perf_counter() - started) * 1000

    for query in queries[:20]:
        fetch(query)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        timings = list(pool.map(fetch, queries))
    elapsed = time.perf_counter() - started
    return {**summary(timings), "requests_per_s": round(len(queries) / elapsed, 1)}


def serve_and_measure(env: dict) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "thuvien.config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        queries = json.loads((DATA / "queries.json").read_text())
        return {
            "serial": http_timings(base, queries, 1),
            "concurrent_8": http_timings(base, queries, 8),
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def postgres_available() -> bool:
    try:
        import psycopg

        admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            name = PG_URL.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # the peer is optional on machines without PostgreSQL
        print(f"PostgreSQL peer skipped: {exc}")
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    sqlite_env = {**base_env, "THUVIEN_DATA_DIR": str(DATA / "sqlite")}
    sqlite_env.pop("DATABASE_URL", None)
    results = {"tantivy_sqlite": run_phase(sqlite_env, args.count)}
    results["tantivy_sqlite"][f"http_gunicorn_{WORKERS}_workers"] = serve_and_measure(sqlite_env)
    if not args.no_postgres and postgres_available():
        pg_env = {
            **base_env,
            "THUVIEN_DATA_DIR": str(DATA / "pg"),
            "DATABASE_URL": PG_URL,
            "THUVIEN_SEARCH_BACKEND": "thuvien.kernel.search.postgres_backend.PostgresBackend",
        }
        results["postgres_fts"] = run_phase(pg_env, args.count)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
