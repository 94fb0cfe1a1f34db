from pathlib import Path

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.stats.definitions import load_file
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round

SHIPPED = Path(__file__).resolve().parents[2] / "src/thuvien/stats/forms_shipped"
ANNUAL = SHIPPED / "bao-cao-thu-vien-nam.json"


@pytest.fixture
def ministry(db):
    return factories.user("bo", Role.MINISTRY_ADMIN)


@pytest.fixture
def annual_form(ministry):
    form, _ = load_form(ministry, load_file(ANNUAL))
    return form


@pytest.fixture
def hanoi_library(db):
    return factories.library("Thư viện Hà Nội", factories.hanoi())


@pytest.fixture
def danang_library(db):
    return factories.library("Thư viện Đà Nẵng", factories.danang())


@pytest.fixture
def round_2025(ministry, annual_form, hanoi_library, danang_library):
    return open_round(ministry, annual_form, 2025)


@pytest.fixture
def staff(hanoi_library):
    return factories.user("thuthu", Role.LIBRARY_STAFF, library=hanoi_library)


@pytest.fixture
def officer(db):
    return factories.user("so-hanoi", Role.PROVINCE_OFFICER, province=factories.hanoi())
