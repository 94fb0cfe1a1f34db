"""Inventories of OCFL objects being written: versions, state blocks, logical paths."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from thuvien.digital.preservation.errors import PreservationError

SPEC = "1.1"


@dataclass(slots=True)
class Draft:
    """A version being assembled: the inventory and the new state (logical path -> digest)."""

    inventory: dict
    version: str
    state: dict[str, str]  # logical path -> digest
    previous: dict[str, str]  # the head's state before this version


def metadata(message, user_name, user_address, created) -> dict:
    when = created or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    user = {"name": user_name}
    if user_address:
        user["address"] = user_address
    stamp = when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"created": stamp, "message": message, "user": user}


def new_inventory(object_id: str) -> dict:
    return {
        "id": object_id,
        "type": f"https://ocfl.io/{SPEC}/spec/#inventory",
        "digestAlgorithm": "sha512",
        "head": "v0",
        "manifest": {},
        "versions": {},
        "fixity": {"md5": {}},
    }


def start_version(inventory: dict, meta: dict, *, carry_forward: bool) -> Draft:
    version = f"v{vnum(inventory['head']) + 1}"
    previous: dict[str, str] = {}
    if inventory["versions"]:
        for digest, logicals in inventory["versions"][inventory["head"]]["state"].items():
            for logical in logicals:
                previous[logical] = digest
    inventory["head"] = version
    inventory["type"] = f"https://ocfl.io/{SPEC}/spec/#inventory"
    inventory.setdefault("fixity", {}).setdefault("md5", {})
    inventory["versions"][version] = dict(meta)
    return Draft(inventory, version, dict(previous) if carry_forward else {}, previous)


def state_block(state: dict[str, str]) -> dict[str, list[str]]:
    block: dict[str, list[str]] = {}
    for logical, digest in sorted(state.items()):
        block.setdefault(digest, []).append(logical)
    return block


def vnum(version: str) -> int:
    return int(version.lstrip("v") or 0)


def head_of(data: bytes) -> str:
    try:
        return str(json.loads(data)["head"])
    except (ValueError, KeyError, TypeError):
        return "v0"


def encode(logical: str) -> str:
    """Content path from a logical path, as ocfl-py does it: URI-escaped, no leading dot."""
    path = quote(logical)
    return "%2E" + path[1:] if path.startswith(".") else path


def same_size(stored: Path, source: Path) -> bool:
    try:
        return stored.stat().st_size == source.stat().st_size
    except OSError:
        return False


def check_logical_path(logical: str) -> None:
    parts = PurePosixPath(logical).parts
    bad = (
        not logical
        or logical.startswith("/")
        or logical.endswith("/")
        or "\\" in logical
        or any(part in (".", "..") for part in logical.split("/"))
        or "//" in logical
        or not parts
    )
    if bad:
        raise PreservationError(
            "Đường dẫn logic không hợp lệ (không được bắt đầu bằng /, chứa . hoặc ..)",
            "Invalid logical path (no leading /, no . or .. segments)",
            logical,
        )


def check_conflicts(state: dict[str, str], object_id: str) -> None:
    """OCFL forbids a logical path that is also a directory of another (E095)."""
    names = set(state)
    for logical in names:
        for parent in PurePosixPath(logical).parents:
            if str(parent) != "." and str(parent) in names:
                raise PreservationError(
                    f"Tệp {parent} trùng tên với thư mục của {logical}",
                    f"File {parent} has the name of the directory of {logical}",
                    object_id,
                )


def drop_empty_dirs(version_dir: Path) -> None:
    """Directories emptied by deduplication go: OCFL forbids empty ones (E015, E024)."""
    for directory in sorted(version_dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()


def prune_empty_parents(directory: Path, root: Path) -> None:
    """Remove tuple directories left empty (an empty directory is an OCFL error, E073)."""
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
