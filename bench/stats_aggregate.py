"""National statistics tables at scale: 50,000 libraries x 60 data elements x 5 years.

Measures, on SQLite and on PostgreSQL, in one run:
- a full rebuild of the national tables (every dimension: nation, province, type, level)
  from the 15,000,000 raw figures (`thuvien.stats.services.rebuild.rebuild`: the packed
  figures of the counted reports), and the deep rebuild that repacks them all from the
  value rows first (`from_values=True`);
- the time from one approval to an updated national table (`workflow.approve`: the state
  change, the trail, the audit entry and the delta applied to the cells);
- the public tables page over HTTP (SQLite store, gunicorn), serially and with 8 clients,
  right after the tables changed and with its pages kept;
and, as the peer, DuckDB running the same aggregation on the same raw values (loaded from
the same generated file; loading is setup, not measured). The cells of every engine are
compared: the figures must be equal.

The data are made by a committed generator with a fixed seed (libraries from
bench/generate_libraries.py; values drawn per element with 2% unknown, 3% not applicable, 2%
estimated, 0.5% suppressed).

    .venv/bin/python bench/stats_aggregate.py [--libraries 50000] [--years 5] [--no-postgres]
    .venv/bin/python bench/stats_aggregate.py --reuse | --http-only   (on the last run's stores)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data" / "stats-aggregate"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/thuvien_bench")
ELEMENTS = 60  # 12 totals with 4 parts each
FIRST_YEAR = 2021
SEED = 2843
STATUSES = [("unknown", 0.02), ("not_applicable", 0.03), ("estimated", 0.02), ("suppressed", 0.005)]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- the generated data --------------------------------------------------------------------


def form_definition() -> dict:
    """A 60-element form: 12 totals, each with 4 parts that add up to it."""
    elements = []
    for t in range(1, ELEMENTS // 5 + 1):
        children = [
            {"code": f"E{t:02d}.{p}", "label": f"Thành phần {p} của chỉ tiêu {t}",
             "type": "integer", "part_kind": "part", "min": 0}
            for p in range(1, 5)
        ]  # fmt: skip
        elements.append(
            {"code": f"E{t:02d}", "label": f"Chỉ tiêu {t}", "type": "integer", "min": 0,
             "group": "use", "children": children}
        )  # fmt: skip
    return {"code": "bench-60", "name": "Biểu mẫu đo 60 chỉ tiêu", "kind": "statistics",
            "elements": elements}  # fmt: skip


def write_values(path: Path, submissions: int, element_codes: list[str]) -> int:
    """Rows (submission number, element position, number or "", status) for every report;
    parts are drawn and their total is their sum, as a real report would have it."""
    rng = random.Random(SEED)
    rows = 0
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        for submission in range(submissions):
            scale = rng.lognormvariate(7, 1.2)
            for first in range(0, len(element_codes), 5):
                parts = [int(scale * rng.random()) for _ in range(4)]
                for offset, number in enumerate([sum(parts), *parts]):
                    status = _status(rng)
                    shown = "" if status in ("unknown", "not_applicable", "suppressed") else number
                    out.writerow((submission, first + offset, shown, status))
                    rows += 1
    return rows


def _status(rng: random.Random) -> str:
    draw = rng.random()
    for status, share in STATUSES:
        if draw < share:
            return status
        draw -= share
    return "reported"


# ---- phases inside a Django process ---------------------------------------------------------


def phase_setup(libraries: int, years: int, values_file: str) -> dict:
    """Schema, units, libraries, form, rounds, approved reports and their raw values."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("geo_load_units", verbosity=0)
    from generate_libraries import communes_from_database, generate
    from registry_directory import _bulk_libraries

    from thuvien.registry.models import Library
    from thuvien.stats.definitions import parse
    from thuvien.stats.services.forms import load_form
    from thuvien.stats.services.rounds import open_round

    started = time.perf_counter()
    _bulk_libraries(list(generate(communes_from_database(), libraries)))
    form, _ = load_form(None, parse(form_definition()), check=False)
    library_ids = list(Library.objects.order_by("pk").values_list("pk", flat=True))
    rounds = [
        open_round(None, form, FIRST_YEAR + y, libraries=[], check=False) for y in range(years)
    ]
    elements = list(form.elements.order_by("position").values_list("pk", flat=True))
    submissions = _insert_submissions([r.pk for r in rounds], library_ids)
    inserted = _insert_values(Path(values_file), submissions, elements)
    # the reports were inserted as approved: pack their figures as their approvals would
    # have (a rebuild repacks the reports it finds without a pack)
    from thuvien.stats.services.rebuild import rebuild

    packing = time.perf_counter()
    rebuild()
    return {
        "setup_s": round(time.perf_counter() - started, 1),
        "packing_s": round(time.perf_counter() - packing, 1),
        "values": inserted,
    }


def _insert_submissions(round_ids: list[int], library_ids: list[int]) -> list[int]:
    from django.db import connection

    from thuvien.stats.models import Submission

    Submission.objects.bulk_create(
        (
            Submission(round_id=r, library_id=lib, state="approved")
            for r in round_ids
            for lib in library_ids
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM stats_submission ORDER BY round_id, library_id")
        return [row[0] for row in cursor.fetchall()]


def _insert_values(path: Path, submissions: list[int], elements: list[int]) -> int:
    from django.db import connection, transaction

    sql = (
        "INSERT INTO stats_value (submission_id, element_id, number, text, status,"
        " estimate_method, note) VALUES (%s, %s, %s, '', %s, %s, '')"
    )
    count, batch = 0, []
    with transaction.atomic(), connection.cursor() as cursor, path.open() as handle:
        for sub, element, number, status in csv.reader(handle):
            method = "bench" if status == "estimated" else ""
            number = int(number) if number else None
            batch.append((submissions[int(sub)], elements[int(element)], number, status, method))
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        cursor.executemany(sql, batch)
    return count + len(batch)


def phase_measure() -> dict:
    """The full rebuild, then one approval, timed; the cells, for the comparison."""
    import django

    django.setup()
    from thuvien.stats.models import ReportingRound, Submission
    from thuvien.stats.services import aggregation, workflow

    last = ReportingRound.objects.order_by("-year").first()
    sub = Submission.objects.filter(round=last).order_by("pk").first()
    Submission.objects.filter(pk=sub.pk).update(state="submitted", submitted_at=None)
    rebuilds = []
    for _ in range(3):
        started = time.perf_counter()
        cells = aggregation.rebuild()
        rebuilds.append(time.perf_counter() - started)
    started = time.perf_counter()
    aggregation.rebuild(from_values=True)
    deep_s = time.perf_counter() - started
    ministry = _ministry()
    started = time.perf_counter()
    workflow.approve(ministry, sub)
    approval_s = time.perf_counter() - started
    return {
        "cells": cells,
        "rebuild_s": [round(s, 2) for s in rebuilds],
        "rebuild_from_value_rows_s": round(deep_s, 1),
        "approval_s": round(approval_s, 3),
        "totals": _totals(),
    }


def _ministry():
    from thuvien.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username="bench-ministry")
    RoleAssignment.objects.get_or_create(user=user, role=Role.MINISTRY_ADMIN)
    return user


def _totals() -> dict[str, str]:
    from thuvien.stats.models import AggregateCell

    cells = AggregateCell.objects.filter(dimension="nation").select_related("round", "element")
    return {f"{c.round.year}:{c.element.code}": str(int(c.total)) for c in cells}


def run_phase(env: dict, call: str) -> dict:
    code = (
        f"import sys, json; sys.path.insert(0, {str(BENCH)!r}); "
        f"import stats_aggregate as b; print('RESULT' + json.dumps(b.{call}))"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{call} failed:\n{out.stderr[-4000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


# ---- the peer: DuckDB on the same raw values -------------------------------------------------


def duckdb_peer(values_file: Path, libraries: int, years: int) -> dict:
    """The same tables (nation by year and element) from the same values file in DuckDB."""
    import duckdb

    db = duckdb.connect()
    db.execute(
        "CREATE TABLE v AS SELECT * FROM read_csv(?, header=false, "
        "columns={'sub': 'INTEGER', 'el': 'INTEGER', 'num': 'BIGINT', 'status': 'VARCHAR'})",
        [str(values_file)],
    )
    db.execute(
        "CREATE TABLE s AS SELECT i AS sub, i // ? AS year_index, (i % ?) AS lib "
        "FROM range(?) t(i)",
        [libraries, libraries, libraries * years],
    )
    query = """
        SELECT s.year_index, v.el,
               SUM(CASE WHEN v.status IN ('reported', 'estimated') THEN v.num END) AS total,
               COUNT(*) FILTER (WHERE v.status IN ('reported', 'estimated')
                                AND v.num IS NOT NULL) AS reported,
               COUNT(*) FILTER (WHERE v.status = 'unknown') AS unknown
        FROM v JOIN s USING (sub) GROUP BY ALL
    """
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        rows = db.execute(query).fetchall()
        timings.append(time.perf_counter() - started)
    totals = {f"{FIRST_YEAR + y}:{_code(e)}": str(int(t or 0)) for y, e, t, _, _ in rows}
    return {"query_s": [round(s, 2) for s in timings], "totals": totals}


def _code(position: int) -> str:
    total, part = divmod(position, 5)
    return f"E{total + 1:02d}" + (f".{part}" if part else "")


# ---- the dashboard over HTTP ------------------------------------------------------------------


def dashboard_paths(rounds: int) -> list[str]:
    """200 dashboard views: every round, grouping and a few element choices, in turn."""
    import urllib.parse

    choices = []
    for round_pk in range(1, rounds + 1):
        for dimension in ("province", "type", "level"):
            for first in range(1, 13):
                codes = [f"E{first:02d}", f"E{(first % 12) + 1:02d}.1"]
                query = {"round": round_pk, "dimension": dimension, "code": codes}
                choices.append(urllib.parse.urlencode(query, doseq=True))
    rng = random.Random(SEED)
    return [f"/thong-ke/bang-tong-hop/?{rng.choice(choices)}" for _ in range(200)]


def phase_tables_changed() -> dict:
    """Stamp the tables as changed (as an approval does): every cached page is stale."""
    import django

    django.setup()
    from thuvien.stats.freshness import tables_changed

    tables_changed()
    return {}


def http_dashboard(env: dict, rounds: int) -> dict:
    """The public tables page in the production configuration (gunicorn, one worker per
    core), serially and with 8 concurrent clients: right after the tables changed (every
    page drawn again, the response rates counted once per round and grouping) and then
    with the pages kept."""
    import catalog_zebra as web

    port = web.free_port()
    workers = str(os.cpu_count() or 2)
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "thuvien.config.wsgi", "-w", workers,
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    paths = dashboard_paths(rounds)
    figures: dict = {"workers": int(workers)}
    try:
        web.wait_for_port(port, server)
        for name, clients, changed in (
            ("serial_after_a_change", 1, True),
            ("concurrent_8_after_a_change", web.CLIENTS, True),
            ("serial_kept", 1, False),
            ("concurrent_8_kept", web.CLIENTS, False),
        ):
            if changed:
                run_phase(env, "phase_tables_changed()")
            figures[name], _ = web.http_run(port, paths, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


# ---- orchestration ---------------------------------------------------------------------------


def engine(env: dict, args, values_file: Path) -> dict:
    if args.reuse:
        return run_phase(env, "phase_measure()")
    log("setup")
    setup = run_phase(env, f"phase_setup({args.libraries}, {args.years}, {str(values_file)!r})")
    log(f"setup {setup}; measuring")
    return {**setup, **run_phase(env, "phase_measure()")}


def postgres_env(base: dict, fresh: bool = True) -> dict | None:
    try:
        import psycopg

        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            name = PG_URL.rsplit("/", 1)[1]
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # the PostgreSQL figures are skipped on machines without it
        log(f"PostgreSQL skipped: {exc}")
        return None
    return {**base, "DATABASE_URL": PG_URL, "THUVIEN_DATA_DIR": str(DATA / "pg")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--libraries", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--http-only", action="store_true", help="only the dashboard over HTTP, on the last store"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the stores of the last run"
    )
    args = parser.parse_args()
    sqlite_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "THUVIEN_DATA_DIR": str(DATA / "sqlite"),
    }
    sqlite_env.pop("DATABASE_URL", None)
    if args.http_only:
        print(json.dumps({"dashboard_http": http_dashboard(sqlite_env, args.years)}, indent=2))
        return
    values_file = DATA / "values.csv"
    if args.reuse:
        rows = sum(1 for _ in values_file.open())
    else:
        shutil.rmtree(DATA, ignore_errors=True)
        DATA.mkdir(parents=True)
        log("generating values")
        rows = write_values(
            values_file, args.libraries * args.years, [_code(i) for i in range(ELEMENTS)]
        )
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    base.pop("DATABASE_URL", None)
    results: dict = {"libraries": args.libraries, "years": args.years, "values": rows}
    log("duckdb")
    results["duckdb"] = duckdb_peer(values_file, args.libraries, args.years)
    results["sqlite"] = engine(sqlite_env, args, values_file)
    log("dashboard over HTTP")
    results["sqlite"]["dashboard_http"] = http_dashboard(sqlite_env, args.years)
    pg = None if args.no_postgres else postgres_env(base, fresh=not args.reuse)
    if pg:
        results["postgresql"] = engine(pg, args, values_file)
    peer = results["duckdb"].pop("totals")
    for name in ("sqlite", "postgresql"):
        if name in results:
            ours = results[name].pop("totals")
            results[name]["equal_to_duckdb"] = ours == {k: peer[k] for k in ours}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
