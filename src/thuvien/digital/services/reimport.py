"""A bag exported by this system (``thuvien digital_export_bag``) read back as one object:
its ``metadata/dc.json`` says the title, kind, access, Dublin Core and page order, so a
restore from a bag gives the object it was, not one object per folder."""

from __future__ import annotations

import json

from thuvien.digital.ingest.errors import RowProblem
from thuvien.digital.ingest.specs import Manifest, ObjectSpec, PageSpec

DESCRIPTION = "metadata/dc.json"


def own_export(source) -> Manifest | None:
    """The object of a bag this system exported, or None for any other batch."""
    if source.kind != "bag":
        return None
    files = {f.relpath: f for f in source.files}
    described = files.get(DESCRIPTION)
    if described is None:
        return None
    try:
        data = json.loads(described.path.read_text("utf-8"))
        pages = [
            PageSpec(relpath=p["master"], order=int(p["order"]), label=str(p.get("label") or ""))
            for p in data["pages"]
        ]
        spec = ObjectSpec(
            key=str(data["identifier"]),
            title=str(data["title"]),
            kind=str(data["kind"]),
            dc=dict(data.get("dc") or {}),
            access=str(data["access"]),
            collection=None,
            catalogue_record=None,
            pages=pages,
            row=None,
        )
    except (ValueError, KeyError, TypeError):
        return None  # not ours after all: read it like any bag
    blocked = source.problem_files()
    for page in pages:
        if page.relpath not in files or page.relpath in blocked:
            spec.problems.append(
                RowProblem(
                    0,
                    None,
                    "Tệp trang thiếu hoặc sai tổng kiểm",
                    "Page file missing or corrupt",
                    key=spec.key,
                    file=page.relpath,
                )
            )
    if spec.ok and not source.batch_errors():
        return Manifest(objects=[spec], problems=[])
    return Manifest(objects=[], problems=list(spec.problems), rejected=[spec])
