"""Z39.50 harvesting through YAZ's ``yaz-client`` (Debian package ``yaz``): no maintained
Python Z39.50 client exists.

One yaz-client process per page: open the target, search (PQF), present a range of records
in USMARC, quit. yaz-client appends the records it receives, as received (ISO 2709), to the
file given with ``-m``; its screen output is only read for the hit count and diagnostics.
The process runs in a temporary directory with a deadline and a cap on what it writes, and
the query and target are checked first so that nothing can be slipped into its commands.
The cursor is the next start position (1-based, as Z39.50 counts).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from thuvien.catalog.harvest.base import Cursor, HarvestConfig, Harvested, Page, register
from thuvien.catalog.harvest.errors import HarvestError, Transient
from thuvien.catalog.harvest.retry import Limits, RetryNotice, with_retries
from thuvien.catalog.marc.iso2709 import frames

__all__ = ["Presented", "Target", "check_pqf", "parse_target", "present"]

# Zebra's (and so Koha's) "every record" query; other servers need a query of their own.
ALL_RECORDS = '@attr 1=_ALLRECORDS @attr 2=103 ""'
OUTPUT_CAP = 4 * 2**20  # yaz-client's screen output kept for reading (it echoes records)
OUT_OF_RANGE = 13  # Bib-1 diagnostic: present request out of range
_TARGET = re.compile(
    r"^(?:tcp:)?(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r":(?P<port>\d{1,5})(?:/(?P<database>[A-Za-z0-9_.-]{1,64}))?$"
)
_HITS = re.compile(r"Number of hits: (\d+)")
_DIAGNOSTIC = re.compile(r"^\s*\[(\d+)\]\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    database: str

    def zurl(self) -> str:
        return f"tcp:{self.host}:{self.port}/{self.database}"


def parse_target(text: str) -> Target:
    """``host:port/database`` (the registry's form; ``tcp:`` allowed in front)."""
    match = _TARGET.match(text.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise HarvestError(
            f"Địa chỉ Z39.50 {text!r} sai (cần máy:cổng/cơ sở dữ liệu, ví dụ "
            "z3950.thuvien.vn:210/biblios)",
            f"Bad Z39.50 address {text!r} (host:port/database expected, e.g. "
            "z3950.library.example:210/biblios)",
            code="bad-endpoint",
        )
    return Target(match["host"], int(match["port"]), match["database"] or "Default")


def check_pqf(query: str) -> str:
    """The PQF query if it is one line with balanced quotes, else a clear error."""
    query = query.strip()
    problem = None
    if not query:
        problem = ("truy vấn rỗng", "the query is empty")
    elif any(ord(c) < 32 or ord(c) == 127 for c in query):
        problem = ("có ký tự điều khiển hoặc xuống dòng", "it has control characters or newlines")
    elif _unbalanced(query):
        problem = ("dấu ngoặc kép chưa đóng", "an unclosed double quote")
    if problem:
        raise HarvestError(
            f"Truy vấn PQF {query!r} sai: {problem[0]}",
            f"Malformed PQF query {query!r}: {problem[1]}",
            code="bad-pqf",
        )
    return query


def _unbalanced(query: str) -> bool:
    return re.sub(r"\\.", "", query).count('"') % 2 == 1


@dataclass(frozen=True)
class Presented:
    """What one yaz-client run brought back."""

    hits: int | None
    data: bytes  # ISO 2709 records, as received
    diagnostics: list[tuple[int, str]]


def yaz_client() -> str:
    path = shutil.which("yaz-client")
    if path is None:
        raise HarvestError(
            "Không tìm thấy yaz-client: cài gói Debian yaz (make system-deps)",
            "yaz-client not found: install the Debian package yaz (make system-deps)",
            code="no-yaz",
        )
    return path


def present(target: Target, query: str, start: int, count: int, limits: Limits) -> Presented:
    """Search ``query`` and fetch ``count`` records from ``start`` in one yaz-client run."""
    program = yaz_client()
    with tempfile.TemporaryDirectory(prefix="thuvien-z3950-") as folder:
        work = Path(folder)
        commands = work / "commands"
        commands.write_text(
            f"open {target.zurl()}\nformat usmarc\nfind {check_pqf(query)}\n"
            f"show {start}+{count}\nquit\n",
            encoding="utf-8",
        )
        dump, screen = work / "records.mrc", work / "screen.txt"
        with screen.open("wb") as output:
            process = subprocess.Popen(
                [program, "-f", str(commands), "-m", str(dump)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=work,
            )
            _wait(process, dump, screen, limits, target)
        with screen.open("rb") as handle:
            text = handle.read(OUTPUT_CAP).decode("utf-8", errors="replace")
        data = dump.read_bytes() if dump.exists() else b""
    return _interpret(text, data, target)


def _wait(process: subprocess.Popen, dump: Path, screen: Path, limits: Limits, target) -> None:
    """Wait for yaz-client within the deadline and the size caps; kill it past them."""
    deadline = time.monotonic() + limits.deadline
    while True:
        try:
            process.wait(timeout=0.05)
            return
        except subprocess.TimeoutExpired:
            pass
        problem: Exception | None = None
        if time.monotonic() > deadline:
            problem = Transient(
                f"yaz-client chưa xong sau {limits.deadline:.0f} giây ({target.zurl()})",
                f"yaz-client did not finish within {limits.deadline:.0f} s ({target.zurl()})",
            )
        elif _size(dump) > limits.max_bytes or _size(screen) > 4 * limits.max_bytes + OUTPUT_CAP:
            problem = HarvestError(
                f"Trang Z39.50 vượt giới hạn {limits.max_bytes:,} byte, dừng đọc",
                f"The Z39.50 page exceeds the {limits.max_bytes:,} byte limit, reading stopped",
                code="too-large",
            )
        if problem is not None:
            process.kill()
            process.wait()
            raise problem


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _interpret(text: str, data: bytes, target: Target) -> Presented:
    if "Connecting...error" in text or "Not connected" in text:
        raise Transient(
            f"không kết nối được tới máy chủ Z39.50 {target.zurl()}",
            f"could not connect to the Z39.50 server {target.zurl()}",
        )
    if "query error" in text.lower():
        line = next((ln for ln in text.splitlines() if "query error" in ln.lower()), "")
        raise HarvestError(
            f"yaz-client không hiểu truy vấn PQF: {line.strip()}",
            f"yaz-client could not parse the PQF query: {line.strip()}",
            code="bad-pqf",
        )
    searched, _, presented = text.partition("Sent presentRequest")
    if "Received SearchResponse" not in searched:
        tail = " | ".join(text.strip().splitlines()[-4:])[:400]
        raise Transient(
            f"yaz-client không nhận được trả lời tìm kiếm ({tail})",
            f"yaz-client received no search response ({tail})",
        )
    if "Search was a success" not in searched:  # hits stay None: the search failed
        return Presented(None, data, _diagnostics(searched) or [(0, searched[-300:])])
    hits = _HITS.search(searched)
    return Presented(int(hits[1]) if hits else 0, data, _diagnostics(presented))


def _diagnostics(text: str) -> list[tuple[int, str]]:
    return [(int(code), message.strip()) for code, message in _DIAGNOSTIC.findall(text)]


@register("z39.50")
class Z3950Harvester:
    """Z39.50 as a harvest protocol. Cursor: position (the next record to present), done."""

    format = "iso2709"

    def __init__(
        self,
        config: HarvestConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ):
        self.config = config
        self.query = config.query.strip() or ALL_RECORDS
        self.sleep = sleep
        self.on_retry = on_retry

    def start(self) -> Cursor:
        parse_target(self.config.endpoint)
        check_pqf(self.query)
        yaz_client()
        return {"position": 1}

    def pages(self, cursor: Cursor) -> Iterator[Page]:
        target = parse_target(self.config.endpoint)
        position, hits = cursor.get("position", 1), cursor.get("hits")
        while not cursor.get("done"):
            result = self._page(target, position, hits)
            hits = result.hits
            if position > hits:
                yield Page([], {"position": position, "hits": hits, "done": True}, total=hits)
                return
            records = [
                Harvested(frame.data, self.format, f"Z39.50 {position + offset}")
                for offset, frame in enumerate(frames(io.BytesIO(result.data)))
            ]
            if not records:
                raise HarvestError(
                    f"Máy chủ Z39.50 không trả biểu ghi nào từ vị trí {position}/{hits}",
                    f"The Z39.50 server returned no record from position {position}/{hits}",
                    code="z3950-empty-page",
                )
            position += len(records)
            cursor = {"position": position, "hits": hits, "done": position > hits}
            yield Page(records, cursor, total=hits)

    def _page(self, target: Target, position: int, hits: int | None) -> Presented:
        """The records from ``position``; servers refuse a present that runs past the end
        (diagnostic 13), so the count stops at the last hit once the hit count is known."""
        count = self.config.page_size
        if hits is not None:
            count = max(1, min(count, hits - position + 1))
        result = self._present(target, position, count)
        if result.hits is None:  # the search failed: _interpret saw diagnostics
            raise _fatal(result.diagnostics[0], target)
        last = result.hits - position + 1
        codes = {code for code, _ in result.diagnostics}
        if OUT_OF_RANGE in codes and 0 < last < count:
            result = self._present(target, position, last)
        if result.diagnostics and not result.data and position <= (result.hits or 0):
            raise _fatal(result.diagnostics[0], target)
        return result

    def _present(self, target: Target, position: int, count: int) -> Presented:
        limits = self.config.limits
        return with_retries(
            lambda: present(target, self.query, position, count, limits),
            limits,
            what=(f"Z39.50 {target.zurl()}", f"Z39.50 {target.zurl()}"),
            sleep=self.sleep,
            on_retry=self.on_retry,
        )


def _fatal(diagnostic: tuple[int, str], target: Target) -> HarvestError:
    code, message = diagnostic
    return HarvestError(
        f"Máy chủ Z39.50 {target.zurl()} trả chẩn đoán Bib-1 {code}: {message}",
        f"The Z39.50 server {target.zurl()} returned Bib-1 diagnostic {code}: {message}",
        code=f"bib1-{code}",
    )
