import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from thuvien.accounts.models import Role
from thuvien.kernel.audit.models import AuditEntry
from thuvien.registry.identifiers import is_valid_identifier
from thuvien.registry.services import LibraryDataError, create_library, update_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    hanoi = factories.hanoi()
    return {
        "hanoi": hanoi,
        "cua_nam": factories.commune("00082", "Phường Cửa Nam", hanoi),
        "danang": factories.danang(),
    }


@pytest.fixture
def officer(places):
    return factories.user("officer", Role.PROVINCE_OFFICER, province=places["hanoi"])


def _data(places, **extra):
    data = {
        "name": "Thư viện  Hà Nội ",
        "library_type": "public",
        "level": "province",
        "province": places["hanoi"].pk,
        "commune": places["cua_nam"].pk,
        "street_address": "47 Bà Triệu",
        "services": ["lending", "reading_room"],
    }
    data.update(extra)
    return data


def test_create_assigns_a_valid_identifier_and_audits(places, officer):
    library = create_library(officer, _data(places))
    assert is_valid_identifier(library.vn_id)
    assert library.name == "Thư viện Hà Nội"  # whitespace normalised
    entry = AuditEntry.objects.get(action="registry.library.create")
    assert entry.actor == officer and entry.object_id == str(library.pk)
    assert entry.after["name"] == "Thư viện Hà Nội"
    assert library.history.count() == 1
    assert library.history.first().history_user == officer


def test_identifiers_are_never_reused(places, officer):
    first = create_library(officer, _data(places))
    first.delete()
    second = create_library(officer, _data(places))
    assert second.vn_id != first.vn_id


def test_officer_cannot_create_in_another_province(places, officer):
    with pytest.raises(PermissionDenied):
        create_library(officer, _data(places, province=places["danang"].pk, commune=None))


def test_commune_must_belong_to_the_province(places, officer):
    other = factories.commune("20194", "Phường Hải Châu", places["danang"])
    with pytest.raises(LibraryDataError) as err:
        create_library(officer, _data(places, commune=other.pk))
    assert "không thuộc" in str(err.value) and "is not in" in str(err.value)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"level": ""}, "level"),
        ({"library_type": "university"}, "level"),
        ({"province": None, "commune": None}, "province"),
        ({"latitude": 21.0}, "latitude"),
        ({"latitude": 95, "longitude": 105}, "latitude"),
        ({"email": "not-an-email"}, "email"),
        ({"library_type": "castle"}, "library_type"),
    ],
)
def test_invalid_data_is_refused_with_the_field_named(places, officer, extra, field):
    with pytest.raises(LibraryDataError) as err:
        create_library(officer, _data(places, **extra))
    assert field in err.value.errors


def test_partner_library_outside_vietnam(places):
    admin = factories.user("admin", Role.MINISTRY_ADMIN)
    library = create_library(
        admin,
        {
            "name": "Library of Congress",
            "library_type": "national",
            "country": "us",
            "region": "Washington, D.C.",
        },
    )
    assert library.country == "US" and library.is_partner


def test_update_records_history_and_audit_diff(places, officer):
    library = create_library(officer, _data(places))
    update_library(
        officer,
        library,
        {"phone": "024 3825 4281", "services": ["digital"]},
        reason="cập nhật liên hệ",
    )
    entry = AuditEntry.objects.filter(action="registry.library.update").get()
    assert entry.changes["phone"] == ("", "024 3825 4281")
    assert entry.changes["services"] == (["lending", "reading_room"], ["digital"])
    newest, previous = library.history.all()[:2]
    delta = newest.diff_against(previous)
    assert {c.field for c in delta.changes} == {"phone", "services"}
    assert newest.history_change_reason == "cập nhật liên hệ"


def test_unchanged_update_writes_nothing(places, officer):
    library = create_library(officer, _data(places))
    update_library(officer, library, {"name": "Thư viện Hà Nội"})
    assert not AuditEntry.objects.filter(action="registry.library.update").exists()


def test_staff_edit_their_library_but_not_its_status_or_another(places, officer):
    library = create_library(officer, _data(places))
    other = create_library(officer, _data(places, name="Thư viện xã Thử"))
    staff = factories.user("staff", Role.LIBRARY_STAFF, library=library)
    update_library(staff, library, {"opening_hours": "8:00–17:00, thứ Hai–thứ Sáu"})
    with pytest.raises(PermissionDenied):
        update_library(staff, library, {"status": "dissolved"})
    with pytest.raises(PermissionDenied):
        update_library(staff, other, {"phone": "1"})


def test_html_in_names_is_stored_as_text(places, officer):
    library = create_library(officer, _data(places, name="<script>alert(1)</script> Thư viện"))
    assert library.name.startswith("<script>")  # stored verbatim; templates escape it
