from django.urls import path

from thuvien.stats.views import (
    actions,
    attachments,
    dashboard,
    imports,
    index,
    population,
    report,
    surveys,
)

app_name = "stats"
urlpatterns = [
    path("", index.index, name="index"),
    path("bang-tong-hop/", dashboard.dashboard, name="dashboard"),
    path("bang-tong-hop/tai-ve.<str:fmt>", dashboard.download, name="download"),
    path("khao-sat/<int:pk>/", surveys.results, name="survey_results"),
    path("nhap/", imports.upload, name="import"),
    path("dan-so/", population.population, name="population"),
    path("nhap/<uuid:pk>/dong-loi.csv", imports.rejected_rows, name="import_errors"),
    path("bao-cao/<int:pk>/", report.report_page, name="report"),
    path("bao-cao/<int:pk>/tu-dong-luu/<str:code>/", report.autosave, name="autosave"),
    path("bao-cao/<int:pk>/tep/", attachments.upload, name="attach"),
    path("bao-cao/<int:pk>/tep/<int:attachment_pk>/", attachments.download, name="attachment"),
    path("bao-cao/<int:pk>/<slug:step>/", actions.take_step, name="step"),
]
