"""Form definitions: the shipped annual form loads; bad definitions are refused with the
place of every problem; a changed definition becomes a new version."""

import copy
import json

import pytest

from tests.stats.conftest import ANNUAL
from thuvien.stats.definitions import DefinitionError, load_file, parse
from thuvien.stats.models import DataElement, FormDefinition
from thuvien.stats.services.forms import load_form, spec_of


def _raw() -> dict:
    return json.loads(ANNUAL.read_text(encoding="utf-8"))


def test_shipped_annual_form_has_the_ministry_tables_and_digital_elements():
    spec = load_file(ANNUAL)
    codes = {e.code for e in spec.elements}
    # collection, additions, reader cards, visits, loans; digitised pages, databases,
    # website, online use, staff trained
    assert {"VT01", "VT03", "SD01", "SD02", "SD04", "VT06", "VT07", "CS04", "SD03"} <= codes
    assert {"NL01.2", "SD05"} <= codes
    groups = {e.group for e in spec.elements}
    assert groups == {
        "libraries",
        "use",
        "collection",
        "access",
        "management",
        "funding",
        "staff",
    }
    parts = [e for e in spec.elements if e.parent == "VT01" and e.part_kind == "part"]
    assert [p.code for p in parts] == ["VT01.1", "VT01.2", "VT01.3", "VT01.4"]


def test_every_problem_is_reported_with_its_place():
    raw = _raw()
    raw["elements"][0]["type"] = "number"
    raw["elements"][2]["children"][0]["part_kind"] = "sum"
    raw["elements"][3]["applies_to"] = ["publik"]
    raw["elements"].append(copy.deepcopy(raw["elements"][1]))
    with pytest.raises(DefinitionError) as caught:
        parse(raw)
    problems = caught.value.problems
    assert any(p.startswith("elements[0].type:") for p in problems)
    assert any(p.startswith("elements[2].children[0].part_kind:") for p in problems)
    assert any(p.startswith("elements[3].applies_to:") and "publik" in p for p in problems)
    assert any("duplicate element code" in p for p in problems)
    assert all(" / " in p for p in problems)


@pytest.mark.parametrize("bad", [[], "x", {"code": "A B"}, {"code": "a", "elements": [1]}])
def test_not_a_definition(bad):
    with pytest.raises(DefinitionError):
        parse(bad)


def test_unreadable_file(tmp_path):
    path = tmp_path / "form.json"
    path.write_bytes(b"\xff{not json")
    with pytest.raises(DefinitionError, match=r"form\.json"):
        load_file(path)


def test_loading_twice_is_one_version_and_a_change_is_the_next(ministry):
    spec = load_file(ANNUAL)
    form, created = load_form(ministry, spec)
    assert created and form.version == 1
    again, created = load_form(ministry, spec)
    assert not created and again.pk == form.pk
    assert spec_of(form) == spec
    raw = _raw()
    raw["elements"][0]["label"] = "Số điểm phục vụ"
    changed, created = load_form(ministry, parse(raw))
    assert created and changed.version == 2
    assert FormDefinition.objects.filter(code=spec.code).count() == 2
    assert DataElement.objects.get(form=changed, code="VT01.1").parent.code == "VT01"


def test_only_the_ministry_manages_forms(db):
    from django.core.exceptions import PermissionDenied

    from tests import factories
    from thuvien.accounts.models import Role

    officer = factories.user("so", Role.PROVINCE_OFFICER, province=factories.hanoi())
    with pytest.raises(PermissionDenied):
        load_form(officer, load_file(ANNUAL))
