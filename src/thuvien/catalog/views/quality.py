"""Data-quality pages: the national overview of contributing libraries and each library's
report, read from the stored reports (``thuvien catalog_quality`` computes them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thuvien.accounts.permissions import Action, Target, has_any_scope, has_perm, library_ids_for
from thuvien.catalog.models import CatalogQualityReport
from thuvien.catalog.quality.xlsx import overview_workbook
from thuvien.registry.models import Library

# Key fields shown as columns of the overview (the rest are on each library's page).
OVERVIEW_FIELDS = ("title", "control_number", "fixed_data", "subject", "classification")


def _visible_reports(user):
    if not has_any_scope(user, Action.CATALOG_INGEST):
        raise PermissionDenied(_("Bạn không được xem báo cáo chất lượng dữ liệu."))
    reports = CatalogQualityReport.objects.select_related("library").order_by("library__name")
    if has_perm(user, Action.CATALOG_INGEST):  # the whole country
        return reports
    return reports.filter(library__in=library_ids_for(user, Action.CATALOG_INGEST))


def _row(report: CatalogQualityReport) -> dict:
    data = report.data
    shares = {row["key"]: row["share"] for row in data.get("completeness", [])}
    return {
        "report": report,
        "library": report.library,
        "records": report.records,
        "meets": report.meets_standard,
        "shares": [shares.get(key) for key in OVERVIEW_FIELDS],
        "invalid_isbn": data.get("invalid_isbn_records", 0),
        "marc_errors": data.get("marc_error_records", 0),
        "repaired": data.get("repaired_records", 0),
        "duplicates": data.get("duplicates", {}).get("extra_records", 0),
        "quarantined": data.get("quarantine", {}).get("count", 0),
    }


def _columns(english: bool) -> list[str]:
    from thuvien.catalog.quality.checks import KEY_FIELDS

    labels = {k.key: (k.en if english else k.vi) for k in KEY_FIELDS}
    return [labels[key] for key in OVERVIEW_FIELDS]


@login_required
def overview(request):
    rows = [_row(r) for r in _visible_reports(request.user)]
    english = get_language() == "en"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            overview_workbook(rows, _columns(english), english),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="chat-luong-du-lieu.xlsx"'
        return response
    context = {
        "rows": rows,
        "columns": _columns(english),
        "meeting": sum(r["meets"] for r in rows),
    }
    return render(request, "catalog/quality_overview.html", context)


@login_required
def library_report(request, vn_id: str):
    library = get_object_or_404(Library, vn_id=vn_id)
    if not has_perm(request.user, Action.CATALOG_INGEST, Target.for_library(library)):
        raise PermissionDenied(_("Bạn không được xem báo cáo chất lượng của thư viện này."))
    report = CatalogQualityReport.objects.filter(library=library).first()
    context = {
        "library": library,
        "report": report,
        "data": report.data if report else {},
        "en": get_language() == "en",
    }
    return render(request, "catalog/quality_library.html", context)
