"""BagIt 1.0 (RFC 8493) export and validation.

A bag is written here rather than with ``bagit.make_bag``, which moves files around the
source directory, changes the process's working directory (unsafe in a threaded web
server) and declares BagIt 0.97. Each payload file is copied once and hashed (SHA-512 and
MD5) on the way; then the ``bagit`` library validates the finished bag, every checksum
included, before it is handed over. Validation of any bag, ours or received, also goes
through ``bagit``, with each problem reported bilingually and naming its file.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path, PurePosixPath

import bagit

from thuvien.digital.preservation._files import copy_hashed
from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.fixity import digests

__all__ = ["ALGORITHMS", "export_bag", "read_bag_files", "validate_bag"]

ALGORITHMS = ("sha512", "md5")
AGENT = "thuvien (bagit 1.9 checked)"


def export_bag(files: dict[str, Path], dest: Path, info: dict[str, str]) -> Path:
    """Write a bag at ``dest`` (a new or empty directory) whose payload is ``files``
    (path inside ``data/`` -> source file); return ``dest`` once ``bagit`` finds it valid."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise PreservationError(
            "Thư mục đích của túi BagIt đã có dữ liệu",
            "The bag's target directory is not empty",
            str(dest),
        )
    names = {name: _payload_name(name) for name in files}
    try:
        manifests, oxum = _copy_payload(files, names, dest)
        _write_tag_files(dest, manifests, oxum, info)
        problems = validate_bag(dest)
    except Exception:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    if problems:
        shutil.rmtree(dest, ignore_errors=True)
        raise PreservationError(
            "Túi BagIt vừa tạo không hợp lệ",
            "The bag just written is not valid",
            "; ".join(problems),
        )
    return dest


def _payload_name(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or not name:
        raise PreservationError(
            "Tên tệp trong túi BagIt không hợp lệ", "Invalid file name for a bag", name
        )
    return path.as_posix()


def _copy_payload(files, names, dest: Path) -> tuple[dict[str, list[tuple[str, str]]], str]:
    """Copy and hash the payload; the manifests' entries and the Payload-Oxum."""
    manifests: dict[str, list[tuple[str, str]]] = {alg: [] for alg in ALGORITHMS}
    sizes = 0
    for name, source in sorted(files.items()):
        target = dest / "data" / names[name]
        found = copy_hashed(Path(source), target, ALGORITHMS)
        sizes += target.stat().st_size
        for alg in ALGORITHMS:
            manifests[alg].append((found[alg], f"data/{names[name]}"))
    (dest / "data").mkdir(parents=True, exist_ok=True)
    return manifests, f"{sizes}.{len(files)}"


def _encode_path(path: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _write_tag_files(dest: Path, manifests, oxum: str, info: dict[str, str]) -> None:
    _write(dest / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    tags = {"Bagging-Date": date.today().isoformat(), "Bag-Software-Agent": AGENT, **info}
    tags["Payload-Oxum"] = oxum
    lines = []
    for key, value in tags.items():
        text = " ".join(str(value).split())  # a value on one line (no folding needed)
        lines.append(f"{key.strip()}: {text}\n")
    _write(dest / "bag-info.txt", "".join(lines))
    for alg, entries in manifests.items():
        body = "".join(f"{digest}  {_encode_path(path)}\n" for digest, path in entries)
        _write(dest / f"manifest-{alg}.txt", body)
    tag_files = ["bagit.txt", "bag-info.txt", *(f"manifest-{alg}.txt" for alg in manifests)]
    for alg in manifests:
        found = [(digests(dest / name, (alg,))[alg], name) for name in tag_files]
        _write(dest / f"tagmanifest-{alg}.txt", "".join(f"{d}  {n}\n" for d, n in found))


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


# -- validation ---------------------------------------------------------------------------------


def validate_bag(path: Path) -> list[str]:
    """Every problem of the bag at ``path`` (bilingual, naming files); empty if it is valid.

    ``bagit`` stops at the first failing stage (a wrong Payload-Oxum hides which file is
    wrong), so after a failure its completeness and checksum stages are run as well.
    """
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [f"Không mở được túi BagIt / Cannot open the bag ({path}): {exc}"]
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        problems = _details(exc) or [_message(exc, path)]
        if not exc.details:  # a stage before the per-file ones failed: run those too
            problems += _per_file_problems(bag)
        return _unique(problems)
    except bagit.BagError as exc:
        return [_message(exc, path)]
    return []


def _per_file_problems(bag: bagit.Bag) -> list[str]:
    problems: list[str] = []
    for stage in (bag._validate_completeness, lambda: bag._validate_entries(1)):
        try:
            stage()
        except bagit.BagValidationError as exc:
            problems += _details(exc)
        except (bagit.BagError, OSError) as exc:
            problems.append(f"Lỗi túi BagIt / Bag error: {exc}")
    return problems


def _details(exc: bagit.BagValidationError) -> list[str]:
    out = []
    for detail in exc.details or []:
        name = getattr(detail, "path", "?")
        if isinstance(detail, bagit.ChecksumMismatch):
            out.append(
                f"Sai mã băm {detail.algorithm}: {name} / {detail.algorithm} checksum mismatch: "
                f"{name} (expected {detail.expected}, found {detail.found})"
            )
        elif isinstance(detail, bagit.FileMissing):
            out.append(
                f"Thiếu tệp có trong manifest: {name} / File in the manifest is missing: {name}"
            )
        elif isinstance(detail, bagit.UnexpectedFile):
            out.append(f"Tệp không có trong manifest: {name} / File not in the manifest: {name}")
        else:
            out.append(f"Lỗi túi BagIt / Bag error: {detail}")
    return out


def _message(exc: bagit.BagError, path) -> str:
    text = getattr(exc, "message", None) or str(exc)
    if "Payload-Oxum" in text:
        return (
            f"Payload-Oxum không khớp số tệp và dung lượng / "
            f"Payload-Oxum does not match the payload: {text}"
        )
    return f"Túi BagIt không hợp lệ / Invalid bag ({path}): {text}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def read_bag_files(path: Path) -> dict[str, Path]:
    """Payload files of a bag: path relative to ``data/`` -> absolute path."""
    data = Path(path) / "data"
    if not data.is_dir():
        raise PreservationError(
            "Túi BagIt không có thư mục data/", "The bag has no data/", str(path)
        )
    return {
        file.relative_to(data).as_posix(): file
        for file in sorted(data.rglob("*"))
        if file.is_file()
    }
