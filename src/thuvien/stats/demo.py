"""Demo statistics: the shipped annual form, a 2024 round certified for a few demo libraries
(last year's figures) and the 2025 round of every active library with those few in each
state of the workflow, so that `make run` shows the statistics pages at work.

Everything goes through the workflow services, so the trail and the audit log are real.
Figures are plausible for each kind of library and add up as the form requires.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from thuvien.stats.definitions import load_file
from thuvien.stats.models import ReportingRound, Submission
from thuvien.stats.services import workflow
from thuvien.stats.services.forms import load_form
from thuvien.stats.services.rounds import open_round
from thuvien.stats.validation import Entered

ANNUAL_FORM = Path(__file__).resolve().parent / "forms_shipped" / "bao-cao-thu-vien-nam.json"

# demo library key -> (state of its 2025 report, size of its collection)
DEMO_REPORTS = {
    "pl-ha-noi": ("draft", 1_150_000),
    "uni-hust": ("submitted", 420_000),
    "sch-chu-van-an": ("returned", 18_000),
    "nlv": ("certified", 2_900_000),
    "pl-da-nang": ("submitted", 610_000),
    "pl-ho-chi-minh": ("approved", 2_100_000),
    "cm-hoi-an": ("draft", 9_500),
}
RETURN_COMMENT = (
    "Lượt luân chuyển chưa khớp sổ mượn trả; đề nghị thư viện kiểm tra lại và ghi giải trình."
)
# Province officers of the demo accounts, by 2025 province code.
OFFICERS = {"01": "so-hanoi", "48": "so-danang"}


def figures(size: int, library_type: str, year: int) -> dict[str, Entered]:
    """A year's figures of a library holding ``size`` items; 2024 a little smaller."""
    s = Decimal(size) * (Decimal("0.95") if year < 2025 else 1)
    n = {code: int(s * Decimal(share)) for code, share in _SHARES.items()}
    n["VT01"] = int(s)
    n["VT01.4"] = n["VT01"] - n["VT01.1"] - n["VT01.2"] - n["VT01.3"]
    n["VT03.2"] = n["VT03"] - n["VT03.1"]
    n["SD04.2"] = n["SD04"] - n["SD04.1"]
    n["TV01"] = max(1, size // 400_000)
    n["TV01.1"] = 1 if library_type == "public" and size > 100_000 else 0
    n["NL01"] = max(1, size // 20_000 + 1)
    n["NL01.1"] = max(1, n["NL01"] * 4 // 5)
    n["NL01.2"] = max(1, n["NL01"] * 3 // 5)
    n["NL02"] = n["NL01"]
    n["VT07"], n["VT07.1"] = (6, 2) if size > 100_000 else (1, 1)
    n["SD06"], n["SD06.1"] = (48, 30) if size > 100_000 else (12, 8)
    n["CS03"] = size // 20_000 + 2
    values = {code: Entered(Decimal(v)) for code, v in n.items()}
    values |= _money(s)
    values["TV02"] = Entered(Decimal("52.5") if size > 100_000 else Decimal(40))
    values |= {code: Entered(Decimal(1)) for code in ("CS04", "CS05", "CS06", "QL01")}
    values["CS07"] = Entered(text="Koha" if library_type == "university" else "Libol")
    if library_type in ("national", "public"):
        values["QL02"] = Entered(Decimal(max(0, size // 40_000)))
    if library_type in ("university", "national"):
        values["VT01.6"] = Entered(Decimal(n["VT01"] // 50))
        values["VT05.3"] = Entered(Decimal(n["VT05"] // 4))
    return values


_SHARES = {
    "VT01.1": "0.86",
    "VT01.2": "0.08",
    "VT01.3": "0.02",
    "VT01.5": "0.004",
    "VT02": "0.42",
    "VT03": "0.04",
    "VT03.1": "0.025",
    "VT04": "0.008",
    "VT05": "0.05",
    "VT05.1": "0.03",
    "VT05.2": "0.001",
    "VT06": "1.6",
    "VT08": "0.35",
    "VT08.1": "0.2",
    "SD01": "0.045",
    "SD01.1": "0.012",
    "SD02": "0.55",
    "SD03": "1.1",
    "SD04": "0.75",
    "SD04.1": "0.42",
    "SD04.3": "0.03",
    "SD05": "0.28",
    "SD07": "0.01",
    "CS01": "0.009",
    "CS02": "0.0011",
}


def _money(s: Decimal) -> dict[str, Entered]:
    """Funding in millions of đồng, one decimal place as finance offices write it."""
    total = (s * Decimal("0.0125")).quantize(Decimal("0.1"))
    part = {"KP01.1": "0.22", "KP01.2": "0.14", "KP01.3": "0.48", "KP02": "0.91"}
    values = {c: Entered((total * Decimal(p)).quantize(Decimal("0.1"))) for c, p in part.items()}
    values["KP01"] = Entered(total)
    values["KP03"] = Entered(total - values["KP02"].number)
    return values


def _libraries():
    from thuvien.registry.models import LibraryAlias

    aliases = LibraryAlias.objects.filter(scheme="demo", value__in=DEMO_REPORTS)
    return {a.value: a.library for a in aliases.select_related("library__province")}


def _user(username: str, fallback):
    from thuvien.accounts.models import User

    return User.objects.filter(username=username).first() or fallback


def load_demo_statistics(admin) -> dict[str, int]:
    """Create the demo rounds once; a second run finds the 2025 round and does nothing."""
    form, _ = load_form(admin, load_file(ANNUAL_FORM))
    if ReportingRound.objects.filter(form__code=form.code, period="2025").exists():
        return {}
    libraries = _libraries()
    if not libraries:
        return {}
    with transaction.atomic():
        last = open_round(admin, form, 2024, libraries=list(libraries.values()))
        current = open_round(
            admin, form, 2025, deadline=datetime.date.today() + datetime.timedelta(days=30)
        )
        for key, library in libraries.items():
            state, size = DEMO_REPORTS[key]
            people = _people(key, library, admin)
            _file(people, Submission.objects.get(round=last, library=library), size, 2024)
            _to_certified(people, Submission.objects.get(round=last, library=library))
            _bring_to(people, Submission.objects.get(round=current, library=library), size, state)
    load_demo_survey(admin, libraries)
    return {"2024": last.submissions.count(), "2025": current.submissions.count()}


READINESS = ANNUAL_FORM.parent / "khao-sat-san-sang-chuyen-doi-so.json"
BIBLIOGRAPHIC = ANNUAL_FORM.parent / "khao-sat-du-lieu-thu-muc.json"
# Answers of a few demo libraries to the digital-readiness survey.
SURVEY_ANSWERS = {
    "pl-ha-noi": dict(A1=120, A2=4, A3="100-300", A4=1, A5="book|flatbed", A6="offsite",
                      B1="koha", B3=350_000, B4=1, B4a=12_000, B5="oai|z3950", B6=1, C1=58,
                      C2=9, C3=41, C4=4, D1=1, D2=1500, D3="funds|rights"),
    "pl-da-nang": dict(A1=45, A3="50-100", A4=1, A5="flatbed", A6="local", B1="libol",
                       B3=160_000, B4=1, B4a=2_300, B5="z3950", B6=1, C1=31, C2=3, C3=12, C4=3,
                       D1=1, D2=420, D3="funds|staff"),
    "cm-hoi-an": dict(A1=3, A3="lt50", A4=0, A5="none", A6="none", B1="other",
                      B1a="Bảng tính Excel", B6=0, C1=1, C3=0, C4=2, D1=0,
                      D3="funds|staff|infra", D4="Cần hỗ trợ phần mềm quản lý miễn phí."),
}  # fmt: skip


def _answers(given: dict) -> dict[str, Entered]:
    return {
        code: Entered(text=value) if isinstance(value, str) else Entered(Decimal(value))
        for code, value in given.items()
    }


def load_demo_survey(admin, libraries) -> None:
    """The digital-readiness survey sent to the public and specialised libraries, three of
    them answered; the bibliographic-data survey form loaded, ready to be sent."""
    load_form(admin, load_file(BIBLIOGRAPHIC))
    form, _ = load_form(admin, load_file(READINESS))
    survey = open_round(
        admin,
        form,
        2026,
        period="2026-dot-1",
        title="Khảo sát nguồn lực thư viện phục vụ chuyển đổi số – đợt 1/2026",
        library_types=["public", "specialised"],
        deadline=datetime.date.today() + datetime.timedelta(days=21),
    )
    for key, given in SURVEY_ANSWERS.items():
        library = libraries.get(key)
        if library is None:
            continue
        people = _people(key, library, admin)
        submission = Submission.objects.get(round=survey, library=library)
        workflow.save_values(people["filler"], submission, _answers(given))
        workflow.submit(people["filler"], submission)


def _people(key: str, library, admin) -> dict:
    """Who fills in, reviews and certifies: the demo accounts where there are some. A
    library without an account of its own is filled in by its province office (TT 16/2022
    lets the office report for commune libraries), or by the administrator."""
    code = library.province.code if library.province else ""
    officer = _user(OFFICERS[code], None) if code in OFFICERS else None
    staff = _user("thuvien-hanoi", None) if key == "pl-ha-noi" else None
    ministry = _user("bo", admin)
    return {
        "filler": staff or officer or admin,
        "reviewer": officer or ministry,
        "ministry": ministry,
    }


def _file(people, submission, size: int, year: int, **changes) -> None:
    values = figures(size, submission.library.library_type, year) | changes
    workflow.save_values(people["filler"], submission, values)


def _to_certified(people, submission) -> None:
    workflow.submit(people["filler"], submission)
    workflow.approve(people["reviewer"], submission)
    workflow.certify(people["ministry"], submission)


def _bring_to(people, submission, size: int, state: str) -> None:
    if state == "draft":  # part way through, with a total that does not add up yet
        visits = Entered(Decimal(int(size * 0.55)), status="estimated")
        _file(people, submission, size, 2025, **{"VT01.4": Entered(Decimal(size // 50))})
        workflow.save_values(people["filler"], submission, {"SD02": visits})
        return
    online = Entered(
        Decimal(int(size * 1.1)),
        status="estimated",
        estimate_method="Số liệu 10 tháng của Google Analytics, nhân 12/10",
    )
    _file(people, submission, size, 2025, SD03=online)
    workflow.submit(people["filler"], submission)
    if state == "returned":
        workflow.return_report(people["reviewer"], submission, RETURN_COMMENT)
    elif state in ("approved", "certified"):
        workflow.approve(people["reviewer"], submission, "Số liệu khớp báo cáo tài chính.")
    if state == "certified":
        workflow.certify(people["ministry"], submission)
