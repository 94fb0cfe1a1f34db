"""The data-quality report of each contributing library, and its verdict.

Over the library's active records (read in chunks, so memory stays bounded): how complete
the key fields are, invalid ISBNs, MARC structure errors, the encoding problems the ingest
found and fixed, duplicates among the library's own records; plus its open quarantined
records, counted as unreadable. The verdict "Đạt chuẩn tích hợp" (meets the integration
standard) compares the figures with thresholds that are data (``THUVIEN_CATALOG_QUALITY_
THRESHOLDS``). Reports are stored (``CatalogQualityReport``) and recomputed by
``thuvien catalog_quality`` or the ``catalog.quality`` job.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from thuvien.catalog.dedup.blocking import BlockIndex
from thuvien.catalog.dedup.profile import Profile, build_profile
from thuvien.catalog.marc import storage
from thuvien.catalog.models import BibRecord, CatalogQualityReport, QuarantinedRecord
from thuvien.catalog.models.ingest import QuarantineStatus
from thuvien.catalog.models.records import RecordStatus
from thuvien.catalog.quality.checks import ERROR, KEY_FIELDS, check_record, describe
from thuvien.catalog.quality.duplicates import find_duplicates
from thuvien.registry.models import Library

CHUNK = 1000
EXAMPLES = 10
REPORT_VERSION = 1

# Shares of records (0-1). ISBN completeness is reported but not required by default:
# most Vietnamese books printed before the national ISBN agency's prefix came into wide use
# carry none, and a library cannot add a number its books do not have.
DEFAULT_THRESHOLDS: dict[str, Any] = {
    "min_records": 1,
    "min_complete": {
        "leader": 1.0,
        "control_number": 0.99,
        "fixed_data": 0.95,
        "title": 0.99,
        "publisher": 0.9,
        "date": 0.9,
        "extent": 0.9,
        "name": 0.9,
        "subject": 0.8,
        "classification": 0.8,
        "language": 0.9,
    },
    "max_invalid_isbn": 0.02,
    "max_marc_errors": 0.02,
    "max_unreadable": 0.01,
    "max_duplicates": 0.05,
}


def thresholds() -> dict[str, Any]:
    """The defaults, overridden key by key by the setting (JSON text or a dict)."""
    raw = getattr(settings, "THUVIEN_CATALOG_QUALITY_THRESHOLDS", "") or {}
    try:
        given = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"THUVIEN_CATALOG_QUALITY_THRESHOLDS không phải JSON hợp lệ / is not valid JSON: {exc}"
        ) from exc
    merged = {**DEFAULT_THRESHOLDS, **given}
    merged["min_complete"] = {**DEFAULT_THRESHOLDS["min_complete"], **given.get("min_complete", {})}
    return merged


def contributing_libraries():
    """Libraries with at least one catalogue source."""
    return Library.objects.filter(catalog_sources__isnull=False).distinct().order_by("name")


class _Tally:
    """Figures added up record by record; examples kept only up to ``EXAMPLES``."""

    def __init__(self) -> None:
        self.records = 0
        self.present: Counter = Counter()
        self.expected: Counter = Counter()
        self.codes: Counter = Counter()
        self.examples: dict[str, list[dict]] = {}
        self.conversions: Counter = Counter()
        self.with_error = self.with_isbn_error = self.with_repair = 0
        self.blocks = BlockIndex()

    def add(self, row: tuple, record, profile: Profile) -> None:
        pk, local_id, title, conversions = row
        checked = check_record(record, conversions)
        self.records += 1
        for key, ok in checked.completeness.items():
            self.expected[key] += ok is not None
            self.present[key] += ok is True
        for finding in checked.findings:
            self.codes[finding.code] += 1
            kept = self.examples.setdefault(finding.code, [])
            if len(kept) < EXAMPLES:
                kept.append(
                    {
                        "pk": pk,
                        "local_id": local_id,
                        "title": title[:200],
                        "vi": finding.vi,
                        "en": finding.en,
                        "value": finding.value,
                        "tag": finding.tag,
                    }
                )
        kinds = {f.code.partition(":")[0] for f in checked.findings if f.level == ERROR}
        self.with_error += "marc" in kinds
        self.with_isbn_error += "isbn" in kinds
        self.with_repair += bool(conversions)
        self.conversions.update(c.partition(":")[0] for c in dict.fromkeys(conversions))
        self.blocks.add(profile)


def _active(library: Library):
    return BibRecord.objects.filter(source__library=library, status=RecordStatus.ACTIVE)


def _chunks(library: Library) -> Iterator[list[tuple]]:
    """The library's active records by ascending id, ``CHUNK`` at a time (keyset paging:
    no long-open cursor, no offset that slows down further in)."""
    last = 0
    while True:
        rows = list(
            _active(library)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "local_id", "title", "conversions", "marc")[:CHUNK]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _load_profiles(keys: Iterable[str]) -> dict[str, Profile]:
    ids = [int(k) for k in keys]
    profiles = {}
    for start in range(0, len(ids), CHUNK):
        rows = BibRecord.objects.filter(pk__in=ids[start : start + CHUNK])
        for pk, marc in rows.values_list("pk", "marc"):
            profiles[str(pk)] = build_profile(str(pk), storage.load(marc))
    return profiles


def _findings(tally: _Tally) -> list[dict]:
    level_order = {"error": 0, "warning": 1, "info": 2}
    rows = []
    for code, count in tally.codes.items():
        first = tally.examples[code][0]
        vi, en = describe(code)
        level = _level_of(code)
        rows.append(
            {
                "code": code,
                "level": level,
                "count": count,
                "vi": vi,
                "en": en,
                "tag": first.get("tag", ""),
                "examples": tally.examples[code],
            }
        )
    return sorted(rows, key=lambda r: (level_order[r["level"]], -r["count"], r["code"]))


def _level_of(code: str) -> str:
    kind = code.partition(":")[0]
    if kind in ("marc", "isbn") or code in ("missing:title", "missing:leader"):
        return "error"
    return "info" if kind == "encoding" else "warning"


def _completeness(tally: _Tally) -> list[dict]:
    rows = []
    for field in KEY_FIELDS:
        expected, present = tally.expected[field.key], tally.present[field.key]
        share = present / expected if expected else None
        rows.append(
            {
                "key": field.key,
                "tag": field.tag,
                "vi": field.vi,
                "en": field.en,
                "present": present,
                "expected": expected,
                "share": share,
            }
        )
    return rows


def _duplicates(tally: _Tally) -> dict:
    groups = find_duplicates(tally.blocks, _load_profiles)
    titles = dict(
        BibRecord.objects.filter(pk__in=[int(k) for g in groups[:50] for k in g.keys]).values_list(
            "pk", "title"
        )
    )
    local = dict(BibRecord.objects.filter(pk__in=list(titles)).values_list("pk", "local_id"))
    return {
        "groups": len(groups),
        "pairs": sum(len(g.pairs) for g in groups),
        "extra_records": sum(len(g.keys) - 1 for g in groups),
        "examples": [
            {
                "records": [
                    {
                        "pk": int(k),
                        "title": titles.get(int(k), "")[:200],
                        "local_id": local.get(int(k), ""),
                    }
                    for k in g.keys
                ],
                "pairs": [
                    {
                        "left": int(p.left),
                        "right": int(p.right),
                        "probability": round(p.probability, 4),
                        "reasons": p.reasons[:8],
                    }
                    for p in g.pairs[:5]
                ],
            }
            for g in groups[:50]
        ],
    }


def _quarantine(library: Library) -> dict:
    items = QuarantinedRecord.objects.filter(
        batch__source__library=library, status=QuarantineStatus.OPEN
    )
    reasons = Counter(r.split("\n", 1)[0][:300] for r in items.values_list("reason", flat=True))
    examples = [
        {"batch": b, "position": p, "file": name, "reason": reason[:500]}
        for b, p, name, reason in items.order_by("batch", "position").values_list(
            "batch", "position", "batch__original_name", "reason"
        )[: EXAMPLES * 5]
    ]
    return {
        "count": sum(reasons.values()),
        "reasons": reasons.most_common(20),
        "examples": examples,
    }


def _criterion(key: str, vi: str, en: str, value: float | None, limit: float, most: bool) -> dict:
    """One test of the verdict; a share that cannot be measured (nothing expected) passes."""
    ok = value is None or (value <= limit if most else value >= limit)
    return {
        "key": key,
        "vi": vi,
        "en": en,
        "value": value,
        "limit": limit,
        "at_most": most,
        "ok": ok,
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def verdict(report: dict, limits: dict[str, Any]) -> list[dict]:
    """Every criterion of the verdict with its measured value and its threshold."""
    records, unreadable = report["records"], report["quarantine"]["count"]
    shares = {row["key"]: row for row in report["completeness"]}
    found = [
        _criterion("min_records", "Số biểu ghi", "records", records, limits["min_records"], False)
    ]
    for key, limit in limits["min_complete"].items():
        row = shares.get(key)
        if row is not None:
            found.append(
                _criterion(
                    f"complete:{key}",
                    f"Đủ {row['vi']}",
                    f"complete {row['en']}",
                    row["share"],
                    limit,
                    False,
                )
            )
    found += [
        _criterion(
            "max_invalid_isbn",
            "Biểu ghi có ISBN sai",
            "records with an invalid ISBN",
            _share(report["invalid_isbn_records"], records),
            limits["max_invalid_isbn"],
            True,
        ),
        _criterion(
            "max_marc_errors",
            "Biểu ghi có lỗi cấu trúc MARC",
            "records with MARC structure errors",
            _share(report["marc_error_records"], records),
            limits["max_marc_errors"],
            True,
        ),
        _criterion(
            "max_unreadable",
            "Biểu ghi không đọc được (cách ly)",
            "unreadable records (quarantined)",
            _share(unreadable, records + unreadable),
            limits["max_unreadable"],
            True,
        ),
        _criterion(
            "max_duplicates",
            "Biểu ghi trùng trong thư viện",
            "duplicates within the library",
            _share(report["duplicates"]["extra_records"], records),
            limits["max_duplicates"],
            True,
        ),
    ]
    return found


def compute_report(library: Library, progress=None) -> dict:
    """The report of one library as JSON-ready data (not stored)."""
    tally = _Tally()
    for rows in _chunks(library):
        for pk, local_id, title, conversions, marc in rows:
            record = storage.load(marc)
            tally.add(
                (pk, local_id, title, conversions or []), record, build_profile(str(pk), record)
            )
        if progress is not None:
            progress.advance(len(rows), f"{library.vn_id}: {tally.records}")
    report = {
        "version": REPORT_VERSION,
        "library": {"vn_id": library.vn_id, "name": library.name},
        "computed_at": timezone.now().isoformat(),
        "records": tally.records,
        "completeness": _completeness(tally),
        "findings": _findings(tally),
        "marc_error_records": tally.with_error,
        "invalid_isbn_records": tally.with_isbn_error,
        "repaired_records": tally.with_repair,
        "conversions": dict(tally.conversions.most_common()),
        "duplicates": _duplicates(tally),
        "quarantine": _quarantine(library),
    }
    limits = thresholds()
    report["thresholds"] = limits
    report["criteria"] = verdict(report, limits)
    report["meets_standard"] = all(c["ok"] for c in report["criteria"])
    return report


def store_report(library: Library, progress=None) -> CatalogQualityReport:
    report = compute_report(library, progress)
    with transaction.atomic():
        stored, _ = CatalogQualityReport.objects.update_or_create(
            library=library,
            defaults={
                "computed_at": timezone.now(),
                "records": report["records"],
                "meets_standard": report["meets_standard"],
                "data": report,
            },
        )
    return stored


def recompute(vn_id: str | None = None, progress=None) -> dict[str, Any]:
    """Recompute the reports of one library (by VN id) or of every contributing library."""
    libraries = contributing_libraries()
    if vn_id:
        libraries = Library.objects.filter(vn_id=vn_id)
        if not libraries.exists():
            raise LookupError(f"Không có thư viện {vn_id} / no library {vn_id}")
    if progress is not None:
        progress.set_total(BibRecord.objects.filter(source__library__in=libraries).count())
    done = {}
    for library in libraries:
        stored = store_report(library, progress)
        done[library.vn_id] = {"records": stored.records, "meets_standard": stored.meets_standard}
    # Reports of libraries that no longer contribute would show stale figures.
    if not vn_id:
        CatalogQualityReport.objects.exclude(library__in=libraries).delete()
    return {
        "libraries": len(done),
        "meets_standard": sum(v["meets_standard"] for v in done.values()),
        "reports": done,
    }
