"""The union catalogue's peer: Zebra (Debian idzebra-2.0, Koha's engine) on the LC file.

Measures in one run, for each Zebra configuration of bench/zebra/ (a fresh register each
time):
- zebraidx indexing of the 250,000 LC records (ISO 2709, UTF-8, "dom" filter): seconds,
  records/s and the indexer's peak memory;
- zebrasrv (threaded) on 127.0.0.1: the 200 queries of bench/catalog_queries.py over SRU
  (searchRetrieve, CQL, maximumRecords=20, recordSchema=marcxml), title queries in the
  title index (Bib-1 use 4), author queries in the author index (1003), serially and with
  8 concurrent clients; p50/p95 in ms and hit counts. A new connection per request (as for
  our gunicorn side) and, for Zebra's benefit, kept-alive connections per client.

Configurations: "fold" (zebra.cfg: ICU words with diacritics folded, like our search) and
"stock" (zebra-stock.cfg: Zebra's default string.chr words, faster, no folding).

    .venv/bin/python bench/catalog_zebra.py [--records N] [--variants fold,stock]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CONFIG_DIR = BENCH / "zebra"
WORK = BENCH / "data" / "zebra"
LC_FILE = BENCH / "data" / "BooksAll.2016.part01.utf8"
CLIENTS = 8
PAGE = 20
WARMUP = 20


@dataclass(frozen=True)
class Variant:
    name: str
    cfg: str
    gfs: str
    register: str


VARIANTS = {
    "fold": Variant("fold", "zebra.cfg", "yazgfs.xml", "register"),
    "stock": Variant("stock", "zebra-stock.cfg", "yazgfs-stock.xml", "register-stock"),
}


# ---- shared figures and HTTP client (also used by catalog_ingest_search.py) --------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.5), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_run(
    port: int, paths: list[str], clients: int, keepalive: bool = False
) -> tuple[dict, list[bytes]]:
    """GET every path (after a warm-up), ``clients`` at a time: timings and bodies."""
    local = threading.local()

    def fetch(path: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        conn = getattr(local, "conn", None) if keepalive else None
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={} if keepalive else {"Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for {path}: {body[:300]!r}")
        if keepalive and not response.will_close:
            local.conn = conn
        else:
            conn.close()
            local.conn = None
        return (time.perf_counter() - started) * 1000, body

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(fetch, paths[:WARMUP]))
        started = time.perf_counter()
        results = list(pool.map(fetch, paths))
        elapsed = time.perf_counter() - started
    timings = [ms for ms, _ in results]
    figures = {**summary(timings), "requests_per_s": round(len(paths) / elapsed, 1)}
    return figures, [body for _, body in results]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def run_measured(cmd: list[str], **kwargs) -> tuple[float, int, int]:
    """Run a command to its end: (seconds, peak RSS in MiB, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, round(usage.ru_maxrss / 1024), proc.returncode


def du_mib(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 2**20, 1)


# ---- Zebra ----------------------------------------------------------------------------------


def ensure_installed() -> str:
    """zebraidx, zebrasrv and yaz from Debian, installed when missing; their version."""
    if not (shutil.which("zebraidx") and shutil.which("zebrasrv")):
        subprocess.run(["apt-get", "install", "-y", "idzebra-2.0", "yaz"], check=True)
    out = subprocess.run(["zebraidx", "-V"], capture_output=True, text=True, check=False)
    match = re.search(r"Zebra ([\d.]+)", out.stdout + out.stderr)
    return match.group(1) if match else "unknown"


def first_records(source: Path, count: int | None) -> Path:
    """The source file, or a copy of its first ``count`` ISO 2709 records."""
    if not count:
        return source
    target = WORK / f"first-{count}.mrc"
    if target.exists():
        return target
    WORK.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as inp, target.open("wb") as out:
        for _ in range(count):
            head = inp.read(5)
            if len(head) < 5:
                break
            out.write(head + inp.read(int(head) - 5))
    return target


def count_records(path: Path) -> int:
    """ISO 2709 records in a file (record terminators)."""
    total = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            total += block.count(b"\x1d")
    return total


def fresh_register(variant: Variant) -> None:
    shutil.rmtree(WORK / variant.register, ignore_errors=True)
    for name in (variant.register, "lock", "lock-stock", "tmp"):
        (WORK / name).mkdir(parents=True, exist_ok=True)


def zebraidx(variant: Variant, *args: str, log: Path) -> tuple[float, int]:
    with log.open("ab") as out:
        seconds, peak, code = run_measured(
            ["zebraidx", "-c", variant.cfg, *args], cwd=CONFIG_DIR, stdout=out, stderr=out
        )
    if code:
        raise RuntimeError(f"zebraidx {' '.join(args)} failed ({code}); see {log}")
    return seconds, peak


def index(variant: Variant, path: Path) -> dict:
    """A fresh register, then zebraidx update of the whole file, timed."""
    fresh_register(variant)
    log = WORK / f"zebraidx-{variant.name}.log"
    log.unlink(missing_ok=True)
    zebraidx(variant, "init", log=log)
    seconds, peak = zebraidx(variant, "update", str(path), log=log)
    counts = re.findall(r"Records: +(\d+) i/u/d (\d+)/(\d+)/(\d+)", log.read_text(errors="replace"))
    records = int(counts[-1][1]) if counts else 0
    return {
        "input_records": count_records(path),
        "records": records,
        "seconds": round(seconds, 1),
        "records_per_s": round(records / seconds),
        "peak_rss_mib": peak,
        "register_mib": du_mib(WORK / variant.register),
        "warnings": _warnings(log),
    }


def _warnings(log: Path) -> int:
    return sum(
        1 for line in log.read_text(errors="replace").splitlines() if "[warn]" in line.lower()
    )


@contextmanager
def zebrasrv(variant: Variant) -> Iterator[int]:
    """zebrasrv on a free local port, threaded (-T).

    Threaded rather than Zebra's default of one forked process per connection: a forked
    process loads the ICU chains again for each connection (about 12 ms more per request
    with the "fold" configuration when clients do not keep connections alive).
    """
    port = free_port()
    log = WORK / f"zebrasrv-{variant.name}.log"
    proc = subprocess.Popen(
        [
            *("zebrasrv", "-T", "-f", variant.gfs),
            *("-v", "none,fatal,warn", "-l", str(log), f"tcp:127.0.0.1:{port}"),
        ],
        cwd=CONFIG_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def cql(query: dict[str, str], fielded: bool = True) -> str:
    """title/author words, all of them, in the title/author index (or anywhere)."""
    index_name = {"title": "dc.title", "author": "dc.creator"}[query["kind"]]
    if not fielded:
        index_name = "cql.serverChoice"
    text = re.sub(r'([\\"*?^])', r"\\\1", query["text"])  # CQL masking characters
    return f'{index_name} all "{text}"'


def sru_path(cql_query: str, records: int = PAGE) -> str:
    params = {
        "version": "1.2",
        "operation": "searchRetrieve",
        "query": cql_query,
        "maximumRecords": str(records),
        "recordSchema": "marcxml",
    }
    return "/Default?" + urllib.parse.urlencode(params)


def sru_hits(body: bytes) -> tuple[int, int]:
    """(numberOfRecords, records returned) of an SRU response; -1 on a diagnostic."""
    text = body.decode("utf-8", "replace")
    match = re.search(r"numberOfRecords>(\d+)<", text)
    if not match or "<diag:diagnostic" in text or "diagnostic>" in text:
        return -1, 0
    return int(match.group(1)), text.count("<zs:recordData>")


def hit_figures(queries: list[dict[str, str]], bodies: list[bytes]) -> dict:
    hits = [sru_hits(body) for body in bodies]
    totals = [h for h, _ in hits]
    return {
        "hits_median": statistics.median(totals),
        "hits_total": sum(t for t in totals if t > 0),
        "zero_hits": [q["text"] for q, t in zip(queries, totals, strict=True) if t == 0],
        "errors": [q["text"] for q, t in zip(queries, totals, strict=True) if t < 0],
        "records_returned": sum(n for _, n in hits),
    }


def search(port: int, queries: list[dict[str, str]]) -> dict:
    fielded = [sru_path(cql(q)) for q in queries]
    anywhere = [sru_path(cql(q, fielded=False)) for q in queries]
    serial, bodies = http_run(port, fielded, 1)
    out = {
        "serial": serial,
        "concurrent_8": http_run(port, fielded, CLIENTS)[0],
        "serial_keepalive": http_run(port, fielded, 1, keepalive=True)[0],
        "concurrent_8_keepalive": http_run(port, fielded, CLIENTS, keepalive=True)[0],
        "hits": hit_figures(queries, bodies),
    }
    any_serial, any_bodies = http_run(port, anywhere, 1)
    out["anywhere_serial"] = {**any_serial, "hits": hit_figures(queries, any_bodies)}
    return out


def measure(
    source: Path = LC_FILE,
    queries: list[dict[str, str]] | None = None,
    records: int | None = None,
    variants: tuple[str, ...] = ("fold", "stock"),
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> dict:
    """Index and search with each Zebra configuration; the figures as a dict."""
    sys.path.insert(0, str(BENCH))
    from catalog_queries import load_or_make

    version = ensure_installed()
    queries = queries or load_or_make(source=LC_FILE)
    path = first_records(source, records)
    results: dict = {"zebra_version": version, "file": str(path), "queries": len(queries)}
    for name in variants:
        variant = VARIANTS[name]
        log(f"zebra[{name}]: indexing {path.name}")
        figures = {"indexing": index(variant, path)}
        log(f"zebra[{name}]: {figures['indexing']}")
        with zebrasrv(variant) as port:
            figures["sru"] = search(port, queries)
        results[name] = figures
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=LC_FILE)
    parser.add_argument("--records", type=int, help="only the first N records")
    parser.add_argument("--variants", default="fold,stock")
    args = parser.parse_args()
    variants = tuple(v for v in args.variants.split(",") if v)
    results = measure(args.file, records=args.records, variants=variants)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
