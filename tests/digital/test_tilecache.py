"""Public images answered before Django: rendered once, then read from disk; forgotten the
moment the object stops being public."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler

from thuvien.digital.models import DigitalObject
from thuvien.digital.tilecache import TileCacheApplication

pytestmark = pytest.mark.django_db(transaction=True)


class Counting:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


def get(app, path):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_public_tiles_skip_django_and_stop_when_the_object_closes(ingested):
    book = DigitalObject.objects.get(batch_key="sach-1")
    page = book.pages.get(order=1)
    inner = Counting()
    app = TileCacheApplication(inner)
    tile = f"/iiif/3/{page.ident}/0,0,256,256/256,/0/default.jpg"
    status, _, _ = get(app, f"/iiif/3/{page.ident}/info.json")
    assert status.startswith("200") and inner.calls == 1
    first = get(app, tile)
    again = get(app, tile)
    assert inner.calls == 1  # neither reached Django
    assert first[0].startswith("200") and first[2][:2] == b"\xff\xd8" and first[2] == again[2]
    assert 'rel="canonical"' in first[1]["Link"] and first[1]["Access-Control-Allow-Origin"]
    status, _, _ = get(app, f"/iiif/3/{page.ident}/0,0,0,0/256,/0/default.jpg")
    assert status.startswith("400") and inner.calls == 2  # errors are Django's to explain
    book.access = "restricted"
    book.save()
    status, _, _ = get(app, tile)
    assert status.startswith("401") and inner.calls == 3
