"""Extract an uploaded ZIP without trusting it.

Refused per entry (reported, not extracted, the rest goes on): absolute paths, ``..``,
drive letters, symlinks and other special files (from the Unix mode in the external
attributes), duplicate names (after NFC and case folding, since Windows and macOS would
merge them), encrypted entries, entries deeper than the limit, larger than the limit or
compressed more than the ratio allows. Refused for the whole archive (``IngestError``):
more files than the limit, declared sizes over the total limit or over the ratio overall,
and actual bytes over the total limit while extracting. Declared sizes can lie, so bytes
are counted as they are written and extraction stops at the limit.

Names without the UTF-8 flag are read from the Info-ZIP Unicode Path field if present,
else as UTF-8 if they decode, else in the Vietnamese legacy code page the bytes read best
in (Windows Explorer writes the OEM code page), else CP437.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from thuvien.digital.ingest.errors import ERROR, IngestError, ItemProblem
from thuvien.digital.ingest.limits import Limits
from thuvien.digital.ingest.paths import UnsafeName, is_hidden, safe_relpath
from thuvien.kernel.text import detect_encoding, to_unicode

__all__ = [
    "RATIO_FLOOR",
    "ZipResult",
    "check_archive",
    "copy_limited",
    "extract_zip",
    "member_name",
]

# Entries smaller than this cannot be a bomb whatever their ratio (a page of zeros is fine).
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNICODE_PATH_FIELD = 0x7075


@dataclass
class ZipResult:
    problems: list[ItemProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class _EntryTooLarge(Exception):
    pass


def _unicode_path_field(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field, if present and matching the raw name."""
    extra, offset = info.extra, 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + size]
        offset += 4 + size
        if header_id != _UNICODE_PATH_FIELD or len(body) < 5 or body[0] != 1:
            continue
        if struct.unpack_from("<I", body, 1)[0] != zlib.crc32(raw):
            return None  # the name was changed after the field was written: stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author meant it (see the module docstring)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded it as CP437: undo that
    unicode_field = _unicode_path_field(info, raw)
    if unicode_field is not None:
        return unicode_field
    if raw.isascii():
        return info.orig_filename
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detection = detect_encoding(raw)
    if detection.is_legacy:
        return to_unicode(raw, detection.encoding)
    return info.orig_filename


def _problem(where: str, code: str, vi: str, en: str, level: str = ERROR) -> ItemProblem:
    return ItemProblem(where=where, vi=vi, en=en, code=code, level=level)


def _ratio(size: int, compressed: int) -> float:
    return size / max(compressed, 1)


def _check_count(infos: list[zipfile.ZipInfo], limits: Limits, where: str) -> None:
    files = [info for info in infos if not info.is_dir()]
    if len(files) > limits.max_files:
        raise IngestError(
            f"Quá nhiều tệp: {len(files)}, giới hạn {limits.max_files}",
            f"Too many files: {len(files)}, limit {limits.max_files}",
            where,
            code="too-many-files",
        )


def _check_totals(infos: list[zipfile.ZipInfo], limits: Limits, where: str) -> None:
    files = [info for info in infos if not info.is_dir()]
    total = sum(info.file_size for info in files)
    if total > limits.max_total_bytes:
        raise IngestError(
            f"Tổng dung lượng giải nén {total} byte vượt giới hạn {limits.max_total_bytes}",
            f"Uncompressed total {total} bytes exceeds the limit {limits.max_total_bytes}",
            where,
            code="total-too-large",
        )
    compressed = sum(info.compress_size for info in files)
    if total > RATIO_FLOOR and _ratio(total, compressed) > limits.max_ratio:
        raise IngestError(
            f"Nghi bom nén: tỉ lệ nén toàn tệp {_ratio(total, compressed):.0f}:1",
            f"Suspected zip bomb: overall ratio {_ratio(total, compressed):.0f}:1",
            where,
            code="zip-bomb",
        )


def check_archive(infos: list[zipfile.ZipInfo], limits: Limits, where: str) -> None:
    """Refuse a whole archive on declared counts and sizes, before anything is written."""
    _check_count(infos, limits, where)
    _check_totals(infos, limits, where)


def _entry_refusal(info: zipfile.ZipInfo, name: str, limits: Limits) -> ItemProblem | None:
    """Why this entry must not be extracted, judged on its header alone."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return _problem(name, "symlink", "Mục là liên kết tượng trưng", "Entry is a symlink")
    if kind not in (0, stat.S_IFREG):
        return _problem(name, "special-file", "Mục không phải tệp thường", "Not a regular file")
    if info.flag_bits & _ENCRYPTED_FLAG:
        return _problem(name, "encrypted", "Mục được mã hoá", "Entry is encrypted")
    if info.file_size > limits.max_file_bytes:
        return _problem(
            name,
            "file-too-large",
            f"Tệp quá lớn: {info.file_size} byte, giới hạn {limits.max_file_bytes}",
            f"File too large: {info.file_size} bytes, limit {limits.max_file_bytes}",
        )
    ratio = _ratio(info.file_size, info.compress_size)
    if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
        return _problem(
            name,
            "zip-bomb",
            f"Nghi bom nén: tỉ lệ nén {ratio:.0f}:1, giới hạn {limits.max_ratio}:1",
            f"Suspected zip bomb: compression ratio {ratio:.0f}:1, limit {limits.max_ratio}:1",
        )
    return None


def copy_limited(source: IO[bytes], target: IO[bytes], limit: int) -> int:
    """Copy at most ``limit`` bytes; ``_EntryTooLarge`` as soon as there is one more."""
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > limit:
            raise _EntryTooLarge
        target.write(chunk)
    return written


class _Extractor:
    def __init__(self, archive: zipfile.ZipFile, dest: Path, limits: Limits, where: str):
        self.archive, self.dest, self.limits, self.where = archive, dest, limits, where
        self.result = ZipResult()
        self.names: set[str] = set()  # case-folded files written
        self.folders: set[str] = set()  # case-folded folders implied by them
        self.total = 0

    def run(self) -> ZipResult:
        infos = self.archive.infolist()
        _check_count(infos, self.limits, self.where)
        admitted = [entry for info in infos if (entry := self._admit(info))]
        # Entries refused one by one (a bomb among them) are named; the rest, together,
        # must still keep to the total and the overall ratio.
        _check_totals([info for info, _, _ in admitted], self.limits, self.where)
        for info, rel, name in admitted:
            self._extract(info, rel, name)
        return self.result

    def _refuse(self, problem: ItemProblem) -> None:
        self.result.problems.append(problem)

    def _admit(self, info: zipfile.ZipInfo) -> tuple[zipfile.ZipInfo, str, str] | None:
        """``(info, relpath, name)`` if the entry may be extracted; else reported."""
        name = member_name(info)
        try:
            rel = safe_relpath(name)
        except UnsafeName as unsafe:
            self._refuse(_problem(name, unsafe.code, unsafe.vi, unsafe.en))
            return None
        if rel.split("/")[0].casefold() == "__macosx":
            self.result.ignored.append(rel)  # resource forks of macOS's archiver
            return None
        if info.is_dir():
            return None  # folders are made for the files inside them
        refusal = _entry_refusal(info, name, self.limits) or self._name_refusal(rel, name)
        if refusal:
            self._refuse(refusal)
            return None
        return info, rel, name

    def _name_refusal(self, rel: str, name: str) -> ItemProblem | None:
        parts = rel.split("/")
        if len(parts) > self.limits.max_depth:
            return _problem(
                name,
                "too-deep",
                f"Thư mục lồng quá sâu: {len(parts)} cấp, giới hạn {self.limits.max_depth}",
                f"Folders nested too deep: {len(parts)} levels, limit {self.limits.max_depth}",
            )
        key = rel.casefold()
        parents = {"/".join(parts[:i]).casefold() for i in range(1, len(parts))}
        if key in self.names or key in self.folders or parents & self.names:
            return _problem(
                name,
                "duplicate-name",
                "Tên trùng với một mục khác trong tệp ZIP",
                "Name clashes with another entry in the ZIP",
            )
        self.names.add(key)
        self.folders |= parents
        return None

    def _extract(self, info: zipfile.ZipInfo, rel: str, name: str) -> None:
        target = self.dest.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        budget = self.limits.max_total_bytes - self.total
        limit = min(info.file_size, self.limits.max_file_bytes, budget)
        try:
            with self.archive.open(info) as source, open(target, "xb") as out:
                self.total += copy_limited(source, out, limit)
        except _EntryTooLarge:
            target.unlink(missing_ok=True)
            self._too_large(info, name, budget)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            target.unlink(missing_ok=True)
            self._refuse(
                _problem(name, "corrupt-entry", f"Mục ZIP hỏng: {exc}", f"Corrupt ZIP entry: {exc}")
            )
        else:
            _set_mtime(target, info)
            if is_hidden(rel):
                self.result.ignored.append(rel)

    def _too_large(self, info: zipfile.ZipInfo, name: str, budget: int) -> None:
        if budget < min(info.file_size, self.limits.max_file_bytes):
            raise IngestError(
                f"Dung lượng giải nén vượt giới hạn {self.limits.max_total_bytes} byte",
                f"Extracted bytes exceed the limit of {self.limits.max_total_bytes}",
                f"{self.where}: {name}",
                code="total-too-large",
            )
        self._refuse(
            _problem(
                name,
                "size-mismatch",
                "Mục giải nén ra nhiều byte hơn khai báo",
                "Entry inflates to more bytes than declared",
            )
        )


def _set_mtime(target: Path, info: zipfile.ZipInfo) -> None:
    """Keep the entry's modification time (provenance); a bad timestamp is no reason to fail."""
    try:
        stamp = datetime(*info.date_time).timestamp()
        os.utime(target, (stamp, stamp))
    except (ValueError, OverflowError, OSError):
        pass
    target.chmod(0o644)  # never the archive's modes (setuid, world-writable)


def extract_zip(zip_path: Path, dest: Path, limits: Limits) -> ZipResult:
    """Extract ``zip_path`` into the empty folder ``dest`` (see the module docstring)."""
    where = zip_path.name
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            f"Tệp ZIP hỏng: {exc}", f"Corrupt ZIP file: {exc}", where, code="bad-zip"
        ) from exc
    with archive:
        return _Extractor(archive, dest, limits, where).run()
