from django.urls import path

from thuvien.registry.views import directory, exports, imports, library, notifications

app_name = "registry"
urlpatterns = [
    path("", directory.directory, name="directory"),
    path("ban-do/", directory.map_page, name="map"),
    path("ban-do/diem.json", directory.map_points, name="map_points"),
    path("tai-ve.<str:fmt>", exports.export, name="export"),
    path("dang-ky/", library.library_create, name="create"),
    path("nhap/", imports.import_list, name="imports"),
    path("nhap/<int:pk>/", imports.import_detail, name="import_detail"),
    path("nhap/<int:pk>/ghi/", imports.import_commit, name="import_commit"),
    path("nhap/<int:pk>/loi.csv", imports.import_errors, name="import_errors"),
    path("nhap/<int:pk>/dong/<int:number>/", imports.import_decide, name="import_decide"),
    path("thong-bao/", notifications.notification_list, name="notifications"),
    path("thong-bao/gui/", notifications.notification_submit, name="notification_submit"),
    path("thong-bao/<int:pk>/", notifications.notification_detail, name="notification"),
    path("<str:vn_id>/", library.library_page, name="library"),
    path("<str:vn_id>/lich-su/", library.library_history, name="history"),
    path("<str:vn_id>/sua/", library.library_edit, name="edit"),
]
