"""A minimal IIIF Image API 3.0 HTTP server over the pure functions, for conformance tests.

It does what the Django view must do: route the URI template, redirect the base URI,
answer info.json as JSON-LD with CORS, and add the canonical and profile Link headers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from thuvien.digital.iiif.image import (
    DEFAULT_MAX_AREA,
    DEFAULT_MAX_HEIGHT,
    DEFAULT_MAX_WIDTH,
    IIIFError,
    canonical_path,
    image_link_header,
    image_size,
    info_json,
    parse_request,
    render,
)

PREFIX = "iiif/3"
LIMITS = {
    "max_width": DEFAULT_MAX_WIDTH,
    "max_height": DEFAULT_MAX_HEIGHT,
    "max_area": DEFAULT_MAX_AREA,
}
INFO_TYPE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'


Route = Callable[[dict[str, list[str]]], tuple[int, bytes, str]]


class Handler(BaseHTTPRequestHandler):
    images: dict[str, Path] = {}
    routes: dict[str, Route] = {}  # other paths: query -> (status, body, content type)
    base: str = ""
    seen: list[str]

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self.seen.append(self.path)
        raw, _, query = self.path.partition("?")
        raw = raw.lstrip("/")
        if raw in self.routes:
            return self._send(*self.routes[raw](parse_qs(query)))
        if not raw.startswith(PREFIX + "/"):
            return self._send(404, b"not found", "text/plain")
        parts = raw[len(PREFIX) + 1 :].split("/")
        identifier = unquote(parts[0])
        source = self.images.get(identifier)
        if source is None or len(parts) not in (1, 2, 5):
            return self._send(404, b"unknown image", "text/plain")
        service = f"{self.base}/{PREFIX}/{parts[0]}"
        if len(parts) == 1:
            return self._send(303, b"", "text/plain", {"Location": f"{service}/info.json"})
        if len(parts) == 2:
            return self._info(parts[1], service, source)
        return self._image(parts[1:], service, source)

    def _info(self, last: str, service: str, source: Path) -> None:
        if last != "info.json":
            return self._send(404, b"not found", "text/plain")
        width, height = image_size(source)
        extra = ("canonicalLinkHeader", "profileLinkHeader", "cors", "jsonldMediaType")
        info = info_json(service, width, height, extra_features=extra, **LIMITS)
        self._send(200, json.dumps(info).encode(), INFO_TYPE)

    def _image(self, segments: list[str], service: str, source: Path) -> None:
        region, size, rotation, last = segments
        quality, _, fmt = last.rpartition(".")
        try:
            request = parse_request(unquote(region), unquote(size), unquote(rotation), quality, fmt)
            data, media_type = render(source, request, **LIMITS)
            canonical = canonical_path(request, *image_size(source), **LIMITS)
        except IIIFError as error:
            return self._send(error.status, error.message.encode(), "text/plain; charset=utf-8")
        self._send(200, data, media_type, {"Link": image_link_header(service, canonical)})

    def _send(self, status: int, body: bytes, content_type: str, headers=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(
    images: dict[str, Path], routes: dict[str, Route] | None = None, seen: list | None = None
) -> Iterator[str]:
    """Serve ``images`` (identifier -> file) and ``routes`` on a random loopback port.

    Yields host:port; the paths requested are appended to ``seen``.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    bound = {
        "images": images,
        "routes": routes or {},
        "base": f"http://{host}:{port}",
        "seen": [] if seen is None else seen,
    }
    server.RequestHandlerClass = type("BoundHandler", (Handler,), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
