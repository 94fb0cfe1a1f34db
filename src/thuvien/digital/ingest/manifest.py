"""Read a batch manifest (CSV or XLSX) into objects and pages, with every problem per row.

Layout: one row per page. The object's identifier is repeated on each of its rows, or given
on its first row only (a blank identifier continues the object above); without an object
column, a file's top-level folder (or, for a loose file, its name without suffix) is its
object. Object columns (title, type, ...) may be repeated on every row or given once; rows
of one object that disagree are an error. A row's file may also name a folder (``sach1/``)
or a pattern (``sach1/*.tif``): all page images in it, in natural order, and a PDF or
multi-page TIFF gives all its pages unless ``pdf_page`` picks one. So one row per object
works too.

Columns (header names are matched ignoring case, diacritics, spaces and punctuation;
``dc.creator``/``dc:creator`` work for every Dublin Core element):

======================  ==============================================================
field                   accepted headers
======================  ==============================================================
object                  object, object id, mã đối tượng, đối tượng, mã tài liệu
file (required)         file, files, filename, path, tệp, tên tệp, tập tin, đường dẫn
page (order)            page, order, page order, sequence, trang, thứ tự, thứ tự trang
label                   label, page label, nhãn trang, nhãn, số trang
pdf_page                pdf page, trang pdf
title (required, *)    title, nhan đề, nhan đề chính, tên, tiêu đề, tên tài liệu
type                    type, kind, loại, loại hình, loại tài liệu, dạng tài liệu
access                  access, access level, quyền truy cập, mức truy cập, truy cập
collection              collection, bộ sưu tập, sưu tập
record                  record, catalogue record, record id, bản ghi, mã bản ghi, biểu ghi
creator                 creator, author, tác giả
contributor             contributor, đồng tác giả, người đóng góp
subject                 subject, keywords, chủ đề, từ khoá
description             description, mô tả, tóm tắt, ghi chú
publisher               publisher, nhà xuất bản, nxb
date                    date, year, năm, ngày, năm xuất bản
language                language, ngôn ngữ (names or codes -> ISO 639-2/B: vie, eng, fre)
identifier              identifier, isbn, issn, định danh, mã định danh
rights                  rights, bản quyền, quyền
format, source,         format/định dạng, source/nguồn, relation/liên kết/quan hệ,
relation, coverage      coverage/phạm vi/địa danh
======================  ==============================================================

(*) not needed when the row names a union-catalogue record: the record gives the title and the
Dublin Core elements the row leaves empty.

Values: type is book/sách, periodical/tạp chí, newspaper/báo, manuscript/bản thảo/thư tịch/
Hán Nôm, map/bản đồ, photograph/ảnh, other/khác (another value: a warning, kind "other",
the value kept in ``dc["type"]``). Access is public/công khai, registered/bạn đọc đăng ký,
onsite/tại chỗ, restricted/hạn chế (another value: an error; none: ``default_access``,
"restricted", with a warning). creator, contributor, subject, language, identifier,
relation and coverage may hold several values separated by ";" or "|".

Problems, each naming its row and column: unknown column (warning), missing file, file
listed twice, duplicate page order, a gap in page numbers (warning), unknown access value,
missing title, an object with no pages, a batch file no row uses (warning). An object with
an error is put in ``Manifest.rejected``; the other objects go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from thuvien.digital.ingest.errors import ERROR, IngestError, RowProblem
from thuvien.digital.ingest.layout import DEFAULT_ACCESS, manifest_from_layout, split_objects
from thuvien.digital.ingest.rows import RowReader
from thuvien.digital.ingest.sources import BatchSource, SourceFile
from thuvien.digital.ingest.specs import Manifest, ObjectSpec, PageSpec
from thuvien.digital.ingest.table import read_table

__all__ = [
    "DEFAULT_ACCESS",
    "Manifest",
    "ObjectSpec",
    "PageSpec",
    "RowProblem",
    "manifest_from_layout",
    "plan",
    "read_manifest",
]

_UNICODE = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "xlsx"})


def read_manifest(
    path: Path,
    files: list[SourceFile],
    *,
    blocked: Iterable[str] = (),
    default_access: str = DEFAULT_ACCESS,
) -> Manifest:
    """Objects and pages from the manifest at ``path`` over the batch's ``files``.

    ``IngestError`` if the file cannot be read at all (encoding, format, no file column);
    everything else is a ``RowProblem``. ``blocked``: relpaths with a problem in the batch
    (``BatchSource.problem_files()``); a row using one is an error on its object.
    """
    path = Path(path)
    try:
        table = read_table(path)
        reader = RowReader(table, files, set(blocked), default_access)
    except IngestError as error:
        error.where = error.where or path.name
        raise
    if table.encoding not in _UNICODE:
        reader.report(0, None, "legacy-encoding", value=table.encoding)
    for number, cells in table.rows:
        reader.row(number, cells)
    ok, rejected = split_objects(reader.objects())
    return Manifest(ok, reader.problems, rejected)


def _reject_all(manifest: Manifest, source: BatchSource) -> Manifest:
    """A bag-level error (Payload-Oxum, a tag file's checksum): no object can be trusted."""
    reasons = "; ".join(f"{p.where}: {p.en}" for p in source.batch_errors())
    reasons_vi = "; ".join(f"{p.where}: {p.vi}" for p in source.batch_errors())
    for obj in manifest.objects:
        problem = RowProblem(
            obj.row or 0,
            None,
            f"Lô có lỗi: {reasons_vi}",
            f"The batch has errors: {reasons}",
            ERROR,
            "batch-error",
            obj.key,
        )
        obj.problems.append(problem)
        manifest.problems.append(problem)
    return Manifest([], manifest.problems, manifest.objects + manifest.rejected)


def plan(source: BatchSource, *, default_access: str = DEFAULT_ACCESS) -> Manifest:
    """What to ingest from an opened batch: its manifest, or its folder layout if it has none.

    Files with an error in the batch (a checksum that lies, a refused ZIP entry) reject the
    objects holding them; an error about the whole batch rejects every object.
    """
    blocked = source.problem_files()
    if source.manifest is not None:
        manifest = read_manifest(
            source.manifest, source.files, blocked=blocked, default_access=default_access
        )
    else:
        manifest = manifest_from_layout(
            source.files, batch_name=source.name, blocked=blocked, default_access=default_access
        )
    return _reject_all(manifest, source) if source.batch_errors() else manifest
