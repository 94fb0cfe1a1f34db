import pytest

from tests import factories
from thuvien.accounts.models import Role


@pytest.fixture
def directory(db):
    """A small directory in real-looking units, indexed."""
    from thuvien.registry.services.indexing import rebuild

    hanoi, danang = factories.hanoi(), factories.danang()
    hai_chau = factories.commune("20194", "Phường Hải Châu", danang)
    libs = {
        "hanoi": factories.library(
            "Thư viện Hà Nội",
            hanoi,
            latitude=21.0245,
            longitude=105.8412,
            services=["lending", "digital"],
        ),
        "danang": factories.library(
            "Thư viện Khoa học Tổng hợp thành phố Đà Nẵng",
            danang,
            commune=hai_chau,
            street_address="46 Bạch Đằng",
        ),
        "school": factories.library(
            "Thư viện Trường THPT Chu Văn An", hanoi, library_type="school", level=""
        ),
        "evil": factories.library(
            "<script>alert(1)</script> Tủ sách", danang, library_type="community", level=""
        ),
        "closed": factories.library(
            "Thư viện huyện Đông Anh", hanoi, level="commune", status="merged"
        ),
    }
    rebuild()
    return libs


@pytest.fixture
def accounts(db):
    hanoi = factories.hanoi()
    return {
        "admin": factories.user("bo", Role.MINISTRY_ADMIN),
        "officer": factories.user("so-hanoi", Role.PROVINCE_OFFICER, province=hanoi),
        "reader": factories.user("bandoc", Role.READER),
    }
