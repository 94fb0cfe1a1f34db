import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _fresh_search_indexes(settings, tmp_path):
    """Each test gets its own empty index directory and opens indexes afresh."""
    from thuvien.kernel.search import search_backends

    settings.THUVIEN_SEARCH = {
        alias: {**params, "PATH": str(tmp_path / f"index-{alias}")}
        for alias, params in settings.THUVIEN_SEARCH.items()
    }
    search_backends.reset()
    yield
    search_backends.reset()


@pytest.fixture(autouse=True)
def _plans_made_afresh_before_the_constraint_checks():
    """On PostgreSQL a test's foreign keys are checked when it ends, in one go, with the
    plans the connection cached in earlier tests, when the tables were nearly empty: a
    sequential scan per row, minutes for a test that loads a real data set. Dropping the
    cached plans has them made again for the tables as they are then."""
    yield
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("DISCARD PLANS")


@pytest.fixture(scope="module")
def real_units(django_db_setup, django_db_blocker):
    """The shipped administrative units, loaded once per module and removed afterwards."""
    from thuvien.geo.models import AdminUnit, UnitSuccession
    from thuvien.geo.services import load_units

    def wipe():
        UnitSuccession.objects.all().delete()
        AdminUnit.objects.update(parent=None, province=None)
        AdminUnit.objects.all().delete()

    with django_db_blocker.unblock():
        wipe()
        report = load_units()
    yield report
    with django_db_blocker.unblock():
        from thuvien.registry.models import Library

        Library.objects.update(province=None, commune=None, old_commune=None)
        wipe()
