"""What a batch holds, as the manifest or the folder layout says: objects and their pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from thuvien.digital.ingest.errors import ERROR, IngestError, RowProblem
from thuvien.digital.ingest.images import PDF, TIFF, probe, sniff
from thuvien.digital.ingest.sources import SourceFile

__all__ = ["IMAGE_SUFFIXES", "Manifest", "ObjectSpec", "PageSpec", "expand_file", "page_format"]

# Names that promise a page image: such a file that is not one is an error, not noise.
IMAGE_SUFFIXES = frozenset(
    {".tif", ".tiff", ".jpg", ".jpeg", ".jpe", ".jp2", ".j2k", ".jpx", ".jpf", ".png", ".pdf"}
)


@dataclass(frozen=True, slots=True)
class PageSpec:
    relpath: str
    order: int  # 1, 2, ... in reading order
    label: str  # as printed on the page ("i", "Bìa", "12") or the order
    pdf_page: int | None = None  # page of a PDF or multi-page TIFF, from 1


@dataclass
class ObjectSpec:
    """One digital object. ``dc`` holds the Dublin Core elements other than the title
    (creator, subject, description, publisher, date, language as ISO 639-2/B codes,
    identifier, rights, ...); ``type`` only when the value given is not a known kind."""

    key: str
    title: str
    kind: str
    dc: dict[str, list[str]]
    access: str
    collection: str | None
    catalogue_record: str | None
    pages: list[PageSpec]
    row: int | None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.level == ERROR for p in self.problems)

    @property
    def relpaths(self) -> set[str]:
        return {page.relpath for page in self.pages}


@dataclass
class Manifest:
    """``objects`` are the objects without errors, ready to ingest; ``rejected`` the ones
    with an error (see their ``problems``). ``problems`` lists every problem, warnings too."""

    objects: list[ObjectSpec]
    problems: list[RowProblem]
    rejected: list[ObjectSpec] = field(default_factory=list)

    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == ERROR]


def page_count(path: Path, fmt: str, where: str) -> int:
    """Pages in a PDF or TIFF (header only; a pyramidal TIFF is one page), else 1."""
    if fmt not in (PDF, TIFF):
        return 1
    return probe(path, verify=False, where=where).pages


def page_format(path: Path) -> str | None:
    """The format by content, or None; an unreadable file raises ``IngestError``."""
    try:
        return sniff(path)
    except OSError as exc:
        raise IngestError(
            f"Không đọc được tệp: {exc}",
            f"Cannot read the file: {exc}",
            path.name,
            code="unreadable",
        ) from exc


def promises_image(relpath: str) -> bool:
    return Path(relpath).suffix.casefold() in IMAGE_SUFFIXES


def expand_file(source: SourceFile, pdf_page: int | None = None) -> list[tuple[str, int | None]]:
    """The pages of one batch file as ``(relpath, page)``: ``page`` is None for a one-page
    image, 1..n for a PDF or a multi-page TIFF (or only ``pdf_page`` if given).
    ``IngestError`` if it is not a page image by content or has no such page."""
    fmt = page_format(source.path)
    if fmt is None:
        raise IngestError(
            "Không phải ảnh TIFF, JPEG, JPEG 2000, PNG hay PDF (xét theo nội dung tệp)",
            "Not a TIFF, JPEG, JPEG 2000, PNG or PDF file (judged by its content)",
            source.relpath,
            code="unsupported-format",
        )
    count = page_count(source.path, fmt, source.relpath)
    if pdf_page is not None:
        if not 1 <= pdf_page <= count:
            raise IngestError(
                f"Tệp có {count} trang, không có trang {pdf_page}",
                f"The file has {count} pages, not page {pdf_page}",
                source.relpath,
                code="no-such-page",
            )
        return [(source.relpath, pdf_page if count > 1 or fmt == PDF else None)]
    if fmt == PDF or count > 1:
        return [(source.relpath, page) for page in range(1, count + 1)]
    return [(source.relpath, None)]
