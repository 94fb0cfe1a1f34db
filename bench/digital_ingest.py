"""Digital ingest throughput: pages per hour through `thuvien digital_ingest`, without OCR and
with OCR on every core, in a scratch data directory (SQLite, tantivy), in one run.

Pages: A4 at 300 dpi (2480 x 3508), real Vietnamese text typeset from the sample text, half of
them degraded like poor scans, saved as uncompressed TIFF (what scanners deliver); made once
under bench/data/ (ignored by git) and reused. Each mode ingests the same folder into a fresh
store: probe, SHA-512 + MD5, PRONOM identification, pyramidal TIFF + access JPEG + thumbnail,
OCFL version, replica, index; then OCR with the Vietnamese model and the searchable PDF.
Peer in the same run: ImageMagick's `convert` making the same pyramidal TIFF (when installed),
and the vips CLI, for the derivative step alone (`apt-get install imagemagick` for the first).

    .venv/bin/python bench/digital_ingest.py [--pages 24]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out" / "digital-ingest"
THUVIEN = str(Path(sys.executable).parent / "thuvien")


def make_pages(count: int) -> Path:
    from thuvien.digital.ocr.testpages import degrade, render_pages, sample_paragraphs

    folder = DATA / f"digital-pages-{count}"
    book = folder / "sach-thu"
    if book.is_dir() and len(list(book.glob("*.tif"))) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    book.mkdir(parents=True)
    print(f"rendering {count} A4 pages at 300 dpi ...", flush=True)
    pages = render_pages(
        sample_paragraphs(), book, count, suffix=".tif", width_mm=210, height_mm=297
    )
    for number, truth in enumerate(pages, start=1):
        if number % 2 == 0:
            degraded = truth.path.with_name(truth.path.stem + "-x.tif")
            degrade(truth.path, degraded, seed=number)
            degraded.replace(truth.path)
    return folder


def env_for(mode: str) -> dict:
    data = OUT / mode
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "THUVIEN_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "thuvien.config.settings",
    }
    for name in (
        "DATABASE_URL",
        "THUVIEN_SEARCH_PATH",
        "THUVIEN_DIGITAL_DIR",
        "THUVIEN_OCFL_ROOT",
        "THUVIEN_OCFL_REPLICA",
    ):
        env.pop(name, None)
    return env


def library(env: dict) -> str:
    code = (
        "import django; django.setup();"
        "from thuvien.registry.models import Library;"
        "from thuvien.registry.identifiers import format_identifier;"
        "lib = Library.objects.create(vn_id=format_identifier(1), name='Thư viện đo',"
        " library_type='public', level='province'); print(lib.vn_id)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout.strip().splitlines()[-1]


def ingest(folder: Path, mode: str, pages: int) -> dict:
    env = env_for(mode)
    subprocess.run([THUVIEN, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    vn_id = library(env)
    command = [THUVIEN, "digital_ingest", str(folder), "--library", vn_id, "--json"]
    if mode == "no-ocr":
        command.append("--no-ocr")
    started = time.perf_counter()
    out = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    report = json.loads(out.stdout)
    assert report["published"] == 1, report
    return {
        "mode": mode,
        "pages": pages,
        "seconds": round(seconds, 1),
        "s_per_page": round(seconds / pages, 2),
        "pages_per_hour": round(pages * 3600 / seconds),
    }


def peers(folder: Path) -> list[dict]:
    files = sorted((folder / "sach-thu").glob("*.tif"))
    scratch = OUT / "peer"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    rows = []
    commands = {
        "vips CLI tiffsave pyramid": lambda f, o: [
            "vips",
            "tiffsave",
            str(f),
            str(o),
            "--tile",
            "--pyramid",
            "--tile-width",
            "256",
            "--tile-height",
            "256",
            "--compression",
            "jpeg",
            "--Q",
            "90",
        ],
    }
    if _imagemagick():
        commands["ImageMagick convert pyramid"] = lambda f, o: [
            "convert",
            str(f),
            "-define",
            "tiff:tile-geometry=256x256",
            "-compress",
            "jpeg",
            "-quality",
            "90",
            f"ptif:{o}",
        ]
    for name, build in commands.items():
        started = time.perf_counter()
        for file in files:
            subprocess.run(build(file, scratch / f"{file.stem}.tif"), check=True)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "mode": name,
                "pages": len(files),
                "seconds": round(seconds, 1),
                "s_per_page": round(seconds / len(files), 2),
                "pages_per_hour": round(len(files) * 3600 / seconds),
            }
        )
    return rows


def _imagemagick() -> bool:
    """Debian's ImageMagick (`apt-get install imagemagick`), not a stand-in of the same name."""
    if not shutil.which("convert"):
        return False
    out = subprocess.run(["convert", "-version"], capture_output=True, text=True, check=False)
    return "ImageMagick" in out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    args = parser.parse_args()
    folder = make_pages(args.pages)
    rows = [ingest(folder, "no-ocr", args.pages), ingest(folder, "ocr", args.pages)]
    rows += peers(folder)
    print(f"\n{'mode':32} {'pages':>5} {'s':>7} {'s/page':>7} {'pages/hour':>11}")
    for row in rows:
        print(
            f"{row['mode']:32} {row['pages']:>5} {row['seconds']:>7} {row['s_per_page']:>7} "
            f"{row['pages_per_hour']:>11,}"
        )
    print("RESULT " + json.dumps(rows))


if __name__ == "__main__":
    main()
