"""Pure helpers: name keys, English names, codes, and the geometry behind the map."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thuvien.geo.naming import english_name, name_key, pad_code, query_keys, short_name
from thuvien.geo.tools.build_boundaries import ArcSimplifier
from thuvien.geo.tools.geometry import centroid, label_point, point_in_polygon, significance


@pytest.mark.parametrize(
    ("text", "hint", "key"),
    [
        ("Q. 1", "quan", "1"),
        ("Q1", "quan", "1"),
        ("TP.HCM", "thanh pho", "hcm"),
        ("TP Hà Nội", "thanh pho", "hanoi"),
        ("P. Bến Nghé", "phuong", "bennghe"),
        ("TX. Sa Pa", "thi xa", "sapa"),
        ("Thị trấn Phù Yên", "thi tran", "phuyen"),
        ("Đặc khu Phú Quốc", "dac khu", "phuquoc"),
        ("Can Tho City", "", "cantho"),
        ("Ward 12", "phuong", "12"),
        ("Đắk Lắk", "", "daklak"),
    ],
)
def test_query_keys(text: str, hint: str, key: str) -> None:
    found_hint, keys = query_keys(text)
    assert found_hint == hint and key in keys


def test_a_dotless_single_letter_is_part_of_the_name() -> None:
    # "Q" before a number is "Quận", but "Xa La" is a name, not "Xã La".
    _, keys = query_keys("Xa La")
    assert "xala" in keys


def test_name_keys_ignore_type_case_and_marks() -> None:
    assert name_key("Thành phố Hồ Chí Minh") == name_key("ho chi minh") == "hochiminh"
    assert name_key("Tỉnh Bà Rịa - Vũng Tàu") == "bariavungtau"
    assert short_name("Phường Văn Miếu - Quốc Tử Giám") == "Văn Miếu - Quốc Tử Giám"
    assert short_name("Quận 1") == "1"


@pytest.mark.parametrize(
    ("name", "unit_type", "english"),
    [
        ("Quận 1", "quận", "District 1"),
        ("Phường 12", "phường", "Ward 12"),
        ("Huyện Gia Lâm", "huyện", "Gia Lam District"),
        ("Xã Đặng Xá", "xã", "Dang Xa Commune"),
        ("Thị xã Sa Pa", "thị xã", "Sa Pa Town"),
        ("Tỉnh Đắk Lắk", "tỉnh", "Dak Lak Province"),
        ("Đặc khu Côn Đảo", "đặc khu", "Con Dao Special Zone"),
    ],
)
def test_english_names(name: str, unit_type: str, english: str) -> None:
    assert english_name(name, unit_type) == english


def test_codes_are_padded_by_level() -> None:
    assert pad_code("province", 1) == "01"
    assert pad_code("district", "1") == "001"
    assert pad_code("commune", " 4 ") == "00004"
    with pytest.raises(ValueError, match=r"Mã không hợp lệ.*Invalid code"):
        pad_code("commune", "2025:4")


@given(st.text(max_size=60))
def test_query_keys_never_fail(text: str) -> None:
    hint, keys = query_keys(text)
    assert isinstance(hint, str) and all(k and k.isalnum() for k in keys)


SQUARE = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
HOLE = [(1.0, 1.0), (1.0, 3.0), (3.0, 3.0), (3.0, 1.0), (1.0, 1.0)]


def test_centroid_and_holes() -> None:
    assert centroid([[SQUARE]]) == pytest.approx((2.0, 2.0))
    assert not point_in_polygon((2.0, 2.0), [SQUARE, HOLE])
    assert point_in_polygon((0.5, 2.0), [SQUARE, HOLE])
    # A square with a hole: the centroid is in the hole, so the label goes elsewhere inside.
    label = label_point([[SQUARE, HOLE]])
    assert point_in_polygon(label, [SQUARE, HOLE])


def test_significance_is_douglas_peucker() -> None:
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 6.0), (5.0, 7.0), (6.0, 0.0)]
    weights = significance(line)
    assert math.isinf(weights[0]) and math.isinf(weights[-1])
    # By hand: (5, 7) is 7 from the chord, (2, -0.1) is 1.69 from (0,0)-(5,7), (3, 5) is 1.06
    # from (2,-0.1)-(5,7); (1, 0.1) is 0.15 from its chord and (4, 6) lies on its chord.
    kept = [p for p, w in zip(line, weights, strict=True) if w >= 1.0]
    assert kept == [(0.0, 0.0), (2.0, -0.1), (3.0, 5.0), (5.0, 7.0), (6.0, 0.0)]
    assert weights[4] == 0 and weights[1] == pytest.approx(0.15, abs=0.001)
    # Collinear points carry no weight.
    assert significance([(0, 0), (1, 1), (2, 2)])[1] == 0


def test_simplifier_keeps_a_tiny_island_drawable() -> None:
    island = [(0.0, 0.0), (0.001, 0.0), (0.001, 0.001), (0.0005, 0.0012), (0.0, 0.001), (0.0, 0.0)]
    simplifier = ArcSimplifier([island], tolerance=1.0, digits=6)
    assert len(simplifier.ring([0])) < 4  # the plain tolerance would erase it
    ring = simplifier.valid_ring([0])
    assert len(set(ring)) >= 3 and ring[0] == ring[-1]
