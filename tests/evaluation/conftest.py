"""Statistics filled in and approved through the statistics services (as libraries and
province offices do), then evaluated."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from tests import factories
from thuvien.accounts.models import Role
from thuvien.evaluation import criteria
from thuvien.evaluation.services.criteria import load_criteria
from thuvien.stats.definitions import load_file
from thuvien.stats.models import PopulationFigure, Submission
from thuvien.stats.services import workflow as stats_workflow
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round as open_stats_round
from thuvien.stats.validation import Entered

ROOT = Path(__file__).resolve().parents[2]
ANNUAL = ROOT / "src/thuvien/stats/forms_shipped/bao-cao-thu-vien-nam.json"
SHIPPED = ROOT / "src/thuvien/evaluation/criteria_shipped"
EXAMPLE_SET = SHIPPED / "tcvn-11774-thu-vien-cong-cong.json"
QD_206 = SHIPPED / "qd-206-2021.kpis.json"


def figures(**given) -> dict[str, str]:
    """A consistent annual report: parts that add up to their totals."""
    values = {
        "TV01": "3",
        "VT01": "100000",
        "VT01.1": "90000",
        "VT01.2": "5000",
        "VT01.3": "3000",
        "VT01.4": "2000",
        "SD01": "20000",
        "SD02": "300000",
        "SD04": "120000",
        "SD04.1": "80000",
        "SD04.2": "40000",
        "NL01": "40",
        "KP01": "6000",
    }
    given = {code.replace("_", "."): str(v) for code, v in given.items()}
    if "VT01" in given:  # the parts follow a total given alone
        values.update({"VT01.1": given["VT01"], "VT01.2": "0", "VT01.3": "0", "VT01.4": "0"})
    if "SD04" in given:
        values.update({"SD04.1": given["SD04"], "SD04.2": "0"})
        if not given["SD04"].isdigit():
            del values["SD04.1"], values["SD04.2"]
    values.update(given)
    return values


def entries(values: dict[str, str]) -> dict[str, Entered]:
    out = {}
    for code, raw in values.items():
        if raw in ("not_applicable", "unknown", "suppressed"):
            out[code] = Entered(status=raw)
        else:
            out[code] = Entered(D(raw))
    return out


def approve_report(round_, library, values: dict[str, str], root) -> Submission:
    """Fill in, submit and approve the library's report (figures counted)."""
    submission = Submission.objects.get(round=round_, library=library)
    problems = stats_workflow.save_values(root, submission, entries(values))
    assert [p for p in problems if p.level == "error"] == []
    stats_workflow.submit(root, submission)
    return stats_workflow.approve(root, submission)


@pytest.fixture
def root(db):
    return factories.user("root", superuser=True)


@pytest.fixture
def ministry(db):
    return factories.user("bo", Role.MINISTRY_ADMIN)


@pytest.fixture
def annual_form(root):
    form, _ = load_form(root, load_file(ANNUAL))
    return form


@pytest.fixture
def example_set(ministry, annual_form):
    criteria_set, _ = load_criteria(ministry, criteria.load_file(EXAMPLE_SET))
    return criteria_set


@pytest.fixture
def hanoi(db):
    return factories.hanoi()


@pytest.fixture
def danang(db):
    return factories.danang()


@pytest.fixture
def libraries(hanoi, danang):
    """Three provincial public libraries and a commune one."""
    return {
        "hn": factories.library("Thư viện Hà Nội", hanoi),
        "dn": factories.library("Thư viện Khoa học Tổng hợp thành phố Đà Nẵng", danang),
        "hue": factories.library(
            "Thư viện Tổng hợp thành phố Huế", factories.unit("46", "Thành phố Huế")
        ),
        "xa": factories.library("Thư viện xã Bát Tràng", hanoi, level="commune"),
    }


@pytest.fixture
def populations(db):
    for code, people in (("01", 8_700_000), ("48", 1_250_000), ("46", 1_160_000)):
        PopulationFigure.objects.create(
            dimension="province", key=code, year=2025, population=people, source="GSO 2025"
        )


@pytest.fixture
def stats_2025(root, annual_form, libraries):
    return open_stats_round(root, annual_form, 2025)
