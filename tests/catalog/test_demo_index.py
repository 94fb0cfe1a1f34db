"""`make run` after an upgrade: a catalogue index built with an older schema is rebuilt."""

import pytest

from thuvien.catalog.services.demo import rebuild_index_if_outdated
from thuvien.catalog.services.indexing import catalog_index
from thuvien.kernel.search import Field, IndexSchema
from thuvien.kernel.search.handler import search_backends

pytestmark = pytest.mark.django_db


def test_an_index_of_another_schema_is_rebuilt(settings):
    if "tantivy" not in settings.THUVIEN_SEARCH["default"]["BACKEND"]:
        pytest.skip("the tantivy index keeps its schema on disk")
    search_backends.reset()
    search_backends.drop(IndexSchema("catalog", ()))
    older = search_backends.backend().open(IndexSchema("catalog", (Field("old", "text"),)))
    older.close()
    search_backends.reset()
    assert rebuild_index_if_outdated() is True
    assert catalog_index().count() == 0
    assert rebuild_index_if_outdated() is False
