"""OCR speed and accuracy on rendered pages of real Vietnamese text, against the tesseract CLI.

Pages: N pages (default 12, A4 at 300 dpi) typeset from the ministry plan
(shared/seed/000_5247bfe682b45f2e.txt) and the titles of the Library of Congress Vietnamese
records (shared/data/marc/lc-vie), or from the package's sample text if shared/ is not beside
the project; the fonts alternate (DejaVu Serif and Sans, 10-11 pt). The second half is made
into poor scans (skew 0.5-3 degrees, blur, faint ink, uneven light, noise, some saved as JPEG),
each different and reproducible (seeded).

In one run it prints:
- (a) our ``OcrPool`` on P processes (default 2), preprocess="auto": s/page and pages/hour,
  first with the workers' start-up (spawn, model load) and then warm;
- (b) the tesseract CLI page by page (``tesseract page.png out -l vie hocr``), P at a time
  with ``OMP_THREAD_LIMIT=1``, and one at a time with tesseract's default OpenMP threading;
- (c) CER (NFC, whitespace collapsed) of clean and degraded pages with pre-processing off,
  forced on, and "auto", against the goals: <= 1% clean, <= 5% degraded after pre-processing.

    .venv/bin/python bench/ocr_pages.py [--pages 12] [--size A4|A5] [--processes 2]

Pages and outputs go to bench/data/ocr-pages/ (git-ignored). Exits with 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from thuvien.digital.ocr.cer import cer
from thuvien.digital.ocr.engine import OcrFailure, OcrPage, OcrPool
from thuvien.digital.ocr.testpages import (
    GroundTruth,
    degrade,
    lc_titles,
    plan_paragraphs,
    render_pages,
    sample_paragraphs,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PLAN = SHARED / "seed" / "000_5247bfe682b45f2e.txt"
LC = SHARED / "data" / "marc" / "lc-vie" / "lc_booksall2016_part01_vie.mrc"
OUT = ROOT / "bench" / "data" / "ocr-pages"
SIZES = {"A4": (210, 297, 20), "A5": (148, 210, 15)}  # width, height, margin in mm
FONTS = ["DejaVu Serif 11", "DejaVu Sans 10", "DejaVu Serif 10", "DejaVu Sans 11"]
GOAL_CLEAN, GOAL_DEGRADED = 0.01, 0.05


def source_text() -> tuple[list[str], str]:
    if PLAN.exists() and LC.exists():
        plan, titles = plan_paragraphs(PLAN), lc_titles(LC)
        # titles in runs of five between stretches of prose, as in a bibliography section
        mixed: list[str] = []
        for index, paragraph in enumerate(plan):
            mixed.append(paragraph)
            if index % 6 == 5:
                mixed.extend(titles[index // 6 * 5 : index // 6 * 5 + 5])
        return mixed, f"{PLAN.name} + {LC.name}"
    return sample_paragraphs(), "sample_vi.txt"


def scan_damage(rng: random.Random) -> dict:
    return {
        "skew": round(rng.choice([-1, 1]) * rng.uniform(0.5, 3.0), 2),
        "blur": round(rng.uniform(0.6, 1.2), 2),
        "noise": round(rng.uniform(8, 25), 1),
        "contrast": round(rng.uniform(0.4, 0.65), 2),
        "shading": round(rng.uniform(0.1, 0.35), 2),
        "jpeg_quality": rng.choice([None, None, 60, 75]),
    }


def make_pages(count: int, size: str, folder: Path) -> tuple[list[GroundTruth], list[dict]]:
    width, height, margin = SIZES[size]
    paragraphs, _ = source_text()
    clean = render_pages(
        paragraphs,
        folder / "clean",
        count,
        fonts=FONTS,
        width_mm=width,
        height_mm=height,
        margin_mm=margin,
    )
    rng = random.Random(2026)
    pages, damage = [], []
    for index, truth in enumerate(clean):
        if index < count // 2:
            pages.append(truth)
            damage.append({})
            continue
        params = scan_damage(rng)
        suffix = ".jpg" if params["jpeg_quality"] else ".png"
        path = folder / "degraded" / f"{truth.path.stem}{suffix}"
        degrade(truth.path, path, seed=index, **params)
        pages.append(GroundTruth(truth.text, path))
        damage.append(params)
    return pages, damage


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pool(pool: OcrPool, paths: list[Path], preprocess) -> tuple[list, float, float]:
    """Results, wall seconds and the workers' CPU seconds (the worker processes stay the same
    from one run to the next unless one dies)."""
    before = cpu_of(pool.worker_pids)
    start = time.perf_counter()
    results = list(pool.map(paths, preprocess=preprocess))
    wall = time.perf_counter() - start
    return results, wall, cpu_of(pool.worker_pids) - before


def run_cli(paths: list[Path], parallel: int, env: dict, out: Path) -> tuple[float, float]:
    out.mkdir(parents=True, exist_ok=True)

    def one(path: Path) -> None:
        subprocess.run(
            ["tesseract", str(path), str(out / path.stem), "-l", "vie", "hocr"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    cpu, start = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(parallel) as threads:
        list(threads.map(one, paths))
    return time.perf_counter() - start, children_cpu() - cpu


def rates(pages: list[GroundTruth], results: list, part: slice) -> tuple[float, float, int]:
    """Mean and worst CER over a part of the pages, and the count of failed/empty pages."""
    values, bad = [], 0
    for truth, result in zip(pages[part], results[part], strict=True):
        if isinstance(result, OcrFailure) or result.empty:
            bad += 1
            values.append(1.0)
        else:
            values.append(cer(truth.text, result.text))
    return statistics.mean(values), max(values), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--size", choices=sorted(SIZES), default="A4")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        raise SystemExit("tesseract CLI not found (Debian: tesseract-ocr tesseract-ocr-vie)")
    shutil.rmtree(OUT, ignore_errors=True)
    start = time.perf_counter()
    pages, damage = make_pages(args.pages, args.size, OUT)
    paths = [page.path for page in pages]
    half = args.pages // 2
    print(
        f"{args.pages} {args.size} pages at 300 dpi ({half} clean, {args.pages - half} degraded)"
        f" from {source_text()[1]}, {statistics.mean(len(p.text) for p in pages):.0f}"
        f" characters a page; made in {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    for path, params in zip(paths, damage, strict=True):
        if params:
            print(f"  {path.name}: {params}")

    start = time.perf_counter()
    with OcrPool(args.processes) as pool:
        cold, _, _ = run_pool(pool, paths, "auto")
        cold_wall = time.perf_counter() - start
        auto, warm, auto_cpu = run_pool(pool, paths, "auto")
        raw, raw_wall, raw_cpu = run_pool(pool, paths, False)
        prepared, prepared_wall, prepared_cpu = run_pool(pool, paths, True)
    assert [type(r) for r in cold] == [type(r) for r in auto]

    threaded_env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    single_env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cli_parallel, cli_parallel_cpu = run_cli(paths, args.processes, single_env, OUT / "cli-1")
    cli_serial, cli_serial_cpu = run_cli(paths, 1, threaded_env, OUT / "cli-default")

    n = args.pages
    print(
        f"\n(a, b) speed, {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable);"
        f" load average at the end {os.getloadavg()[0]:.1f}"
    )
    print(f"{'run':58} {'s/page':>7} {'pages/h':>8} {'CPU s/page':>11}")
    for label, seconds, cpu in [
        (f"OcrPool x{args.processes}, auto, with start-up (spawn, model load)", cold_wall, None),
        (f"OcrPool x{args.processes}, auto, warm", warm, auto_cpu),
        (f"OcrPool x{args.processes}, no pre-processing", raw_wall, raw_cpu),
        (f"OcrPool x{args.processes}, pre-processing forced", prepared_wall, prepared_cpu),
        (
            f"tesseract CLI, {args.processes} at a time, OMP_THREAD_LIMIT=1",
            cli_parallel,
            cli_parallel_cpu,
        ),
        ("tesseract CLI, one at a time, default threading", cli_serial, cli_serial_cpu),
    ]:
        cpu_cell = f"{cpu / n:11.2f}" if cpu is not None else f"{'':11}"
        print(f"{label:58} {seconds / n:7.2f} {3600 * n / seconds:8.0f} {cpu_cell}")

    print("\n(c) CER (mean / worst; failed or empty pages count as 1.0)")
    print(f"{'pages':10} {'no pre-processing':>20} {'pre-processing':>20} {'auto':>20}")
    missed = False
    for label, part, goal in [
        ("clean", slice(0, half), GOAL_CLEAN),
        ("degraded", slice(half, n), GOAL_DEGRADED),
    ]:
        cells = []
        for results in (raw, prepared, auto):
            mean, worst, bad = rates(pages, results, part)
            cells.append(f"{mean:6.2%} / {worst:6.2%}" + (f" ({bad} bad)" if bad else ""))
        auto_mean = rates(pages, auto, part)[0]
        verdict = "met" if auto_mean <= goal else "MISSED"
        missed |= auto_mean > goal
        print(
            f"{label:10} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20}  goal {goal:.0%}: {verdict}"
        )
    print("median seconds a page takes in a worker (wall, includes assess/prepare)")
    for label, part in [("clean", slice(0, half)), ("degraded", slice(half, n))]:
        cells = []
        for results in (raw, prepared, auto):
            times = [r.seconds for r in results[part] if isinstance(r, OcrPage)]
            cells.append(f"{statistics.median(times):.2f} s" if times else "-")
        print(f"{label:10} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20}")
    chosen = sum(1 for r in auto[half:] if isinstance(r, OcrPage) and r.preprocessed)
    clean_chosen = sum(1 for r in auto[:half] if isinstance(r, OcrPage) and r.preprocessed)
    print(f"auto pre-processed {chosen}/{n - half} degraded and {clean_chosen}/{half} clean pages")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
