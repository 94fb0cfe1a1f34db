"""Low-level file work for the OCFL store: hashed copies, fsync, atomic replacement.

Everything that lands in a storage root is written to a staging directory on the same
filesystem first and then renamed into place, so a crash leaves either the old state or the
new one, never half a file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from thuvien.digital.preservation.errors import PreservationError
from thuvien.digital.preservation.fixity import CHUNK

__all__ = [
    "copy_hashed",
    "fsync_dir",
    "hash_file",
    "read_sidecar",
    "sidecar_text",
    "write_bytes_durably",
]


def hash_file(path: Path, algorithm: str = "sha512") -> tuple[str, int]:
    """Digest and size of a file, streamed."""
    hasher = hashlib.new(algorithm)
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    total = 0
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(buffer):
            hasher.update(view[:size])
            total += size
    return hasher.hexdigest(), total


def copy_hashed(source: Path, dest: Path, algorithms: tuple[str, ...] = ("sha512",)) -> dict:
    """Copy ``source`` to a new file ``dest`` (fsynced), hashing what was read on the way.

    One read of the source serves both the copy and the digests, so a source that changes
    while it is copied is caught by comparing the digests with what was expected.
    """
    hashers = {name: hashlib.new(name) for name in algorithms}
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(source, "rb", buffering=0) as src, open(dest, "xb", buffering=0) as out:
            while size := src.readinto(buffer):
                piece = view[:size]
                for hasher in hashers.values():
                    hasher.update(piece)
                _write_all(out, piece)
            os.fsync(out.fileno())
    except FileNotFoundError as exc:
        raise PreservationError(
            "Không tìm thấy tệp nguồn", "Source file not found", str(exc.filename)
        ) from None
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _write_all(out, piece: memoryview) -> None:
    written = 0
    while written < len(piece):
        written += out.write(piece[written:])


def write_bytes_durably(path: Path, data: bytes) -> None:
    """Write a new file and fsync it (the caller renames it into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sidecar_text(digest: str) -> bytes:
    return f"{digest} inventory.json\n".encode("ascii")


def read_sidecar(path: Path) -> str | None:
    """The digest an inventory sidecar holds, or None if it is missing or unreadable."""
    try:
        text = path.read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return None
    parts = text.split()
    if len(parts) != 2 or parts[1] != "inventory.json":
        return None
    return parts[0].lower()
