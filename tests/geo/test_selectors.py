"""The read-only queries other apps use, and the admin listing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from thuvien.geo import selectors
from thuvien.geo.models import AdminUnit, Level, Scheme
from thuvien.geo.services import LoadReport

pytestmark = pytest.mark.django_db


def test_provinces_2025_in_official_order(units: LoadReport) -> None:
    provinces = list(selectors.provinces_2025())
    assert len(provinces) == 34
    assert [p.code for p in provinces][:3] == ["01", "04", "08"]
    assert provinces[0].name == "Thành phố Hà Nội" and provinces[-1].name == "Tỉnh Cà Mau"
    assert selectors.province_choices()[-1] == ("96", "Tỉnh Cà Mau")
    assert selectors.provinces(Scheme.PRE2025).count() == 63


def test_lookup_by_code_in_either_scheme(units: LoadReport) -> None:
    assert selectors.unit_by_code("2025", "commune", 26740).name == "Phường Sài Gòn"
    assert selectors.unit_by_code("2008", "commune", "26740").name == "Phường Bến Nghé"
    assert selectors.unit_by_code("2025", "commune", "4").name == "Phường Ba Đình"
    assert selectors.unit_by_code("2025", "province", 1).name == "Thành phố Hà Nội"
    assert selectors.unit_by_code("2025", "province", "74") is None  # Bình Dương is gone
    assert selectors.unit_by_qualified_code("2008:26740").name == "Phường Bến Nghé"
    with pytest.raises(ValueError, match="digits only"):
        selectors.unit_by_code("2025", "commune", "26740a")
    with pytest.raises(ValueError, match="scheme:code"):
        selectors.unit_by_qualified_code("26740")


def test_children(units: LoadReport) -> None:
    assert selectors.communes_of("79").count() == 168
    assert selectors.communes_of(selectors.unit_by_code("2008", "province", "74")).count() > 80
    assert selectors.districts_of("79").count() == 22
    assert selectors.communes_of("74").count() == 0  # not a 2025 province code


def test_succession_both_ways(units: LoadReport) -> None:
    ngoc_ha = selectors.unit_by_code("2008", "commune", "16")
    assert [u.code for u in selectors.successors_of(ngoc_ha)] == ["00004", "00008"]
    sai_gon = selectors.unit_by_code("2025", "commune", "26740")
    formed_from = [u.name for u in selectors.predecessors_of(sai_gon)]
    assert "Phường Bến Nghé" in formed_from
    binh_duong = selectors.unit_by_code("2008", "province", "74")
    assert selectors.new_province_of(binh_duong).code == "79"


def test_province_points(units: LoadReport) -> None:
    hcm = selectors.unit_by_code("2025", "province", "79")
    assert selectors.province_point(hcm) == (hcm.latitude, hcm.longitude)
    ward = selectors.unit_by_code("2025", "commune", "26740")
    assert selectors.province_point(ward) == selectors.province_point(hcm)
    binh_duong = selectors.unit_by_code("2008", "province", "74")
    assert selectors.province_point(binh_duong) == selectors.province_point(hcm)


def test_admin_lists_and_searches_without_diacritics(units: LoadReport) -> None:
    admin = get_user_model().objects.create_superuser("geo-admin", "geo@example.org", "pw")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("admin:geo_adminunit_changelist"), {"q": "ben nghe"})
    assert page.status_code == 200
    assert "Phường Bến Nghé" in page.content.decode()
    ben_nghe = AdminUnit.objects.get(scheme=Scheme.PRE2025, level=Level.COMMUNE, code="26740")
    detail = client.get(reverse("admin:geo_adminunit_change", args=[ben_nghe.id]))
    assert detail.status_code == 200 and "Phường Sài Gòn" in detail.content.decode()
    assert client.get(reverse("admin:geo_adminunit_add")).status_code == 403
    assert client.get(reverse("admin:geo_unitsuccession_changelist")).status_code == 200
