"""OCFL 1.1 storage roots: versioned objects, validation, fixity audit, repair, replication.

ocfl-py creates the root (declaration, layout) and validates roots and objects; versions are
written here so that they are crash-safe. A new version is assembled in a staging directory
inside the root (``extensions/thuvien-staging``, which OCFL validators skip) and renamed into
place; the root inventory is replaced last. Unchanged files are not stored again (forward
delta), so a version costs only what changed. Every content file gets a SHA-512 (the
inventory's digest) and an MD5 in the inventory's fixity block, for legacy exchange.

Writers of one root take a lock (``flock``), so ingest workers, the audit's repairs and the
replication never interleave; readers take none (a version, once written, never changes).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import ocfl
from ocfl.layout_registry import get_layout
from ocfl.validation_logger import ValidationLogger

from thuvien.digital.preservation import ocfl_checks
from thuvien.digital.preservation import ocfl_inventory as inv
from thuvien.digital.preservation._files import (
    copy_hashed,
    fsync_dir,
    hash_file,
    read_sidecar,
    sidecar_text,
    write_bytes_durably,
)
from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.ocfl_checks import AuditReport, Mismatch, ValidationReport
from thuvien.digital.preservation.ocfl_layout import LAYOUT_0004

__all__ = [
    "STAGING",
    "AuditReport",
    "ContentFile",
    "Mismatch",
    "StorageRoot",
    "ValidationReport",
    "VersionInfo",
]

SPEC = inv.SPEC
DECLARATION = f"0=ocfl_object_{SPEC}"
STAGING = "thuvien-staging"  # an unregistered extension directory: validators skip it
STALE_SECONDS = 24 * 3600  # staging left by a crashed writer is removed after this


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A version written: its name (``v2``) and its whole state (logical path -> SHA-512)."""

    version: str
    files: dict[str, str]


@dataclass(frozen=True, slots=True)
class ContentFile:
    """Where the bytes of a logical file are (absolute path) and their SHA-512."""

    content_path: Path
    sha512: str


class StorageRoot:
    """One OCFL storage root on a local filesystem (object ids may hold any character)."""

    def __init__(self, path: Path, *, layout: str = LAYOUT_0004):
        self.path = Path(path)
        self.layout_name = layout
        self._layout = None

    def __repr__(self) -> str:
        return f"StorageRoot({str(self.path)!r})"

    # -- the root ------------------------------------------------------------------------

    def initialize(self) -> None:
        """Create the root if it is missing (OCFL 1.1, the chosen layout); idempotent.

        An existing root keeps the layout it declares.
        """
        if not (self.path / f"0=ocfl_{SPEC}").exists():
            self._create()
        self._layout = None
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        self._clean_stale_staging()

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir() and any(self.path.iterdir()):
            if any(self.path.glob("0=ocfl_*")):
                return
            raise PreservationError(
                "Thư mục đã có dữ liệu nhưng không phải kho OCFL",
                "The directory holds data but is not an OCFL storage root",
                str(self.path),
            )
        if self.path.is_dir():
            self.path.rmdir()  # ocfl-py creates the directory itself
        root = ocfl.StorageRoot(root=str(self.path), layout_name=self.layout_name)
        try:
            root.initialize(spec_version=SPEC)
        except ocfl.StorageRootException:
            if not any(self.path.glob("0=ocfl_*")):  # not another process winning the race
                raise

    @property
    def staging_dir(self) -> Path:
        return self.path / "extensions" / STAGING

    @property
    def layout(self):
        """The layout the root declares (read once), else the one asked for."""
        if self._layout is None:
            declared = self.path / "ocfl_layout.json"
            if declared.exists():
                root = ocfl.StorageRoot(root=str(self.path))
                root.open_root_fs()
                root.check_root_structure()
                self._layout = root.layout
            else:
                self._layout = get_layout(self.layout_name)
        return self._layout

    def object_root(self, object_id: str) -> Path:
        return self.path / self.layout.identifier_to_path(object_id)

    def object_ids(self) -> Iterator[str]:
        """Identifiers of the objects in the root, read from their inventories (ocfl-py's
        traversal, which does not descend into objects)."""
        root = ocfl.StorageRoot(root=str(self.path))
        root.log = ValidationLogger()  # the traversal logs what it finds amiss there
        root.open_root_fs()
        root.check_root_structure()
        for dirpath in root.object_paths():
            try:
                yield json.loads((self.path / dirpath / "inventory.json").read_bytes())["id"]
            except (OSError, ValueError, KeyError):
                continue  # a damaged object: the audit and validation report it

    # -- reading ---------------------------------------------------------------------------

    def exists(self, object_id: str) -> bool:
        root = self.object_root(object_id)
        return (root / "inventory.json").exists() or any(root.glob("0=ocfl_object_*"))

    def inventory(self, object_id: str) -> dict:
        """The object's root inventory, parsed."""
        path = self.object_root(object_id) / "inventory.json"
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:
            raise PreservationError(
                "Không có đối tượng trong kho", "No such object in the store", object_id
            ) from None
        except ValueError:
            raise PreservationError(
                "Tệp inventory.json hỏng", "Damaged inventory.json", str(path)
            ) from None

    def head(self, object_id: str) -> str:
        return self.inventory(object_id)["head"]

    def state(self, object_id: str, version: str | None = None) -> dict[str, ContentFile]:
        """Logical path -> where its bytes are and their digest, for a version (default head)."""
        inventory = self.inventory(object_id)
        version = version or inventory["head"]
        if version not in inventory["versions"]:
            raise PreservationError(
                f"Đối tượng không có phiên bản {version}",
                f"The object has no version {version}",
                object_id,
            )
        root = self.object_root(object_id)
        manifest = inventory["manifest"]
        return {
            logical: ContentFile(root / manifest[digest][0], digest)
            for digest, logicals in inventory["versions"][version]["state"].items()
            for logical in logicals
        }

    def open(self, object_id: str, logical_path: str, version: str | None = None) -> BinaryIO:
        held = self.state(object_id, version).get(logical_path)
        if held is None:
            raise PreservationError(
                "Đối tượng không có tệp này",
                "The object holds no such file",
                f"{object_id}: {logical_path}",
            )
        return open(held.content_path, "rb")

    # -- writing versions ----------------------------------------------------------------

    def add_version(
        self,
        object_id: str,
        source_dir: Path,
        *,
        message: str,
        user_name: str,
        user_address: str | None = None,
        created: datetime | None = None,
    ) -> VersionInfo:
        """A new version whose state is exactly the files under ``source_dir``."""
        source_dir = Path(source_dir)
        if not source_dir.is_dir():
            raise PreservationError(
                "Không có thư mục nguồn", "Source directory not found", str(source_dir)
            )
        files = {
            path.relative_to(source_dir).as_posix(): path
            for path in sorted(source_dir.rglob("*"))
            if path.is_file()
        }
        meta = inv.metadata(message, user_name, user_address, created)
        return self._write(object_id, files, meta, carry_forward=False)

    def add_files(
        self,
        object_id: str,
        files: dict[str, Path],
        *,
        message: str,
        user_name: str,
        user_address: str | None = None,
        created: datetime | None = None,
    ) -> VersionInfo:
        """A new version: the previous state with ``files`` added or replaced
        (the first version of a new object if it does not exist yet)."""
        for logical in files:
            inv.check_logical_path(logical)
        meta = inv.metadata(message, user_name, user_address, created)
        return self._write(object_id, dict(files), meta, carry_forward=True)

    def _write(self, object_id, files: dict[str, Path], meta, *, carry_forward) -> VersionInfo:
        with self._lock(), self._staging() as stage:
            root = self.object_root(object_id)
            existing = self.exists(object_id)
            if existing:
                self._roll_forward(root)
                self._check_writable(object_id, root)
                inventory = self.inventory(object_id)
            else:
                inventory = inv.new_inventory(object_id)
            draft = inv.start_version(inventory, meta, carry_forward=carry_forward)
            for logical, source in files.items():
                self._stage_file(draft, logical, Path(source), stage, root if existing else None)
            inv.check_conflicts(draft.state, object_id)
            draft.inventory["versions"][draft.version]["state"] = inv.state_block(draft.state)
            self._commit(draft, stage, root, existing)
            return VersionInfo(draft.version, dict(draft.state))

    def _stage_file(self, draft: inv.Draft, logical, source: Path, stage: Path, root) -> None:
        """Put one file into the draft; copy it only if its content is not stored yet."""
        if not source.is_file():
            raise PreservationError(
                "Không tìm thấy tệp nguồn", "Source file not found", str(source)
            )
        manifest = draft.inventory["manifest"]
        held = draft.previous.get(logical)
        if held and root is not None and inv.same_size(root / manifest[held][0], source):
            digest, _ = hash_file(source)  # probably unchanged: hash, copy only if not
            if digest in manifest:
                draft.state[logical] = digest
                return
        content_path = f"{draft.version}/content/{inv.encode(logical)}"
        staged = stage / "object" / content_path
        found = copy_hashed(source, staged, ("sha512", "md5"))
        digest = found["sha512"]
        draft.state[logical] = digest
        if digest in manifest:
            staged.unlink()  # the same bytes are stored already (dedupe)
            return
        manifest[digest] = [content_path]
        draft.inventory["fixity"]["md5"].setdefault(found["md5"], []).append(content_path)

    def _commit(self, draft: inv.Draft, stage: Path, root: Path, existing: bool) -> None:
        obj = stage / "object"
        data = json.dumps(draft.inventory, sort_keys=True, indent=2).encode("utf-8")
        side = sidecar_text(ocfl_checks.sha512_bytes(data))
        for folder in (obj / draft.version, *([] if existing else [obj])):
            write_bytes_durably(folder / "inventory.json", data)
            write_bytes_durably(folder / "inventory.json.sha512", side)
        inv.drop_empty_dirs(obj / draft.version)
        if not existing:
            write_bytes_durably(obj / DECLARATION, f"ocfl_object_{SPEC}\n".encode())
            root.parent.mkdir(parents=True, exist_ok=True)
            os.rename(obj, root)
            fsync_dir(root.parent)
            return
        os.rename(obj / draft.version, root / draft.version)
        fsync_dir(root)
        self._replace_root_inventory(root, data, side, stage)

    def _replace_root_inventory(self, root: Path, data: bytes, side: bytes, stage: Path) -> None:
        """Inventory first, sidecar second: a crash between leaves a mismatch the audit
        reports and ``repair`` or the next write mends from the head version's copy."""
        for name, content in (("inventory.json", data), ("inventory.json.sha512", side)):
            temp = stage / f"root-{name}"
            write_bytes_durably(temp, content)
            os.replace(temp, root / name)
        fsync_dir(root)

    def _roll_forward(self, root: Path) -> None:
        """Finish a version a crash interrupted: its directory is in place but the root
        inventory is still the previous one, or the new one without its new sidecar."""
        head_dir = ocfl_checks.last_version_dir(root)
        pair = ocfl_checks.sound_pair(head_dir) if head_dir is not None else None
        if pair is None:
            return
        data, side = pair
        current = root / "inventory.json"
        current_data = current.read_bytes() if current.exists() else b""
        if current_data == data:
            stale = read_sidecar(root / "inventory.json.sha512") != ocfl_checks.sha512_bytes(data)
        else:
            sound = ocfl_checks.sound_pair(root)
            stale = sound is not None and inv.vnum(inv.head_of(sound[0])) < inv.vnum(head_dir.name)
        if stale:
            with self._staging() as stage:
                self._replace_root_inventory(root, data, side, stage)

    def _check_writable(self, object_id: str, root: Path) -> None:
        """Refuse to extend an object whose inventory does not match its sidecar."""
        problems = ocfl_checks.inventory_mismatches(object_id, root, ".")
        if problems:
            raise PreservationError(
                "Inventory của đối tượng hỏng, cần sửa trước khi thêm phiên bản",
                "The object's inventory is damaged; repair it before adding a version",
                object_id,
            )

    # -- deleting --------------------------------------------------------------------------

    def delete_object(self, object_id: str) -> bool:
        """Remove an object (a withdrawal, recorded by the caller); False if it was absent."""
        with self._lock(), self._staging() as stage:
            root = self.object_root(object_id)
            if not root.exists():
                return False
            os.rename(root, stage / "deleted")
            inv.prune_empty_parents(root.parent, self.path)
            fsync_dir(self.path)
            return True

    # -- validation, audit, repair, replication --------------------------------------------

    def validate(self, *, check_digests: bool = True) -> ValidationReport:
        """ocfl-py's validator over the root and every object in it."""
        return ocfl_checks.validate_root(
            self.path, extra_extensions=(LAYOUT_0004, STAGING), check_digests=check_digests
        )

    def validate_object(self, object_id: str, *, check_digests: bool = True) -> ValidationReport:
        return ocfl_checks.validate_object(
            object_id, self.object_root(object_id), check_digests=check_digests
        )

    def audit_object(self, object_id: str) -> AuditReport:
        """Re-hash every content file of every version and every inventory (streaming)."""
        return ocfl_checks.audit(object_id, self.object_root(object_id))

    def repair(self, object_id: str, good: StorageRoot) -> list[str]:
        """Mend damaged or missing files from ``good`` (each checked against its digest
        first); return the paths mended. Raises if something could not be mended."""
        from thuvien.digital.preservation import ocfl_repair

        return ocfl_repair.repair(self, object_id, good)

    def replicate(self, object_id: str, replica: StorageRoot) -> bool:
        """Make ``replica``'s copy identical to this one; False if it already was."""
        from thuvien.digital.preservation import ocfl_repair

        return ocfl_repair.replicate(self, object_id, replica)

    # -- concurrency and staging -----------------------------------------------------------

    @contextmanager
    def _lock(self) -> Iterator[None]:
        if not (self.path / f"0=ocfl_{SPEC}").exists():
            raise PreservationError(
                "Kho OCFL chưa được khởi tạo",
                "The OCFL storage root is not initialised",
                str(self.path),
            )
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        with open(self.staging_dir / "write.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def _staging(self) -> Iterator[Path]:
        stage = self.staging_dir / f"{int(time.time())}-{uuid.uuid4().hex}"
        stage.mkdir(parents=True)
        try:
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def _clean_stale_staging(self) -> None:
        cutoff = time.time() - STALE_SECONDS
        for entry in self.staging_dir.iterdir():
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
