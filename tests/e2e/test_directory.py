import re

import pytest

from tests import factories
from tests.e2e.conftest import shot
from thuvien.accounts.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def libraries(transactional_db):
    from thuvien.registry.services.indexing import rebuild

    hanoi, danang = factories.hanoi(), factories.danang()
    factories.library("Thư viện Hà Nội", hanoi, latitude=21.0245, longitude=105.8412)
    factories.library(
        "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng", danang, latitude=16.0748, longitude=108.2240
    )
    factories.library(
        "Thư viện Trường Đại học Bách khoa Hà Nội", hanoi, library_type="university", level=""
    )
    rebuild()


def test_search_without_diacritics_updates_results(page, libraries):
    page.goto(page.base + "/thu-vien/")
    assert page.locator("h1").inner_text() == "Danh bạ thư viện Việt Nam"
    page.fill("#q", "da nang")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=da(%20|\+)nang"))
    first = page.locator(".results li .title").first
    assert first.inner_text() == "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng"
    page.check("input[name=library_type][value=public]")
    page.wait_for_url(re.compile(r"library_type=public"))
    shot(page, "directory")


def test_map_draws_the_provinces_without_internet(page, libraries):
    page.goto(page.base + "/thu-vien/ban-do/")
    page.wait_for_selector(".leaflet-interactive")
    provinces = page.locator("path.leaflet-interactive").count()
    assert provinces >= 34 + 2  # 34 province shapes and the two library markers
    assert "3" in page.locator("#map-status").inner_text()
    shot(page, "map")


def test_forbidden_page_and_language_switch(page, libraries):
    factories.user("bandoc", Role.READER)
    page.goto(page.base + "/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", "bandoc")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form.form button[type=submit]")
    page.goto(page.base + "/thu-vien/nhap/")
    assert "Không có quyền truy cập" in page.locator("h1").inner_text()
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "forbidden-en")
