"""Mirador 4 (the vendored build) in headless Chromium: manifest, tiles and search hits.

The manifest, the image service and the search endpoint are this package's functions
behind a loopback HTTP server; Mirador must open the manifest, draw the page from IIIF
tiles and list the hits of a Content Search query with their context.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.digital.iiif.conftest import quadrants, save_pyramid
from tests.digital.iiif.iiif_server import PREFIX, serve
from thuvien.digital.iiif.presentation import ObjectInfo, PageInfo, build_manifest
from thuvien.digital.iiif.search import (
    Word,
    annotation_list_v1,
    autocomplete_v1,
    collect_terms,
    find_hits,
)

pytestmark = pytest.mark.e2e

MIRADOR = Path(__file__).resolve().parents[2] / "static/vendor/mirador-4.0.0/mirador.min.js"
PAGE_TEXT = [
    "Thư viện Quốc gia Việt Nam tại Hà Nội lưu giữ sách Hán Nôm.",
    "Bản đồ Hà Nội năm 1873 và bản đồ Sài Gòn.",
]
HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Mirador</title>
<style>html,body,#viewer{{margin:0;height:100%;}}</style></head><body>
<div id="viewer"></div><script src="/mirador.min.js"></script><script>
Mirador.viewer({{id: "viewer", windows: [{{manifestId: "{manifest}"}}],
  window: {{defaultSideBarPanel: "search", sideBarOpenByDefault: true}}}});
</script></body></html>"""


def ocr_words(text: str) -> list[Word]:
    words, x = [], 60
    for token in text.split():
        words.append(Word(token, x, 300, 18 * len(token), 40))
        x += 18 * len(token) + 14
    return words


def json_route(build):
    return lambda query: (200, json.dumps(build(query)).encode(), "application/json")


@pytest.fixture(scope="module")
def mirador_site(tmp_path_factory):
    assert MIRADOR.exists(), f"the vendored Mirador build is missing: {MIRADOR}"
    folder = tmp_path_factory.mktemp("mirador")
    images = {
        f"obj-p{n}": save_pyramid(quadrants(1200, 1600), folder / f"p{n}.tif") for n in (1, 2)
    }
    seen: list[str] = []
    routes = {"mirador.min.js": lambda _: (200, MIRADOR.read_bytes(), "text/javascript")}
    with serve(images, routes, seen) as address:
        base = f"http://{address}"
        manifest_uri = f"{base}/iiif/presentation/obj/manifest"
        pages = [PageInfo(f"p{n}", str(n), 1200, 1600, f"{base}/{PREFIX}/obj-p{n}") for n in (1, 2)]
        info = ObjectInfo(
            id=manifest_uri,
            label={"vi": ["Sách thử"]},
            pages=pages,
            search_service=f"{base}/search2",
            search_service_v1=f"{base}/search1",
            autocomplete_v1=f"{base}/autocomplete1",
        )
        manifest = build_manifest(info)
        ocr = [
            (canvas["id"], ocr_words(text))
            for canvas, text in zip(manifest["items"], PAGE_TEXT, strict=True)
        ]

        def search(query):
            uri = f"{base}/search1?q={query['q'][0]}"
            return annotation_list_v1(uri, find_hits(ocr, query["q"][0]))

        def terms(query):
            found = collect_terms(ocr, query.get("q", [""])[0])
            return autocomplete_v1(found, f"{base}/autocomplete1", f"{base}/search1")

        routes.update(
            {
                "index.html": lambda _: (
                    200,
                    HTML.format(manifest=manifest_uri).encode(),
                    "text/html",
                ),
                "iiif/presentation/obj/manifest": json_route(lambda _: manifest),
                "search1": json_route(search),
                "autocomplete1": json_route(terms),
            }
        )
        yield base, seen


def test_mirador_lists_and_highlights_search_hits(mirador_site, browser, tmp_path):
    base, seen = mirador_site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    page.goto(f"{base}/index.html")
    # A reader types a query without diacritics into Mirador's search panel. (Mirador 4.0.0
    # sends a window's defaultSearchQuery twice, differently encoded, and lists both answers.)
    field = page.get_by_role("combobox").first  # the search field is an autocomplete
    field.wait_for(timeout=20000)
    field.fill("ha noi")
    field.press("Enter")
    # Two hits, one per page, each listed once with the words around it.
    first = page.locator("span.mirador-third-party-html", has_text="Quốc gia Việt Nam tại")
    second = page.locator("span.mirador-third-party-html", has_text="năm 1873")
    first.first.wait_for(timeout=20000)
    second.first.wait_for(timeout=10000)
    page.wait_for_timeout(1500)  # let the viewer draw tiles and the highlight
    page.screenshot(path=str(tmp_path / "mirador.png"))
    assert (first.count(), second.count()) == (1, 1)
    assert page.locator("strong", has_text="Hà Nội").count() == 2  # the matches, in bold
    assert errors == []
    assert [path for path in seen if path.startswith("/search1")] == ["/search1?q=ha+noi"]
    tiles = [
        path for path in seen if path.startswith(f"/{PREFIX}/obj-p1/") and "info.json" not in path
    ]
    assert tiles, "Mirador requested no image from the image service"
    page.close()
