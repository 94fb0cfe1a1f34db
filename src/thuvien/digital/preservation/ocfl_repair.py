"""Repair and replication between OCFL storage roots.

Nothing is copied without being checked: every content file is hashed while it is copied
and compared with the digest its inventory records, and every inventory with its sidecar,
so a damaged copy can never overwrite a sound one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from thuvien.digital.preservation._files import (
    copy_hashed,
    fsync_dir,
    read_sidecar,
    write_bytes_durably,
)
from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.ocfl_checks import (
    Mismatch,
    audit,
    last_version_dir,
    sha512_bytes,
    sound_pair,
)

if TYPE_CHECKING:
    from thuvien.digital.preservation.ocfl_store import StorageRoot

__all__ = ["repair", "replicate"]

INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha512"
WHOLE = "* (toàn bộ đối tượng / whole object)"


# -- replication -----------------------------------------------------------------------------


def replicate(source: StorageRoot, object_id: str, replica: StorageRoot) -> bool:
    """Copy the object to ``replica`` (missing versions only when the replica's copy is an
    earlier state of the same object, else the whole object, swapped in by renames)."""
    src_root = source.object_root(object_id)
    data, inventory = _sound_inventory(src_root, object_id)
    dst_root = replica.object_root(object_id)
    with replica._lock():
        if _same_inventory(dst_root, data):
            return False
        with replica._staging() as stage:
            held = _versions_held(dst_root, inventory)
            if held is None:
                _copy_whole(src_root, dst_root, inventory, data, stage)
            else:
                _copy_missing_versions(src_root, dst_root, inventory, data, held, stage)
    return True


def _sound_inventory(root: Path, object_id: str) -> tuple[bytes, dict]:
    """The root inventory's bytes and content, refused unless they match the sidecar."""
    try:
        data = (root / INVENTORY).read_bytes()
    except FileNotFoundError:
        raise PreservationError(
            "Không có đối tượng trong kho nguồn", "No such object in the source store", object_id
        ) from None
    if read_sidecar(root / SIDECAR) != sha512_bytes(data):
        raise PreservationError(
            "Inventory của bản nguồn hỏng, không sao chép",
            "The source copy's inventory is damaged; nothing copied",
            object_id,
        )
    return data, json.loads(data)


def _same_inventory(root: Path, data: bytes) -> bool:
    try:
        held = (root / INVENTORY).read_bytes()
    except FileNotFoundError:
        return False
    return held == data and read_sidecar(root / SIDECAR) == sha512_bytes(data)


def _versions_held(root: Path, inventory: dict) -> list[str] | None:
    """The versions the replica holds identically, if its copy is a sound earlier state."""
    try:
        data = (root / INVENTORY).read_bytes()
        held = json.loads(data)
    except (OSError, ValueError):
        return None
    if read_sidecar(root / SIDECAR) != sha512_bytes(data) or held.get("id") != inventory["id"]:
        return None
    versions = held.get("versions", {})
    ours = inventory["versions"]
    if not versions or any(ours.get(name) != block for name, block in versions.items()):
        return None
    on_disk = {p.name for p in root.iterdir() if p.is_dir() and p.name[:1] == "v"}
    return sorted(versions) if on_disk == set(versions) else None


def _stage_version(src_root: Path, dest: Path, inventory: dict, version: str) -> None:
    """Copy one version directory (its inventory and its content files), checking each."""
    data = (src_root / version / INVENTORY).read_bytes()
    if read_sidecar(src_root / version / SIDECAR) != sha512_bytes(data):
        raise PreservationError(
            "Inventory của phiên bản hỏng ở bản nguồn",
            "A version inventory of the source copy is damaged",
            f"{inventory['id']}: {version}/{INVENTORY}",
        )
    write_bytes_durably(dest / version / INVENTORY, data)
    write_bytes_durably(dest / version / SIDECAR, (src_root / version / SIDECAR).read_bytes())
    algorithm = inventory.get("digestAlgorithm", "sha512")
    for digest, paths in inventory["manifest"].items():
        for content_path in paths:
            if content_path.startswith(f"{version}/"):
                _copy_checked(src_root / content_path, dest / content_path, digest, algorithm)


def _copy_checked(source: Path, dest: Path, digest: str, algorithm: str) -> None:
    found = copy_hashed(source, dest, (algorithm,))[algorithm]
    if found != digest.lower():
        dest.unlink()
        raise PreservationError(
            "Tệp nguồn sai mã băm, không sao chép",
            "Source file fails its digest; not copied",
            str(source),
        )


def _copy_whole(src_root, dst_root: Path, inventory: dict, data: bytes, stage: Path) -> None:
    staged = stage / "object"
    for declaration in src_root.glob("0=ocfl_object_*"):
        write_bytes_durably(staged / declaration.name, declaration.read_bytes())
    for version in inventory["versions"]:
        _stage_version(src_root, staged, inventory, version)
    write_bytes_durably(staged / INVENTORY, data)
    write_bytes_durably(staged / SIDECAR, (src_root / SIDECAR).read_bytes())
    dst_root.parent.mkdir(parents=True, exist_ok=True)
    if dst_root.exists():
        os.rename(dst_root, stage / "replaced")
    os.rename(staged, dst_root)
    fsync_dir(dst_root.parent)


def _copy_missing_versions(src_root, dst_root, inventory, data, held, stage: Path) -> None:
    for version in sorted(inventory["versions"], key=lambda v: int(v[1:])):
        if version in held:
            continue
        _stage_version(src_root, stage, inventory, version)
        os.rename(stage / version, dst_root / version)
    fsync_dir(dst_root)
    _replace(dst_root, {INVENTORY: data, SIDECAR: (src_root / SIDECAR).read_bytes()}, stage)


def _replace(root: Path, files: dict[str, bytes], stage: Path) -> None:
    for name, content in files.items():
        temp = stage / f"replace-{name.replace('/', '-')}"
        write_bytes_durably(temp, content)
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, root / name)
    fsync_dir(root)


# -- repair ----------------------------------------------------------------------------------


def repair(store: StorageRoot, object_id: str, good: StorageRoot) -> list[str]:
    """Mend this copy from ``good``: inventories first, then content files; a copy whose
    inventories are beyond mending is replaced whole."""
    if not store.exists(object_id):
        good.replicate(object_id, store)
        return [WHOLE]
    root, good_root = store.object_root(object_id), good.object_root(object_id)
    mended: list[str] = []
    with store._lock(), store._staging() as stage:
        before = {m.content_path for m in audit(object_id, root, content=False)}
        store._roll_forward(root)  # a crash's half-written version is finished first
        after = audit(object_id, root, content=False).mismatches
        mended += sorted(before - {m.content_path for m in after})
        for mismatch in after:
            if _mend_inventory(mismatch, root, good_root, stage):
                mended.append(mismatch.content_path)
        unsound = bool(audit(object_id, root, content=False))
        if not unsound:
            for mismatch in audit(object_id, root):
                if _mend_content(mismatch, root, good_root, stage):
                    mended.append(mismatch.content_path)
    if unsound:
        good.replicate(object_id, store)
        mended.append(WHOLE)
    left = audit(object_id, root).mismatches
    if left:
        raise PreservationError(
            f"Không sửa được {len(left)} tệp từ bản còn tốt",
            f"{len(left)} files could not be repaired from the good copy",
            f"{object_id}: " + ", ".join(m.content_path for m in left[:20]),
        )
    return mended


def _mend_content(mismatch: Mismatch, root: Path, good_root: Path, stage: Path) -> bool:
    source = good_root / mismatch.content_path
    temp = stage / "mend" / mismatch.content_path
    try:
        found = copy_hashed(source, temp, ("sha512",))["sha512"]
    except PreservationError:
        return False  # the good copy lacks it too
    if found != mismatch.expected:
        return False
    target = root / mismatch.content_path
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)
    fsync_dir(target.parent)
    return True


def _mend_inventory(mismatch: Mismatch, root: Path, good_root: Path, stage: Path) -> bool:
    """Replace an inventory and its sidecar with a consistent pair that is the right one:
    it matches the half of ours that survived, or it is the same object at the same head."""
    folder = mismatch.content_path.rpartition("/")[0]
    ours = root / folder if folder else root
    known = {read_sidecar(ours / SIDECAR)}
    if (ours / INVENTORY).exists():
        known.add(sha512_bytes((ours / INVENTORY).read_bytes()))
    head_dir = last_version_dir(root)
    expected_head = folder or (head_dir.name if head_dir else None)
    candidates = [good_root / folder if folder else good_root]
    if not folder and head_dir is not None:
        candidates.insert(0, head_dir)
    for candidate in candidates:
        pair = sound_pair(candidate)
        if pair is None:
            continue
        data, side = pair
        if sha512_bytes(data) in known or _same_object_head(data, root, expected_head):
            prefix = f"{folder}/" if folder else ""
            _replace(root, {f"{prefix}{INVENTORY}": data, f"{prefix}{SIDECAR}": side}, stage)
            return True
    return False


def _same_object_head(data: bytes, root: Path, expected_head: str | None) -> bool:
    try:
        inventory = json.loads(data)
    except ValueError:
        return False
    declared = next(iter(root.glob("0=ocfl_object_*")), None)
    return (
        declared is not None
        and expected_head is not None
        and (inventory.get("head") == expected_head and _object_id_matches(root, inventory))
    )


def _object_id_matches(root: Path, inventory: dict) -> bool:
    """The candidate names the object this root holds (from any sound inventory of ours)."""
    for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
        pair = sound_pair(folder)
        if pair is not None:
            try:
                return json.loads(pair[0]).get("id") == inventory.get("id")
            except ValueError:
                continue
    return False
