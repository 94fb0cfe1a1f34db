"""Load population figures (province or country, year) for the per-capita indicators."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.stats.management.common import acting_user
from thuvien.stats.services.population import PopulationError, load_populations


class Command(BaseCommand):
    help = (
        "Nạp dân số theo tỉnh và năm (CSV/XLSX: Tỉnh, Năm, Dân số, Nguồn) cho các chỉ số bình"
        " quân đầu người / load population figures for the per-capita indicators"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp CSV hoặc XLSX / a CSV or XLSX file")
        parser.add_argument(
            "--source",
            default="",
            help="nguồn cho các dòng không ghi nguồn / source for rows without one",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, file, source, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {path} / no such file: {path}")
        try:
            report = load_populations(acting_user(user), path, source=source)
        except (PopulationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        for row, column, message in report.errors:
            self.stderr.write(f"dòng / row {row}, cột / column “{column}”: {message}")
        self.stdout.write(
            f"mới / new {report.created}, cập nhật / updated {report.updated}, không đổi /"
            f" unchanged {report.unchanged}, lỗi / rejected {len(report.errors)}"
        )
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} lỗi: các dòng này không được nạp, các dòng đúng đã nạp"
                f" / {len(report.errors)} errors: those rows were not loaded, the others were"
            )
