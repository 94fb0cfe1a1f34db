"""The national tables for everyone: a chosen round, grouping and element, as a table with
response rates, a bar chart, a province map and the trend over the years, with downloads.
Only approved or certified reports count; figures not yet certified are marked provisional."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from thuvien.stats import charts, exports, tables
from thuvien.stats.freshness import cached
from thuvien.stats.models import ReportingRound
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.models.forms import FormKind
from thuvien.stats.models.reports import COUNTED_STATES, SubmissionState
from thuvien.stats.pdf import national_pdf, province_features
from thuvien.stats.views.labels import english

DIMENSIONS = {
    Dimension.PROVINCE: gettext_lazy("Tỉnh, thành phố"),
    Dimension.LIBRARY_TYPE: gettext_lazy("Loại thư viện"),
    Dimension.LEVEL: gettext_lazy("Cấp"),
    Dimension.REGION: gettext_lazy("Vùng (ngoài Việt Nam)"),
}
# The ministry's published tables: collection, additions, reader cards, visits, loans.
DEFAULT_CODES = ["VT01", "VT03", "SD01", "SD02", "SD04"]
MAX_CODES = 8


def _rounds():
    return ReportingRound.objects.exclude(form__kind=FormKind.SURVEY).select_related("form")


def _choose(request):
    """(rounds, round, grouping, element codes) asked for, or the defaults."""
    rounds = list(_rounds())
    if not rounds:
        return None
    wanted = request.GET.get("round")
    round_ = next((r for r in rounds if str(r.pk) == wanted), rounds[0])
    dimension = request.GET.get("dimension", Dimension.PROVINCE)
    if dimension not in DIMENSIONS:
        dimension = Dimension.PROVINCE
    summed = list(
        round_.form.elements.filter(aggregate="sum").order_by("position").values_list("code")
    )
    known = [code for (code,) in summed]
    codes = [c for c in request.GET.getlist("code") if c in known][:MAX_CODES]
    codes = codes or [c for c in DEFAULT_CODES if c in known] or known[:5]
    return rounds, round_, dimension, codes


def dashboard(request):
    """The page's body is drawn once per choice and language while the tables stay the
    same (``freshness``): the response rates count every report of the round."""
    chosen = _choose(request)
    if chosen is None:
        body = render_to_string("stats/_dashboard_body.html", {"rounds": []})
        return render(request, "stats/dashboard.html", {"body": body})
    round_, dimension, codes = chosen[1:]
    body = cached(
        "dashboard",
        (get_language(), round_.pk, dimension, codes),
        lambda: render_to_string("stats/_dashboard_body.html", _body(*chosen)),
    )
    return render(request, "stats/dashboard.html", {"body": body})


def _body(rounds, round_, dimension, codes) -> dict:
    summed = list(round_.form.elements.filter(aggregate="sum").order_by("position"))
    table = tables.national_table(round_, dimension, codes)
    element = next(e for e in summed if e.code == codes[0])
    label = element.label_en if english() and element.label_en else element.label
    title = f"{element.code} {label}"
    bars = charts.bar_chart(
        [(row.label, row.values.get(element.code)) for row in table.rows], title, element.unit
    )
    drawn_map = ""
    if dimension == Dimension.PROVINCE and province_features():
        values = {row.key: row.values.get(element.code) for row in table.rows}
        drawn_map = charts.choropleth(province_features(), values, title, element.unit)
    trend = charts.line_chart(
        {_("Toàn quốc"): tables.trend(round_.form.code, element.code)}, title, element.unit
    )
    return {
        "rounds": rounds,
        "round": round_,
        "dimension": dimension,
        "dimensions": DIMENSIONS,
        "elements": summed,
        "codes": codes,
        "table": table,
        "columns": [next(e for e in summed if e.code == c) for c in codes],
        "rows": [(r, [r.values.get(c) for c in codes], _per_capita(r, codes)) for r in table.rows],
        "total": [table.total.values.get(c) for c in codes],
        "total_per_capita": _per_capita(table.total, codes),
        # per-capita columns once the ministry has loaded some population (ADR 0020)
        "with_population": any(r.population for r in table.rows),
        "provisional": _provisional(round_),
        "bars": bars,
        "map": drawn_map,
        "trend": trend,
        # the choice as made, for the downloads (the same page whatever else the URL held)
        "query": urlencode({"round": round_.pk, "dimension": dimension, "code": codes}, True),
    }


def _per_capita(row: tables.TableRow, codes: list[str]) -> list:
    return [row.per_capita(code) for code in codes]


def _provisional(round_: ReportingRound) -> bool:
    counted = round_.submissions.filter(state__in=COUNTED_STATES)
    return counted.exclude(state=SubmissionState.CERTIFIED).exists()


def download(request, fmt: str):
    chosen = _choose(request)
    if chosen is None:
        raise Http404(_("Chưa có đợt báo cáo nào"))
    round_, dimension, codes = chosen[1:]
    table = tables.national_table(round_, dimension, codes)
    name = f"thong-ke-{round_.form.code}-{round_.period}-{dimension}"
    if fmt == "csv":
        return _file(exports.to_csv(table), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "xlsx":
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _file(exports.to_xlsx(table), kind, f"{name}.xlsx")
    if fmt == "pdf":
        return _file(national_pdf(table), "application/pdf", f"{name}.pdf")
    raise Http404(_("Định dạng không có"))


def _file(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
