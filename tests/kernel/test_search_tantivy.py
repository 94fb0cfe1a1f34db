"""What only the tantivy backend has: its analyzers, the single writer, other processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.contracts.libraries import DOCUMENTS, LIBRARIES
from thuvien.kernel.search import Field, IndexSchema, SearchError, SearchQuery, get_index
from thuvien.kernel.search.tantivy_backend import TantivyBackend, TantivyIndex
from thuvien.kernel.search.tantivy_schema import exact_analyzer, fold_analyzer

ROOT = Path(__file__).resolve().parents[2]


def test_fold_analyzer_folds_d_with_stroke_and_other_latin_letters() -> None:
    tokens = fold_analyzer().analyze("ĐẮK LẮK đỏ Đồng Tháp Ærøskøbing Łódź")
    assert tokens == ["dak", "lak", "do", "dong", "thap", "aeroskobing", "lodz"]


def test_exact_analyzer_keeps_diacritics() -> None:
    assert exact_analyzer().analyze("Thư Viện ĐÀ NẴNG") == ["thư", "viện", "đà", "nẵng"]


def test_missing_path_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="PATH"):
        TantivyBackend("default", {})


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    backend = TantivyBackend("default", {"PATH": str(tmp_path)})
    first, second = backend.open(LIBRARIES), backend.open(LIBRARIES)
    first.upsert(DOCUMENTS[:1])
    with pytest.raises(
        SearchError, match=r"đang được một tiến trình khác ghi .*/ .*another process"
    ):
        second.upsert(DOCUMENTS[1:2])
    assert second.search(SearchQuery()).total == 0  # reading still works
    first.commit()
    first.close()  # releases the lock
    second.upsert(DOCUMENTS[1:2])
    second.commit()
    assert second.count() == 2
    second.close()


def test_close_discards_uncommitted_writes(tmp_path: Path) -> None:
    index = TantivyBackend("default", {"PATH": str(tmp_path)}).open(LIBRARIES)
    index.upsert(DOCUMENTS)
    index.close()
    assert index.count() == 0


def test_a_changed_schema_must_be_rebuilt(tmp_path: Path) -> None:
    backend = TantivyBackend("default", {"PATH": str(tmp_path)})
    index = backend.open(LIBRARIES)
    index.upsert(DOCUMENTS)
    index.commit()
    index.close()
    changed = IndexSchema(LIBRARIES.name, (*LIBRARIES.fields, Field("isil", "keyword")))
    with pytest.raises(SearchError, match=r"lược đồ khác.*/ .*another schema"):
        backend.open(changed)
    backend.drop(LIBRARIES.name)
    assert backend.open(changed).count() == 0


def test_drop_refuses_names_outside_the_index_directory(tmp_path: Path) -> None:
    with pytest.raises(SearchError):
        TantivyBackend("default", {"PATH": str(tmp_path / "index")}).drop("../etc")
    assert tmp_path.exists()


WRITER = """
import sys
from tests.contracts.libraries import LIBRARIES
from thuvien.kernel.search.tantivy_backend import TantivyBackend
index = TantivyBackend("worker", {"PATH": sys.argv[1]}).open(LIBRARIES)
index.upsert([{"id": "VN-CT-0001", "name": "Thư viện thành phố Cần Thơ", "province": "CT"}])
index.commit()
index.close()
"""


def _write_in_another_process(path: Path) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, check=True, timeout=120)


def test_readers_see_another_process_commit_after_reload(tmp_path: Path) -> None:
    reader = TantivyBackend("web", {"PATH": str(tmp_path)}).open(LIBRARIES)
    assert reader.search(SearchQuery(text="can tho")).total == 0
    _write_in_another_process(tmp_path)
    reader.reload()
    assert [hit.id for hit in reader.search(SearchQuery(text="can tho")).hits] == ["VN-CT-0001"]


def test_readers_pick_up_commits_by_themselves(tmp_path: Path) -> None:
    reader = TantivyBackend("web", {"PATH": str(tmp_path)}).open(LIBRARIES)
    _write_in_another_process(tmp_path)
    deadline = time.monotonic() + 30  # generous: the reader polls; the machine may be busy
    while reader.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reader.count() == 1


def test_get_index_opens_the_configured_backend_once(settings, tmp_path: Path) -> None:
    settings.THUVIEN_SEARCH = {
        "default": {
            "BACKEND": "thuvien.kernel.search.tantivy_backend.TantivyBackend",
            "PATH": str(tmp_path),
        }
    }
    index = get_index(LIBRARIES)
    assert isinstance(index, TantivyIndex) and get_index(LIBRARIES) is index
    assert index.path == tmp_path / "libraries"
    index.upsert(DOCUMENTS)
    index.commit()
    assert get_index(LIBRARIES).search(SearchQuery(text="da nang")).total == 2
