"""The HathiTrust "goldfinch" labelled pairs (shared/data/dedup/goldfinch): loading the
records without their answer, the labels, and cross-validation folds.

Each record carries a local field "CID", the gold cluster id: it is the answer, so it is
removed as the record is read, before anything else sees the record. The 001 value
joins the label file to the records and is otherwise never read (profiles get it as an
opaque key). Pairs are consecutive lines of the file, so nothing here keeps file order.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from thuvien.catalog.marc.readers import read_marc_json
from thuvien.catalog.marc.record import Record

__all__ = [
    "ANSWER_TAGS",
    "LabelledPair",
    "grouped_folds",
    "load_labels",
    "load_records",
    "read_records",
    "strip_answer",
]

ANSWER_TAGS = frozenset({"CID", "cid"})
RECORDS_FILE = "202303_goldfinch_set_1.1_val.json.zip"
LABELS_FILE = "202303_goldfinch_set_1.1_val_labels.csv"


@dataclass(frozen=True, slots=True)
class LabelledPair:
    left: str
    right: str
    match: bool


def strip_answer(record: Record) -> Record:
    """The record without the gold cluster field (in place, and returned)."""
    record.fields = [f for f in record.fields if f.tag not in ANSWER_TAGS]
    return record


def read_records(path: Path) -> Iterator[Record]:
    """Records of a goldfinch file (.json or .json.zip), answer field already removed."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            (member,) = [n for n in archive.namelist() if n.endswith(".json")]
            with archive.open(member) as stream:
                yield from _records(read_marc_json(stream))
    else:
        with path.open("rb") as stream:
            yield from _records(read_marc_json(stream))


def _records(items: Iterable) -> Iterator[Record]:
    for item in items:
        if item.record is not None:
            yield strip_answer(item.record)


def load_records(directory: Path) -> dict[str, Record]:
    """Records by 001 (the join key of the label file); a repeated record is kept once."""
    records: dict[str, Record] = {}
    for record in read_records(directory / RECORDS_FILE):
        key = record.control_number
        if key and key not in records:
            records[key] = record
    return records


def load_labels(directory: Path) -> list[LabelledPair]:
    with (directory / LABELS_FILE).open(newline="", encoding="utf-8") as stream:
        return [
            LabelledPair(row["id1"], row["id2"], row["label"].strip() == "1")
            for row in csv.DictReader(stream)
        ]


def _components(pairs: list[LabelledPair]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        left, right = find(pair.left), find(pair.right)
        if left != right:
            parent[max(left, right)] = min(left, right)
    return {node: find(node) for node in list(parent)}


def grouped_folds(pairs: list[LabelledPair], folds: int = 5) -> list[int]:
    """A fold number for each pair such that no connected component of the graph of all
    labelled pairs (matches and non-matches alike) is split across folds.

    Components are shuffled by a digest of their smallest id (not by file order) and
    dealt greedily to the fold with the fewest pairs so far, so folds are balanced.
    """
    root = _components(pairs)
    sizes: dict[str, int] = defaultdict(int)
    for pair in pairs:
        sizes[root[pair.left]] += 1
    order = sorted(sizes, key=lambda r: (-sizes[r], hashlib.sha1(r.encode()).hexdigest()))
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for component in order:
        fold = min(range(folds), key=lambda f: (load[f], f))
        fold_of[component] = fold
        load[fold] += sizes[component]
    return [fold_of[root[pair.left]] for pair in pairs]
