from django.urls import path

from thuvien.digital.views import pages, staff

app_name = "digital"
urlpatterns = [
    path("", pages.home, name="home"),
    path("bo-suu-tap/<slug:slug>/", pages.collection_page, name="collection"),
    path("nap/", staff.batches, name="batches"),
    path("nap/<int:pk>/", staff.batch_detail, name="batch"),
    path("bao-quan/", staff.preservation, name="preservation"),
    path("bao-quan/kiem-tra/", staff.start_audit, name="start_audit"),
    path("<str:ident>/", pages.object_page, name="object"),
    path("<str:ident>/tai-ve.pdf", pages.download_pdf, name="pdf"),
    path("<str:ident>/mets.xml", pages.download_mets, name="mets"),
    path("<str:ident>/mods.xml", pages.download_mods, name="mods"),
    path("<str:ident>/trang/<int:order>.jpg", pages.page_image, name="page_image"),
]
