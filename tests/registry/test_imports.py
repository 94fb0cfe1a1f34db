"""Bulk import end to end: upload, preview, commit, re-import — on real files and units."""

from pathlib import Path

import pytest
from viparse.normalize.encodings import CHARMAPS

from tests import factories
from thuvien.accounts.models import Role
from thuvien.kernel.audit.models import AuditEntry
from thuvien.ops.jobs import run_job_inline
from thuvien.registry.models import ImportBatch, Library, LifecycleEvent
from thuvien.registry.services import LibraryDataError
from thuvien.registry.services import imports as service

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(real_units):
    return factories.user("bo", Role.MINISTRY_ADMIN)


def _import(actor, path: Path, mapping=None, defaults=None, commit=True) -> ImportBatch:
    with open(path, "rb") as handle:
        batch = service.upload_import(actor, handle, path.name)
    service.set_mapping(actor, batch, mapping or batch.mapping, defaults or {})
    job = run_job_inline(
        "registry.import_preview", "preview", {"batch": batch.pk}, user=actor, show_progress=False
    )
    assert job.status == "succeeded", job.error
    if commit:
        batch.refresh_from_db()
        job = run_job_inline(
            "registry.import_commit",
            "commit",
            {"batch": batch.pk, "actor": actor.pk},
            user=actor,
            show_progress=False,
        )
        assert job.status == "succeeded", job.error
    batch.refresh_from_db()
    return batch


def _rows(batch):
    return {row.number: row for row in batch.rows.all()}


def test_vietnamese_list_with_old_addresses_and_bad_rows(admin):
    batch = _import(admin, FIXTURES / "registry/thu-vien-tinh.csv")
    assert batch.mapping["Tên thư viện"] == "name" and batch.mapping["Xã/phường"] == "commune"
    rows = _rows(batch)
    hcm = rows[2]
    assert hcm.outcome == "create", hcm.errors
    library = Library.objects.get(pk=hcm.library_id)
    assert library.commune.name == "Phường Sài Gòn"  # old Phường Bến Nghé, Quận 1
    assert library.old_commune.name == "Phường Bến Nghé" and library.old_commune.scheme == "2008"
    assert library.collection_size == 2_500_000
    assert rows[3].outcome == "create"
    assert Library.objects.get(pk=rows[3].library_id).province.name == "Tỉnh Đắk Lắk"
    assert rows[6].outcome == "create"
    assert Library.objects.get(pk=rows[6].library_id).name.startswith("<script>")
    assert rows[7].outcome == "error" and "Tỉnh Không Có" in rows[7].errors[0]["message"]
    assert rows[8].outcome == "error" and rows[8].errors[0]["column"] == "Vốn tài liệu"
    # the same library written differently, further down the same file, is not created twice
    assert rows[9].outcome == "review", (rows[9].candidates, rows[9].parsed, rows[2].parsed)
    assert rows[9].candidates[0]["key"] == "row:2"
    assert rows[10].outcome == "error" and "tên thư viện" in rows[10].errors[0]["message"]
    assert (
        AuditEntry.objects.filter(action="registry.library.create").count()
        == Library.objects.count()
    )


def test_reimport_updates_instead_of_duplicating(admin):
    first = _import(admin, FIXTURES / "registry/thu-vien-tinh.csv")
    count = Library.objects.count()
    second = _import(admin, FIXTURES / "registry/thu-vien-tinh.csv")
    assert Library.objects.count() == count
    outcomes = {r.number: r.outcome for r in second.rows.all()}
    assert outcomes[2] == "update"
    assert (
        _rows(second)[2].parsed["target"]
        == Library.objects.get(pk=_rows(first)[2].library_id).vn_id
    )


def test_legacy_tcvn3_file_is_detected_and_converted(admin, tmp_path):
    inverse = {u: legacy for legacy, u in CHARMAPS["tcvn3"].pairs}
    text = "ten thu vien,tinh\nthư viện xã hải châu,đà nẵng\nthư viện tỉnh quảng ngãi,quảng ngãi\n"
    path = tmp_path / "tcvn3.csv"
    path.write_bytes("".join(inverse.get(c, c) for c in text).encode("latin-1"))
    batch = _import(
        admin,
        path,
        mapping={"ten thu vien": "name", "tinh": "province"},
        defaults={"library_type": "public", "level": "commune"},
    )
    assert batch.encoding == "tcvn3"
    names = sorted(Library.objects.values_list("name", flat=True))
    assert names == ["thư viện tỉnh quảng ngãi", "thư viện xã hải châu"]


def test_imls_partner_libraries_over_two_years(admin):
    mapping = {
        "FSCSKEY": "identifier",
        "LIBNAME": "name",
        "ADDRESS": "street_address",
        "CITY": "city",
        "STABR": "region",
        "PHONE": "phone",
        "LATITUDE": "latitude",
        "LONGITUD": "longitude",
        "BKVOL": "collection_size",
        "STATSTRU": "change_code",
        "STATNAME": "name_change_code",
        "STATADDR": "address_change_code",
    }
    defaults = {"country": "US", "library_type": "public", "level": "", "identifier_scheme": "imls"}
    first = _import(
        admin,
        FIXTURES / "imls/pls_fy2016_subset.csv",
        mapping,
        {**defaults, "event_date": "2016-07-01"},
    )
    created = Library.objects.count()
    assert created == first.rows.filter(outcome="create").count() > 400
    assert not first.rows.filter(outcome="error").exists()
    second = _import(
        admin,
        FIXTURES / "imls/pls_fy2018_subset.csv",
        mapping,
        {**defaults, "event_date": "2018-07-01"},
    )
    # every library known in 2016 is matched by its FSCSKEY, none duplicated
    assert second.rows.filter(outcome="update").count() == 554 - 46
    assert Library.objects.count() == created + second.rows.filter(outcome="create").count()
    assert Library.objects.filter(country="US", status="dissolved").count() == 10  # STATSTRU 03
    renamed = LifecycleEvent.objects.filter(kind="rename").count()
    assert renamed > 30  # STATNAME 06
    sample = Library.objects.filter(other_names__kind="former").first()
    assert sample.history.count() >= 2


def test_permission_and_bad_files(admin, tmp_path):
    reader = factories.user("reader", Role.READER)
    from django.core.exceptions import PermissionDenied

    with (
        pytest.raises(PermissionDenied),
        open(FIXTURES / "registry/thu-vien-tinh.csv", "rb") as handle,
    ):
        service.upload_import(reader, handle, "x.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02garbage")
    for path, message in ((empty, "rỗng"), (binary, "nhị phân")):
        with pytest.raises(LibraryDataError, match=message), open(path, "rb") as handle:
            service.upload_import(admin, handle, path.name)


def test_a_row_linked_to_an_earlier_row_updates_the_library_it_created(admin):
    batch = _import(admin, FIXTURES / "registry/thu-vien-tinh.csv", commit=False)
    duplicate = batch.rows.get(number=9)
    service.decide_row(admin, duplicate, "link:row:2")
    job = run_job_inline(
        "registry.import_commit",
        "commit",
        {"batch": batch.pk, "actor": admin.pk},
        user=admin,
        show_progress=False,
    )
    assert job.status == "succeeded", job.error
    rows = _rows(batch)
    assert rows[9].library_id == rows[2].library_id
    library = Library.objects.get(pk=rows[2].library_id)
    assert "Thư viện Khoa học Tổng hợp TP. Hồ Chí Minh" in {
        n.name for n in library.other_names.all()
    }
    with pytest.raises(LibraryDataError):
        service.decide_row(admin, batch.rows.get(number=3), "link:VN-99999999")


def test_messy_worldwide_list_of_libweb(admin):
    batch = _import(
        admin,
        FIXTURES / "libweb/libraries-sample.json",
        mapping={"name": "name", "location": "location", "url": "website"},
        defaults={"library_type": "university", "identifier_scheme": "libweb"},
    )
    rows = list(batch.rows.all())
    assert len(rows) == 322
    errors = [r for r in rows if r.outcome == "error"]
    assert len(errors) <= 5, [(r.number, r.errors) for r in errors]
    assert all(e["column"] in {"location", "website"} for r in errors for e in r.errors)
    created = Library.objects.filter(country__in=["US", "GB", "CA"])
    assert created.count() > 250
    can_tho = Library.objects.get(name="Can Tho University")
    assert can_tho.country == "VN" and can_tho.province.name == "Thành phố Cần Thơ"
    hanoi = Library.objects.get(name="Vietnam Development Information Center")
    assert hanoi.province.name == "Thành phố Hà Nội"
    garden = next(r for r in rows if r.raw["location"] == "Garden City NY")
    assert Library.objects.get(pk=garden.library_id).region == "Garden City NY"


def test_an_old_commune_that_was_split_waits_for_a_person_to_choose(admin, tmp_path):
    path = tmp_path / "kim-ma.csv"
    path.write_text(
        "Tên thư viện,Loại,Cấp,Tỉnh/thành phố,Quận/huyện,Xã/phường\n"
        "Thư viện phường Kim Mã,công cộng,xã,Hà Nội,Quận Ba Đình,Phường Kim Mã\n",
        encoding="utf-8",
    )
    batch = _import(admin, path, commit=False)
    row = batch.rows.get()
    assert row.outcome == "review"
    choices = {label.split(",")[0]: pk for pk, label in row.parsed["unit_choices"]}
    assert set(choices) == {"Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ"}
    with pytest.raises(LibraryDataError, match="choose the new commune"):
        service.decide_row(admin, row, "create")
    service.decide_row(admin, row, f"commune:{choices['Phường Giảng Võ']}")
    assert row.outcome == "create"
    run_job_inline(
        "registry.import_commit",
        "commit",
        {"batch": batch.pk, "actor": admin.pk},
        user=admin,
        show_progress=False,
    )
    library = Library.objects.get(name="Thư viện phường Kim Mã")
    assert library.commune.name == "Phường Giảng Võ"
    assert library.old_commune.name == "Phường Kim Mã"


def test_vni_file_and_oversized_file(admin, tmp_path, settings):
    inverse = {u: legacy for legacy, u in CHARMAPS["vni"].pairs}
    text = "ten,tinh\nthư viện xã đồng tâm,hà nội\n"
    path = tmp_path / "vni.csv"
    path.write_bytes("".join(inverse.get(c, c) for c in text).encode("latin-1"))
    batch = _import(
        admin,
        path,
        mapping={"ten": "name", "tinh": "province"},
        defaults={"library_type": "public", "level": "commune"},
    )
    assert batch.encoding == "vni"
    assert Library.objects.filter(name="thư viện xã đồng tâm").exists()
    settings.THUVIEN_MAX_IMPORT_BYTES = 100
    big = tmp_path / "big.csv"
    big.write_text("ten\n" + "Thư viện\n" * 50, encoding="utf-8")
    with pytest.raises(LibraryDataError, match="larger than"), open(big, "rb") as handle:
        service.upload_import(admin, handle, big.name)


@pytest.mark.parametrize(
    "content, rows",
    [
        (b"name\nA\nB\n", 2),
        (b"name\nA\nB", 2),  # no line break after the last row
        (b"name\n", 0),
        (b"", 0),
    ],
)
def test_progress_expects_every_row_of_a_csv(tmp_path, content, rows):
    from thuvien.registry.importing.readers import count_table_rows

    path = tmp_path / "rows.csv"
    path.write_bytes(content)
    assert count_table_rows(path, "csv") == rows
