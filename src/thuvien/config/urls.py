from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from thuvien.catalog.views.oai import oai
from thuvien.catalog.views.sru import sru
from thuvien.config.api import api
from thuvien.ops.views import health

urlpatterns = [
    path("health", health, name="health"),
    path("oai", oai, name="oai"),
    path("sru", sru, name="sru"),
    path("iiif/", include("thuvien.digital.urls_iiif")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("thuvien.accounts.urls")),
    path("cong-viec/", include("thuvien.ops.urls")),
    path("thu-vien/", include("thuvien.registry.urls")),
    path("muc-luc/", include("thuvien.catalog.urls")),
    path("thong-ke/", include("thuvien.stats.urls")),
    path("danh-gia/", include("thuvien.evaluation.urls")),
    path("so-hoa/", include("thuvien.digital.urls")),
    path("", include("thuvien.portal.urls")),
    prefix_default_language=False,
)

handler403 = "thuvien.portal.views.permission_denied"
handler404 = "thuvien.portal.views.page_not_found"
