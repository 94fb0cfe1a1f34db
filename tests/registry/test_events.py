import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from thuvien.accounts.models import Role
from thuvien.registry.choices import Status
from thuvien.registry.services import LibraryDataError, create_library
from thuvien.registry.services.events import (
    EventSpec,
    events_of,
    predecessors_of,
    record_event,
    successors_of,
)

pytestmark = pytest.mark.django_db
D = datetime.date(2025, 7, 1)


@pytest.fixture
def admin():
    return factories.user("admin", Role.MINISTRY_ADMIN)


def _lib(actor, name, province, **extra):
    data = {"name": name, "library_type": "public", "level": "commune", "province": province.pk}
    data.update(extra)
    return create_library(actor, data)


def test_merge_closes_predecessors_and_links_the_successor(admin):
    hanoi = factories.hanoi()
    old = _lib(admin, "Thư viện huyện Gia Lâm", hanoi, level="province")
    new = _lib(admin, "Thư viện Hà Nội", hanoi, level="province")
    event = record_event(
        admin,
        EventSpec("merge", D, predecessors=[old], successors=[new], document_number="1656/QĐ-UBND"),
    )
    old.refresh_from_db()
    assert old.status == Status.MERGED
    assert new.status == Status.ACTIVE
    assert successors_of(old) == [new]
    assert predecessors_of(new) == [old]
    assert list(events_of(old)) == [event]
    # field history shows the status change caused by the event
    assert old.history.first().history_change_reason == "merge 2025-07-01"


def test_successor_chain_is_followed_to_the_open_end(admin):
    hanoi = factories.hanoi()
    district = _lib(admin, "Thư viện quận Hoàn Kiếm", hanoi)
    middle = _lib(admin, "Thư viện phường Hoàn Kiếm", hanoi)
    final = _lib(admin, "Thư viện phường Hoàn Kiếm mới", hanoi)
    record_event(
        admin,
        EventSpec("merge", datetime.date(2020, 1, 1), predecessors=[district], successors=[middle]),
    )
    record_event(
        admin,
        EventSpec(
            "consolidate", D, predecessors=[middle, _lib(admin, "B", hanoi)], successors=[final]
        ),
    )
    assert successors_of(district) == [final]


def test_split_marks_the_old_library_split(admin):
    hanoi = factories.hanoi()
    old = _lib(admin, "Thư viện cũ", hanoi)
    a, b = _lib(admin, "Thư viện A", hanoi), _lib(admin, "Thư viện B", hanoi)
    record_event(admin, EventSpec("split", D, predecessors=[old], successors=[a, b]))
    old.refresh_from_db()
    assert old.status == Status.SPLIT
    assert sorted(lib.name for lib in successors_of(old)) == ["Thư viện A", "Thư viện B"]


def test_rename_keeps_the_former_name(admin):
    library = _lib(admin, "Thư viện huyện Từ Liêm", factories.hanoi())
    record_event(admin, EventSpec("rename", D, subjects=[library], new_name="Thư viện Từ Liêm"))
    library.refresh_from_db()
    assert library.name == "Thư viện Từ Liêm"
    assert [n.name for n in library.other_names.all()] == ["Thư viện huyện Từ Liêm"]


@pytest.mark.parametrize(
    ("kind", "status"), [("dissolve", Status.DISSOLVED), ("suspend", Status.TEMPORARILY_CLOSED)]
)
def test_closing_events(admin, kind, status):
    library = _lib(admin, "Thư viện xã", factories.hanoi())
    record_event(admin, EventSpec(kind, D, subjects=[library]))
    library.refresh_from_db()
    assert library.status == status


def test_wrong_shape_is_refused(admin):
    library = _lib(admin, "Thư viện xã", factories.hanoi())
    with pytest.raises(LibraryDataError, match="successors"):
        record_event(admin, EventSpec("merge", D, predecessors=[library]))


def test_officer_of_another_province_cannot_record(admin):
    library = _lib(admin, "Thư viện xã", factories.hanoi())
    outsider = factories.user("dn", Role.PROVINCE_OFFICER, province=factories.danang())
    with pytest.raises(PermissionDenied):
        record_event(outsider, EventSpec("dissolve", D, subjects=[library]))
