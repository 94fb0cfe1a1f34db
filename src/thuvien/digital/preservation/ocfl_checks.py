"""Checks of OCFL objects: ocfl-py's validator, and the fixity audit done here.

The audit is independent of ocfl-py's validator on purpose: it only re-hashes what the
inventories promise (every content file of every version, every inventory against its
sidecar), streaming each file once, and reports each mismatch by path so that it can be
repaired from another copy. The validator checks the whole structure against the spec.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ocfl
from ocfl.fsw import fsw_opendir_as_fs
from ocfl.validation_logger import ValidationLogger
from ocfl.validator import Validator

from thuvien.digital.preservation._files import hash_file, read_sidecar

__all__ = [
    "AuditReport",
    "Mismatch",
    "ValidationReport",
    "audit",
    "inventory_mismatches",
    "last_version_dir",
    "sha512_bytes",
    "sound_pair",
    "validate_object",
    "validate_root",
]

_VERSION_DIR = re.compile(r"^v\d+$")


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What ocfl-py's validator found; messages say which object (bilingual prefix)."""

    ok: bool
    errors: list[str]
    warnings: list[str]
    objects: int


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A file whose bytes no longer match their recorded digest, or that is missing
    (``actual`` None). ``content_path`` is relative to the object root, as in the inventory;
    ``kind`` is "content", "inventory" (an inventory against its sidecar), "sidecar" (the
    sidecar itself missing) or "object" (the whole object missing)."""

    object_id: str
    content_path: str
    expected: str
    actual: str | None
    kind: str = "content"

    def __str__(self) -> str:
        if self.actual is None:
            return (
                f"Thiếu tệp {self.content_path} của {self.object_id} / "
                f"Missing file {self.content_path} of {self.object_id}"
            )
        return (
            f"Tệp {self.content_path} của {self.object_id} sai mã băm / "
            f"File {self.content_path} of {self.object_id} fails its digest "
            f"(expected {self.expected[:16]}…, found {self.actual[:16]}…)"
        )


@dataclass(slots=True)
class AuditReport:
    """The fixity audit of one copy of an object. Iterating it, ``len`` and truth test go
    over the mismatches, so it can be used as the list of them."""

    object_id: str
    mismatches: list[Mismatch] = field(default_factory=list)
    files: int = 0
    bytes_read: int = 0
    seconds: float = 0.0

    def __iter__(self) -> Iterator[Mismatch]:
        return iter(self.mismatches)

    def __len__(self) -> int:
        return len(self.mismatches)

    def __bool__(self) -> bool:
        return bool(self.mismatches)

    def __getitem__(self, index: int) -> Mismatch:
        return self.mismatches[index]


def sha512_bytes(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def sound_pair(folder: Path) -> tuple[bytes, bytes] | None:
    """An inventory and its sidecar from ``folder``, if they agree."""
    try:
        data = (folder / "inventory.json").read_bytes()
        side = (folder / "inventory.json.sha512").read_bytes()
    except OSError:
        return None
    sound = read_sidecar(folder / "inventory.json.sha512") == sha512_bytes(data)
    return (data, side) if sound else None


def last_version_dir(root: Path) -> Path | None:
    """The highest-numbered version directory of an object root, if any."""
    try:
        names = [p.name for p in root.iterdir() if p.is_dir() and _VERSION_DIR.match(p.name)]
    except FileNotFoundError:
        return None
    if not names:
        return None
    return root / max(names, key=lambda name: int(name[1:]))


# -- the fixity audit ------------------------------------------------------------------------


def inventory_mismatches(object_id: str, root: Path, folder: str) -> list[Mismatch]:
    """An inventory (``folder`` "." for the root one, else "v3") against its sidecar."""
    prefix = "" if folder == "." else f"{folder}/"
    inventory, sidecar = root / prefix / "inventory.json", root / prefix / "inventory.json.sha512"
    expected = read_sidecar(sidecar)
    if not inventory.exists():
        return [Mismatch(object_id, f"{prefix}inventory.json", expected or "", None, "inventory")]
    actual = sha512_bytes(inventory.read_bytes())
    if expected is None:
        return [Mismatch(object_id, f"{prefix}inventory.json.sha512", actual, None, "sidecar")]
    if expected != actual:
        return [Mismatch(object_id, f"{prefix}inventory.json", expected, actual, "inventory")]
    return []


def trusted_inventory(root: Path) -> dict | None:
    """The root inventory if it matches its sidecar, else the head version's copy if that
    one does (they are identical in a sound object), else whatever of the two parses."""
    candidates = [root]
    head = last_version_dir(root)
    if head is not None:
        candidates.append(head)
    parsed = []
    for folder in candidates:
        path = folder / "inventory.json"
        try:
            data = path.read_bytes()
            inventory = json.loads(data)
        except (OSError, ValueError):
            continue
        if read_sidecar(folder / "inventory.json.sha512") == sha512_bytes(data):
            return inventory
        parsed.append(inventory)
    return parsed[0] if parsed else None


def audit(object_id: str, root: Path, *, content: bool = True) -> AuditReport:
    """Every inventory against its sidecar, then (``content``) every content file."""
    started = time.perf_counter()
    report = AuditReport(object_id)
    if not root.is_dir():
        report.mismatches.append(Mismatch(object_id, "", "present", None, "object"))
        return report
    report.mismatches += inventory_mismatches(object_id, root, ".")
    inventory = trusted_inventory(root)
    if inventory is None:
        report.seconds = time.perf_counter() - started
        return report
    for version in sorted(inventory.get("versions", {}), key=lambda v: int(v[1:])):
        report.mismatches += inventory_mismatches(object_id, root, version)
    if not content:
        report.seconds = time.perf_counter() - started
        return report
    algorithm = inventory.get("digestAlgorithm", "sha512")
    for digest, paths in inventory.get("manifest", {}).items():
        for content_path in paths:
            _check_content(report, root, content_path, digest.lower(), algorithm)
    report.seconds = time.perf_counter() - started
    return report


def _check_content(report: AuditReport, root: Path, content_path, expected, algorithm) -> None:
    try:
        actual, size = hash_file(root / content_path, algorithm)
    except FileNotFoundError:
        report.mismatches.append(Mismatch(report.object_id, content_path, expected, None))
        return
    report.files += 1
    report.bytes_read += size
    if actual != expected:
        report.mismatches.append(Mismatch(report.object_id, content_path, expected, actual))


# -- ocfl-py's validator -----------------------------------------------------------------------


def _split(messages: Iterable[str], where: str) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for message in messages:
        if message.startswith("[W") or message.startswith("Unknown warning"):
            warnings.append(f"Cảnh báo OCFL / OCFL warning, {where}: {message}")
        else:
            errors.append(f"Lỗi OCFL / OCFL error, {where}: {message}")
    return errors, warnings


def _validate_dir(obj_fs, label: str, check_digests: bool) -> tuple[list, list, str | None]:
    validator = Validator(log_warnings=True, check_digests=check_digests)
    validator.validate_object(obj_fs)
    found = validator.id
    where = f"{found} ({label})" if found and found != label else label
    errors, warnings = _split(validator.log.messages, where)
    return errors, warnings, found


def validate_object(object_id: str, root: Path, *, check_digests: bool = True) -> ValidationReport:
    if not root.is_dir():
        message = f"Không có đối tượng {object_id} / No object {object_id}"
        return ValidationReport(False, [message], [], 0)
    errors, warnings, found = _validate_dir(str(root), object_id, check_digests)
    if found is not None and found != object_id:
        errors.append(
            f"Đối tượng ở {root} mang định danh {found}, không phải {object_id} / "
            f"The object at {root} has the identifier {found}, not {object_id}"
        )
    return ValidationReport(not errors, errors, warnings, 1)


def validate_root(
    path: Path, *, extra_extensions: Iterable[str] = (), check_digests: bool = True
) -> ValidationReport:
    """The root's structure, then every object; also that each object sits where the
    layout puts its identifier (ocfl-py does not check that)."""
    root = ocfl.StorageRoot(root=str(path))
    root.registered_extensions += list(extra_extensions)
    root.log = ValidationLogger(log_warnings=True, log_errors=True)
    errors: list[str] = []
    warnings: list[str] = []
    try:
        root.open_root_fs()
        root.check_root_structure()
    except Exception as exc:  # ocfl-py raises several kinds for a broken root
        message = f"Kho OCFL hỏng / Broken OCFL storage root ({path}): {_describe(exc)}"
        return ValidationReport(False, [message], [], 0)
    count = 0
    for dirpath in root.object_paths():
        count += 1
        obj_errors, obj_warnings, found = _validate_dir(
            fsw_opendir_as_fs(root.root_fs, dirpath), dirpath, check_digests
        )
        if found and root.layout is not None and root.layout.identifier_to_path(found) != dirpath:
            obj_errors.append(
                f"Đối tượng {found} không nằm ở vị trí bố cục quy định ({dirpath}) / "
                f"Object {found} is not where the layout puts it ({dirpath})"
            )
        errors += obj_errors
        warnings += obj_warnings
    root_errors, root_warnings = _split(root.log.messages, str(path))
    errors = root_errors + errors
    return ValidationReport(not errors, errors, root_warnings + warnings, count)


def _describe(exc: Exception) -> str:
    """ocfl-py's text for a validation code carried by an exception, else the exception."""
    code, kwargs = getattr(exc, "code", None), getattr(exc, "kwargs", None)
    if isinstance(code, str) and kwargs:
        log = ValidationLogger()
        log.error(code, **kwargs)
        return log.messages[-1]
    return str(exc)
