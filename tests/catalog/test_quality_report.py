"""The data-quality report on real files: marc4j's broken file, LC's Vietnamese records."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tests.catalog.test_ingest import EDGE, ingest
from thuvien.catalog.models import BibRecord, CatalogQualityReport, QuarantinedRecord
from thuvien.catalog.services.quality import compute_report, recompute, thresholds

pytestmark = pytest.mark.django_db
BROKEN = EDGE + "pride-and-prejudice-with-many-errors.mrc"


def _findings(report) -> dict[str, dict]:
    return {row["code"]: row for row in report["findings"]}


def _criteria(report) -> dict[str, dict]:
    return {row["key"]: row for row in report["criteria"]}


@pytest.fixture
def broken_report(contributor, tmp_path):
    """marc4j's broken file, plus a truncated copy so that records are quarantined."""
    ingest(contributor, BROKEN)
    with open(BROKEN, "rb") as handle:
        data = handle.read()
    truncated = tmp_path / "truncated.mrc"
    truncated.write_bytes(data[:2000] + b"00042nam" + b"\x1d")
    ingest(contributor, truncated, source_code="cut")
    return compute_report(contributor)


def test_marc4j_broken_file_report_names_its_real_problems(broken_report, contributor):
    report, found = broken_report, _findings(broken_report)
    assert report["records"] == BibRecord.objects.filter(status="active").count() > 300
    # A real wrong-length ISBN in the file, named with a link to its record.
    isbn = found["isbn:length"]
    example = isbn["examples"][0]
    assert example["value"] and BibRecord.objects.filter(pk=example["pk"]).exists()
    assert report["invalid_isbn_records"] >= 1
    # Records without 001 or 008 or subjects; leader positions and indicators that are wrong.
    assert found["missing:control_number"]["count"] > 10
    assert found["missing:fixed_data"]["count"] > 100
    assert found["missing:subject"]["level"] == "warning"
    assert {"marc:leader-05", "marc:leader-17", "marc:indicator", "marc:repeated"} <= set(found)
    assert all(f["level"] == "error" for c, f in found.items() if c.startswith("marc:"))
    assert report["marc_error_records"] > 30
    # The encoding problems the ingest found and fixed: MARC-8 under a leader saying UTF-8,
    # broken leaders, Latin-1 bytes, and the UNIMARC records converted.
    assert report["conversions"]["marc8->utf8"] == report["conversions"]["leader-utf8-but-marc8"]
    assert {"leader-repaired", "latin1->utf8", "unimarc->marc21"} <= set(report["conversions"])
    assert found["encoding:leader-utf8-but-marc8"]["level"] == "info"
    assert report["repaired_records"] >= report["conversions"]["marc8->utf8"]
    # The truncated copy's broken record is unreadable, with its reason.
    quarantined = QuarantinedRecord.objects.filter(batch__source__library=contributor).count()
    assert report["quarantine"]["count"] == quarantined > 0
    assert " / " in report["quarantine"]["examples"][0]["reason"]
    # The same file's records read twice (two sources) are duplicates of each other.
    assert report["duplicates"]["groups"] >= 1
    assert report["meets_standard"] is False
    failed = {key for key, row in _criteria(report).items() if not row["ok"]}
    assert {"complete:fixed_data", "complete:control_number", "max_marc_errors"} <= failed


def test_lc_vietnamese_records_meet_the_integration_standard(contributor, lc_vie_file):
    ingest(contributor, lc_vie_file)
    report = compute_report(contributor)
    assert report["records"] == 121
    assert report["meets_standard"] is True, [c for c in report["criteria"] if not c["ok"]]
    shares = {row["key"]: row["share"] for row in report["completeness"]}
    assert shares["title"] == 1.0 and shares["subject"] > 0.85
    assert report["conversions"]["nfd->nfc"] == 121
    assert report["duplicates"]["groups"] == 0 and report["quarantine"]["count"] == 0


def _renumbered(record: bytes) -> tuple[bytes, bytes]:
    """The record with its 001 overwritten by as many X's (lengths unchanged), and the old 001."""
    base = int(record[12:17])
    for at in range(24, base - 1, 12):
        if record[at : at + 3] == b"001":
            length, start = int(record[at + 3 : at + 7]), int(record[at + 7 : at + 12])
            old = record[base + start : base + start + length - 1]
            return record.replace(old, b"X" * len(old), 1), old
    raise AssertionError("no 001")


def test_a_record_repeated_under_another_001_is_an_internal_duplicate(
    contributor, lc_vie_file, tmp_path
):
    records = lc_vie_file.read_bytes().split(b"\x1d")[:-1]
    copy, old = _renumbered(records[5])
    new = b"X" * len(old)
    path = tmp_path / "repeated.mrc"
    path.write_bytes(b"".join(r + b"\x1d" for r in [*records[:20], copy]))
    ingest(contributor, path)
    assert BibRecord.objects.count() == 21
    report = compute_report(contributor)
    [group] = report["duplicates"]["examples"]
    local_ids = {r["local_id"] for r in group["records"]}
    assert local_ids == {old.decode().strip(), new.decode()}
    assert group["pairs"][0]["reasons"] and group["pairs"][0]["probability"] > 0.9
    assert report["duplicates"]["extra_records"] == 1


def test_thresholds_come_from_the_setting(settings, contributor, lc_vie_file):
    settings.THUVIEN_CATALOG_QUALITY_THRESHOLDS = '{"min_complete": {"isbn": 0.5}}'
    limits = thresholds()
    assert limits["min_complete"]["isbn"] == 0.5 and limits["min_complete"]["title"] == 0.99
    ingest(contributor, lc_vie_file)
    report = compute_report(contributor)
    assert report["meets_standard"] is False
    assert [c["key"] for c in report["criteria"] if not c["ok"]] == ["complete:isbn"]
    settings.THUVIEN_CATALOG_QUALITY_THRESHOLDS = "{not json"
    with pytest.raises(ImproperlyConfigured, match="JSON"):
        thresholds()


def test_command_stores_the_reports(contributor, vn_library, lc_vie_file, capsys):
    ingest(contributor, lc_vie_file)
    call_command("catalog_quality", verbosity=0)
    stored = CatalogQualityReport.objects.get()
    assert stored.library == contributor and stored.records == 121 and stored.meets_standard
    assert f"{contributor.vn_id}: 121" in capsys.readouterr().out
    summary = recompute(contributor.vn_id)
    assert summary["libraries"] == 1
    with pytest.raises(Exception, match="VN-XX"):
        call_command("catalog_quality", library="VN-XX", verbosity=0)
