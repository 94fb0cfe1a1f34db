"""Criteria sets as data: the shipped example loads and is versioned; broken definitions
are refused with every problem and its place; the command reports them."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from tests.evaluation.conftest import EXAMPLE_SET
from thuvien.evaluation import criteria
from thuvien.evaluation.models import CriteriaSet, Indicator
from thuvien.evaluation.services.criteria import load_criteria
from thuvien.evaluation.specs import SpecError
from thuvien.kernel.audit.models import AuditEntry

EXAMPLE = json.loads(EXAMPLE_SET.read_text(encoding="utf-8"))


def test_the_shipped_set_is_valid_and_bilingual():
    spec = criteria.parse(EXAMPLE)
    assert [i.code for i in spec.indicators] == [str(n) for n in range(1, 10)]
    assert sum(i.weight for i in spec.indicators) == 100
    assert all(i.name and i.name_en and i.ref for i in spec.indicators)
    assert spec.indicators[3].direction == "lower"  # cost per visit
    assert "VT05.2" in spec.codes() and "population" in spec.codes()


def broken(change) -> dict:
    data = copy.deepcopy(EXAMPLE)
    change(data)
    return data


PROBLEMS = [
    (lambda d: d["indicators"][2].update(formula="SD04 ** 2"),
     "indicators[2].formula: không dùng lũy thừa (**) / powers (**) are not allowed"),
    (lambda d: d["indicators"][0]["bands"][1].update(rating="xuat-sac"),
     "indicators[0].bands[1].rating: mức 'xuat-sac' không có / no rating 'xuat-sac'"),
    (lambda d: d["indicators"][3]["bands"][0].update(at_least=1),
     "indicators[3].bands[0].at_least: chỉ số theo hướng 'lower' dùng 'at_most'"),
    (lambda d: d["indicators"][0]["bands"][1].update(at_least=0.5),
     "indicators[0].bands: ngưỡng phải giảm dần"),
    (lambda d: d["indicators"][1].update(weight=-5),
     "indicators[1].weight: cần một số dương / must be positive"),
    (lambda d: d["indicators"][4].update(direction="up"),
     "indicators[4].direction: giá trị 'up' không thuộc higher, lower"),
    (lambda d: d["indicators"][5].update(code="1"),
     "indicators: mã '1' bị trùng / code '1' is repeated"),
    (lambda d: d["ratings"][1].update(points=9),
     "ratings: các mức xếp từ tốt nhất, điểm giảm dần"),
    (lambda d: d["overall"].update(min_weight_share=2),
     "overall.min_weight_share: cần từ 0 đến 1"),
    (lambda d: d["body"].update(kind="province"),
     "body.province: Sở cần mã tỉnh / a province department needs its province"),
    (lambda d: d.pop("indicators"),
     "indicators: cần một danh sách không rỗng / needs a non-empty list"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "problem"), PROBLEMS, ids=[p[1][:40] for p in PROBLEMS])
def test_problems_are_reported_with_their_place(change, problem):
    with pytest.raises(SpecError) as caught:
        criteria.parse(broken(change))
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once():
    def many(d):
        d["indicators"][0]["formula"] = "abs(SD02)"
        d["indicators"][8]["weight"] = "nhiều"
        d["code"] = "Bộ tiêu chí"

    with pytest.raises(SpecError) as caught:
        criteria.parse(broken(many))
    places = [p.split(":")[0] for p in caught.value.problems]
    assert places == ["indicators[0].formula", "indicators[8].weight", "code"]


@pytest.mark.django_db
def test_codes_must_be_numeric_elements_of_the_form(ministry, annual_form):
    spec = criteria.parse(broken(lambda d: d["indicators"][6].update(formula="SD07 / CS07")))
    with pytest.raises(SpecError, match=r"indicators\[6\].formula: CS07 .* not a numeric element"):
        load_criteria(ministry, spec)


@pytest.mark.django_db
def test_loading_creates_a_version_only_when_the_set_changes(ministry, annual_form):
    first, created = load_criteria(ministry, criteria.parse(EXAMPLE))
    assert created and first.version == 1 and first.indicators.count() == 9
    assert first.body.code == "bo-vhttdl" and first.shared
    again, created = load_criteria(ministry, criteria.parse(EXAMPLE))
    assert (again, created) == (first, False)
    changed = broken(lambda d: d["indicators"][0].update(weight=20))
    second, created = load_criteria(ministry, criteria.parse(changed))
    assert created and second.version == 2
    assert Indicator.objects.get(criteria_set=second, code="1").weight == 20
    assert AuditEntry.objects.filter(action="evaluation.load_criteria").count() == 2


@pytest.mark.django_db
def test_a_province_officer_may_not_load_the_ministrys_set(annual_form):
    from django.core.exceptions import PermissionDenied

    from tests import factories
    from thuvien.accounts.models import Role

    officer = factories.user("so", Role.PROVINCE_OFFICER, province=factories.hanoi())
    with pytest.raises(PermissionDenied):
        load_criteria(officer, criteria.parse(EXAMPLE))


@pytest.mark.django_db
def test_command_loads_and_reports_errors_with_the_file(root, annual_form, tmp_path, capsys):
    call_command("evaluation_load_criteria", str(EXAMPLE_SET))
    assert "tcvn-11774-thu-vien-cong-cong v1" in capsys.readouterr().out
    call_command("evaluation_load_criteria", "--shipped")
    assert "không đổi / unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken(lambda d: d["indicators"][1].update(formula="SD04 /"))))
    with pytest.raises(CommandError, match=r"bad.json: indicators\[1\].formula: .*syntax"):
        call_command("evaluation_load_criteria", str(bad))
    (tmp_path / "cut.json").write_text('{"code": "x", "indic')
    with pytest.raises(CommandError, match="cannot read the JSON file"):
        call_command("evaluation_load_criteria", str(tmp_path / "cut.json"))
    assert CriteriaSet.objects.count() == 1
