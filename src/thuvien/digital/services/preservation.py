"""The preservation store: masters and metadata in OCFL, replicated, audited, repaired.

Every action leaves a PREMIS event (PreservationEvent). The primary root and the replica
are peers: an audit checks every copy, and a damaged copy is repaired from one whose
digests still agree with its inventory.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from thuvien.digital.models import DigitalObject, PreservationEvent
from thuvien.digital.preservation.mets import mods_xml
from thuvien.digital.services import paths

log = logging.getLogger(__name__)
AGENT = "thuvien"


def record_event(
    obj,
    event_type: str,
    detail: str,
    outcome: str = "success",
    outcome_detail: str = "",
    agent: str = AGENT,
) -> PreservationEvent:
    return PreservationEvent.objects.create(
        obj=obj,
        object_ident=obj.ident,
        event_type=event_type,
        when=timezone.now(),
        detail=detail[:5000],
        outcome=outcome,
        outcome_detail=outcome_detail[:5000],
        agent=agent,
    )


def preserve_ingest(obj: DigitalObject, pages, files, facts: dict) -> None:
    """Version 1 of the object: its masters as received, Dublin Core and MODS."""
    masters = {
        page.master_name: files[page.source_path].path
        for page in pages
        if page.master_name and page.source_path in files
    }
    if not masters:
        return
    with tempfile.TemporaryDirectory(dir=_tmp_parent()) as scratch:
        metadata = _metadata_files(obj, Path(scratch))
        version = _add(obj, {**masters, **metadata}, "Nạp tài nguyên số / ingest")
    if version is None:
        return
    record_event(obj, "ingestion", f"{len(masters)} tệp gốc vào kho OCFL {version}")
    for name, path in masters.items():
        fact = facts.get(str(path), {})
        digest = fact.get("digests", {})
        record_event(
            obj,
            "message digest calculation",
            f"{name} sha512:{digest.get('sha512', '')} md5:{digest.get('md5', '')}",
        )
        fmt = fact.get("format")
        if fmt is not None:
            outcome = "success" if fmt.puid else "warning"
            record_event(
                obj,
                "format identification",
                f"{name}: {fmt.puid or '?'} {fmt.name} ({fmt.method})",
                outcome,
            )
    replicate(obj)


def preserve_files(obj: DigitalObject, files: dict[str, Path], message: str) -> str | None:
    """A new version with ``files`` added or replaced (OCR text, corrected metadata)."""
    version = _add(obj, files, message)
    if version is not None:
        record_event(
            obj,
            "metadata modification" if "metadata" in message else "creation",
            f"{message}: {len(files)} tệp, {version}",
        )
        replicate(obj)
    return version


def _tmp_parent() -> Path:
    parent = paths.digital_dir() / "tmp"
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _metadata_files(obj: DigitalObject, scratch: Path) -> dict[str, Path]:
    dc_path = scratch / "dc.json"
    dc_path.write_text(json.dumps(_description(obj), ensure_ascii=False, indent=2), "utf-8")
    mods_path = scratch / "mods.xml"
    mods_path.write_bytes(mods_xml(obj.dc))
    return {"metadata/dc.json": dc_path, "metadata/mods.xml": mods_path}


def _description(obj: DigitalObject) -> dict:
    return {
        "identifier": obj.ident,
        "title": obj.title,
        "kind": obj.kind,
        "access": obj.access,
        "library": obj.library.vn_id,
        "dc": obj.dc,
        "pages": [
            {"order": p.order, "label": p.label, "master": p.master_name, "sha512": p.sha512}
            for p in obj.pages.order_by("order")
        ],
    }


def _add(obj, files: dict[str, Path], message: str) -> str | None:
    root = paths.primary_root()
    if root.exists(obj.ocfl_id) and _unchanged(root, obj, files):
        return None  # a rerun after a crash between the store and the database
    info = root.add_files(
        obj.ocfl_id,
        files,
        message=message,
        user_name=AGENT,
        user_address=f"mailto:{settings.DEFAULT_FROM_EMAIL}",
    )
    DigitalObject.objects.filter(pk=obj.pk).update(ocfl_version=info.version)
    obj.ocfl_version = info.version
    return info.version


def _unchanged(root, obj, files: dict[str, Path]) -> bool:
    from thuvien.digital.preservation.fixity import digests

    state = root.state(obj.ocfl_id)
    for name, path in files.items():
        if name.startswith("metadata/"):
            continue
        held = state.get(name)
        if held is None or held.sha512 != digests(path, ("sha512",))["sha512"]:
            return False
    return all(name in state for name in files)


def replicate(obj: DigitalObject) -> None:
    primary, replica = paths.primary_root(), paths.replica_root()
    try:
        primary.replicate(obj.ocfl_id, replica)
    except Exception as exc:  # the replica's disk may be gone: alert, keep the primary
        record_event(obj, "replication", "Sao sang kho dự phòng", "failure", str(exc))
        alert(f"Replication failed for {obj.ident}: {exc}")
        return
    version = replica.head(obj.ocfl_id)
    DigitalObject.objects.filter(pk=obj.pk).update(replicated_version=version)
    obj.replicated_version = version
    record_event(obj, "replication", f"Kho dự phòng {settings.THUVIEN_OCFL_REPLICA} {version}")


def alert(message: str) -> None:
    """Tell the people who look after the store (log always; mail when addresses are set)."""
    log.error("preservation: %s", message)
    recipients = list(settings.THUVIEN_DIGITAL_ALERT_EMAILS)
    if recipients:
        from django.core.mail import send_mail

        send_mail(
            "[thuvien] Cảnh báo bảo quản / Preservation alert",
            message,
            None,
            recipients,
            fail_silently=True,
        )
