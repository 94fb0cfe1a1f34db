"""Exports of a preserved object: METS (with MODS, DC and PREMIS) and BagIt bags."""

from __future__ import annotations

import tempfile
from pathlib import Path

from thuvien.digital.models import DigitalObject
from thuvien.digital.preservation.bags import export_bag
from thuvien.digital.preservation.mets import MetsFile, mets_xml
from thuvien.digital.preservation.premis import (
    FileInfo,
    PremisAgent,
    PremisEvent,
    PremisObject,
    premis_xml,
)
from thuvien.digital.services import paths

AGENT = PremisAgent(identifier="thuvien", name="thuvien", type="software", version="0.1")


def premis_for(obj: DigitalObject) -> bytes:
    pages = list(obj.pages.filter(status="ready").order_by("order"))
    files = [
        FileInfo(
            path=p.master_name,
            size=p.size,
            sha512=p.sha512,
            md5=p.md5,
            puid=p.puid,
            format_name=p.format_name,
            mime=p.mime,
        )
        for p in _unique_masters(pages)
    ]
    events = [
        PremisEvent(
            identifier=str(e.uuid),
            event_type=e.event_type,
            when=e.when,
            detail=e.detail,
            outcome=e.outcome,
            outcome_detail=e.outcome_detail,
            agents=[(e.agent or "thuvien", "executing program")],
            objects=[obj.ocfl_id],
        )
        for e in obj.events.order_by("when", "id")
    ]
    return premis_xml([PremisObject(identifier=obj.ocfl_id, files=files)], events, [AGENT])


def _unique_masters(pages):
    seen, out = set(), []
    for page in pages:
        if page.master_name and page.master_name not in seen:
            seen.add(page.master_name)
            out.append(page)
    return out


def mets_files(obj: DigitalObject) -> list[MetsFile]:
    files = []
    for page in obj.pages.filter(status="ready").order_by("order"):
        base = dict(page_order=page.order, page_label=page.label)
        files.append(
            MetsFile(
                id=f"master-{page.order}",
                href=page.master_name,
                mime=page.mime,
                size=page.size,
                sha512=page.sha512,
                use="master",
                **base,
            )
        )
        access = paths.access_path(page)
        if access.exists():
            files.append(
                MetsFile(
                    id=f"access-{page.order}",
                    href=f"access/{access.name}",
                    mime="image/jpeg",
                    size=access.stat().st_size,
                    sha512=None,
                    use="access",
                    **base,
                )
            )
        hocr = paths.hocr_path(page)
        if hocr.exists():
            files.append(
                MetsFile(
                    id=f"ocr-{page.order}",
                    href=f"ocr/{hocr.name}",
                    mime="text/vnd.hocr+html",
                    size=hocr.stat().st_size,
                    sha512=None,
                    use="ocr",
                    **base,
                )
            )
    return files


def mets_for(obj: DigitalObject) -> bytes:
    return mets_xml(obj.ocfl_id, obj.dc, mets_files(obj), premis_for(obj), obj.title)


def export_object_bag(obj: DigitalObject, dest: Path) -> Path:
    """A BagIt bag of the object's current version: masters, metadata, OCR, METS/PREMIS."""
    from thuvien.digital.services.preservation import record_event

    state = paths.primary_root().state(obj.ocfl_id)
    files = {name: Path(held.content_path) for name, held in state.items()}
    with tempfile.TemporaryDirectory() as scratch:
        mets = Path(scratch) / "mets.xml"
        mets.write_bytes(mets_for(obj))
        files["metadata/mets.xml"] = mets
        bag = export_bag(
            files,
            dest,
            {
                "Source-Organization": obj.library.name,
                "External-Identifier": obj.ocfl_id,
                "External-Description": obj.title[:500],
            },
        )
    record_event(obj, "dissemination", f"Xuất túi BagIt {bag}")
    return bag
