"""Open a batch (a folder, a ZIP, or a BagIt bag as a folder or inside a ZIP) safely.

What a batch holds is read here and nowhere else: the payload's files (hidden system files
left out and listed in ``ignored``), the manifest if there is one at the payload root, and
every problem found on the way, per file. Whole-batch refusals (too many files, too many
bytes, a zip bomb, an unreadable bag) raise ``IngestError``; everything else is an
``ItemProblem`` and the rest of the batch goes on. Whether an object holding a file with a
problem is published is the caller's decision: ``BatchSource.problem_files()`` names them.
"""

from __future__ import annotations

import os
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from thuvien.digital.ingest.bags import validate_bag
from thuvien.digital.ingest.errors import ERROR, WARNING, IngestError, ItemProblem
from thuvien.digital.ingest.limits import Limits
from thuvien.digital.ingest.paths import is_hidden, natural_key
from thuvien.digital.ingest.zipsafe import extract_zip

__all__ = [
    "MANIFEST_NAMES",
    "BatchSource",
    "ItemProblem",
    "Limits",
    "SourceFile",
    "open_source",
]

# Looked for at the payload root, in this order (case-insensitively).
MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx", "metadata.csv", "metadata.xlsx")
_EXTRACTED = "extracted"
_STAGING = ".extracting"


@dataclass(frozen=True, slots=True)
class SourceFile:
    relpath: str  # POSIX, NFC, relative to BatchSource.root
    path: Path
    size: int


@dataclass
class BatchSource:
    root: Path
    kind: str  # "folder" | "zip" | "bag"
    files: list[SourceFile]
    manifest: Path | None
    problems: list[ItemProblem]
    bag_info: dict
    name: str = ""  # the folder's or ZIP's name, for objects named after the batch
    ignored: list[str] = field(default_factory=list)  # hidden files left out, by relpath

    def problem_files(self) -> set[str]:
        """Relpaths of files with an error: objects holding them must not be published."""
        return {p.relpath for p in self.problems if p.relpath and p.level == ERROR}

    def batch_errors(self) -> list[ItemProblem]:
        """Errors about the batch as a whole (a bag's Payload-Oxum or tag files)."""
        return [p for p in self.problems if p.relpath is None and p.level == ERROR]


def _relpath(path: Path, root: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _limit_error(what: str, limit: int, where: str) -> IngestError:
    if what == "files":
        return IngestError(
            f"Quá nhiều tệp: hơn {limit}",
            f"Too many files: more than {limit}",
            where,
            code="too-many-files",
        )
    return IngestError(
        f"Tổng dung lượng vượt giới hạn {limit} byte",
        f"Total size exceeds the limit of {limit} bytes",
        where,
        code="total-too-large",
    )


class _Scan:
    """Walk a payload folder without following links, within the limits."""

    def __init__(self, root: Path, limits: Limits, where: str):
        self.root, self.limits, self.where = root, limits, where
        self.files: list[SourceFile] = []
        self.problems: list[ItemProblem] = []
        self.ignored: list[str] = []
        self.total = 0

    def run(self) -> _Scan:
        for folder, dirs, names in os.walk(self.root, followlinks=False):
            base = Path(folder)
            dirs[:] = [name for name in dirs if self._descend(base / name)]
            for name in names:
                self._file(base / name)
        self.files.sort(key=lambda f: natural_key(f.relpath))
        return self

    def _descend(self, folder: Path) -> bool:
        """Whether to walk into ``folder``; what is not walked is reported or listed."""
        rel = _relpath(folder, self.root)
        if folder.is_symlink():
            self._problem(folder, "symlink", "Liên kết tượng trưng", "Symlink")
        elif is_hidden(rel):
            self.ignored.append(rel + "/")  # .git/, __MACOSX/: not read at all
        elif rel.count("/") + 1 >= self.limits.max_depth:
            self._too_deep(folder)
        else:
            return True
        return False

    def _too_deep(self, path: Path) -> None:
        self._problem(
            path,
            "too-deep",
            f"Thư mục lồng quá sâu, giới hạn {self.limits.max_depth} cấp",
            f"Folders nested too deep, limit {self.limits.max_depth} levels",
        )

    def _problem(self, path: Path, code: str, vi: str, en: str) -> None:
        rel = _relpath(path, self.root)
        self.problems.append(ItemProblem(where=rel, vi=vi, en=en, code=code, relpath=rel))

    def _file(self, path: Path) -> None:
        rel = _relpath(path, self.root)
        info = path.lstat()
        if not _utf8(rel):
            # Bytes the file system holds but no text can carry (a legacy-encoded name).
            shown = rel.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            self.problems.append(
                ItemProblem(
                    where=shown,
                    vi="Tên tệp không phải UTF-8, hãy đặt lại tên",
                    en="File name is not UTF-8: rename it",
                    code="bad-name",
                )
            )
        elif is_hidden(rel):
            self.ignored.append(rel)
        elif stat.S_ISLNK(info.st_mode):
            self._problem(path, "symlink", "Liên kết tượng trưng", "Symlink")
        elif not stat.S_ISREG(info.st_mode):
            self._problem(path, "special-file", "Không phải tệp thường", "Not a regular file")
        elif rel.count("/") + 1 > self.limits.max_depth:
            self._too_deep(path)
        elif info.st_size > self.limits.max_file_bytes:
            self._problem(
                path,
                "file-too-large",
                f"Tệp quá lớn: {info.st_size} byte, giới hạn {self.limits.max_file_bytes}",
                f"File too large: {info.st_size} bytes, limit {self.limits.max_file_bytes}",
            )
        else:
            self._add(SourceFile(rel, path, info.st_size))

    def _add(self, source_file: SourceFile) -> None:
        self.files.append(source_file)
        self.total += source_file.size
        if len(self.files) > self.limits.max_files:
            raise _limit_error("files", self.limits.max_files, self.where)
        if self.total > self.limits.max_total_bytes:
            raise _limit_error("bytes", self.limits.max_total_bytes, self.where)


def _take_manifest(scan: _Scan) -> Path | None:
    """Remove the manifest from the payload's files and return it (first by priority)."""
    at_root = {f.relpath.casefold(): f for f in scan.files if "/" not in f.relpath}
    found = [at_root[name] for name in MANIFEST_NAMES if name in at_root]
    if not found:
        return None
    for extra in found[1:]:
        scan.problems.append(
            ItemProblem(
                where=extra.relpath,
                vi=f"Có nhiều tệp mô tả; dùng {found[0].relpath}, bỏ qua tệp này",
                en=f"Several manifests; {found[0].relpath} is used, this one is ignored",
                code="extra-manifest",
                level=WARNING,
            )
        )
    taken = {f.relpath for f in found}
    scan.files = [f for f in scan.files if f.relpath not in taken]
    return found[0].path


def _payload(root: Path, kind: str, name: str, limits: Limits) -> BatchSource:
    bag_info: dict = {}
    problems: list[ItemProblem] = []
    payload = root
    if kind == "bag":
        bag_info, problems = validate_bag(root)
        payload = root / "data"
    scan = _Scan(payload, limits, name).run()
    manifest = _take_manifest(scan)
    return BatchSource(
        root=payload,
        kind=kind,
        files=scan.files,
        manifest=manifest,
        problems=problems + scan.problems,
        bag_info=bag_info,
        name=name,
        ignored=scan.ignored,
    )


def _visible(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not is_hidden(p.name)]


def _zip_root(extracted: Path) -> tuple[Path, str]:
    """Where the batch starts inside an extracted ZIP, and whether it is a bag.

    Zipping a folder usually wraps everything in one top folder; it is stepped into when it
    is a bag or a batch of its own (a manifest, or only sub-folders), but not when it holds
    page images directly: then it is one object named after it.
    """
    if (extracted / "bagit.txt").is_file():
        return extracted, "bag"
    top = _visible(extracted)
    if len(top) != 1 or not top[0].is_dir() or top[0].is_symlink():
        return extracted, "zip"
    inner = top[0]
    if (inner / "bagit.txt").is_file():
        return inner, "bag"
    children = _visible(inner)
    has_manifest = any(c.name.casefold() in MANIFEST_NAMES for c in children)
    if has_manifest or (children and all(c.is_dir() for c in children)):
        return inner, "zip"
    return extracted, "zip"


def _open_zip(path: Path, work_dir: Path, limits: Limits) -> BatchSource:
    work_dir.mkdir(parents=True, exist_ok=True)
    staging, final = work_dir / _STAGING, work_dir / _EXTRACTED
    for leftover in (staging, final):  # an earlier run of this batch: ours to replace
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir()
    try:
        result = extract_zip(path, staging, limits)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rename(final)
    root, kind = _zip_root(final)
    source = _payload(root, kind, path.stem, limits)
    source.problems[:0] = result.problems
    source.ignored[:0] = [r for r in result.ignored if r not in source.ignored]
    return source


def open_source(path: Path, work_dir: Path, limits: Limits | None = None) -> BatchSource:
    """Open the batch at ``path``: a folder, a ZIP (found by content, not by name) or a bag.

    ZIPs are extracted under ``work_dir`` (``work_dir/extracted``, replaced on a re-run);
    folders and bag folders are read where they are.
    """
    limits = limits or Limits()
    path = Path(path)
    if path.is_dir():
        kind = "bag" if (path / "bagit.txt").is_file() else "folder"
        return _payload(path, kind, path.name, limits)
    if path.is_file() and zipfile.is_zipfile(path):
        return _open_zip(path, Path(work_dir), limits)
    if not path.exists():
        raise IngestError("Không tìm thấy lô", "Batch not found", str(path), code="not-found")
    raise IngestError(
        "Lô phải là thư mục, tệp ZIP hoặc túi BagIt",
        "A batch must be a folder, a ZIP file or a BagIt bag",
        path.name,
        code="not-a-batch",
    )
