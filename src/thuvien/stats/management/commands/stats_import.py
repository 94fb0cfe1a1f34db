"""Import a CSV/XLSX file of many libraries' figures into a reporting round."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.stats.importing.options import Mapping, SetupError, load_mapping, parse_missing_codes
from thuvien.stats.management.common import acting_user, report_lines
from thuvien.stats.services.imports import StatsImportError, find_round, run_import


class Command(BaseCommand):
    help = (
        "Nhập số liệu thống kê của nhiều thư viện từ CSV/XLSX vào một đợt báo cáo / "
        "import many libraries' figures from CSV/XLSX into a reporting round"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--round",
            required=True,
            help="đợt báo cáo: số hiệu hoặc mã-biểu-mẫu:kỳ / the round: id or form-code:period",
        )
        parser.add_argument(
            "--map",
            type=Path,
            help="tệp ánh xạ cột JSON (mặc định: tiêu đề là mã chỉ tiêu) / JSON column "
            "mapping (default: headers are element codes)",
        )
        parser.add_argument(
            "--missing-codes",
            default="",
            help="mã thiếu số liệu, ví dụ --missing-codes=imls hoặc "
            "--missing-codes=-1=unknown,-3=not_applicable / missing-value codes",
        )
        parser.add_argument(
            "--approve",
            action="store_true",
            help="ghi là đã duyệt (số liệu đã kiểm tra) / store as approved (checked data)",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, file, round, map, missing_codes, approve, user, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        actor = acting_user(user)
        try:
            mapping = load_mapping(map) if map else Mapping()
            if missing_codes:
                mapping = mapping.with_missing(parse_missing_codes(missing_codes))
            target = find_round(round)
            job = run_import(
                actor,
                target,
                file,
                mapping,
                approve=approve,
                show_progress=options["verbosity"] > 0,
            )
        except (SetupError, StatsImportError) as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{job.title}: {job.get_status_display()}")
        for line in report_lines(job):
            self.stdout.write(line)
        if job.error:
            raise CommandError(job.error)
