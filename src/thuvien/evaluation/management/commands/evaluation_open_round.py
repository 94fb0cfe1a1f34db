"""Open an evaluation round: a body, a criteria set, a year and the libraries evaluated."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.evaluation.management.common import acting_user
from thuvien.evaluation.models import CriteriaSet, EvaluatingBody
from thuvien.evaluation.services.rounds import RoundError, open_round


class Command(BaseCommand):
    help = (
        "Mở đợt đánh giá và tính chỉ số từ báo cáo thống kê đã duyệt / open an evaluation "
        "round and compute its indicators from the approved statistics"
    )

    def add_arguments(self, parser):
        parser.add_argument("--body", required=True, help="mã cơ quan đánh giá / body code")
        parser.add_argument("--criteria", required=True, help="mã bộ tiêu chí / criteria set code")
        parser.add_argument("--year", type=int, required=True, help="năm đánh giá / year")
        parser.add_argument(
            "--stats-year", type=int, help="năm số liệu (mặc định: năm đánh giá) / figures' year"
        )
        parser.add_argument(
            "--library",
            action="append",
            default=[],
            help="mã định danh VN-… (lặp lại; mặc định: theo bộ tiêu chí) / library ids",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, body, criteria, year, stats_year, library, user, **options):
        from thuvien.registry.models import Library

        actor = acting_user(user)
        found_body = EvaluatingBody.objects.filter(code=body).first()
        found_set = CriteriaSet.objects.filter(code=criteria).order_by("-version").first()
        if found_body is None or found_set is None:
            raise CommandError(
                f"Không có cơ quan {body!r} hoặc bộ tiêu chí {criteria!r} / "
                f"no body {body!r} or criteria set {criteria!r}"
            )
        libraries = None
        if library:
            libraries = list(Library.objects.filter(vn_id__in=library))
            unknown = sorted(set(library) - {lib.vn_id for lib in libraries})
            if unknown:
                raise CommandError(f"Không có thư viện / no such library: {', '.join(unknown)}")
        try:
            round_ = open_round(
                actor, found_body, found_set, year, libraries=libraries, stats_year=stats_year
            )
        except (RoundError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{round_.title}: {round_.evaluations.count()} thư viện / libraries (#{round_.pk})"
        )
