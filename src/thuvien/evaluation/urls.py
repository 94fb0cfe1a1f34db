from django.urls import path

from thuvien.evaluation.views import kpis, library, opening, rounds

app_name = "evaluation"
urlpatterns = [
    path("", rounds.index, name="index"),
    path("mo-dot/", opening.open_round_page, name="open_round"),
    path("chi-tieu-chuong-trinh/", kpis.kpis, name="kpis"),
    path("dot/<int:pk>/", rounds.round_page, name="round"),
    path("dot/<int:pk>/tinh-lai/", rounds.recompute, name="recompute"),
    path("dot/<int:pk>/tai-ve.<str:kind>", rounds.round_download, name="round_download"),
    path("thu-vien/<int:pk>/", library.evaluation_page, name="evaluation"),
    path("thu-vien/<int:pk>/tu-danh-gia/", library.self_assess, name="self_assess"),
    path("thu-vien/<int:pk>/ket-luan/", library.review, name="review"),
    path("thu-vien/<int:pk>/tai-ve.<str:kind>", library.evaluation_download, name="download"),
]
