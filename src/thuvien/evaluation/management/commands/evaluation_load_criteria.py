"""Load an evaluation criteria set (JSON) for its evaluating body."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.evaluation import criteria
from thuvien.evaluation.management.common import acting_user
from thuvien.evaluation.services.criteria import load_criteria
from thuvien.evaluation.specs import SpecError

SHIPPED = Path(__file__).resolve().parents[2] / "criteria_shipped"


class Command(BaseCommand):
    help = (
        "Nạp bộ tiêu chí đánh giá (JSON) / load an evaluation criteria set (JSON); "
        "--shipped loads the example set"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument(
            "--shipped", action="store_true", help="bộ tiêu chí mẫu / the shipped example set"
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, file, shipped, user, **options):
        if shipped:
            file = SHIPPED / "tcvn-11774-thu-vien-cong-cong.json"
        if file is None:
            raise CommandError("Cần tên tệp hoặc --shipped / give a file or --shipped")
        actor = acting_user(user)
        try:
            criteria_set, created = load_criteria(actor, criteria.load_file(file))
        except SpecError as exc:
            raise CommandError("\n".join(f"{file}: {p}" for p in exc.problems)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        state = "đã nạp / loaded" if created else "không đổi / unchanged"
        self.stdout.write(
            f"{criteria_set.code} v{criteria_set.version} ({criteria_set.body.name}): {state}, "
            f"{criteria_set.indicators.count()} chỉ số / indicators"
        )
