from django.urls import path

from thuvien.ops import views

app_name = "ops"
urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("<uuid:pk>/", views.job_detail, name="job"),
]
