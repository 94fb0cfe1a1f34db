"""IIIF tile latency: IIPImage (Debian iipimage-server 1.1 under lighttpd) beside ours, same page.

The page is a synthetic 5000x7000 scan (paper shading and grain, justified Vietnamese text at
600 dpi) drawn with pyvips once and kept in bench/data/iiif/: a flat TIFF (what a library
ingests) and the pyramidal TIFF our ingest writes from it (tiles 256x256, JPEG Q90).

- IIPImage: lighttpd and its iipsrv FastCGI processes (one per core) on a free port of
  127.0.0.1, from bench/iipimage/lighttpd.conf.template, serving the pyramidal TIFF over IIIF
  Image API 2 (`/fcgi-bin/iipsrv.fcgi?IIIF=/path/page.tif/{region}/{size}/0/default.jpg`).
- Ours: IIIF Image API 3.0 (`/iiif/3/{identifier}/...`). `--ours auto` (default) ingests the
  flat TIFF into a scratch THUVIEN_DATA_DIR (`thuvien migrate`, `thuvien digital_ingest
  FOLDER --library VN-… --access public --no-ocr --json`; the object is made public if the
  ingest left it otherwise, and the log says so) and serves it with gunicorn in the
  production configuration (docs/operations.md: one worker per core); `--ours URL` times a
  server already running (URL: the image's base URI); `--ours none` skips it.

For each server, after info.json has been asked of every process: the tiles a viewer asks for
at the chosen zoom levels, taken from that server's info.json (tile size and scale factors;
region `x,y,w,h`, or `full` when one tile holds the level, and size `w,`), fetched by 20
concurrent clients with kept-alive connections; a first pass (every tile once: cold for the
server's caches) and a repeated pass (the same tiles again), reported apart as p50/p95/max ms
and requests/s. Every answer is checked: HTTP 200, a JPEG of the size asked for. Then the
whole page reduced (`full/1000,/0/default.jpg`), five times in a row.

    .venv/bin/python bench/iiif_tiles.py                      # both servers
    .venv/bin/python bench/iiif_tiles.py --ours none          # IIPImage only
    .venv/bin/python bench/iiif_tiles.py --ours http://127.0.0.1:8000/iiif/3/ID --levels 1,2,4
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyvips

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import catalog_ingest_search as catalog_bench  # noqa: E402
import catalog_zebra as zebra  # noqa: E402

DATA = BENCH / "data" / "iiif"
OURS_DATA = BENCH / "data" / "iiif-ours"
RESULTS_FILE = BENCH / "data" / "iiif-tiles-results.json"
TEMPLATE = BENCH / "iipimage" / "lighttpd.conf.template"
IIPSRV = Path("/usr/lib/iipimage-server/iipsrv.fcgi")
LIGHTTPD = "/usr/sbin/lighttpd"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WIDTH, HEIGHT = 5000, 7000
CLIENTS = 20
CORES = os.cpu_count() or 2
JPEG_QUALITY = 85  # what our image server encodes tiles at (thuvien.digital.iiif.pyramid)
REDUCED = "full/1000,/0/default.jpg"
REDUCED_TIMES = 5

PARAGRAPHS = (
    "Thư viện là thiết chế văn hóa có chức năng xây dựng, xử lý, lưu giữ, bảo quản, cung cấp "
    "tài nguyên thông tin phục vụ nhu cầu của người sử dụng.",
    "Tài liệu cổ, quý hiếm được số hóa để bảo quản lâu dài và phục vụ bạn đọc trên mạng; mỗi "
    "trang được quét ở độ phân giải cao, lưu dưới dạng ảnh kim tự tháp và phục vụ qua IIIF.",
    "Người đọc có thể phóng to từng chữ, lật trang, tìm kiếm toàn văn trong tài liệu và so "
    "sánh các bản khác nhau của cùng một tác phẩm trên cùng một màn hình.",
    "Việc liên thông dữ liệu giữa các thư viện công cộng, thư viện đại học và Thư viện Quốc "
    "gia Việt Nam giúp giảm trùng lặp trong biên mục và số hóa.",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- the page ------------------------------------------------------------------------------


def scanned_page(width: int = WIDTH, height: int = HEIGHT, margin: int = 420) -> pyvips.Image:
    """A page as a scanner gives it: warm uneven paper with grain, dark justified text."""
    blotches = pyvips.Image.gaussnoise(width // 100 + 1, height // 100 + 1, sigma=5, mean=0)
    shade = blotches.resize(100, kernel="linear").crop(0, 0, width, height)
    shade += pyvips.Image.gaussnoise(width, height, sigma=4, mean=0)
    paper = shade.bandjoin([shade, shade]).linear(1, [238, 229, 208])
    text = _text_block(width - 2 * margin, height - 2 * margin).gaussblur(0.7)
    alpha = text.embed(margin, margin, width, height) / 255.0 * 0.9
    page = paper * (1 - alpha) + alpha * [52, 40, 30]
    return page.cast("uchar").copy(interpretation="srgb")


def _text_block(width: int, max_height: int) -> pyvips.Image:
    """As many paragraphs as fit, whole lines only."""
    for count in range(16, 0, -1):
        body = "\n\n".join(f"{PARAGRAPHS[i % 4]} {PARAGRAPHS[(i + 1) % 4]}" for i in range(count))
        markup = f'<span size="160%"><b>Tuyển tập tư liệu thư viện</b></span>\n\n{body}'
        mask = pyvips.Image.text(markup, font="DejaVu Serif 10", dpi=600, width=width, justify=True)
        if mask.height <= max_height:
            return mask
    raise RuntimeError("the text does not fit the page")


def ensure_page() -> tuple[Path, Path]:
    """The flat TIFF (for our ingest, alone in its folder) and the pyramidal TIFF, made once."""
    flat = DATA / "scan" / f"page-{WIDTH}x{HEIGHT}.tif"
    pyramid = DATA / f"page-{WIDTH}x{HEIGHT}-pyramid.tif"
    if flat.exists() and pyramid.exists():
        return flat, pyramid
    log(f"drawing a {WIDTH}x{HEIGHT} page")
    flat.parent.mkdir(parents=True, exist_ok=True)
    page = scanned_page()
    page.tiffsave(str(flat), compression="lzw", predictor="horizontal")
    # As thuvien.digital.ingest.derivatives writes it.
    pyvips.Image.new_from_file(str(flat), access="sequential").tiffsave(
        str(pyramid),
        tile=True,
        pyramid=True,
        tile_width=256,
        tile_height=256,
        compression="jpeg",
        Q=90,
    )
    return flat, pyramid


# ---- the requests a viewer makes -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tile:
    scale: int
    region: str  # "x,y,w,h" or "full"
    width: int  # size asked as "w,"
    height: int  # the height that width gives

    @property
    def path(self) -> str:
        return f"{self.region}/{self.width},/0/default.jpg"


def tile_plan(info: dict, levels: set[int] | None = None) -> list[Tile]:
    """Every tile of the chosen scale factors, coarsest level first, as OpenSeadragon asks."""
    width, height = info["width"], info["height"]
    spec = info["tiles"][0]
    tile_w, tile_h = spec["width"], spec.get("height", spec["width"])
    tiles = []
    for scale in sorted(spec["scaleFactors"], reverse=True):
        if levels and scale not in levels:
            continue
        step_w, step_h = tile_w * scale, tile_h * scale
        whole = math.ceil(width / scale) <= tile_w and math.ceil(height / scale) <= tile_h
        for y in range(0, height, step_h):
            for x in range(0, width, step_w):
                w, h = min(step_w, width - x), min(step_h, height - y)
                size_w = math.ceil(w / scale)
                region = "full" if whole else f"{x},{y},{w},{h}"
                tiles.append(Tile(scale, region, size_w, round(h * size_w / w)))
    return tiles


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's frame header; None if the bytes are not a JPEG."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF or marker == 0x01 or 0xD0 <= marker <= 0xD8:
            i += 1 if marker == 0xFF else 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            return int.from_bytes(data[i + 7 : i + 9], "big"), height
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


# ---- HTTP ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    ms: float
    status: int
    content_type: str
    size: int
    dimensions: tuple[int, int] | None
    body: bytes = b""


class Client:
    """GETs below one image's base URI, one kept-alive connection per thread."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path + (f"?{parts.query}" if parts.query else "")
        self.local = threading.local()

    def get(self, path: str, keep_body: bool = False) -> Answer:
        for attempt in (1, 2):  # a kept-alive connection the server has closed: once more
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            started = time.perf_counter()
            try:
                conn.request("GET", f"{self.prefix}/{path}")
                response = conn.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                continue
            ms = (time.perf_counter() - started) * 1000
            self.local.conn = None if response.will_close else conn
            if response.will_close:
                conn.close()
            kind = response.getheader("Content-Type", "")
            return Answer(
                ms, response.status, kind, len(body), jpeg_size(body), body if keep_body else b""
            )
        raise AssertionError("unreachable")

    def info(self) -> dict:
        answer = self.get("info.json", keep_body=True)
        if answer.status != 200:
            raise RuntimeError(f"info.json: HTTP {answer.status}: {answer.body[:300]!r}")
        return json.loads(answer.body)


def check(tile: Tile, answer: Answer) -> str | None:
    """What is wrong with an answer, or None."""
    if answer.status != 200:
        return f"HTTP {answer.status}"
    if answer.dimensions is None:
        return f"not a JPEG ({answer.content_type}, {answer.size} bytes)"
    width, height = answer.dimensions
    if width != tile.width or abs(height - tile.height) > 1:
        return f"{width}x{height}, asked {tile.width}x{tile.height}"
    return None


def run_pass(client: Client, tiles: list[Tile], clients: int = CLIENTS) -> dict:
    """Every tile once, ``clients`` at a time; refuses to report timings of wrong answers."""
    with ThreadPoolExecutor(max_workers=clients) as pool:
        started = time.perf_counter()
        answers = list(pool.map(lambda t: client.get(t.path), tiles))
        elapsed = time.perf_counter() - started
    wrong = [(t, problem) for t, a in zip(tiles, answers, strict=True) if (problem := check(t, a))]
    if wrong:
        shown = "; ".join(f"{t.path}: {problem}" for t, problem in wrong[:5])
        raise RuntimeError(f"{len(wrong)} of {len(tiles)} tiles wrong: {shown}")
    by_scale: dict[int, list[float]] = {}
    for tile, answer in zip(tiles, answers, strict=True):
        by_scale.setdefault(tile.scale, []).append(answer.ms)
    return {
        **figures([a.ms for a in answers], elapsed),
        "kib_per_tile": round(statistics.fmean(a.size for a in answers) / 1024, 1),
        "p50_ms_by_scale": {s: round(zebra.percentile(t, 0.5), 2) for s, t in by_scale.items()},
    }


def figures(timings: list[float], elapsed: float) -> dict:
    return {
        "requests": len(timings),
        "p50_ms": round(zebra.percentile(timings, 0.5), 2),
        "p95_ms": round(zebra.percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "requests_per_s": round(len(timings) / elapsed, 1),
    }


def measure(name: str, base: str, levels: set[int] | None, detail: dict) -> dict:
    """The two passes over the tile set and the reduced page, against one running server."""
    client = Client(base)
    with ThreadPoolExecutor(max_workers=2 * CORES) as pool:  # start every worker process
        infos = list(pool.map(lambda _: client.info(), range(4 * CORES)))
    info = infos[0]
    tiles = tile_plan(info, levels)
    log(f"{name}: {len(tiles)} tiles, scale factors {info['tiles'][0]['scaleFactors']}")
    first = run_pass(client, tiles)
    log(f"{name}: first pass {first}")
    repeated = run_pass(client, tiles)
    log(f"{name}: repeated pass {repeated}")
    return {
        **detail,
        "base": base,
        "info": {k: info.get(k) for k in ("width", "height", "tiles", "profile")},
        "first": first,
        "repeated": repeated,
        "reduced": reduced(client, info),
    }


def reduced(client: Client, info: dict) -> dict:
    """The whole page 1000 pixels wide, serially, a few times."""
    wanted = Tile(0, "full", 1000, round(info["height"] * 1000 / info["width"]))
    answers = [client.get(wanted.path) for _ in range(REDUCED_TIMES)]
    problems = {p for a in answers if (p := check(wanted, a))}
    if problems:
        raise RuntimeError(f"{REDUCED}: {', '.join(sorted(problems))}")
    timings = [a.ms for a in answers]
    return {
        "request": REDUCED,
        "first_ms": round(timings[0], 2),
        "median_ms": round(statistics.median(timings), 2),
        "kib": round(answers[0].size / 1024, 1),
    }


# ---- IIPImage ------------------------------------------------------------------------------


def _version(cmd: list[str]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else ""


@contextmanager
def iipimage(pyramid: Path, processes: int = CORES) -> Iterator[tuple[str, dict]]:
    """lighttpd with ``processes`` iipsrv FastCGI processes; the pyramid's IIIF base URI."""
    if not (IIPSRV.exists() and Path(LIGHTTPD).exists()):
        raise RuntimeError("apt-get install iipimage-server lighttpd")
    with tempfile.TemporaryDirectory(prefix="iipimage-") as workdir:
        port = zebra.free_port()
        config = Path(workdir) / "lighttpd.conf"
        config.write_text(
            string.Template(TEMPLATE.read_text()).substitute(
                workdir=workdir,
                port=port,
                iipsrv=IIPSRV,
                processes=processes,
                jpeg_quality=JPEG_QUALITY,
                cache_mib=10,
            )
        )
        server = subprocess.Popen([LIGHTTPD, "-D", "-f", str(config)])
        try:
            zebra.wait_for_port(port, server)
            detail = {
                "server": "IIPImage "
                + _version(["dpkg-query", "-W", "-f", "${Version}", "iipimage-server"]),
                "front": _version([LIGHTTPD, "-v"]),
                "processes": processes,
                "jpeg_quality": JPEG_QUALITY,
                "iiif": "Image API 2",
            }
            yield f"http://127.0.0.1:{port}/fcgi-bin/iipsrv.fcgi?IIIF={pyramid.resolve()}", detail
        finally:
            server.terminate()
            server.wait(timeout=30)


# ---- ours ----------------------------------------------------------------------------------


def phase_open(ident: str) -> str:
    """Run inside Django: the object public (as asked of digital_ingest); its access before."""
    import django

    django.setup()
    from thuvien.digital.models import DigitalObject

    obj = DigitalObject.objects.get(ident=ident)
    if not obj.published:
        raise RuntimeError(f"{ident} is {obj.status}, not published: {obj.problems}")
    DigitalObject.objects.filter(pk=obj.pk).update(access="public")
    return obj.access


def run_here(env: dict, call: str):
    """``call`` (a phase of this module) in a Django process of ``env``; its JSON result."""
    code = (
        f"import sys, json; sys.path.insert(0, {str(BENCH)!r}); "
        f"import iiif_tiles as b; print('RESULT' + json.dumps(b.{call}))"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{call} failed:\n{out.stderr[-4000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


def ingest(env: dict, folder: Path) -> str:
    """A scratch store holding the page: the IIIF base path of its one page (/iiif/3/…)."""
    shutil.rmtree(OURS_DATA, ignore_errors=True)
    OURS_DATA.mkdir(parents=True)
    thuvien = str(BIN / "thuvien")
    subprocess.run([thuvien, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    vn_id = catalog_bench.run_phase(env, "phase_library()")  # that benchmark's library
    out = subprocess.run(
        [
            *(thuvien, "digital_ingest", str(folder), "--library", str(vn_id)),
            *("--access", "public", "--no-ocr", "--json"),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"digital_ingest exited with {out.returncode}:\n{out.stderr[-3000:]}")
    report = json.loads(out.stdout[out.stdout.index("{") :])
    objects = report.get("objects", [])
    pages = [p for obj in objects for p in obj.get("pages", [])] or report.get("pages", [])
    if not pages or not pages[0].get("iiif"):
        raise RuntimeError(f"digital_ingest gave no page with an IIIF address: {out.stdout[:2000]}")
    if objects:
        before = run_here(env, f"phase_open({objects[0]['ident']!r})")
        if before != "public":
            log(f"ours: digital_ingest --access public left the object {before}; opened it")
    return pages[0]["iiif"]


@contextmanager
def start_ours(folder: Path, workers: int = CORES) -> Iterator[tuple[str, dict]]:
    """The page ingested and served by gunicorn (production configuration); its base URI."""
    env = {**catalog_bench.django_env(), "THUVIEN_DATA_DIR": str(OURS_DATA)}  # SQLite, tantivy
    log("ours: migrate, ingest")
    iiif = ingest(env, folder)
    port = zebra.free_port()
    server = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "thuvien.config.wsgi", "-w", str(workers)),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        zebra.wait_for_port(port, server)
        base = iiif if iiif.startswith("http") else f"http://127.0.0.1:{port}{iiif}"
        yield base, {"server": "thuvien (gunicorn)", "processes": workers, "iiif": "Image API 3.0"}
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def given(url: str) -> Iterator[tuple[str, dict]]:
    yield url.rstrip("/"), {"server": "thuvien, already running", "iiif": "Image API 3.0"}


# ---- orchestration -------------------------------------------------------------------------


def run_target(name: str, server, levels: set[int] | None, results: dict) -> None:
    """Measure one server; a failure is recorded and the other server still measured."""
    try:
        with server as (base, detail):
            results[name] = measure(name, base, levels, detail)
    except Exception as exc:  # keep the other server's figures
        log(f"{name}: failed: {exc}")
        results[name] = {"error": f"{type(exc).__name__}: {str(exc)[-3000:]}"}
    save(results)


def save(results: dict) -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def table(results: dict) -> str:
    head = f"{'server':<10} {'pass':<9} {'tiles':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
    lines = [head + f"{'req/s':>8} {'KiB/tile':>9}"]
    for name in ("iipimage", "ours"):
        res = results.get(name)
        if not res:
            continue
        if "error" in res:
            lines.append(f"{name:<10} failed: {res['error'][-300:]}")
            continue
        for label in ("first", "repeated"):
            f = res[label]
            lines.append(
                f"{name:<10} {label:<9} {f['requests']:>6} {f['p50_ms']:>8} {f['p95_ms']:>8} "
                f"{f['max_ms']:>8} {f['requests_per_s']:>8} {f['kib_per_tile']:>9}"
            )
    for name in ("iipimage", "ours"):
        res = results.get(name) or {}
        if "reduced" in res:
            r = res["reduced"]
            lines.append(
                f"{name}: {r['request']} first {r['first_ms']} ms, median of "
                f"{REDUCED_TIMES} {r['median_ms']} ms ({r['kib']} KiB)"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--ours", default="auto", help="auto (ingest and start), none, or the image's base URI"
    )
    parser.add_argument("--skip-iipimage", action="store_true")
    parser.add_argument("--levels", help="scale factors to request, e.g. 1,2,4 (default: all)")
    parser.add_argument("--processes", type=int, default=CORES, help="per server (default: cores)")
    args = parser.parse_args()
    levels = {int(x) for x in args.levels.split(",")} if args.levels else None
    flat, pyramid = ensure_page()
    results: dict = {
        "machine": catalog_bench.machine(),
        "page": {"width": WIDTH, "height": HEIGHT, "pyramid": str(pyramid)},
        "clients": CLIENTS,
    }
    if not args.skip_iipimage:
        run_target("iipimage", iipimage(pyramid, args.processes), levels, results)
    if args.ours == "auto":
        run_target("ours", start_ours(flat.parent, args.processes), levels, results)
    elif args.ours != "none":
        run_target("ours", given(args.ours), levels, results)
    results["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    save(results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    print(
        f"\nIIIF tiles, {CLIENTS} concurrent clients, {results['machine']['date']}, "
        f"load average {results['machine']['load_avg']}"
    )
    print(table(results))


if __name__ == "__main__":
    main()
