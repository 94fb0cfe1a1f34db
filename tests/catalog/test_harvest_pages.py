"""Harvest sources set up and started from the web, within the user's libraries."""

from datetime import timedelta

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.catalog.models import HarvestSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    return factories.library("Thư viện Hà Nội", factories.hanoi())


def test_staff_set_up_their_library_harvest_and_start_it(client, library):
    staff = factories.user("tt", Role.LIBRARY_STAFF, library=library)
    client.force_login(staff)
    page = client.get("/muc-luc/thu-thap/")
    assert page.status_code == 200 and "Chưa có nguồn thu thập nào" in page.content.decode()
    answer = client.post(
        "/muc-luc/thu-thap/",
        {
            "library": library.vn_id.lower(),
            "protocol": "oai-pmh",
            "endpoint": "http://127.0.0.1:9/oai",
            "set_spec": "sach",
            "interval_days": 7,
            "enabled": "on",
        },
    )
    assert answer.status_code == 302
    harvest = HarvestSource.objects.get()
    assert harvest.source.library == library and harvest.interval == timedelta(days=7)
    assert harvest.set_spec == "sach"
    listing = client.get("/muc-luc/thu-thap/").content.decode()
    assert "http://127.0.0.1:9/oai" in listing and "Thu thập ngay" in listing
    started = client.post(f"/muc-luc/thu-thap/{harvest.pk}/chay/")
    assert started.status_code == 302 and "/cong-viec/" in started["Location"]


def test_other_libraries_and_readers_are_refused(client, library):
    other = factories.library("Thư viện Đà Nẵng", factories.danang())
    staff = factories.user("tt", Role.LIBRARY_STAFF, library=other)
    client.force_login(staff)
    answer = client.post(
        "/muc-luc/thu-thap/",
        {"library": library.vn_id, "protocol": "sru", "interval_days": 1},
    )
    assert answer.status_code == 403
    client.force_login(factories.user("bd", Role.READER))
    assert client.get("/muc-luc/thu-thap/").status_code == 403


def test_unknown_library_and_bad_protocol_are_explained(client, library):
    client.force_login(factories.user("bo", Role.MINISTRY_ADMIN))
    answer = client.post(
        "/muc-luc/thu-thap/", {"library": "VN-99999999", "protocol": "sru", "interval_days": 1}
    )
    assert "Không có thư viện" in answer.content.decode()
    answer = client.post(
        "/muc-luc/thu-thap/", {"library": library.vn_id, "protocol": "ftp", "interval_days": 1}
    )
    assert answer.status_code == 200 and not HarvestSource.objects.exists()
