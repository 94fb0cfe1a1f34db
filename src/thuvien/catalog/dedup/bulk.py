"""Profiles of a whole ISO 2709 file, built by worker processes (one per core).

The parent only cuts the file into record frames; each worker reads its frames, extracts
and profiles them. Used by the benchmark and by a first clustering of a large catalogue.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from thuvien.catalog.dedup.profile import Profile, build_profile
from thuvien.catalog.marc.iso2709 import frames
from thuvien.catalog.marc.readers import read_frame

__all__ = ["profiles_from_iso2709"]

CHUNK = 2000


def _profile_chunk(chunk: list[tuple[int, object]]) -> list[Profile]:
    profiles = []
    for position, frame in chunk:
        item = read_frame(position, frame)
        if item.record is not None:
            key = item.record.control_number or f"#{position}"
            profiles.append(build_profile(key, item.record))
    return profiles


def _chunks(path: Path, limit: int | None) -> Iterator[list[tuple[int, object]]]:
    with path.open("rb") as stream:
        numbered = itertools.islice(enumerate(frames(stream), 1), limit)
        while chunk := list(itertools.islice(numbered, CHUNK)):
            yield chunk


def profiles_from_iso2709(
    path: Path, limit: int | None = None, workers: int | None = None
) -> list[Profile]:
    """Profiles of the first ``limit`` records of ``path`` (all by default), in file order;
    keys are the 001 values (or "#position" when a record has none)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return [p for chunk in _chunks(path, limit) for p in _profile_chunk(chunk)]
    with ProcessPoolExecutor(workers) as pool:
        results = pool.map(_profile_chunk, _chunks(path, limit))
        return [p for chunk in results for p in chunk]
