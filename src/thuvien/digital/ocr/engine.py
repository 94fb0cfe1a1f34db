"""OCR of page images with tesseract (Vietnamese model) in-process through tesserocr.

``OcrEngine`` loads the model once and reuses it page after page (the CLI loads it for every
page). ``OcrPool`` runs one engine per core in worker processes.

Threads: OpenMP reads ``OMP_THREAD_LIMIT`` once, when the library is loaded, and tesseract's
OpenMP threads fight each other when several pages run at once (measured: one single-threaded
process per core is about 4 times faster than tesseract's own threading). This module therefore
sets ``OMP_THREAD_LIMIT=1`` in ``os.environ`` before it imports tesserocr, so the value holds in
this process, in the pool's workers (which import this module first) and in any tesseract
command started from here. (The tesserocr 2.13 wheel's libtesseract is built without OpenMP, so
in-process it runs on one thread anyway; Debian's ``tesseract`` command uses OpenMP.)
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesseract is loaded: see the module docstring

import ctypes
import html
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyvips
import tesserocr
from tesserocr import RIL, iterate_level

from thuvien.digital.ocr.layout import Line, Word, alto_xml, hocr_document, map_hocr_boxes
from thuvien.digital.ocr.preprocess import (
    TARGET_DPI,
    Geometry,
    Quality,
    assess,
    dpi_of,
    grey,
    open_image,
    prepare_with_geometry,
)
from thuvien.kernel.text import nfc

__all__ = [
    "CONFIDENCE_FLOOR",
    "DEFAULT_TESSDATA",
    "Line",
    "OcrEngine",
    "OcrError",
    "OcrFailure",
    "OcrPage",
    "OcrPool",
    "Word",
]

DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
# A page is "empty" when no word with a letter or digit reaches this confidence (0-100): words
# read from specks, stains or show-through are letters at low confidence, and a page of such
# "text" is as empty as a blank one. (Clean print reads at 90-96.)
CONFIDENCE_FLOOR = 50.0
# "auto" retries a page that looked fine with pre-processing when its mean word confidence is
# below this (clean print reads at 90-96; pages tesseract half fails on fall under 70).
AUTO_RETRY_CONFIDENCE = 70.0
Preprocess = bool | Literal["auto"]


class OcrError(ValueError):
    """A page could not be recognised; the message is bilingual and names the file."""


@dataclass
class OcrPage:
    text: str
    lines: list[Line]
    width: int
    height: int
    mean_confidence: float  # mean word confidence, 0-100
    hocr: str
    alto: str | None
    empty: bool  # no word above CONFIDENCE_FLOOR: flag the page, never store it as silently empty
    preprocessed: bool
    seconds: float
    source: str = ""  # the file's path, if the page came from a file
    quality: Quality | None = None  # the assessment, when one was made

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line.words]


@dataclass(frozen=True)
class OcrFailure:
    """A page the pool could not recognise; ``message`` is bilingual and names the file."""

    path: str
    message: str


def _name(image: Path | str | pyvips.Image) -> str:
    if isinstance(image, pyvips.Image):
        filename = image.get("filename") if image.get_typeof("filename") else ""
        return str(filename or "")
    return str(image)


@dataclass
class _Raw:
    """What tesseract found on the (possibly prepared) page, in that page's coordinates."""

    text: str
    lines: list[Line]
    hocr: str
    mean_confidence: float
    empty: bool


class OcrEngine:
    """One loaded tesseract model, reused for every page (not thread-safe: one per process or
    thread)."""

    def __init__(
        self,
        language: str = "vie",
        tessdata: str | None = None,
        psm: int = 3,
        *,
        timeout: float | None = None,
        confidence_floor: float = CONFIDENCE_FLOOR,
    ):
        self.language = language
        self.tessdata = tessdata or os.environ.get("TESSDATA_PREFIX") or DEFAULT_TESSDATA
        self.psm = int(psm)
        self.timeout = timeout
        self.confidence_floor = confidence_floor
        try:
            self._api = tesserocr.PyTessBaseAPI(
                path=self.tessdata.rstrip("/") + "/", lang=language, psm=self.psm
            )
        except RuntimeError as error:
            raise OcrError(
                f"Không nạp được mô hình tesseract '{language}' từ {self.tessdata}: {error} / "
                f"Cannot load the tesseract model '{language}' from {self.tessdata}: {error}"
            ) from error
        self.software = f"tesseract {tesserocr.tesseract_version().split()[1]}"

    def close(self) -> None:
        self._api.End()

    def __enter__(self) -> OcrEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recognise(
        self, image: Path | str | pyvips.Image, *, preprocess: Preprocess = "auto"
    ) -> OcrPage:
        """Recognise one page.

        ``preprocess``: False uses the image as it is (in grey); True runs
        ``preprocess.prepare`` first; "auto" prepares a page that ``assess`` finds poor
        (skewed, noisy, faint or below 250 dpi), and also retries a page it found fine when the
        result is empty or its mean confidence is under ``AUTO_RETRY_CONFIDENCE``, keeping the
        more confident of the two. Boxes are always on the original image.
        """
        if preprocess not in (True, False, "auto"):
            raise ValueError(f"preprocess must be True, False or 'auto', not {preprocess!r}")
        start = time.perf_counter()
        name = _name(image)
        page = _grey_page(image, name)
        quality = _pixels(assess, page, name) if preprocess is not False else None
        poor = quality is not None and quality.poor
        use = preprocess is True or (preprocess == "auto" and poor)
        raw, geometry = self._recognise(page, name, quality if use else None)
        if (
            preprocess == "auto"
            and not use
            and (raw.empty or raw.mean_confidence < AUTO_RETRY_CONFIDENCE)
        ):
            second, second_geometry = self._recognise(page, name, quality)
            if (second.empty, -second.mean_confidence) < (raw.empty, -raw.mean_confidence):
                raw, geometry, use = second, second_geometry, True
        return self._page(raw, geometry, name, quality, use, time.perf_counter() - start)

    def _recognise(
        self, page: pyvips.Image, name: str, quality: Quality | None
    ) -> tuple[_Raw, Geometry]:
        """OCR of the page as it is (``quality`` None) or prepared for that quality."""
        if quality is None:
            prepared = page
            geometry = Geometry(1.0, 0.0, page.width, page.height, page.width, page.height)
        else:
            prepared, geometry = _pixels(prepare_with_geometry, page, name, quality)
        pixels = _pixels(lambda im: bytes(im.write_to_memory()), prepared, name)
        dpi = (dpi_of(page) or TARGET_DPI) * geometry.scale
        return self._run(pixels, prepared.width, prepared.height, dpi, name), geometry

    def _run(self, pixels: bytes, width: int, height: int, dpi: float, name: str) -> _Raw:
        api = self._api
        api.SetImageBytes(pixels, width, height, 1, width)
        api.SetSourceResolution(round(dpi))
        if not api.Recognize(timeout=round((self.timeout or 0) * 1000)):
            api.Clear()
            raise OcrError(
                f"Tesseract không nhận dạng được {name or 'ảnh'} (quá thời gian hoặc lỗi) / "
                f"Tesseract failed on {name or 'the image'} (timed out or failed)"
            )
        lines = _read_lines(api)
        words = [word for line in lines for word in line.words]
        mean = sum(w.confidence for w in words) / len(words) if words else 0.0
        empty = not any(_meaningful(w, self.confidence_floor) for w in words)
        text = nfc(api.GetUTF8Text() or "")
        raw = _Raw(text, lines, api.GetHOCRText(0) or "", round(mean, 2), empty)
        api.Clear()
        return raw

    def _page(
        self,
        raw: _Raw,
        geometry: Geometry,
        name: str,
        quality: Quality | None,
        prepared: bool,
        seconds: float,
    ) -> OcrPage:
        width, height = geometry.source_width, geometry.source_height
        lines = raw.lines if geometry.identity else [_moved(line, geometry) for line in raw.lines]
        hocr = raw.hocr.replace('image "unknown"', f'image "{html.escape(Path(name).name)}"', 1)
        if not geometry.identity:
            hocr = map_hocr_boxes(hocr, geometry.to_source, width, height)
        settings = f"lang={self.language} psm={self.psm} preprocessed={prepared}"
        return OcrPage(
            text=raw.text.strip(),
            lines=lines,
            width=width,
            height=height,
            mean_confidence=raw.mean_confidence,
            hocr=hocr_document(hocr, software=self.software, title=name),
            alto=alto_xml(
                lines, width, height, filename=name, software=self.software, settings=settings
            ),
            empty=raw.empty,
            preprocessed=prepared,
            seconds=round(seconds, 3),
            source=name,
            quality=quality,
        )


def _unreadable(name: str, error: Exception) -> str:
    # libvips errors run over several lines, the cause often on the last ones
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = "; ".join(lines)[:300] or type(error).__name__
    return (
        f"Không đọc được ảnh {name or '(ảnh trong bộ nhớ)'}: {detail} / "
        f"Cannot read image {name or '(in-memory image)'}: {detail}"
    )


def _pixels(function, image, name, *args):
    """Run a pyvips step; libvips decodes lazily, so a damaged file fails here, not at open."""
    try:
        return function(image, *args)
    except pyvips.Error as error:
        raise OcrError(_unreadable(name, error)) from error


def _grey_page(image: Path | str | pyvips.Image, name: str) -> pyvips.Image:
    """The page in 8-bit grey, decoded once into memory (assess, prepare and OCR all read it)."""
    if not isinstance(image, pyvips.Image) and not Path(image).is_file():
        raise OcrError(f"Không có tệp ảnh: {name} / No such image file: {name}")

    def load(target):
        source = target if isinstance(target, pyvips.Image) else open_image(target)
        return grey(source).copy_memory()

    return _pixels(load, image, name)


def _read_lines(api: tesserocr.PyTessBaseAPI) -> list[Line]:
    """Lines and their words from tesseract's result iterator (boxes as x, y, width, height)."""
    lines: list[Line] = []
    iterator = api.GetIterator()
    if iterator is None:
        return lines
    block = -1
    for item in iterate_level(iterator, RIL.WORD):
        try:
            text = item.GetUTF8Text(RIL.WORD)
        except RuntimeError:  # tesserocr raises on an element without text
            continue
        box = item.BoundingBox(RIL.WORD)
        if item.IsAtBeginningOf(RIL.BLOCK):
            block += 1
        if not text or not text.strip() or box is None:
            continue
        if item.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
            x0, y0, x1, y1 = item.BoundingBox(RIL.TEXTLINE) or box
            lines.append(Line("", x0, y0, x1 - x0, y1 - y0, [], max(block, 0)))
        x0, y0, x1, y1 = box
        word = Word(
            nfc(text.strip()), x0, y0, x1 - x0, y1 - y0, round(item.Confidence(RIL.WORD), 2)
        )
        lines[-1].words.append(word)
    for line in lines:
        line.text = " ".join(word.text for word in line.words)
    return [line for line in lines if line.words]


def _moved(line: Line, geometry: Geometry) -> Line:
    words = [
        Word(w.text, *geometry.to_source(w.x, w.y, w.w, w.h), w.confidence) for w in line.words
    ]
    return Line(line.text, *geometry.to_source(line.x, line.y, line.w, line.h), words, line.block)


def _meaningful(word: Word, floor: float) -> bool:
    return word.confidence >= floor and any(ch.isalnum() for ch in word.text)


# --- the pool ------------------------------------------------------------------------------------

_ENGINE: OcrEngine | None = None
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (no orphaned tesseract processes)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the executor's own checks still apply
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _start_worker(parent: int, language: str, tessdata: str | None, psm: int, timeout) -> None:
    global _ENGINE
    _die_with_parent(parent)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    pyvips.concurrency_set(1)  # one core per worker: libvips threads would steal the other's
    _ENGINE = OcrEngine(language, tessdata, psm, timeout=timeout)


def _recognise_in_worker(path: str, preprocess: Preprocess) -> OcrPage | OcrFailure:
    try:
        assert _ENGINE is not None
        return _ENGINE.recognise(Path(path), preprocess=preprocess)
    except Exception as error:  # one bad page must not stop the batch
        if isinstance(error, OcrError):
            return OcrFailure(path, str(error))
        detail = f"{type(error).__name__}: {error}"
        return OcrFailure(
            path, f"Lỗi khi nhận dạng {path}: {detail} / OCR failed on {path}: {detail}"
        )


class OcrPool:
    """One OCR worker process per core, each with its own engine, the model loaded once.

    ``map`` yields results in the order of the paths given: an ``OcrPage``, or an ``OcrFailure``
    for a page that could not be read or recognised, after which the pool carries on. A worker
    that dies (crash, out of memory) is replaced; the pages it may have been working on are
    retried one at a time, so the page that kills a worker is the one reported as failed.

    Workers are started with "spawn" (no copy of the parent's threads or open files) and are
    killed by the kernel if the parent dies (PR_SET_PDEATHSIG, which is tied to the thread that
    started them: use the pool from a thread that outlives it, such as the main thread).
    """

    def __init__(
        self,
        processes: int | None = None,
        language: str = "vie",
        *,
        tessdata: str | None = None,
        psm: int = 3,
        timeout: float | None = None,
    ):
        self.processes = processes or len(os.sched_getaffinity(0))
        # Load the model here once first: a wrong language or tessdata is then an OcrError
        # now, not a worker dying at start-up on every page.
        OcrEngine(language, tessdata, psm).close()
        self._init = (os.getpid(), language, tessdata, psm, timeout)
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=self._init,
        )

    def _restart(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new_executor()

    @property
    def worker_pids(self) -> list[int]:
        return sorted((self._executor._processes or {}).keys())

    def _submit(self, path: str, preprocess: Preprocess) -> Future:
        try:
            return self._executor.submit(_recognise_in_worker, path, preprocess)
        except BrokenProcessPool:  # a worker died while the pool was idle
            self._restart()
            return self._executor.submit(_recognise_in_worker, path, preprocess)

    def map(
        self, paths: Iterable[Path | str], *, preprocess: Preprocess = "auto"
    ) -> Iterator[OcrPage | OcrFailure]:
        """Results in order; at most two pages per worker are queued at any time."""
        pending: deque[tuple[str, Future]] = deque()
        source = iter(paths)
        window = 2 * self.processes
        while True:
            while len(pending) < window:
                path = next(source, None)
                if path is None:
                    break
                pending.append((str(path), self._submit(str(path), preprocess)))
            if not pending:
                return
            try:
                result = pending[0][1].result()
            except BrokenProcessPool:
                yield from self._after_crash(pending, preprocess)
                continue
            pending.popleft()
            yield result

    def _after_crash(
        self, pending: deque[tuple[str, Future]], preprocess: Preprocess
    ) -> Iterator[OcrPage | OcrFailure]:
        """Pages in flight when a worker died: keep finished results, redo the rest one by one,
        so that a page that kills its worker again is the one reported."""
        suspects = list(pending)
        pending.clear()
        self._restart()
        for path, future in suspects:
            if future.done() and not future.cancelled() and future.exception() is None:
                yield future.result()
                continue
            try:
                yield self._submit(path, preprocess).result()
            except BrokenProcessPool:
                self._restart()
                yield OcrFailure(
                    path,
                    f"Tiến trình OCR dừng đột ngột khi nhận dạng {path} / "
                    f"The OCR worker died while recognising {path}",
                )

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
