"""Checksums of files: several algorithms in one streaming read.

A master scan can be hundreds of megabytes, so a file is never held in memory: it is read
in chunks into one reused buffer, and every algorithm is fed the same chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

__all__ = ["CHUNK", "digests", "digests_of_stream"]

CHUNK = 8 * 1024 * 1024  # large reads keep the disk streaming; hashlib drops the GIL on them


def digests(
    path: str | Path, algorithms: Iterable[str] = ("sha512", "md5"), chunk: int = CHUNK
) -> dict[str, str]:
    """Hex digests of the file at ``path``, one per algorithm (hashlib names)."""
    with open(path, "rb") as handle:
        found, _ = digests_of_stream(handle, algorithms, chunk)
    return found


def digests_of_stream(
    handle: BinaryIO, algorithms: Iterable[str] = ("sha512",), chunk: int = CHUNK
) -> tuple[dict[str, str], int]:
    """Digests of what is left in a binary stream, and the number of bytes read."""
    hashers = {name: hashlib.new(name) for name in algorithms}
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    total = 0
    while size := handle.readinto(buffer):
        piece = view[:size]
        for hasher in hashers.values():
            hasher.update(piece)
        total += size
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}, total
