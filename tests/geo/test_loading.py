"""Loading the shipped lists: counts, idempotence, and agreement with independent sources."""

import csv
import gzip
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tests.geo.conftest import FIXTURES
from thuvien.geo.models import AdminUnit, Level, Scheme, UnitSuccession
from thuvien.geo.naming import name_key, province_keys
from thuvien.geo.services import GeoDataError, LoadReport, load_units

pytestmark = pytest.mark.django_db


def test_first_load_counts(units: LoadReport) -> None:
    assert units.count(Scheme.V2025, Level.PROVINCE) == 34
    assert units.count(Scheme.V2025, Level.COMMUNE) == 3321
    assert units.count(Scheme.PRE2025, Level.PROVINCE) == 63
    assert units.count(Scheme.PRE2025, Level.DISTRICT) == 696
    # 10,051 in the package's pre-2025 list plus 10 known only from the conversion table.
    assert units.count(Scheme.PRE2025, Level.COMMUNE) == 10061
    assert units.created == 34 + 3321 + 63 + 696 + 10061


def test_mapping_counts(units: LoadReport) -> None:
    assert units.succession_counts["commune old units"] == 10033
    assert units.succession_counts["commune split"] == 441
    assert units.succession_counts["province old units"] == 63
    split = (
        UnitSuccession.objects.filter(old__level=Level.COMMUNE)
        .values("old_id")
        .annotate(n=Count("new_id"))
        .filter(n__gt=1)
    )
    assert split.count() == 441
    # A split commune is by definition not merged whole.
    assert not UnitSuccession.objects.filter(old_id__in=split.values("old_id"), whole=True).exists()


def test_reload_changes_nothing(units: LoadReport) -> None:
    before = AdminUnit.objects.count(), UnitSuccession.objects.count()
    again = load_units()
    assert (again.created, again.updated) == (0, 0)
    assert (again.successions_created, again.successions_updated, again.successions_removed) == (
        0,
        0,
        0,
    )
    assert (AdminUnit.objects.count(), UnitSuccession.objects.count()) == before


def test_reload_repairs_in_place(units: LoadReport) -> None:
    ward = AdminUnit.objects.get(scheme=Scheme.V2025, level=Level.COMMUNE, code="26740")
    AdminUnit.objects.filter(id=ward.id).update(name="Sai", name_key="sai")
    old = AdminUnit.objects.get(scheme=Scheme.PRE2025, level=Level.COMMUNE, code="26740")
    UnitSuccession.objects.filter(old=old).delete()
    stray = UnitSuccession.objects.create(
        old=old, new=AdminUnit.objects.get(code="01", scheme="2025")
    )

    report = load_units()

    assert report.updated == 1 and report.created == 0
    assert (report.successions_created, report.successions_removed) == (1, 1)
    ward.refresh_from_db()
    assert (ward.name, ward.name_key) == ("Phường Sài Gòn", "saigon")
    assert not UnitSuccession.objects.filter(id=stray.id).exists()
    assert old.successors.get().new_id == ward.id


def test_code_is_only_unique_within_a_scheme(units: LoadReport) -> None:
    both = AdminUnit.objects.filter(level=Level.COMMUNE, code="26740").order_by("scheme")
    assert [(u.scheme, u.name) for u in both] == [
        ("2008", "Phường Bến Nghé"),
        ("2025", "Phường Sài Gòn"),
    ]
    assert [u.qualified_code for u in both] == ["2008:26740", "2025:26740"]


def test_hierarchy_and_derived_fields(units: LoadReport) -> None:
    ben_nghe = AdminUnit.objects.get(scheme=Scheme.PRE2025, level=Level.COMMUNE, code="26740")
    assert ben_nghe.parent.name == "Quận 1"
    assert ben_nghe.parent.parent == ben_nghe.province
    assert ben_nghe.province.name == "Thành phố Hồ Chí Minh"
    assert ben_nghe.name_folded == "phuong ben nghe"
    assert ben_nghe.english_name == "Ben Nghe Ward"
    hcm = AdminUnit.objects.get(scheme=Scheme.V2025, level=Level.PROVINCE, code="79")
    assert hcm.province == hcm and hcm.parent is None
    assert hcm.english_name == "Ho Chi Minh City"
    assert 10.3 < hcm.latitude < 11.6 and 106.3 < hcm.longitude < 107.6
    assert not AdminUnit.objects.filter(level=Level.COMMUNE, province__isnull=True).exists()
    assert (
        not AdminUnit.objects.filter(scheme=Scheme.V2025, latitude__isnull=False)
        .exclude(level=Level.PROVINCE)
        .exists()
    )
    special_zones = AdminUnit.objects.filter(scheme=Scheme.V2025, unit_type="đặc khu")
    assert special_zones.count() == 13
    assert special_zones.filter(name="Đặc khu Hoàng Sa", province__code="48").exists()


def test_commune_counts_agree_with_independent_crosswalk(units: LoadReport) -> None:
    with (FIXTURES / "provinces34_codes.csv").open(encoding="utf-8") as handle:
        expected = {
            f"{int(r['gso_code_2025']):02d}": int(r["communes_2025"])
            for r in csv.DictReader(handle)
        }
    actual = Counter(
        AdminUnit.objects.filter(scheme=Scheme.V2025, level=Level.COMMUNE).values_list(
            "province__code", flat=True
        )
    )
    assert dict(actual) == expected


def test_province_succession_agrees_with_63_to_34_table(units: LoadReport) -> None:
    with (FIXTURES / "old63_to_new34.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 63
    pairs = UnitSuccession.objects.filter(old__level=Level.PROVINCE).select_related("old", "new")
    by_old = {name_key(s.old.name): name_key(s.new.name) for s in pairs}
    for row in rows:
        old_key = (province_keys(row["old_province_2024"]) & by_old.keys()).pop()
        assert by_old[old_key] in province_keys(row["new_province_2025"]), row


def test_command_prints_counts(units: LoadReport, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("geo_load_units")
    out = capsys.readouterr().out
    assert "34 tỉnh/thành phố (provinces), 3.321 xã/phường/đặc khu" in out
    assert "63 tỉnh (provinces), 696 huyện (districts), 10.061 xã" in out
    assert "10.033 xã cũ (old communes, 441 bị chia / split)" in out
    assert "thêm 0 (created), sửa 0 (updated)" in out


@pytest.mark.parametrize("content", [None, b"", b"not gzip", gzip.compress(b"{truncated")])
def test_bad_data_file_is_a_clear_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "units.json.gz"
    before = AdminUnit.objects.count()
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GeoDataError, match=r"Không đọc được.*Cannot read"):
        load_units(path)
    with pytest.raises(CommandError, match=re.escape(str(path))):
        call_command("geo_load_units", data=path)
    assert AdminUnit.objects.count() == before  # nothing half-written
