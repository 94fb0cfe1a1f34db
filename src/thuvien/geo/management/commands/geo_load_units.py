"""``thuvien geo_load_units``: load or refresh the administrative units of both schemes."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thuvien.geo.models import Level, Scheme
from thuvien.geo.services import DATA_FILE, GeoDataError, LoadReport, load_units


def _n(value: int) -> str:
    """Vietnamese digit grouping: 10.033."""
    return f"{value:,}".replace(",", ".")


def summary(report: LoadReport) -> list[str]:
    new, old, succ = Scheme.V2025, Scheme.PRE2025, report.succession_counts
    return [
        "Đơn vị hành chính / Administrative units:",
        f"  Từ 01/7/2025 / since 1 July 2025: {_n(report.count(new, Level.PROVINCE))} "
        f"tỉnh/thành phố (provinces), {_n(report.count(new, Level.COMMUNE))} "
        "xã/phường/đặc khu (communes)",
        f"  Trước 01/7/2025 / before: {_n(report.count(old, Level.PROVINCE))} tỉnh (provinces), "
        f"{_n(report.count(old, Level.DISTRICT))} huyện (districts), "
        f"{_n(report.count(old, Level.COMMUNE))} xã (communes)",
        f"  Kế thừa cũ -> mới / old -> new: {_n(succ.get('commune old units', 0))} xã cũ "
        f"(old communes, {_n(succ.get('commune split', 0))} bị chia / split), "
        f"{_n(succ.get('commune pairs', 0))} cặp (pairs); "
        f"{_n(succ.get('province old units', 0))} tỉnh cũ (old provinces)",
        f"  Lần nạp này / this run: thêm {_n(report.created)} (created), "
        f"sửa {_n(report.updated)} (updated); kế thừa / successions: "
        f"+{_n(report.successions_created)} ~{_n(report.successions_updated)} "
        f"-{_n(report.successions_removed)}",
    ]


class Command(BaseCommand):
    help = (
        "Nạp hoặc cập nhật danh mục đơn vị hành chính (2025 và trước 2025) và bảng chuyển đổi. "
        "/ Load or refresh the administrative units (2025 and pre-2025) and the old -> new table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=DATA_FILE, help="units.json.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_units(options["data"])
        except GeoDataError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            for line in summary(report):
                self.stdout.write(line)
