from pathlib import Path

import pytest

from tests import factories

LC_VIE = Path("/work/shared/data/marc/lc-vie/lc_booksall2016_part01_vie.mrc")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = Path(__file__).resolve().parents[2] / "src/thuvien/catalog/demo"


@pytest.fixture
def contributor(db):
    """A contributing library (the Library of Congress, a partner outside Vietnam)."""
    return factories.library(
        "Library of Congress",
        None,
        library_type="national",
        level="",
        country="US",
        region="Washington, D.C.",
    )


@pytest.fixture
def vn_library(db):
    return factories.library("Thư viện Hà Nội", factories.hanoi())


@pytest.fixture
def lc_vie_file() -> Path:
    return DEMO / "lc-vie.mrc"


@pytest.fixture
def lc_sample_file() -> Path:
    return DEMO / "lc-books-sample.mrc"
