"""The digital collections' JSON API, with the access rules of the pages."""

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.digital.models import DigitalObject

pytestmark = pytest.mark.django_db


def test_search_and_object_follow_the_access_rules(ingested, client):
    library, _, _ = ingested
    found = client.get("/api/v1/digital/objects", {"q": "thu vien quoc gia"}).json()
    assert found["total"] == 1 and found["hits"][0]["title"] == "Sổ tay số hóa"
    assert found["hits"][0]["manifest"].endswith("/manifest") and "<mark>" in (
        found["hits"][0]["highlight"] or ""
    )
    assert client.get("/api/v1/digital/objects", {"q": "di san van hoa"}).json()["total"] == 0
    book = DigitalObject.objects.get(batch_key="sach-1")
    data = client.get(f"/api/v1/digital/objects/{book.ident}").json()
    assert data["kind"] == "book" and [p["label"] for p in data["pages"]] == ["Bìa", "1"]
    assert data["pages"][0]["image_service"].startswith("/iiif/3/") and data["pages"][0]["has_text"]
    secret = DigitalObject.objects.get(batch_key="mat-1")
    assert client.get(f"/api/v1/digital/objects/{secret.ident}").status_code == 401
    assert client.get("/api/v1/digital/objects/tv9999999").status_code == 404
    assert client.get("/api/v1/digital/objects", {"limit": "5000"}).status_code == 422
    client.force_login(factories.user("canbo", Role.LIBRARY_STAFF, library=library))
    assert client.get(f"/api/v1/digital/objects/{secret.ident}").status_code == 200
