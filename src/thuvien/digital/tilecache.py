"""Rendered images of public objects kept on disk and answered before Django.

Viewers ask for the same tiles again and again; a repeated request then costs one file
read, without the framework, the database or the access check. That is safe because only
images of published public objects are stored, and an object's images are dropped whenever
it stops being public and published or its pages are made again (``purge``). Each file
holds the response's canonical Link header on its first line, then the image bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

IMAGE_PATH = re.compile(r"^/iiif/3/(tv\d{7,})-p\d{4,}/[^/]+/[^/]+/[^/]+/[^/]+\.(jpg|png|webp|tif)$")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "tif": "image/tiff"}


def _root() -> Path:
    from django.conf import settings

    return Path(settings.THUVIEN_DIGITAL_DIR) / "tiles"


def _file(root: Path, path: str, ident: str) -> Path:
    return root / ident / hashlib.sha1(path.encode("utf-8")).hexdigest()


def store(path: str, link: str, data: bytes) -> None:
    """Keep a rendered image of a public object (``path`` is the request's path)."""
    match = IMAGE_PATH.match(path)
    if match is None:
        return
    target = _file(_root(), path, match.group(1))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        handle.write(link.encode("utf-8") + b"\n" + data)
    os.replace(handle.name, target)


def purge(ident: str) -> None:
    """Forget every stored image of the object ``ident``."""
    shutil.rmtree(_root() / ident, ignore_errors=True)


class TileCacheApplication:
    """WSGI wrapper: stored images straight from disk, everything else to Django."""

    def __init__(self, application):
        self.application = application
        self.root: Path | None = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("QUERY_STRING"):
            answer = self._stored(environ.get("PATH_INFO", ""))
            if answer is not None:
                headers, body = answer
                start_response("200 OK", headers)
                return [body]
        return self.application(environ, start_response)

    def _stored(self, path: str):
        match = IMAGE_PATH.match(path)
        if match is None:
            return None
        if self.root is None:
            self.root = _root()
        try:
            content = _file(self.root, path, match.group(1)).read_bytes()
        except OSError:
            return None
        link, _, body = content.partition(b"\n")
        headers = [
            ("Content-Type", MEDIA_TYPES[match.group(2)]),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "public, max-age=86400"),
            ("Access-Control-Allow-Origin", "*"),
            ("Link", link.decode("utf-8")),
        ]
        return headers, body
