"""The directory index follows the database: after commit, after a crash, after a change."""

import dataclasses

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.kernel.search import SearchQuery, get_index
from thuvien.registry.services import create_library, indexing, update_library

pytestmark = pytest.mark.django_db


def _ids() -> set[str]:
    index = indexing.library_index()
    index.reload()
    return set(index.iter_ids())


def test_changes_reach_the_index_after_commit(django_capture_on_commit_callbacks):
    admin = factories.user("bo", Role.MINISTRY_ADMIN)
    hanoi = factories.hanoi()
    with django_capture_on_commit_callbacks(execute=True):
        library = create_library(
            admin,
            {
                "name": "Thư viện Hà Nội",
                "library_type": "public",
                "level": "province",
                "province": hanoi.pk,
            },
        )
    assert _ids() == {library.vn_id}
    with django_capture_on_commit_callbacks(execute=True):
        update_library(admin, library, {"name": "Thư viện thành phố Hà Nội"})
    index = indexing.library_index()
    index.reload()
    hit = index.search(SearchQuery(text="thanh pho")).hits[0]
    assert hit.document["name"] == "Thư viện thành phố Hà Nội"


def test_reconcile_repairs_a_crash_between_database_and_index():
    hanoi = factories.hanoi()
    kept = factories.library("Thư viện A", hanoi)
    indexing.rebuild()
    lost = factories.library("Thư viện B", hanoi)  # committed, but the index update was lost
    index = indexing.library_index()
    index.upsert([{**indexing.document_for(kept), "id": "VN-GONE0000"}])  # a stray entry
    index.commit()
    index.close()
    report = indexing.reconcile()
    assert report == {"added": 1, "removed": 1, "total": 2}
    assert _ids() == {kept.vn_id, lost.vn_id}
    assert indexing.reconcile() == {"added": 0, "removed": 0, "total": 2}


def test_rebuild_after_the_schema_changed(settings):
    factories.library("Thư viện A", factories.hanoi())
    old_schema = dataclasses.replace(
        indexing.LIBRARY_INDEX, fields=indexing.LIBRARY_INDEX.fields[:3]
    )
    old = get_index(old_schema)
    old.upsert([{"id": "VN-OLD", "name": "cũ"}])
    old.commit()
    old.close()
    from thuvien.kernel.search import search_backends

    search_backends.reset()
    assert indexing.rebuild() == 1
    assert len(_ids()) == 1
