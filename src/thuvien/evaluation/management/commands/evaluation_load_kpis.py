"""Load a programme's KPIs and targets (JSON), e.g. those of QĐ 206/QĐ-TTg."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.evaluation import programmes
from thuvien.evaluation.management.common import acting_user
from thuvien.evaluation.services.kpis import load_programme
from thuvien.evaluation.specs import SpecError

SHIPPED = Path(__file__).resolve().parents[2] / "criteria_shipped"


class Command(BaseCommand):
    help = (
        "Nạp chỉ tiêu và mục tiêu của một chương trình (JSON) / load a programme's KPIs and "
        "targets (JSON); --shipped loads QĐ 206/QĐ-TTg"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument(
            "--shipped", action="store_true", help="chỉ tiêu QĐ 206 / the QĐ 206 targets"
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, file, shipped, user, **options):
        if shipped:
            file = SHIPPED / "qd-206-2021.kpis.json"
        if file is None:
            raise CommandError("Cần tên tệp hoặc --shipped / give a file or --shipped")
        actor = acting_user(user)
        try:
            programme, changed = load_programme(actor, programmes.load_file(file))
        except SpecError as exc:
            raise CommandError("\n".join(f"{file}: {p}" for p in exc.problems)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{programme.code}: {programme.kpis.count()} chỉ tiêu / KPIs, "
            f"{changed} mới hoặc đã đổi / new or changed"
        )
