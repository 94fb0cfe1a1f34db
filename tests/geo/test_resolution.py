"""Resolving pre-2025 units to 2025 ones: one answer when certain, candidates otherwise."""

import pytest
from django.db.models import Count

from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.services import LoadReport, ResolutionStatus, resolve_old_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "26740",
        26740,
        "2008:26740",
        "Phường Bến Nghé",
        "phuong ben nghe",
        "P. Bến Nghé, Q.1, TP.HCM",
    ],
)
def test_ben_nghe_became_sai_gon(units: LoadReport, query: str | int) -> None:
    result = resolve_old_unit(query)
    assert result.status == ResolutionStatus.RESOLVED
    assert result.unit is not None
    assert (result.unit.scheme, result.unit.code, result.unit.name) == (
        "2025",
        "26740",
        "Phường Sài Gòn",
    )
    assert [u.qualified_code for u in result.old_units] == ["2008:26740"]
    assert result.province is not None and result.province.code == "79"
    assert "nay là Phường Sài Gòn" in result.message and "is now Phường Sài Gòn" in result.message


def test_an_old_unit_object_is_accepted(units: LoadReport) -> None:
    old = AdminUnit.objects.get(scheme=Scheme.PRE2025, level=Level.COMMUNE, code="26740")
    assert resolve_old_unit(old).unit.name == "Phường Sài Gòn"
    new = AdminUnit.objects.get(scheme=Scheme.V2025, level=Level.COMMUNE, code="26740")
    assert resolve_old_unit(new).status == ResolutionStatus.NOT_FOUND
    assert resolve_old_unit("2025:26740").status == ResolutionStatus.NOT_FOUND


def test_split_commune_gives_candidates_in_its_province(units: LoadReport) -> None:
    # Official conversion table: old Phường Ngọc Hà (00016) went partly to the new Phường Ba
    # Đình (00004) and partly to the new Phường Ngọc Hà (00008).
    result = resolve_old_unit("00016")
    assert result.status == ResolutionStatus.SPLIT
    assert result.unit is None and result.needs_choice
    assert [(u.code, u.name) for u in result.candidates] == [
        ("00004", "Phường Ba Đình"),
        ("00008", "Phường Ngọc Hà"),
    ]
    assert {u.province.code for u in result.candidates} == {"01"}
    assert not result.whole
    assert "chia cho 2 đơn vị mới" in result.message and "split among 2" in result.message


def test_every_split_commune_stays_in_one_province(units: LoadReport) -> None:
    split = list(
        AdminUnit.objects.filter(scheme=Scheme.PRE2025, level=Level.COMMUNE)
        .annotate(n=Count("successors"))
        .filter(n__gt=1)
        .order_by("code")
    )
    assert len(split) == 441
    for old in split[::40]:  # resolving all 441 adds little; a spread sample keeps it quick
        result = resolve_old_unit(old)
        assert result.status == ResolutionStatus.SPLIT
        assert len({u.province_id for u in result.candidates}) == 1
        assert (
            result.province is not None and result.province.id == result.candidates[0].province_id
        )


def test_partly_merged_into_one_unit_resolves_but_says_so(units: LoadReport) -> None:
    result = resolve_old_unit("00556")  # Xã Đặng Xá, Gia Lâm: "nhập một phần" into Xã Phù Đổng
    assert result.status == ResolutionStatus.RESOLVED
    assert result.unit.name == "Xã Phù Đổng"
    assert not result.whole
    assert "một phần" in result.message and "only part" in result.message


def test_same_name_in_several_provinces_is_ambiguous(units: LoadReport) -> None:
    result = resolve_old_unit("Xã Gia Lâm")
    assert result.status == ResolutionStatus.AMBIGUOUS
    assert result.unit is None
    assert {u.province.code for u in result.old_units} == {"37", "68"}
    assert "khớp với 2 đơn vị cũ" in result.message


@pytest.mark.parametrize("hint", ["Ninh Bình", "ninh binh", "37", "Nam Định"])
def test_province_hint_disambiguates(units: LoadReport, hint: str) -> None:
    # Old Xã Gia Lâm 14389 (Ninh Bình) is now 2025 Xã Gia Lâm 14389; the other old one is in
    # Lâm Đồng. A hint may name the province in either scheme, or give its code.
    result = resolve_old_unit("Xã Gia Lâm", province_hint=hint)
    if hint == "Nam Định":
        assert result.status == ResolutionStatus.NOT_FOUND  # Nam Định had no Xã Gia Lâm
        return
    assert result.status == ResolutionStatus.RESOLVED
    assert (result.unit.code, result.unit.province.code) == ("14389", "37")


def test_unit_missing_from_conversion_table(units: LoadReport) -> None:
    # Phường 14, Bình Thạnh is in the pre-2025 list as 26935, but the conversion table knows it
    # as 26929: the old code has no successor, so no commune is offered, only the province.
    result = resolve_old_unit("26935")
    assert result.status == ResolutionStatus.NO_SUCCESSOR
    assert result.candidates == ()
    assert result.province.code == "79"
    assert "không có trong bảng chuyển đổi" in result.message
    renumbered = resolve_old_unit("26929")
    assert renumbered.status == ResolutionStatus.RESOLVED
    assert renumbered.unit.name == "Phường Bình Thạnh"


@pytest.mark.parametrize("query", ["Xã Không Tồn Tại", "99999", "", "2008:"])
def test_unknown_units(units: LoadReport, query: str) -> None:
    result = resolve_old_unit(query)
    assert result.status == ResolutionStatus.NOT_FOUND
    assert "Không tìm thấy" in result.message and "No pre-2025" in result.message


def test_provinces_and_districts(units: LoadReport) -> None:
    assert resolve_old_unit("Bình Dương", level=Level.PROVINCE).unit.code == "79"
    assert resolve_old_unit("02", level=Level.PROVINCE).unit.name == "Tỉnh Tuyên Quang"  # Hà Giang
    district = resolve_old_unit("Quận 1", province_hint="TP.HCM", level=Level.DISTRICT)
    assert district.status == ResolutionStatus.SPLIT
    assert "Phường Sài Gòn" in {u.name for u in district.candidates}
    assert {u.province.code for u in district.candidates} == {"79"}
