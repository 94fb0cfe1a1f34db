"""Scheduled fixity audits and the restore drill.

The audit spreads the store over a cycle (THUVIEN_DIGITAL_AUDIT_CYCLE_DAYS): each daily run
checks the objects least recently audited, a share big enough that every object is seen
once per cycle. Both copies of an object are re-hashed; a damaged copy is repaired from the
other when the other is sound, and every finding is a PREMIS event and an alert.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from thuvien.digital.models import DigitalObject, FixityAudit
from thuvien.digital.services import paths
from thuvien.digital.services.preservation import alert, record_event


def due_objects(everything: bool = False):
    stored = DigitalObject.objects.exclude(ocfl_version="").order_by(
        F("last_audit_at").asc(nulls_first=True), "pk"
    )
    if everything:
        return stored
    share = math.ceil(stored.count() / max(1, settings.THUVIEN_DIGITAL_AUDIT_CYCLE_DAYS))
    return stored[:share]


def run_audit(progress=None, *, everything: bool = False, idents=None) -> dict:
    objects = list(
        DigitalObject.objects.filter(ident__in=idents) if idents else due_objects(everything)
    )
    audit = FixityAudit.objects.create()
    if progress:
        progress.set_total(len(objects))
    started = time.monotonic()
    for obj in objects:
        outcome = audit_object(obj)
        audit.objects_checked += 1
        audit.files_checked += outcome.files
        audit.bytes_read += outcome.bytes_read
        audit.mismatches += outcome.mismatches
        audit.repaired += outcome.repaired
        audit.unrepaired += outcome.unrepaired
        if progress:
            progress.advance(1, obj.ident)
    audit.finished_at = timezone.now()
    audit.save()
    seconds = time.monotonic() - started
    return {
        "audit": audit.pk,
        "objects": audit.objects_checked,
        "files": audit.files_checked,
        "bytes": audit.bytes_read,
        "seconds": round(seconds, 2),
        "mb_per_s": round(audit.bytes_read / 1e6 / seconds, 1) if seconds else None,
        "mismatches": len(audit.mismatches),
        "repaired": audit.repaired,
        "unrepaired": audit.unrepaired,
    }


@dataclass
class ObjectAudit:
    files: int = 0
    bytes_read: int = 0
    mismatches: list[dict] = field(default_factory=list)
    repaired: int = 0
    unrepaired: int = 0


def audit_object(obj: DigitalObject) -> ObjectAudit:
    """Check both copies; repair a damaged copy from a sound one."""
    result = ObjectAudit()
    roots = {"primary": paths.primary_root(), "replica": paths.replica_root()}
    damaged: dict[str, list] = {}
    for name, root in roots.items():
        found = _check_copy(obj, name, root, result)
        if found:
            damaged[name] = found
    for name, found in damaged.items():
        good_name = "replica" if name == "primary" else "primary"
        if good_name in damaged:
            result.unrepaired += len(found)
            alert(f"{obj.ident}: both copies damaged ({name}: {len(found)} files)")
            continue
        _repair(obj, roots[name], roots[good_name], name, found, result)
    DigitalObject.objects.filter(pk=obj.pk).update(last_audit_at=timezone.now())
    return result


def _check_copy(obj, name, root, result: ObjectAudit) -> list:
    if not root.exists(obj.ocfl_id):
        result.mismatches.append({"object": obj.ident, "copy": name, "file": "*", "missing": True})
        record_event(obj, "fixity check", f"Bản {name}: không còn đối tượng", "failure")
        alert(f"{obj.ident}: the {name} copy is missing")
        return ["*"]
    report = root.audit_object(obj.ocfl_id)
    result.files += report.files
    result.bytes_read += report.bytes_read
    for mismatch in report.mismatches:
        result.mismatches.append(
            {
                "object": obj.ident,
                "copy": name,
                "file": str(mismatch.content_path),
                "expected": mismatch.expected,
                "actual": mismatch.actual,
            }
        )
    outcome = "failure" if report.mismatches else "success"
    detail = f"Bản {name}: {report.files} tệp, SHA-512"
    names = ", ".join(Path(str(m.content_path)).name for m in report.mismatches[:10])
    record_event(obj, "fixity check", detail, outcome, names)
    if report.mismatches:
        alert(f"{obj.ident}: {len(report.mismatches)} damaged files in the {name} copy: {names}")
    return list(report.mismatches)


def _repair(obj, damaged_root, good_root, name, found, result: ObjectAudit) -> None:
    try:
        if found == ["*"]:
            good_root.replicate(obj.ocfl_id, damaged_root)
        else:
            damaged_root.repair(obj.ocfl_id, good_root)
        left = damaged_root.audit_object(obj.ocfl_id).mismatches
    except Exception as exc:
        left, error = found, str(exc)
    else:
        error = ""
    if left:
        result.unrepaired += len(found)
        record_event(
            obj, "recovery", f"Sửa bản {name}", "failure", error or f"{len(left)} còn hỏng"
        )
        alert(f"{obj.ident}: repair of the {name} copy failed {error}")
        return
    result.repaired += len(found) if found != ["*"] else 1
    record_event(
        obj,
        "recovery",
        f"Sửa bản {name} từ bản còn tốt",
        "success",
        f"{len(found)} tệp" if found != ["*"] else "toàn bộ đối tượng",
    )


def restore_drill(ident: str | None = None, seed: int | None = None) -> dict:
    """Damage copies on purpose, run the audit, and check everything came back.

    Two cases, one after the other: a flipped byte in one master of the primary copy
    (repaired from the replica), then the whole replica copy deleted (restored from the
    primary). The report says what was damaged, found, repaired and verified.
    """
    obj = _drill_object(ident, seed)
    primary, replica = paths.primary_root(), paths.replica_root()
    rng = random.Random(seed)
    state = primary.state(obj.ocfl_id)
    victim_name = rng.choice(sorted(n for n in state if n.startswith("masters/")) or sorted(state))
    offset = _flip_byte(Path(state[victim_name].content_path), rng)
    record_event(
        obj,
        "validation",
        f"Diễn tập khôi phục: hỏng 1 byte ở {victim_name} (vị trí {offset}) của bản chính",
        "warning",
    )
    started = time.monotonic()
    flipped = audit_object(obj)
    replica.delete_object(obj.ocfl_id)
    record_event(obj, "validation", "Diễn tập khôi phục: xóa bản dự phòng", "warning")
    deleted = audit_object(obj)
    seconds = time.monotonic() - started
    checks = _verify_copies(obj, primary, replica)
    passed = all(checks.values()) and flipped.repaired == 1 and deleted.repaired == 1
    record_event(
        obj, "validation", "Diễn tập khôi phục: kết quả", "success" if passed else "failure"
    )
    return {
        "object": obj.ident,
        "damaged_file": victim_name,
        "byte_offset": offset,
        "flipped_byte": {"found": len(flipped.mismatches), "repaired": flipped.repaired},
        "replica_deleted": {"found": len(deleted.mismatches), "restored": deleted.repaired},
        **checks,
        "seconds": round(seconds, 3),
        "passed": passed,
    }


def _verify_copies(obj, primary, replica) -> dict[str, bool]:
    present = replica.exists(obj.ocfl_id)
    return {
        "primary_valid": primary.validate_object(obj.ocfl_id).ok,
        "replica_valid": present and replica.validate_object(obj.ocfl_id).ok,
        "fixity_clean": not primary.audit_object(obj.ocfl_id).mismatches
        and present
        and not replica.audit_object(obj.ocfl_id).mismatches,
    }


def _drill_object(ident, seed) -> DigitalObject:
    stored = DigitalObject.objects.exclude(ocfl_version="")
    if ident:
        return stored.get(ident=ident)
    candidates = list(stored.values_list("pk", flat=True))
    if not candidates:
        raise DigitalObject.DoesNotExist(
            "Kho bảo quản chưa có tài nguyên nào / The preservation store holds no object yet"
        )
    return stored.get(pk=random.Random(seed).choice(candidates))


def _flip_byte(path: Path, rng: random.Random) -> int:
    size = path.stat().st_size
    offset = rng.randrange(size) if size else 0
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1) or b"\0"
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return offset
