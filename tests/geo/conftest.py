"""The unit lists are loaded once for the geo tests and removed afterwards.

Loading 14,000 units per test would make the suite slow; leaving them in the test database
would surprise other apps' tests that create their own units, so the fixture cleans up.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from thuvien.geo.models import AdminUnit, UnitSuccession
from thuvien.geo.services import LoadReport, load_units

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="package")
def first_load(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[LoadReport]:
    with django_db_blocker.unblock():
        UnitSuccession.objects.all().delete()
        AdminUnit.objects.update(parent=None, province=None)
        AdminUnit.objects.all().delete()
        report = load_units()
    yield report
    with django_db_blocker.unblock():
        UnitSuccession.objects.all().delete()
        AdminUnit.objects.update(parent=None, province=None)
        AdminUnit.objects.all().delete()


@pytest.fixture
def units(first_load: LoadReport, db: None) -> LoadReport:
    """Use in tests that read the loaded units; each test still runs in its own transaction."""
    return first_load
