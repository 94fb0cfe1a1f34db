"""Images of public objects answered before Django, from disk or rendered straight away.

Viewers ask for the same tiles again and again; a repeated request then costs one file
read, without the framework, the database or the access check. A page whose info.json was
served for a public object is remembered too (its pyramid and size), so its first tile
requests are rendered here without Django as well. That is safe because only published
public objects are stored or remembered, and an object's entries are dropped whenever it
stops being public and published or its pages are made again (``purge``). Each image file
holds the response's canonical Link header on its first line, then the image bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

IMAGE_PATH = re.compile(
    r"^/iiif/3/((tv\d{7,})-p\d{4,})/([^/]+)/([^/]+)/([^/]+)/([^/]+)\.(jpg|png|webp|tif)$"
)
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "tif": "image/tiff"}


def _root() -> Path:
    from django.conf import settings

    return Path(settings.THUVIEN_DIGITAL_DIR) / "tiles"


def _file(root: Path, path: str, ident: str) -> Path:
    return root / ident / hashlib.sha1(path.encode("utf-8")).hexdigest()


def _write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        handle.write(content)
    os.replace(handle.name, target)


def store(path: str, link: str, data: bytes) -> None:
    """Keep a rendered image of a public object (``path`` is the request's path)."""
    match = IMAGE_PATH.match(path)
    if match is not None:
        _write(_file(_root(), path, match.group(2)), link.encode("utf-8") + b"\n" + data)


def remember_page(page_ident: str, object_ident: str, pyramid: Path, width: int, height: int):
    """A page of a public object whose images may be rendered without Django."""
    facts = {"pyramid": str(pyramid), "width": width, "height": height}
    _write(_root() / object_ident / f"{page_ident}.json", json.dumps(facts).encode("utf-8"))


def purge(ident: str) -> None:
    """Forget every stored image and remembered page of the object ``ident``."""
    shutil.rmtree(_root() / ident, ignore_errors=True)


class TileCacheApplication:
    """WSGI wrapper: public images from disk or rendered here, everything else to Django."""

    def __init__(self, application):
        self.application = application
        self.root: Path | None = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("QUERY_STRING"):
            answer = self._answer(environ)
            if answer is not None:
                headers, body = answer
                start_response("200 OK", headers)
                return [body]
        return self.application(environ, start_response)

    def _answer(self, environ):
        path = environ.get("PATH_INFO", "")
        match = IMAGE_PATH.match(path)
        if match is None:
            return None
        if self.root is None:
            self.root = _root()
        try:
            content = _file(self.root, path, match.group(2)).read_bytes()
        except OSError:
            return self._render(environ, path, match)
        link, _, body = content.partition(b"\n")
        return _headers(match.group(7), body, link.decode("utf-8")), body

    def _render(self, environ, path: str, match):
        """A first request for a remembered page: rendered and stored; anything unusual
        (a malformed request, a page not remembered) is left to Django's full answer."""
        from django.conf import settings

        from thuvien.digital.iiif import image

        try:
            facts = json.loads((self.root / match.group(2) / f"{match.group(1)}.json").read_bytes())
            request = image.parse_request(*match.group(3, 4, 5, 6, 7))
        except (OSError, ValueError, image.IIIFError):
            return None
        limits = {
            "max_width": settings.THUVIEN_IIIF_MAX_WIDTH,
            "max_area": settings.THUVIEN_IIIF_MAX_AREA,
        }
        try:
            canonical = image.canonical_path(request, facts["width"], facts["height"], **limits)
            body, _ = image.render(facts["pyramid"], request, **limits)
        except image.IIIFError:
            return None
        link = image.image_link_header(_service(environ, match.group(1), settings), canonical)
        store(path, link, body)
        return _headers(match.group(7), body, link), body


def _service(environ, page_ident: str, settings) -> str:
    base = settings.THUVIEN_PUBLIC_URL.rstrip("/")
    if not base:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        base = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
    return f"{base}/iiif/3/{page_ident}"


def _headers(fmt: str, body: bytes, link: str) -> list[tuple[str, str]]:
    return [
        ("Content-Type", MEDIA_TYPES[fmt]),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "public, max-age=86400"),
        ("Access-Control-Allow-Origin", "*"),
        ("Link", link),
    ]
