"""Free-text and name lookups: the forms addresses take in imports and forms."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.geo.conftest import FIXTURES
from thuvien.geo.models import Level, Scheme
from thuvien.geo.services import LoadReport, UnknownProvince, find_units, units_named

pytestmark = pytest.mark.django_db


def codes(units: list) -> list[str]:
    return [u.qualified_code for u in units]


@pytest.mark.parametrize(
    ("text", "scheme", "level", "expected"),
    [
        ("Q. 1, TP.HCM", Scheme.PRE2025, Level.DISTRICT, ["2008:760"]),
        ("Quận 1, Thành phố Hồ Chí Minh", Scheme.PRE2025, Level.DISTRICT, ["2008:760"]),
        ("District 1, Ho Chi Minh City", Scheme.PRE2025, Level.DISTRICT, ["2008:760"]),
        ("Da Nang", Scheme.V2025, Level.PROVINCE, ["2025:48"]),
        ("Danang", Scheme.V2025, Level.PROVINCE, ["2025:48"]),
        ("Hà Nội", Scheme.V2025, Level.PROVINCE, ["2025:01"]),
        ("TP.HCM", Scheme.V2025, Level.PROVINCE, ["2025:79"]),
        ("Sài Gòn", Scheme.V2025, Level.PROVINCE, ["2025:79"]),
        ("Thừa Thiên Huế", Scheme.V2025, Level.PROVINCE, ["2025:46"]),
        ("Đăk Lăk", Scheme.V2025, Level.PROVINCE, ["2025:66"]),
        ("Bà Rịa - Vũng Tàu", Scheme.PRE2025, Level.PROVINCE, ["2008:77"]),
        ("BR-VT", Scheme.PRE2025, Level.PROVINCE, ["2008:77"]),
        ("P. Bến Nghé, Q.1, TP.HCM", Scheme.PRE2025, Level.COMMUNE, ["2008:26740"]),
        ("Phường Sài Gòn, TP.HCM", Scheme.V2025, Level.COMMUNE, ["2025:26740"]),
        ("phuong sai gon, ho chi minh", Scheme.V2025, Level.COMMUNE, ["2025:26740"]),
    ],
)
def test_free_text(
    units: LoadReport, text: str, scheme: str, level: str, expected: list[str]
) -> None:
    assert codes(find_units(text, scheme, level)) == expected


def test_real_english_locations(units: LoadReport) -> None:
    entries = json.loads((FIXTURES / "libweb_vietnam.json").read_text(encoding="utf-8"))
    found = {e["name"]: codes(find_units(e["location"], level=Level.PROVINCE)) for e in entries}
    assert found == {
        "Can Tho University": ["2025:92"],
        "Vietnam Development Information Center": ["2025:01"],
    }


def test_numbered_wards_need_their_district(units: LoadReport) -> None:
    everywhere = find_units("Phường 1", Scheme.PRE2025, Level.COMMUNE)
    in_hcm = find_units("Phường 1, TP.HCM", Scheme.PRE2025, Level.COMMUNE)
    in_district_3 = find_units("P.1, Q.3, TP.HCM", Scheme.PRE2025, Level.COMMUNE)
    assert len(everywhere) > len(in_hcm) > 1
    assert {u.province.code for u in in_hcm} == {"79"}
    assert [(u.name, u.parent.name) for u in in_district_3] == [("Phường 1", "Quận 3")]


def test_names_repeat_across_provinces(units: LoadReport) -> None:
    both = units_named("Xã Gia Lâm")
    assert [(u.code, u.province.name) for u in both] == [
        ("00565", "Thành phố Hà Nội"),
        ("14389", "Tỉnh Ninh Bình"),
    ]
    assert codes(units_named("xa gia lam")) == codes(both)
    assert codes(units_named("Gia Lâm", province="Ninh Bình")) == ["2025:14389"]
    assert codes(units_named("Gia Lam", province="01")) == ["2025:00565"]
    assert codes(find_units("Xã Gia Lâm, Hà Nội")) == ["2025:00565"]


def test_diacritics_written_on_purpose_narrow_the_match(units: LoadReport) -> None:
    # Quảng Ngãi has both Xã Sơn Hà and Xã Sơn Hạ: they fold to the same letters.
    assert [u.name for u in units_named("Son Ha", province="Quảng Ngãi")] == [
        "Xã Sơn Hà",
        "Xã Sơn Hạ",
    ]
    assert [u.name for u in units_named("Sơn Hạ", province="Quảng Ngãi")] == ["Xã Sơn Hạ"]
    assert [u.name for u in units_named("Xã Sơn Hà", province="51")] == ["Xã Sơn Hà"]


def test_type_word_prefers_the_right_kind(units: LoadReport) -> None:
    # "Thủ Đức" was a city (thành phố) among the pre-2025 districts of Hồ Chí Minh City.
    assert [u.name for u in find_units("TP. Thủ Đức", Scheme.PRE2025, Level.DISTRICT)] == [
        "Thành phố Thủ Đức"
    ]


def test_province_in_the_other_scheme_is_understood(units: LoadReport) -> None:
    # Bình Dương no longer exists; its communes are searched inside Hồ Chí Minh City now.
    found = find_units("Phường Phú Cường, Bình Dương", Scheme.PRE2025, Level.COMMUNE)
    assert [(u.name, u.province.name) for u in found] == [("Phường Phú Cường", "Tỉnh Bình Dương")]
    assert {u.province.code for u in units_named("Phú Lợi", province="Bình Dương")} == {"79"}


def test_unknown_province_is_an_error(units: LoadReport) -> None:
    with pytest.raises(UnknownProvince, match=r"Không nhận ra tỉnh.*Unknown province"):
        units_named("Gia Lâm", province="Atlantis")


def test_no_match_is_an_empty_list_and_fuzzy_is_opt_in(units: LoadReport) -> None:
    assert find_units("Phường Bến Ngé, TP.HCM", Scheme.PRE2025) == []
    fuzzy = find_units("Phường Bến Ngé, TP.HCM", Scheme.PRE2025, fuzzy=True)
    assert [u.name for u in fuzzy] == ["Phường Bến Nghé"]
    assert find_units("", level=Level.PROVINCE) == []
    assert find_units(" , ; ") == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80))
def test_any_text_is_answered_without_error(units: LoadReport, text: str) -> None:
    for level in (Level.PROVINCE, Level.COMMUNE):
        assert isinstance(find_units(text, Scheme.V2025, level), list)
