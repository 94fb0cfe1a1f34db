"""ISO 2709 reading speed on 250,000 real records, against pymarc and yaz-marcdump, and a
field-for-field check of our reader against pymarc's on every record.

Data: the Library of Congress "Books All 2016 part 01" file that ships in the PyPI sdist of
pymarc 5.4.0 (fetched and checked by sha256 if it is missing).

In one run it prints records/s of:
- ours: ``read_iso2709`` (framing, directory, UTF-8/MARC-8/legacy detection, NFC, Record);
- pymarc 5.4.0: ``MARCReader(to_unicode=True, force_utf8=True)`` (no NFC);
- yaz-marcdump (C): ``-n`` (parse only) and ``-o line`` (parse and print);
and the number of records whose fields differ from pymarc's (pymarc's values put in NFC),
which must be 0 (the script exits with 1 otherwise).

    .venv/bin/python bench/marc_reader.py [--file PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib.metadata import version
from itertools import islice
from pathlib import Path

import pymarc

from thuvien.catalog.marc.encodings import nfc
from thuvien.catalog.marc.readers import read_iso2709
from thuvien.catalog.marc.record import ControlField, Record

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "BooksAll.2016.part01.utf8"
PYMARC = version("pymarc")
PIP_DOWNLOAD = [
    *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
    *("--no-binary", ":all:", "pymarc==5.4.0", "-d"),
]
SHA256 = "dfdcdad30e0e0a82b0aec831c1a08b61c6199eb8ee0d71ff7953213f20eb0e47"


def ensure_data(path: Path) -> Path:
    """The LC file, taken from pymarc 5.4.0's sdist (as shared/tools/get-lc-books does)."""
    if path.exists():
        return path
    print(f"fetching {path.name} from the pymarc 5.4.0 sdist ...", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([*PIP_DOWNLOAD, tmp], check=True)
        with tarfile.open(Path(tmp) / "pymarc-5.4.0.tar.gz") as archive:
            member = archive.extractfile("pymarc-5.4.0/BooksAll.2016.part01.utf8")
            path.write_bytes(member.read())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        path.unlink()
        raise SystemExit(f"{path.name}: sha256 {digest} is not the expected {SHA256}")
    return path


def ours(path: Path, limit: int | None) -> tuple[int, int, float]:
    start = time.perf_counter()
    count = errors = 0
    with path.open("rb") as handle:
        for item in islice(read_iso2709(handle), limit):
            count += 1
            errors += item.record is None
    return count, errors, time.perf_counter() - start


def theirs(path: Path, limit: int | None) -> tuple[int, int, float]:
    start = time.perf_counter()
    count = errors = 0
    with path.open("rb") as handle:
        for record in islice(pymarc.MARCReader(handle, to_unicode=True, force_utf8=True), limit):
            count += 1
            errors += record is None
    return count, errors, time.perf_counter() - start


def yaz(path: Path, options: list[str]) -> float | None:
    if shutil.which("yaz-marcdump") is None:
        return None
    start = time.perf_counter()
    subprocess.run(
        ["yaz-marcdump", *options, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def shape(record: Record) -> list:
    return [
        (f.tag, f.value) if isinstance(f, ControlField) else (f.tag, f.indicators, f.subfields)
        for f in record.fields
    ]


def pymarc_shape(record: pymarc.Record) -> list:
    return [
        (f.tag, nfc(f.data))
        if f.is_control_field()
        else (f.tag, "".join(f.indicators), [(s.code, nfc(s.value)) for s in f.subfields])
        for f in record.fields
    ]


def compare(path: Path, limit: int | None) -> tuple[int, int, list[str]]:
    """Records compared, records that differ (fields or leader), the first differences."""
    compared = differing = 0
    examples: list[str] = []
    with (
        path.open("rb") as mine,
        path.open("rb") as other,
        contextlib.redirect_stderr(io.StringIO()),
    ):
        pairs = zip(
            read_iso2709(mine),
            pymarc.MARCReader(other, to_unicode=True, force_utf8=True),
            strict=True,
        )
        for item, record in islice(pairs, limit):
            compared += 1
            leader = str(record.leader) if record is not None else ""
            same = (
                record is not None
                and item.record is not None
                and shape(item.record) == pymarc_shape(record)
                and item.record.leader == leader[:9] + "a" + leader[10:]
            )
            if not same:
                differing += 1
                if len(examples) < 5:
                    examples.append(f"record {item.position}: {item.error or 'fields differ'}")
    return compared, differing, examples


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} records/s ({seconds:.2f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="read only the first N records")
    args = parser.parse_args()
    path = ensure_data(args.file)
    path.read_bytes()  # warm the page cache so that no reader pays for the disk
    print(f"file: {path} ({path.stat().st_size:,} bytes)")

    count, errors, seconds = ours(path, args.limit)
    print(f"ours (read_iso2709):        {rate(count, seconds)}, {errors} unreadable")
    their_count, their_errors, their_seconds = theirs(path, args.limit)
    print(
        f"pymarc {PYMARC} MARCReader:   {rate(their_count, their_seconds)}, "
        f"{their_errors} unreadable"
    )
    if args.limit is None:
        for options in (["-n"], ["-o", "line"]):
            seconds_yaz = yaz(path, options)
            if seconds_yaz is None:
                print("yaz-marcdump: not installed (Debian: apt-get install yaz)")
                break
            label = f"yaz-marcdump {' '.join(options)}:"
            print(f"{label:<28}{rate(count, seconds_yaz)}")
    print(f"ours / pymarc: {their_seconds / seconds:.2f}x")

    compared, differing, examples = compare(path, args.limit)
    print(
        f"compared field for field with pymarc (values in NFC): {compared:,} records, "
        f"{differing} mismatching"
    )
    for example in examples:
        print(f"  {example}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
