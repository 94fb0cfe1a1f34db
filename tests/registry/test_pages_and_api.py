"""Staff pages and the write API: permissions, forms, the notification and import flows."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thuvien.kernel.audit.models import AuditEntry
from thuvien.ops.models import Job
from thuvien.registry.models import ImportBatch, Library, Notification

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_edit_page_permissions(client, directory, accounts):
    library = directory["hanoi"]
    url = f"/thu-vien/{library.vn_id}/sua/"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(accounts["reader"])
    denied = client.get(url)
    assert denied.status_code == 403
    assert "Không có quyền truy cập" in denied.content.decode()
    client.force_login(accounts["officer"])
    assert client.get(url).status_code == 200
    other = directory["danang"]
    assert client.get(f"/thu-vien/{other.vn_id}/sua/").status_code == 403


def test_edit_form_saves_through_the_service(client, directory, accounts):
    library = directory["hanoi"]
    client.force_login(accounts["officer"])
    form = client.get(f"/thu-vien/{library.vn_id}/sua/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "services"}
    data.update(
        {
            "phone": "024 3825 4281",
            "reason": "cập nhật",
            "province": library.province_id,
            "services": ["lending"],
        }
    )
    response = client.post(f"/thu-vien/{library.vn_id}/sua/", data)
    assert response.status_code == 302, response.context["form"].errors
    library.refresh_from_db()
    assert library.phone == "024 3825 4281"
    assert AuditEntry.objects.filter(
        action="registry.library.update", object_id=str(library.pk)
    ).exists()
    history = client.get(f"/thu-vien/{library.vn_id}/lich-su/").content.decode()
    assert "024 3825 4281" in history and "cập nhật" in history


def test_api_write_requires_sign_in_and_scope(client, directory, accounts):
    payload = {
        "name": "Thư viện xã Cổ Loa",
        "library_type": "public",
        "level": "commune",
        "province_code": "01",
    }
    assert (
        client.post("/api/v1/libraries", payload, content_type="application/json").status_code
        == 401
    )
    client.force_login(accounts["reader"])
    assert (
        client.post("/api/v1/libraries", payload, content_type="application/json").status_code
        == 403
    )
    client.force_login(accounts["officer"])
    created = client.post("/api/v1/libraries", payload, content_type="application/json")
    assert created.status_code == 201
    vn_id = created.json()["id"]
    bad = client.post(
        "/api/v1/libraries", {**payload, "level": ""}, content_type="application/json"
    )
    assert bad.status_code == 422 and "level" in bad.json()["errors"]
    unknown = client.post(
        "/api/v1/libraries", {**payload, "province_code": "99"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    patched = client.patch(
        f"/api/v1/libraries/{vn_id}", {"phone": "0243 123 456"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "0243 123 456"
    other = directory["danang"].vn_id
    assert (
        client.patch(
            f"/api/v1/libraries/{other}", {"phone": "1"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/libraries" in schema["paths"]
    assert "/api/v1/libraries/{vn_id}" in schema["paths"]


def test_notification_flow_through_the_pages(client, directory, accounts):
    client.force_login(accounts["reader"])
    from thuvien.geo.models import AdminUnit

    hanoi = AdminUnit.objects.get(scheme="2025", level="province", code="01")
    response = client.post(
        "/thu-vien/thong-bao/gui/",
        {
            "kind": "establish",
            "province": hanoi.pk,
            "submitter_name": "Nguyễn Văn Bình",
            "effective_date": "2026-12-15",
            "new_name": "Tủ sách cộng đồng Hoa Sữa",
            "new_type": "community",
            "collection_size": "1600",
            "floor_area_m2": "30",
            "document": SimpleUploadedFile("qd.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    notification = Notification.objects.get()
    client.force_login(accounts["officer"])
    listing = client.get("/thu-vien/thong-bao/").content.decode()
    assert "Nguyễn Văn Bình" in listing
    client.post(f"/thu-vien/thong-bao/{notification.pk}/", {"action": "accept", "note": "Đạt"})
    notification.refresh_from_db()
    assert notification.status == "accepted"
    assert Library.objects.filter(name="Tủ sách cộng đồng Hoa Sữa").exists()


def test_import_pages(client, real_units, accounts):
    client.force_login(accounts["officer"])
    assert client.get("/thu-vien/nhap/").status_code == 403
    client.force_login(accounts["admin"])
    with open(FIXTURES / "registry/thu-vien-tinh.csv", "rb") as handle:
        response = client.post("/thu-vien/nhap/", {"file": handle})
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"/thu-vien/nhap/{batch.pk}/")
    page = client.get(f"/thu-vien/nhap/{batch.pk}/").content.decode()
    assert "Tên thư viện" in page
    form = {
        f"map-{i}": target
        for i, column in enumerate(batch.report["columns"])
        if (target := batch.mapping.get(column))
    }
    with_commit_hooks = client.post(f"/thu-vien/nhap/{batch.pk}/", form)
    job = Job.objects.get(kind="registry.import_preview")
    assert with_commit_hooks["Location"].endswith(f"/cong-viec/{job.pk}/")


def test_job_page_is_private(client, accounts):
    job = Job.objects.create(
        kind="registry.reindex",
        title="x",
        created_by=accounts["admin"],
        status="succeeded",
        report={"indexed": 3},
    )
    client.force_login(accounts["reader"])
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 403
    client.force_login(accounts["admin"])
    data = client.get(f"/cong-viec/{job.pk}/", HTTP_ACCEPT="application/json").json()
    assert data["report"] == {"indexed": 3}
    assert json.dumps(data)
