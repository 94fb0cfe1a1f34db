"""Fixity audit speed: ``StorageRoot.audit_object`` over an OCFL root of incompressible data,
against GNU ``sha512sum`` on the same content files, measured in one run.

Data: an OCFL 1.1 root under bench/data/ (ignored by git), made on the first run and reused
while its parameters match: ``--objects`` objects of 3 files each (60/30/10 % of the object's
share) of random bytes, ``--size-mb`` in total.

Warm: the files were just read, so they come from the page cache (hashing speed).
Cold: each content file's cached pages are dropped first with posix_fadvise(DONTNEED), which
works without privileges for files already written back (they are fsynced when stored), so
the reads come from the disk; the machine-wide drop_caches is neither allowed nor needed.
Also timed, warm: ocfl-py's own validator with digest checking, the library's equivalent.

    .venv/bin/python bench/fixity_audit.py [--size-mb 1200] [--objects 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ocfl.validator import Validator  # noqa: E402

from thuvien.digital.preservation.ocfl_store import StorageRoot  # noqa: E402

DATA = ROOT / "bench" / "data"
SHARES = (0.6, 0.3, 0.1)  # a master, a smaller master, a derivative


def object_id(index: int) -> str:
    return f"vn-thuvien:obj-{index:06d}"


def ensure_root(size_mb: int, objects: int) -> StorageRoot:
    """The benchmark root, made unless one with the same parameters is there already."""
    path = DATA / f"fixity-root-{size_mb}mb-{objects}"
    marker = path.with_suffix(".json")
    wanted = {"size_mb": size_mb, "objects": objects}
    root = StorageRoot(path)
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return root
    shutil.rmtree(path, ignore_errors=True)
    root.initialize()
    per_object = size_mb * 1_000_000 // objects
    print(f"making {path.name}: {objects} objects x 3 files, {size_mb:,} MB ...", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=DATA) as scratch:
        for index in range(objects):
            folder = Path(scratch) / str(index)
            folder.mkdir()
            for number, share in enumerate(SHARES, start=1):
                write_random(folder / f"{number:04d}.tif", int(per_object * share))
            root.add_version(object_id(index), folder, message="bench", user_name="bench")
            shutil.rmtree(folder)
    marker.write_text(json.dumps(wanted))
    print(f"  made in {time.perf_counter() - started:.1f} s", flush=True)
    return root


def write_random(path: Path, size: int) -> None:
    with open(path, "wb") as handle:
        while size > 0:
            piece = min(size, 8 << 20)
            handle.write(os.urandom(piece))
            size -= piece


def content_files(root: StorageRoot, objects: int) -> list[Path]:
    return [
        held.content_path
        for index in range(objects)
        for held in root.state(object_id(index)).values()
    ]


def evict(files: list[Path]) -> None:
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def warm(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as handle:
            while handle.read(8 << 20):
                pass


def audit_all(root: StorageRoot, objects: int) -> int:
    total = 0
    for index in range(objects):
        report = root.audit_object(object_id(index))
        if report.mismatches:
            raise SystemExit(f"unexpected mismatches: {report.mismatches[:3]}")
        total += report.bytes_read
    return total


def sha512sum_all(files: list[Path], expected: dict[Path, str]) -> int:
    out = subprocess.run(
        ["sha512sum", "--", *map(str, files)], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        digest, name = line.split(maxsplit=1)
        if expected[Path(name.lstrip("*"))] != digest:
            raise SystemExit(f"sha512sum disagrees with the inventory on {name}")
    return sum(path.stat().st_size for path in files)


def ocfl_py_all(root: StorageRoot, objects: int, size: int) -> int:
    for index in range(objects):
        path = root.object_root(object_id(index))
        if not Validator(check_digests=True).validate_object(str(path)):
            raise SystemExit(f"ocfl-py finds {object_id(index)} invalid")
    return size


def timed(run: Callable[[], int], before: Callable[[], None] | None, rounds: int) -> float:
    """Median MB/s over ``rounds`` runs, ``before`` (cache preparation) untimed."""
    rates = []
    for _ in range(rounds):
        if before:
            before()
        started = time.perf_counter()
        size = run()
        rates.append(size / 1e6 / (time.perf_counter() - started))
    return statistics.median(rates)


def versions() -> str:
    coreutils = subprocess.run(
        ["sha512sum", "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    return f"Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION}, {coreutils}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1200, help="total content (MB)")
    parser.add_argument("--objects", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="median of this many runs")
    parser.add_argument("--skip-ocfl-py", action="store_true")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    root = ensure_root(args.size_mb, args.objects)
    files = content_files(root, args.objects)
    expected = {
        held.content_path: held.sha512
        for index in range(args.objects)
        for held in root.state(object_id(index)).values()
    }
    size = sum(path.stat().st_size for path in files)
    print(f"fixity audit: {args.objects} objects, {len(files)} files, {size / 1e6:,.0f} MB")
    print(f"{versions()}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")

    def audit() -> int:
        return audit_all(root, args.objects)

    def coreutils() -> int:
        return sha512sum_all(files, expected)

    def cold() -> None:
        evict(files)

    def hot() -> None:
        warm(files)

    rows = [
        ("audit_object (ours)", timed(audit, hot, args.rounds), timed(audit, cold, args.rounds)),
        ("sha512sum (coreutils)", timed(coreutils, hot, args.rounds),
         timed(coreutils, cold, args.rounds)),
    ]  # fmt: skip
    if not args.skip_ocfl_py:
        rows.append(("ocfl-py Validator, digests", timed(
            lambda: ocfl_py_all(root, args.objects, size), hot, 1), None))  # fmt: skip
    print(f"\n{'':<28}{'warm MB/s':>12}{'cold MB/s':>12}")
    for name, hot_rate, cold_rate in rows:
        cold_text = f"{cold_rate:>12,.0f}" if cold_rate else f"{'-':>12}"
        print(f"{name:<28}{hot_rate:>12,.0f}{cold_text}")
    ours, theirs = rows[0], rows[1]
    print(f"{'ours / sha512sum':<28}{ours[1] / theirs[1]:>11.2f}x{ours[2] / theirs[2]:>11.2f}x")
    print(f"(median of {args.rounds} runs; load average after {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
