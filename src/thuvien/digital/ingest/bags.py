"""Validate a BagIt bag with the ``bagit`` library and report every failure per file.

``Bag.validate()`` stops at the first failing stage (a wrong Payload-Oxum hides every
checksum), so the stages are run one by one here (bagit 1.9's own methods) and each failure
becomes an ``ItemProblem``: a file whose checksum lies, a file listed but missing, a file
present but not listed. A broken structure (no bagit.txt, no data/, no manifest, unsafe
manifest paths) refuses the bag as a whole.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import bagit

from thuvien.digital.ingest.errors import ERROR, WARNING, IngestError, ItemProblem
from thuvien.digital.ingest.paths import is_hidden

__all__ = ["validate_bag"]

_PAYLOAD = "data/"


def _payload_relpath(bag_path: str) -> str | None:
    """``data/a/b.tif`` -> ``a/b.tif`` (as ``SourceFile.relpath``); None for tag files."""
    posix = unicodedata.normalize("NFC", bag_path.replace("\\", "/"))
    return posix[len(_PAYLOAD) :] if posix.startswith(_PAYLOAD) else None


def _open(bag_dir: Path) -> bagit.Bag:
    try:
        bag = bagit.Bag(str(bag_dir))
        bag._validate_structure()
    except bagit.BagError as exc:
        raise IngestError(
            f"Túi BagIt không hợp lệ: {exc}",
            f"Invalid BagIt bag: {exc}",
            bag_dir.name,
            code="bad-bag",
        ) from exc
    return bag


def _file_problem(path: str, code: str, vi: str, en: str) -> ItemProblem:
    rel = _payload_relpath(path)
    where = rel or path.replace("\\", "/")  # payload files by their relpath, as everywhere
    level = WARNING if code == "unlisted-file" and rel and is_hidden(rel) else ERROR
    return ItemProblem(where=where, vi=vi, en=en, code=code, relpath=rel, level=level)


def _bag_problem(where: str, code: str, exc: Exception, vi: str, en: str) -> ItemProblem:
    return ItemProblem(where=where, vi=f"{vi}: {exc}", en=f"{en}: {exc}", code=code)


def _completeness(bag: bagit.Bag) -> tuple[list[ItemProblem], set[str]]:
    try:
        bag._validate_completeness()
    except bagit.BagValidationError as exc:
        problems, missing = [], set()
        for detail in exc.details:
            if isinstance(detail, bagit.FileMissing):
                missing.add(detail.path)
                problems.append(
                    _file_problem(
                        detail.path,
                        "missing-file",
                        "Tệp có trong bảng kê của túi nhưng không có trong túi",
                        "File listed in the bag manifest but missing",
                    )
                )
            elif isinstance(detail, bagit.UnexpectedFile):
                problems.append(
                    _file_problem(
                        detail.path,
                        "unlisted-file",
                        "Tệp trong túi không có trong bảng kê (chưa kiểm được tổng kiểm tra)",
                        "File in the bag but not in its manifest (no checksum to verify)",
                    )
                )
        return problems, missing
    return [], set()


def _checksums(bag: bagit.Bag, missing: set[str]) -> list[ItemProblem]:
    try:
        bag._validate_entries(processes=1)
    except bagit.BagValidationError as exc:
        return [
            _file_problem(
                d.path,
                "checksum-mismatch",
                f"Tổng kiểm tra {d.algorithm} không khớp: ghi {d.expected}, tính được {d.found}",
                f"{d.algorithm} checksum mismatch: expected {d.expected}, found {d.found}",
            )
            for d in exc.details
            if isinstance(d, bagit.ChecksumMismatch) and d.path not in missing
        ]
    return []


def _tag_checks(bag: bagit.Bag) -> list[ItemProblem]:
    checks = (
        (
            bag._validate_bagittxt,
            "bagit.txt",
            "bad-bagit-txt",
            "bagit.txt sai quy cách",
            "bagit.txt is malformed",
        ),
        (
            bag.validate_fetch,
            "fetch.txt",
            "bad-fetch",
            "fetch.txt sai quy cách",
            "fetch.txt is malformed",
        ),
        (
            bag._validate_oxum,
            "bag-info.txt",
            "oxum-mismatch",
            "Payload-Oxum không khớp",
            "Payload-Oxum mismatch",
        ),
    )
    problems = []
    for check, where, code, vi, en in checks:
        try:
            check()
        except (bagit.BagError, ValueError) as exc:
            problems.append(_bag_problem(where, code, exc, vi, en))
    return problems


def validate_bag(bag_dir: Path) -> tuple[dict, list[ItemProblem]]:
    """``(bag-info tags, problems)``; ``IngestError`` if the bag cannot be read at all.

    Problems with ``relpath`` set concern one payload file; those without concern the bag
    (Payload-Oxum, a tag file whose checksum lies) and so every object in it.
    """
    bag = _open(bag_dir)
    problems = _tag_checks(bag)
    completeness, missing = _completeness(bag)
    problems += completeness
    problems += _checksums(bag, missing)
    return dict(bag.info), problems
