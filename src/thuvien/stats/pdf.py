"""The national table as a PDF report in the ministry's layout: title, legal basis, response,
the table (one row per unit, total last), then the charts, drawn as SVG on the server."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from thuvien.stats import charts
from thuvien.stats.models import DataElement
from thuvien.stats.models.aggregates import Dimension
from thuvien.stats.tables import Table


@lru_cache(maxsize=1)
def province_features() -> list[dict]:
    """The 34 provinces of 2025 (simplified boundaries shipped with the project)."""
    for root in settings.STATICFILES_DIRS:
        path = Path(root) / "thuvien/geo/provinces34.geojson"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))["features"]
    return []


def table_charts(table: Table) -> list[str]:
    """A bar chart of the first element per row, and a province map when rows are provinces."""
    if not table.codes:
        return []
    code = table.codes[0]
    element = DataElement.objects.filter(form=table.round.form, code=code).first()
    title = f"{code} {element.label}" if element else code
    unit = element.unit if element else ""
    bars = charts.bar_chart(
        [(row.label, row.values.get(code)) for row in table.rows], title, unit, width=680
    )
    drawn = [bars]
    if table.dimension == Dimension.PROVINCE and province_features():
        values = {row.key: row.values.get(code) for row in table.rows}
        drawn.append(charts.choropleth(province_features(), values, title, unit))
    return drawn


def national_pdf(table: Table) -> bytes:
    from weasyprint import HTML

    elements = {
        e.code: e for e in DataElement.objects.filter(form=table.round.form, code__in=table.codes)
    }
    html = render_to_string(
        "stats/pdf/national.html",
        {
            "table": table,
            "elements": [elements.get(code) for code in table.codes],
            "rows": [(row, [row.values.get(c) for c in table.codes]) for row in table.rows],
            "total": [table.total.values.get(c) for c in table.codes],
            "charts": table_charts(table),
            "made_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()
