"""The IIIF URIs (stable: other systems and viewers depend on them)."""

from django.urls import path, re_path

from thuvien.digital.views import iiif

app_name = "iiif"
urlpatterns = [
    path("3/<str:ident>", iiif.image_base, name="image_base"),
    path("3/<str:ident>/info.json", iiif.image_info, name="image_info"),
    re_path(
        r"^3/(?P<ident>[^/]+)/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/"
        r"(?P<quality>[^/]+?)\.(?P<fmt>[^/.]+)$",
        iiif.image_request,
        name="image_request",
    ),
    path("presentation/collections/top", iiif.top_collection, name="top_collection"),
    path("presentation/collections/<slug:slug>", iiif.collection, name="collection"),
    path("presentation/<str:ident>/manifest", iiif.manifest, name="manifest"),
    path(
        "presentation/<str:ident>/annotations/<int:order>",
        iiif.page_annotations,
        name="page_annotations",
    ),
    path("search/<str:ident>", iiif.content_search, name="search"),
    path("autocomplete/<str:ident>", iiif.autocomplete, name="autocomplete"),
]
