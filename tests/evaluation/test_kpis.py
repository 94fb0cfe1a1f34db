"""Programme KPIs of QĐ 206/QĐ-TTg from approved reports: each value computed here again
from the figures entered, the libraries counted, left out and unreported (never zeros),
the response rate, province scope, the page, and targets as editable data."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command

from tests import factories
from tests.evaluation.conftest import QD_206, approve_report, figures
from thuvien.accounts.models import Role
from thuvien.evaluation import programmes
from thuvien.evaluation.models import Programme, ProgrammeKpi
from thuvien.evaluation.services.kpis import load_programme, programme_results
from thuvien.stats.services.rounds import open_round as open_stats_round

pytestmark = pytest.mark.django_db

# name: (type, key library, province, figures or None for no counted report)
WORLD = {
    "Thư viện Hà Nội": ("public", True, "01", dict(VT01_5=1000, VT05=700, VT05_2=700,
                        CS04=1, CS05=1, NL01=40, NL01_2=30)),
    "Thư viện Đà Nẵng": ("public", True, "48", dict(VT01_5=0, VT05=0, VT05_2=0, CS04=1,
                         CS05=0, NL01=30, NL01_2=30)),
    "Thư viện Huế": ("public", True, "46", None),
    "Thư viện Đại học Bách khoa Hà Nội": ("university", False, "01", dict(
        VT01_5=200, VT05=620, VT05_2=20, VT01_6=1000, VT05_3=600, CS04=1, NL01=20, NL01_2=5)),
    "Thư viện Đại học Đà Nẵng": ("university", False, "48", dict(
        VT01_6=500, VT05=500, VT05_3=500, CS04=0, NL01=10, NL01_2="unknown")),
    "Thư viện Viện Hán Nôm": ("specialised", False, "01", dict(
        VT01_6="unknown", CS04="not_applicable", NL01=8, NL01_2=8)),
    "Thư viện Trường THPT Chu Văn An": ("school", False, "01", dict(CS04=1, NL01=2, NL01_2=0)),
    "Thư viện Trường THCS Hải Châu": ("school", False, "48", dict(CS04=0, NL01=1, NL01_2=1)),
    "Thư viện Trường Tiểu học Kim Đồng": ("school", False, "01", None),
}  # fmt: skip


@pytest.fixture
def world(root, annual_form):
    units = {"01": factories.hanoi(), "48": factories.danang(), "46": factories.unit("46", "Huế")}
    made = {}
    for name, (kind, key, province, _) in WORLD.items():
        level = "province" if kind == "public" else ""
        made[name] = factories.library(
            name, units[province], library_type=kind, level=level, is_key_public_library=key
        )
    round_ = open_stats_round(root, annual_form, 2025)
    for name, (_, _, _, given) in WORLD.items():
        if given is not None:
            approve_report(round_, made[name], figures(**given), root)
    ministry = factories.user("bo-kpi", Role.MINISTRY_ADMIN)
    programme, _ = load_programme(ministry, programmes.load_file(QD_206))
    return {"libraries": made, "programme": programme, "ministry": ministry, "units": units}


def numbers(name: str) -> dict[str, D]:
    """The figures entered for a library, as numbers (statuses left out)."""
    given = WORLD[name][3] or {}
    return {k.replace("_", "."): D(v) for k, v in given.items() if isinstance(v, int)}


def expected_ratio(numerator: str, denominator: str, names) -> D:
    both = [numbers(n) for n in names if {numerator, denominator} <= set(numbers(n))]
    top = sum(f[numerator] for f in both)
    return (D(100) * top / sum(f[denominator] for f in both)).quantize(D("0.1"))


def expected_share(test, names) -> D:
    counted = [numbers(n) for n in names if test(numbers(n)) is not None]
    return (D(100) * sum(1 for f in counted if test(f)) / len(counted)).quantize(D("0.1"))


def by_code(results):
    return {r.kpi.code: r for r in results}


def test_values_against_an_independent_computation(world):
    results = by_code(programme_results(world["programme"], 2025))
    everyone = list(WORLD)
    rare = results["tai-lieu-quy-hiem-so-hoa"]
    assert rare.value == expected_ratio("VT05.2", "VT01.5", everyone) == D("60.0")
    assert rare.sums == {"VT05.2": D(720), "VT01.5": D(1200)}
    assert rare.met is False and rare.kpi.target == 70
    own = results["tai-lieu-noi-sinh-so-hoa"]
    universities = [n for n in WORLD if WORLD[n][0] in ("university", "specialised")]
    assert own.value == expected_ratio("VT05.3", "VT01.6", universities) == D("73.3")
    assert own.met is True
    assert [f.library.name for f in own.left_out] == ["Thư viện Viện Hán Nôm"]
    assert "VT01.6 (unknown)" in own.left_out[0].problem
    staff = results["nguoi-lam-thu-vien-ky-nang-so"]
    assert staff.value == expected_ratio("NL01.2", "NL01", everyone)


def test_shares_count_only_libraries_that_reported(world):
    results = by_code(programme_results(world["programme"], 2025))
    key = results["thu-vien-trong-diem-du-lieu-mo"]
    keys = [n for n in WORLD if WORLD[n][1]]
    linked = lambda f: None if "CS04" not in f else min(f["CS04"], f["CS05"]) >= 1  # noqa: E731
    assert key.value == expected_share(linked, keys) == D("50.0")
    assert [lib.name for lib in key.unreported] == ["Thư viện Huế"]
    assert (key.expected, key.reported, key.response_rate) == (3, 2, D("66.7"))
    schools = results["website-truong-hoc"]
    assert schools.value == D("50.0") and schools.meeting == 1 and len(schools.counted) == 2
    assert [lib.name for lib in schools.unreported] == ["Thư viện Trường Tiểu học Kim Đồng"]
    others = results["website-chuyen-nganh-dai-hoc"]
    assert others.value == D("50.0")
    assert [f.library.name for f in others.left_out] == ["Thư viện Viện Hán Nôm"]
    assert others.left_out[0].problem.endswith("CS04 (not applicable)")


def test_a_province_sees_its_own_libraries(world):
    results = by_code(programme_results(world["programme"], 2025, world["units"]["48"].pk))
    assert results["tai-lieu-quy-hiem-so-hoa"].value is None  # Đà Nẵng holds 0 rare items
    assert "division by zero" in results["tai-lieu-quy-hiem-so-hoa"].problem
    assert results["website-truong-hoc"].value == D(0)
    nothing = by_code(programme_results(world["programme"], 2024))
    assert nothing["website-truong-hoc"].value is None
    assert len(nothing["website-truong-hoc"].unreported) == 3


def test_the_page_shows_values_targets_and_response(client, world):
    client.force_login(world["ministry"])
    query = {"programme": world["programme"].pk, "year": 2025}
    page = client.get("/danh-gia/chi-tieu-chuong-trinh/", query).content.decode()
    assert "Tài liệu quý hiếm được số hoá" in page
    assert "60,0 %" in page and "Mục tiêu 2025: 70 %" in page
    assert "2/3 thư viện thuộc diện đã có báo cáo được duyệt (tỉ lệ báo cáo 66,7 %)" in page
    assert "Thư viện Huế" in page
    officer = factories.user("so-dn", Role.PROVINCE_OFFICER, province=world["units"]["48"])
    client.force_login(officer)
    page = client.get("/danh-gia/chi-tieu-chuong-trinh/").content.decode()
    assert "Phạm vi: Thành phố Đà Nẵng" in page and "Thư viện Hà Nội" not in page
    staff = factories.user("tt", Role.LIBRARY_STAFF, library=world["libraries"]["Thư viện Huế"])
    client.force_login(staff)
    assert client.get("/danh-gia/chi-tieu-chuong-trinh/").status_code == 403


def test_targets_are_data_edited_and_reloaded(world, root, capsys):
    kpi = ProgrammeKpi.objects.get(code="website-truong-hoc")
    kpi.target = D(75)
    kpi.save()
    result = by_code(programme_results(world["programme"], 2025))["website-truong-hoc"]
    assert result.kpi.target == 75
    call_command("evaluation_load_kpis", "--shipped")
    assert "1 mới hoặc đã đổi" in capsys.readouterr().out
    assert ProgrammeKpi.objects.get(code="website-truong-hoc").target == 60
    later = {"code": "ct-2030", "name": "Chương trình đến 2030", "form": "bao-cao-thu-vien-nam",
             "kpis": [{"code": "so-hoa", "name": "Số hoá", "formula": "VT05.2 / VT01.5 * 100",
                       "target": 90, "target_year": 2030}]}  # fmt: skip
    load_programme(world["ministry"], programmes.parse(later))
    assert Programme.objects.count() == 2


def test_kpi_definitions_are_checked(world):
    from thuvien.evaluation.specs import SpecError

    with pytest.raises(SpecError) as caught:
        programmes.parse({"code": "x", "name": "X", "form": "bao-cao-thu-vien-nam", "kpis": [
            {"code": "a", "name": "A", "kind": "share", "formula": "CS04", "target": 1},
            {"code": "a", "name": "B", "formula": "SD02 ** 2", "target": "nhiều"}]})  # fmt: skip
    assert caught.value.problems == [
        "kpis[0].meets_at_least: bắt buộc / required",
        "kpis[1].formula: không dùng lũy thừa (**) / powers (**) are not allowed",
        "kpis[1].target: cần một số, không phải 'nhiều' / must be a number",
        "kpis: mã 'a' bị trùng / code 'a' is repeated",
    ]
