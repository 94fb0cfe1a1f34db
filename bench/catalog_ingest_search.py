"""Union catalogue benchmark: our ingest and search beside Zebra's, same file, same run.

1. Zebra (bench/catalog_zebra.py): zebraidx on the LC file, SRU searches.
2. Ours, in a scratch THUVIEN_DATA_DIR (SQLite, tantivy):
   - `thuvien catalog_ingest FILE --library VN-…` end to end, "ingest to searchable" (the
     command returns once the index has committed every record): records/s, peak memory;
   - the same 200 queries (bench/catalog_queries.py) in process (search_catalog, top 20 with
     its facets) and over HTTP in the production configuration (gunicorn, one worker per
     core, GET /api/v1/catalog/search?q=…), serially and with 8 concurrent clients.
3. Scale point, 1,000,000 records: the file four times in the same store. Copies 2–4 are
   the same records with distinct 001 identifiers ("<001>-2", "-3", "-4"), rewritten at the
   byte level (the 001 field and the lengths and offsets of the ISO 2709 directory and
   leader), each ingested as its own source of the same library: search latency in
   process, index size on disk and database size.

    .venv/bin/python bench/catalog_ingest_search.py                # the whole benchmark
    .venv/bin/python bench/catalog_ingest_search.py --records 20000 --skip-million
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import catalog_zebra as zebra  # noqa: E402
from catalog_queries import QUERIES_FILE, load_or_make  # noqa: E402

DATA = BENCH / "data" / "catalog"
COPIES = BENCH / "data" / "catalog-copies"
PYTHON = sys.executable
THUVIEN = str(Path(PYTHON).parent / "thuvien")
WORKERS = os.cpu_count() or 2  # searches are CPU-bound: one worker per core
COPY_SUFFIXES = ("-2", "-3", "-4")
RESULTS_FILE = BENCH / "data" / "catalog-results.json"  # written after each stage


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- phases run inside a Django process --------------------------------------------------


def phase_library() -> str:
    """The contributing library that owns the benchmark's records; its VN- identifier."""
    import django

    django.setup()
    from thuvien.registry.identifiers import format_identifier
    from thuvien.registry.models import IdentifierSequence, Library

    library, _ = Library.objects.get_or_create(
        vn_id=format_identifier(1),
        defaults={
            "name": "Library of Congress",
            "name_en": "Library of Congress",
            "library_type": "national",
            "country": "US",
            "region": "Washington, D.C.",
        },
    )
    IdentifierSequence.objects.update_or_create(name="library", defaults={"last_value": 1})
    return library.vn_id


def phase_search(queries_path: str) -> dict:
    """The queries in process, top 20 with the facets; counts of records and documents."""
    import django

    django.setup()
    from thuvien.catalog.selectors import FACETS, CatalogFilters, search_catalog

    queries = json.loads(Path(queries_path).read_text(encoding="utf-8"))
    for query in queries[: zebra.WARMUP]:
        search_catalog(CatalogFilters(q=query["text"]))
    timings, totals = [], []
    for query in queries:
        started = time.perf_counter()
        result = search_catalog(CatalogFilters(q=query["text"]))
        timings.append((time.perf_counter() - started) * 1000)
        totals.append(result.total)
    return {
        **zebra.summary(timings),
        "facets": len(FACETS),
        "hits": _hit_figures(queries, totals),
        **_counts(),
    }


def _hit_figures(queries: list[dict], totals: list[int]) -> dict:
    return {
        "hits_median": statistics.median(totals),
        "hits_total": sum(totals),
        "zero_hits": [q["text"] for q, t in zip(queries, totals, strict=True) if t == 0],
    }


def _counts() -> dict:
    from thuvien.catalog.models import BibRecord
    from thuvien.catalog.models.records import RecordStatus
    from thuvien.catalog.selectors import CatalogFilters, search_catalog

    active = BibRecord.objects.filter(status=RecordStatus.ACTIVE)
    everything = search_catalog(CatalogFilters(q=""), highlight=False, facets=False)
    return {
        "records_active": active.count(),
        "records_not_indexed": active.filter(indexed=False).count(),
        "index_documents": everything.total,
    }


def run_phase(env: dict, call: str) -> dict | str:
    code = (
        f"import sys, json; sys.path.insert(0, {str(BENCH)!r}); "
        f"import catalog_ingest_search as b; print('RESULT' + json.dumps(b.{call}))"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{call} failed:\n{out.stderr[-4000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


# ---- our ingest --------------------------------------------------------------------------


def django_env() -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
        "THUVIEN_DATA_DIR": str(DATA),
        "PYTHONPATH": str(ROOT / "src"),
    }
    for name in ("DATABASE_URL", "THUVIEN_SEARCH_PATH", "THUVIEN_SEARCH_BACKEND"):
        env.pop(name, None)
    return env


def setup_store(env: dict) -> str:
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    subprocess.run([THUVIEN, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    vn_id = run_phase(env, "phase_library()")
    assert isinstance(vn_id, str)
    return vn_id


def ingest(env: dict, path: Path, vn_id: str, source: str) -> dict:
    """`thuvien catalog_ingest` to its end (the index committed): time, rate, peak memory."""
    out_log = DATA / f"ingest-{source}.log"
    with out_log.open("wb") as out:
        seconds, peak, code = zebra.run_measured(
            [THUVIEN, "catalog_ingest", str(path), "--library", vn_id, "--source", source],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    text = out_log.read_text(errors="replace")
    if code:
        raise RuntimeError(f"catalog_ingest exited with {code}:\n{text[-4000:]}")
    report = _report(text)
    stored = report.get("stored", 0) + report.get("updated", 0)
    return {
        "report": report,
        "seconds": round(seconds, 1),
        "records_per_s": round(report.get("read", stored) / seconds),
        "peak_rss_mib": peak,
    }


def _report(text: str) -> dict[str, int]:
    """The counts the command prints ("  stored: 250000")."""
    counts = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(": ")
        if value.strip().isdigit() and " " not in key:
            counts[key] = int(value)
    return counts


# ---- over HTTP ---------------------------------------------------------------------------


def http_search(env: dict, queries: list[dict[str, str]]) -> dict:
    port = zebra.free_port()
    server = subprocess.Popen(
        [
            *(str(Path(PYTHON).parent / "gunicorn"), "thuvien.config.wsgi", "-w", str(WORKERS)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        env=env,
        cwd=ROOT,
    )
    paths = ["/api/v1/catalog/search?" + urllib.parse.urlencode({"q": q["text"]}) for q in queries]
    try:
        zebra.wait_for_port(port, server)
        serial, bodies = zebra.http_run(port, paths, 1)
        concurrent, _ = zebra.http_run(port, paths, zebra.CLIENTS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    totals = [json.loads(body)["total"] for body in bodies]
    return {
        "workers": WORKERS,
        "serial": serial,
        "concurrent_8": concurrent,
        "hits": _hit_figures(queries, totals),
    }


# ---- the 1,000,000-record file -----------------------------------------------------------


def with_suffixed_001(record: bytes, suffix: bytes) -> bytes:
    """An ISO 2709 record whose 001 is its trimmed value + ``suffix``; lengths rewritten."""
    base = int(record[12:17])
    directory = record[24 : base - 1]
    entries = [directory[i : i + 12] for i in range(0, len(directory), 12)]
    tag_at = next(i for i, e in enumerate(entries) if e[:3] == b"001")
    length, start = int(entries[tag_at][3:7]), int(entries[tag_at][7:12])
    value = record[base + start : base + start + length - 1].strip() + suffix
    delta = len(value) + 1 - length
    new_entries = []
    for i, entry in enumerate(entries):
        e_len, e_start = int(entry[3:7]), int(entry[7:12])
        if i == tag_at:
            e_len += delta
        elif e_start > start:
            e_start += delta
        new_entries.append(b"%s%04d%05d" % (entry[:3], e_len, e_start))
    body = record[base : base + start] + value + b"\x1e" + record[base + start + length :]
    head = record[5:24] + b"".join(new_entries) + b"\x1e"
    total = 5 + len(head) + len(body)
    if total > 99_999:
        raise ValueError("record too long for ISO 2709 after the rewrite")
    return b"%05d" % total + head + body


def iter_records(path: Path):
    with path.open("rb") as handle:
        while head := handle.read(5):
            yield head + handle.read(int(head) - 5)


def make_copies(source: Path) -> list[Path]:
    """Copies 2–4 of the file, each record's 001 suffixed (cached while the source is the same)."""
    COPIES.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in COPY_SUFFIXES:
        target = COPIES / f"{source.stem}{suffix}.mrc"
        stamp = target.with_suffix(".source")
        key = f"{source.resolve()} {source.stat().st_size} {source.stat().st_mtime_ns}"
        if not (target.exists() and stamp.exists() and stamp.read_text() == key):
            with target.open("wb") as out:
                for record in iter_records(source):
                    out.write(with_suffixed_001(record, suffix.encode()))
            stamp.write_text(key)
        paths.append(target)
    return paths


def du_mib(path: Path) -> float:
    return zebra.du_mib(path) if path.exists() else 0.0


def sizes() -> dict:
    database = sum(p.stat().st_size for p in DATA.glob("thuvien.sqlite3*")) / 2**20
    return {
        "index_mib": du_mib(DATA / "index" / "catalog"),
        "database_mib": round(database, 1),
        "media_mib": du_mib(DATA / "media"),
    }


def million(env: dict, source: Path, vn_id: str) -> dict:
    log("1M: writing copies 2-4 with distinct 001")
    copies = make_copies(source)
    ingests = []
    for suffix, path in zip(COPY_SUFFIXES, copies, strict=True):
        log(f"1M: ingesting {path.name}")
        ingests.append(ingest(env, path, vn_id, f"copy{suffix}"))
        log(f"1M: {ingests[-1]}")
    log("1M: searching")
    return {
        "copies": [str(p) for p in copies],
        "ingests": ingests,
        "in_process": run_phase(env, f"phase_search({str(QUERIES_FILE)!r})"),
        **sizes(),
    }


# ---- orchestration -----------------------------------------------------------------------


def ours(source: Path, queries: list[dict], skip_million: bool, results: dict) -> None:
    """Fill ``results["ours"]`` stage by stage, saving the figures after each stage."""
    env = django_env()
    out = results["ours"] = {}
    log("ours: migrate, library")
    vn_id = out["library"] = setup_store(env)
    log(f"ours: ingesting {source.name} for {vn_id}")
    out["ingest"] = ingest(env, source, vn_id, "default")
    log(f"ours: {out['ingest']}")
    out["in_process"] = run_phase(env, f"phase_search({str(QUERIES_FILE)!r})")
    out.update(sizes())
    save(results)
    log("ours: over HTTP")
    out["http"] = http_search(env, queries)
    save(results)
    if not skip_million:
        try:
            out["million"] = million(env, source, vn_id)
        except Exception as exc:  # keep the figures already measured
            out["million"] = {"error": f"{type(exc).__name__}: {str(exc)[-3000:]}"}
        save(results)


def save(results: dict) -> None:
    RESULTS_FILE.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def machine() -> dict:
    with open("/proc/meminfo") as handle:
        mem_kib = int(handle.readline().split()[1])
    return {
        "date": time.strftime("%Y-%m-%d"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "commit": _git("rev-parse", "--short", "HEAD"),
        "src_files_changed_since_commit": len(_git("status", "--porcelain", "src").splitlines()),
    }


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return out.stdout.strip()


def compare(zebra_results: dict, our: dict) -> dict:
    rate = our["ingest"]["records_per_s"]
    http_p95 = our["http"]["serial"]["p95_ms"]
    out = {}
    for name in ("fold", "stock"):
        if name not in zebra_results:
            continue
        peer = zebra_results[name]
        out[f"ingest_ratio_vs_zebra_{name}"] = round(rate / peer["indexing"]["records_per_s"], 2)
        sru = peer["sru"]
        out[f"http_p95_vs_zebra_{name}"] = {
            "ours_serial": http_p95,
            "zebra_serial": sru["serial"]["p95_ms"],
            "zebra_serial_keepalive": sru["serial_keepalive"]["p95_ms"],
            "ours_concurrent_8": our["http"]["concurrent_8"]["p95_ms"],
            "zebra_concurrent_8": sru["concurrent_8"]["p95_ms"],
            "zebra_concurrent_8_keepalive": sru["concurrent_8_keepalive"]["p95_ms"],
        }
    return out


def human(results: dict) -> str:
    z, o = results["zebra"], results["ours"]
    lines = [f"Union catalogue benchmark, {results['machine']['date']}, {results['machine']}"]
    for name in ("fold", "stock"):
        if name in z:
            idx, sru = z[name]["indexing"], z[name]["sru"]
            lines.append(
                f"Zebra [{name}]: zebraidx {idx['records']} records in {idx['seconds']} s = "
                f"{idx['records_per_s']} rec/s (peak {idx['peak_rss_mib']} MiB); SRU top-20 "
                f"MARCXML p50/p95 {sru['serial']['p50_ms']}/{sru['serial']['p95_ms']} ms serial, "
                f"{sru['concurrent_8']['p50_ms']}/{sru['concurrent_8']['p95_ms']} ms x8; "
                f"kept-alive {sru['serial_keepalive']['p50_ms']}/"
                f"{sru['serial_keepalive']['p95_ms']} ms, x8 "
                f"{sru['concurrent_8_keepalive']['p50_ms']}/"
                f"{sru['concurrent_8_keepalive']['p95_ms']} ms; "
                f"zero-hit queries {len(sru['hits']['zero_hits'])}"
            )
    ing, inp, http = o["ingest"], o["in_process"], o["http"]
    lines.append(
        f"Ours: catalog_ingest {ing['report'].get('read')} records in {ing['seconds']} s = "
        f"{ing['records_per_s']} rec/s to searchable (peak {ing['peak_rss_mib']} MiB); "
        f"in process p50/p95 {inp['p50_ms']}/{inp['p95_ms']} ms ({inp['facets']} facets); "
        f"HTTP ({http['workers']} gunicorn workers) {http['serial']['p50_ms']}/"
        f"{http['serial']['p95_ms']} ms serial, {http['concurrent_8']['p50_ms']}/"
        f"{http['concurrent_8']['p95_ms']} ms x8; zero-hit queries "
        f"{len(inp['hits']['zero_hits'])}; index {o['index_mib']} MiB, "
        f"database {o['database_mib']} MiB"
    )
    if "million" in o and "error" in o["million"]:
        lines.append(f"1M: failed: {o['million']['error'][-300:]}")
    elif "million" in o:
        m = o["million"]
        lines.append(
            f"1M: {m['in_process']['records_active']} records; in process p50/p95 "
            f"{m['in_process']['p50_ms']}/{m['in_process']['p95_ms']} ms; index "
            f"{m['index_mib']} MiB, database {m['database_mib']} MiB; copy ingests "
            + ", ".join(f"{i['records_per_s']} rec/s" for i in m["ingests"])
        )
    for key, value in results["comparison"].items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=zebra.LC_FILE)
    parser.add_argument("--records", type=int, help="only the first N records")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--zebra-variants", default="fold,stock")
    args = parser.parse_args()
    queries = load_or_make(source=args.file)
    source = zebra.first_records(args.file, args.records)
    results: dict = {"machine": machine(), "file": str(source), "queries": len(queries)}
    variants = tuple(v for v in args.zebra_variants.split(",") if v)
    results["zebra"] = zebra.measure(args.file, queries, args.records, variants, log=log)
    save(results)
    ours(source, queries, args.skip_million, results)
    results["comparison"] = compare(results["zebra"], results["ours"])
    results["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    save(results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    print("\n" + human(results))


if __name__ == "__main__":
    main()
