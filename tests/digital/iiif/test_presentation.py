"""Presentation API 3.0 manifests, collections and OCR annotation pages."""

from __future__ import annotations

import copy
import json

import iiif_prezi3
import pytest

from thuvien.digital.iiif.presentation import (
    ObjectInfo,
    PageInfo,
    Provider,
    build_collection,
    build_manifest,
    canvas_uri,
    normalise_nav_date,
    normalise_rights,
    text_annotation_page,
)

from .presentation_checker import problems

BASE = "https://thuvien.example.vn"
MANIFEST = f"{BASE}/iiif/presentation/obj-1/manifest"


def page(number: int, **extra) -> PageInfo:
    return PageInfo(
        id=f"p{number:04d}",
        label=str(number),
        width=5000,
        height=7000,
        image_service=f"{BASE}/iiif/3/obj-1-p{number}",
        **extra,
    )


@pytest.fixture
def info() -> ObjectInfo:
    return ObjectInfo(
        id=MANIFEST,
        label={"vi": ["Truyện Kiều (bản Liễu Văn Đường, 1871)"], "en": ["The Tale of Kiều"]},
        summary={"vi": ["Bản khắc gỗ chữ Nôm, 70 tờ."]},
        metadata=[
            ({"vi": ["Tác giả"], "en": ["Author"]}, {"none": ["Nguyễn Du"]}),
            ({"vi": ["Ngôn ngữ"], "en": ["Language"]}, {"vi": ["Chữ Nôm"], "en": ["Nôm"]}),
        ],
        rights="https://creativecommons.org/publicdomain/mark/1.0/",
        required_statement=(
            {"vi": ["Nguồn"], "en": ["Attribution"]},
            {"vi": ["Thư viện Quốc gia Việt Nam"], "en": ["National Library of Vietnam"]},
        ),
        homepage=f"{BASE}/so-hoa/obj-1/",
        rendering=[(f"{BASE}/so-hoa/obj-1/ban-in.pdf", "Tải bản PDF", "application/pdf")],
        see_also=[
            (f"{BASE}/so-hoa/obj-1/mods.xml", "application/mods+xml", "http://www.loc.gov/mods/v3"),
            (f"{BASE}/so-hoa/obj-1/mets.xml", "application/xml", None),
        ],
        search_service=f"{BASE}/iiif/search/obj-1",
        autocomplete=f"{BASE}/iiif/autocomplete/obj-1",
        search_service_v1=f"{BASE}/iiif/search/v1/obj-1",
        autocomplete_v1=f"{BASE}/iiif/autocomplete/v1/obj-1",
        behavior=["paged"],
        nav_date="1871",
        pages=[
            page(1, annotations=f"{BASE}/iiif/presentation/obj-1/text/p0001"),
            page(2, thumbnail=f"{BASE}/media/obj-1/p2-thumb.jpg"),
            page(3),
        ],
        provider=Provider(
            id=f"{BASE}/thu-vien/VN-NLV",
            label={"vi": ["Thư viện Quốc gia Việt Nam"]},
            homepage="https://nlv.gov.vn/",
        ),
        part_of=[f"{BASE}/iiif/presentation/collections/han-nom"],
    )


def without_prezi3_additions(data):
    """iiif-prezi3 writes ``items: []`` into referenced AnnotationPages; drop those."""
    data = copy.deepcopy(data)
    for canvas in data.get("items", []):
        for ref in canvas.get("annotations", []):
            if ref.get("items") == []:
                del ref["items"]
    return data


def test_manifest_meets_the_specification(info):
    manifest = build_manifest(info)
    assert problems(manifest) == []
    json.dumps(manifest)  # plain JSON


def test_manifest_loads_into_prezi3_without_losing_anything(info):
    manifest = build_manifest(info)
    model = iiif_prezi3.Manifest(**manifest)
    assert without_prezi3_additions(json.loads(model.json())) == manifest


def test_checker_finds_what_the_models_let_through(info):
    broken = build_manifest(info)
    broken["license"] = "http://creativecommons.org/licenses/by/4.0/"  # the 2.x name
    broken["rights"] = "https://creativecommons.org/licenses/by/4.0/"
    del broken["items"][0]["width"]
    broken["items"][1]["id"] = broken["items"][2]["id"]
    broken["items"][2]["items"][0]["items"][0]["target"] = f"{BASE}/elsewhere"
    broken["rendering"][0]["label"] = "Tải bản PDF"
    iiif_prezi3.Manifest(**broken)  # the models accept it all
    found = "\n".join(problems(broken))
    for expected in (
        "'license' is not allowed",
        "rights not a CC",
        "missing required width",
        "already used by",
        "is not the Canvas",
        "not a language map",
    ):
        assert expected in found


def test_checker_finds_missing_required_properties(info):
    manifest = build_manifest(info)
    del manifest["label"]
    del manifest["items"][0]["items"][0]["items"][0]["motivation"]
    del manifest["items"][1]["items"][0]["id"]
    found = "\n".join(problems(manifest))
    assert "Manifest: missing required label" in found
    assert "items[0].items[0].items[0]: missing required motivation" in found
    assert "items[1].items[0]: missing required id" in found


def test_canvases_paint_the_page_image_service(info):
    manifest = build_manifest(info)
    canvas = manifest["items"][0]
    assert canvas["id"] == f"{BASE}/iiif/presentation/obj-1/canvas/p0001"
    assert (canvas["width"], canvas["height"]) == (5000, 7000)
    assert canvas["label"] == {"none": ["1"]}
    annotation = canvas["items"][0]["items"][0]
    assert annotation["motivation"] == "painting"
    assert annotation["target"] == canvas["id"]
    body = annotation["body"]
    assert body["id"] == f"{BASE}/iiif/3/obj-1-p1/full/max/0/default.jpg"
    assert body["type"] == "Image" and body["format"] == "image/jpeg"
    # full/max under the 5000-pixel limit is 3571x5000: the body states what is served
    assert (body["width"], body["height"]) == (3571, 5000)
    assert body["service"] == [
        {"id": f"{BASE}/iiif/3/obj-1-p1", "type": "ImageService3", "profile": "level2"}
    ]
    assert canvas["annotations"] == [
        {"id": f"{BASE}/iiif/presentation/obj-1/text/p0001", "type": "AnnotationPage"}
    ]
    ids = [c["id"] for c in manifest["items"]]
    assert len(set(ids)) == 3


def test_canvas_ids_come_from_page_ids_not_positions():
    assert canvas_uri(MANIFEST, "p0007") == f"{BASE}/iiif/presentation/obj-1/canvas/p0007"
    assert canvas_uri(f"{BASE}/m/obj-2", "a") == f"{BASE}/m/obj-2/canvas/a"
    assert canvas_uri(MANIFEST, f"{BASE}/c/9") == f"{BASE}/c/9"


def test_search_services_and_contexts(info):
    manifest = build_manifest(info)
    assert manifest["@context"] == [
        "http://iiif.io/api/search/2/context.json",
        "http://iiif.io/api/presentation/3/context.json",
    ]
    search2, search1 = manifest["service"]
    assert search2 == {
        "id": f"{BASE}/iiif/search/obj-1",
        "type": "SearchService2",
        "service": [{"id": f"{BASE}/iiif/autocomplete/obj-1", "type": "AutoCompleteService2"}],
    }
    assert search1["type"] == "SearchService1"
    assert search1["profile"] == "http://iiif.io/api/search/1/search"
    assert search1["service"][0]["profile"] == "http://iiif.io/api/search/1/autocomplete"

    info.search_service = info.search_service_v1 = None
    plain = build_manifest(info)
    assert plain["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert "service" not in plain
    assert problems(plain) == []


def test_descriptive_and_linking_properties(info):
    manifest = build_manifest(info)
    assert manifest["rights"] == "http://creativecommons.org/publicdomain/mark/1.0/"
    assert manifest["navDate"] == "1871-01-01T00:00:00Z"
    assert manifest["requiredStatement"]["value"]["en"] == ["National Library of Vietnam"]
    assert manifest["homepage"][0]["format"] == "text/html"
    assert manifest["rendering"] == [
        {
            "id": f"{BASE}/so-hoa/obj-1/ban-in.pdf",
            "type": "Text",
            "label": {"vi": ["Tải bản PDF"]},
            "format": "application/pdf",
        }
    ]
    assert manifest["seeAlso"][0]["profile"] == "http://www.loc.gov/mods/v3"
    assert "profile" not in manifest["seeAlso"][1]
    assert manifest["provider"][0]["type"] == "Agent"
    assert manifest["partOf"] == [
        {"id": f"{BASE}/iiif/presentation/collections/han-nom", "type": "Collection"}
    ]
    assert manifest["behavior"] == ["paged"]


def test_thumbnail_is_the_first_page_thumbnail_or_drawn_from_the_image_service(info):
    assert build_manifest(info)["thumbnail"][0]["id"] == f"{BASE}/media/obj-1/p2-thumb.jpg"
    info.pages[1].thumbnail = None
    thumbnail = build_manifest(info)["thumbnail"][0]
    assert thumbnail["id"] == f"{BASE}/iiif/3/obj-1-p1/full/214,300/0/default.jpg"
    assert (thumbnail["width"], thumbnail["height"]) == (214, 300)
    assert thumbnail["service"][0]["type"] == "ImageService3"


def test_rights_are_normalised_or_kept_visibly(info):
    assert (
        normalise_rights("https://rightsstatements.org/page/InC/1.0/?language=vi")
        == "http://rightsstatements.org/vocab/InC/1.0/"
    )
    assert normalise_rights("http://example.org/my-licence") is None
    info.rights = "Bản quyền thuộc Thư viện Quốc gia"
    manifest = build_manifest(info)
    assert "rights" not in manifest
    assert manifest["metadata"][-1] == {
        "label": {"vi": ["Quyền sử dụng"], "en": ["Rights"]},
        "value": {"none": ["Bản quyền thuộc Thư viện Quốc gia"]},
    }
    assert problems(manifest) == []


def test_nav_date_forms():
    assert normalise_nav_date("1930-05") == "1930-05-01T00:00:00Z"
    assert normalise_nav_date("1930-05-02") == "1930-05-02T00:00:00Z"
    assert normalise_nav_date("1930-05-02T10:11:12Z") == "1930-05-02T10:11:12Z"
    with pytest.raises(ValueError, match=r"Ngày điều hướng không hợp lệ.*Invalid navDate"):
        normalise_nav_date("[1930?]")


def test_invalid_viewing_direction_and_behavior_are_refused(info):
    info.viewing_direction = "rtl"
    with pytest.raises(ValueError, match="viewingDirection"):
        build_manifest(info)
    info.viewing_direction = "right-to-left"
    info.behavior = ["book"]
    with pytest.raises(ValueError, match="behavior"):
        build_manifest(info)


def test_objects_without_pages_or_sizes_are_refused(info):
    pages = info.pages
    info.pages = []
    with pytest.raises(ValueError, match=r"chưa có trang nào.*has no pages"):
        build_manifest(info)
    info.pages = pages
    pages[2].height = 0
    with pytest.raises(ValueError, match=r"Trang p0003 .* Page p0003"):
        build_manifest(info)


def test_collection():
    collection = build_collection(
        f"{BASE}/iiif/presentation/collections/han-nom",
        {"vi": ["Sách Hán Nôm"], "en": ["Hán Nôm books"]},
        [
            (MANIFEST, "Manifest", {"vi": ["Truyện Kiều"]}),
            (f"{BASE}/iiif/presentation/collections/kieu", "Collection", {"vi": ["Kiều"]}),
        ],
        summary={"vi": ["Sách chữ Hán và chữ Nôm đã số hoá."]},
        thumbnail=f"{BASE}/media/han-nom.jpg",
        part_of=[f"{BASE}/iiif/presentation/collections/top"],
    )
    assert problems(collection) == []
    assert collection["items"][0] == {
        "id": MANIFEST,
        "type": "Manifest",
        "label": {"vi": ["Truyện Kiều"]},
    }
    model = iiif_prezi3.Collection(**collection)
    assert json.loads(model.json()) == collection
    with pytest.raises(ValueError, match="Manifest hoặc Collection"):
        build_collection(f"{BASE}/c", {"vi": ["x"]}, [(f"{BASE}/x", "Canvas", {"vi": ["x"]})])


def test_empty_collection_is_valid():
    collection = build_collection(f"{BASE}/c/empty", {"vi": ["Trống"]}, [])
    assert collection["items"] == [] and problems(collection) == []


def test_text_annotation_page():
    canvas = f"{BASE}/iiif/presentation/obj-1/canvas/p0001"
    page_uri = f"{BASE}/iiif/presentation/obj-1/text/p0001"
    lines = [
        ("Trăm năm trong cõi người ta,", 410, 520, 2900, 120),
        ("Chữ tài chữ mệnh", 410, 700, 2100, 118),
    ]
    document = text_annotation_page(page_uri, canvas, lines)
    assert problems(document) == []
    first = document["items"][0]
    assert first["motivation"] == "supplementing"
    assert first["body"] == {
        "type": "TextualBody",
        "value": "Trăm năm trong cõi người ta,",
        "format": "text/plain",
        "language": "vi",
    }
    assert first["target"] == f"{canvas}#xywh=410,520,2900,120"
    assert document["items"][1]["id"] == f"{page_uri}/line/2"
    iiif_prezi3.AnnotationPage(**document)
