from django.urls import path

from thuvien.catalog.views import harvest, ingest, quality, search

app_name = "catalog"
urlpatterns = [
    path("", search.search_page, name="search"),
    path("ban-ghi/<int:pk>/", search.record_page, name="record"),
    path("ban-ghi/<int:pk>.<str:fmt>", search.record_export, name="export"),
    path("ban-ghi/<int:pk>/gop/", search.record_merge, name="merge"),
    path("ban-ghi/<int:pk>/tach/", search.record_split, name="split"),
    path("nap/", ingest.ingest_list, name="ingest"),
    path("nap/<int:pk>/", ingest.batch_detail, name="batch"),
    path("nap/<int:pk>/cach-ly/<int:position>/", ingest.quarantine_detail, name="quarantine"),
    path("thu-thap/", harvest.harvest_list, name="harvest"),
    path("thu-thap/<int:pk>/chay/", harvest.harvest_now, name="harvest_now"),
    path("chat-luong/", quality.overview, name="quality"),
    path("chat-luong/<str:vn_id>/", quality.library_report, name="quality_library"),
]
