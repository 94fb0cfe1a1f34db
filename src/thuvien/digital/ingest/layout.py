"""Objects from a batch's folder layout, when it has no manifest.

Each top-level folder is one object titled with the folder's name; its page files, in
natural order through any sub-folders, are the pages, labelled "1", "2", ... A loose PDF
or multi-page TIFF at the root is one object (titled with its name without suffix); loose
images at the root make one object named after the batch. A PDF inside a folder gives all
its pages in place. A file whose name promises an image but whose content is not one is an
error on its object; other files (notes, checksums) are reported as not used.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from thuvien.digital.ingest.errors import ERROR, WARNING, IngestError, RowProblem
from thuvien.digital.ingest.images import PDF
from thuvien.digital.ingest.paths import natural_key
from thuvien.digital.ingest.sources import SourceFile
from thuvien.digital.ingest.specs import (
    Manifest,
    ObjectSpec,
    PageSpec,
    expand_file,
    page_format,
    promises_image,
)

__all__ = ["DEFAULT_ACCESS", "manifest_from_layout", "split_objects"]

DEFAULT_ACCESS = "restricted"  # until someone says otherwise: nothing is published by mistake
_BATCH_KEY = "batch"


def _problem(key: str | None, file: str, code: str, vi: str, en: str, level=ERROR) -> RowProblem:
    return RowProblem(0, None, vi, en, level=level, code=code, key=key, file=file)


def _not_a_page(file: SourceFile) -> RowProblem:
    return _problem(
        None,
        file.relpath,
        "not-a-page",
        "Tệp không phải ảnh trang, không được dùng",
        "Not a page image: not used",
        WARNING,
    )


def _own_object(file: SourceFile) -> bool:
    """A loose PDF or multi-page TIFF is a document of its own."""
    try:
        fmt = page_format(file.path)
        return fmt == PDF or (fmt is not None and len(expand_file(file)) > 1)
    except IngestError:
        return False  # reported when its pages are read


def _grouping(files: list[SourceFile], batch_name: str) -> dict[str, list[SourceFile]]:
    groups: dict[str, list[SourceFile]] = {}
    folders = {f.relpath.split("/", 1)[0] for f in files if "/" in f.relpath}
    root_key = batch_name or _BATCH_KEY
    for file in sorted(files, key=lambda f: natural_key(f.relpath)):
        if "/" in file.relpath:
            key = file.relpath.split("/", 1)[0]
        elif _own_object(file):
            stem = PurePosixPath(file.relpath).stem
            key = file.relpath if stem in folders or stem in groups else stem
        else:
            key = root_key
        groups.setdefault(key, []).append(file)
    return groups


def _pages(key: str, files: list[SourceFile], blocked: set[str], problems: list) -> list[PageSpec]:
    pages: list[PageSpec] = []
    for file in files:
        if file.relpath in blocked:
            problems.append(
                _problem(
                    key,
                    file.relpath,
                    "blocked-file",
                    "Tệp có lỗi trong lô (xem báo cáo của lô)",
                    "The file has a problem in the batch (see the batch report)",
                )
            )
            continue
        try:
            expanded = expand_file(file)
        except IngestError as error:
            if promises_image(file.relpath) or error.code != "unsupported-format":
                problems.append(_problem(key, file.relpath, error.code, error.vi, error.en))
            else:
                problems.append(_not_a_page(file))
            continue
        for relpath, pdf_page in expanded:
            order = len(pages) + 1
            pages.append(PageSpec(relpath, order, str(order), pdf_page))
    return pages


def split_objects(objects: Iterable[ObjectSpec]) -> tuple[list[ObjectSpec], list[ObjectSpec]]:
    """``(ok, rejected)``."""
    ok, rejected = [], []
    for obj in objects:
        (ok if obj.ok else rejected).append(obj)
    return ok, rejected


def manifest_from_layout(
    files: list[SourceFile],
    *,
    batch_name: str = "",
    blocked: Iterable[str] = (),
    default_access: str = DEFAULT_ACCESS,
) -> Manifest:
    """Objects from the folder layout (see the module docstring).

    ``blocked``: relpaths with a problem in the batch (``BatchSource.problem_files()``);
    an object holding one is rejected. All objects get ``default_access``.
    """
    blocked = set(blocked)
    problems: list[RowProblem] = []
    objects = []
    for key, group in _grouping(files, batch_name).items():
        own: list[RowProblem] = []
        pages = _pages(key, group, blocked, own)
        problems += own
        if not pages and all(p.level == WARNING for p in own):
            continue  # only files that are not pages: reported, no object
        if not pages and not own:
            own.append(
                _problem(
                    key, key, "no-pages", "Đối tượng không có trang nào", "Object has no pages"
                )
            )
            problems.append(own[-1])
        title = PurePosixPath(key).stem if "/" not in key and key != batch_name else key
        objects.append(
            ObjectSpec(key, title, "other", {}, default_access, None, None, pages, None, own)
        )
    ok, rejected = split_objects(objects)
    return Manifest(ok, problems, rejected)
