"""Bounds on what one batch may hold (files, bytes, compression ratio, folder depth)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GIB", "Limits"]

GIB = 1024**3


@dataclass(frozen=True)
class Limits:
    """``max_ratio`` is uncompressed/compressed size, per ZIP entry and for the whole ZIP."""

    max_files: int = 20_000
    max_total_bytes: int = 50 * GIB
    max_file_bytes: int = 4 * GIB
    max_ratio: int = 200
    max_depth: int = 8
