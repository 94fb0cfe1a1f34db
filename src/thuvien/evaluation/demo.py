"""Demo evaluation: the shipped example criteria and the QĐ 206 programme targets, and a
2024 evaluation round of the demo public libraries that have a certified 2024 statistics
report, so that `make run` shows the ranking, a library's evaluation and the KPI page."""

from __future__ import annotations

from pathlib import Path

from thuvien.evaluation import criteria, programmes
from thuvien.evaluation.models import EvaluationRound
from thuvien.evaluation.services.criteria import load_criteria
from thuvien.evaluation.services.kpis import load_programme
from thuvien.evaluation.services.rounds import open_round

SHIPPED = Path(__file__).resolve().parent / "criteria_shipped"
CRITERIA = SHIPPED / "tcvn-11774-thu-vien-cong-cong.json"
KPIS = SHIPPED / "qd-206-2021.kpis.json"
YEAR = 2024


def load_demo_evaluation(admin) -> dict[str, int]:
    """Once: a second run finds the round and does nothing."""
    criteria_set, _ = load_criteria(admin, criteria.load_file(CRITERIA))
    load_programme(admin, programmes.load_file(KPIS))
    if EvaluationRound.objects.filter(criteria_set__code=criteria_set.code, year=YEAR).exists():
        return {}
    libraries = _counted_public_libraries()
    if not libraries:
        return {}
    round_ = open_round(admin, criteria_set.body, criteria_set, YEAR, libraries=libraries)
    return {round_.title: round_.evaluations.count()}


def _counted_public_libraries():
    from thuvien.registry.models import Library
    from thuvien.stats.models.reports import COUNTED_STATES

    return list(
        Library.objects.filter(
            library_type="public",
            stat_submissions__round__year=YEAR,
            stat_submissions__state__in=COUNTED_STATES,
        ).distinct()
    )
