"""Load the IMLS Public Libraries Survey files: partner libraries, forms, rounds, figures."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.registry.services import LibraryDataError
from thuvien.stats.importing.sources.imls import DEFAULT_DIR, FILES, load_imls
from thuvien.stats.management.common import acting_user
from thuvien.stats.services.imports import StatsImportError


class Command(BaseCommand):
    help = (
        "Nạp Điều tra thư viện công cộng Hoa Kỳ (IMLS PLS) FY2014, FY2016–2018 qua các đường "
        "nhập của hệ thống / load the IMLS Public Libraries Survey through the import paths"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
        parser.add_argument(
            "--years",
            default=",".join(str(y) for y in sorted(FILES)),
            help="các năm tài chính, ví dụ 2018,2017 / fiscal years, e.g. 2018,2017",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, directory, years, user, **options):
        wanted = _years(years)
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục {directory} / no such directory: {directory}")
        missing = [FILES[y] for y in wanted if not (directory / FILES[y]).is_file()]
        if missing:
            raise CommandError(f"Thiếu tệp trong {directory}: {', '.join(missing)} / missing files")
        actor = acting_user(user)
        try:
            reports = load_imls(
                actor,
                directory,
                wanted,
                show_progress=options["verbosity"] > 0,
                say=self.stdout.write,
            )
        except (StatsImportError, LibraryDataError, PermissionDenied, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        for year, report in sorted(reports.items()):
            figures = report["figures"]
            self.stdout.write(
                f"FY{year}: đợt / round {report['round']}; dòng / rows {figures['rows']}, "
                f"nhập / imported {figures['imported']}, không đổi / unchanged "
                f"{figures['unchanged']}, lỗi / rejected {figures['rejected']}; "
                f"{figures['rows_per_second'] or 0} dòng/giây / rows per second"
            )


def _years(text: str) -> list[int]:
    try:
        years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        years = []
    unknown = [y for y in years if y not in FILES]
    if not years or unknown:
        known = ", ".join(str(y) for y in sorted(FILES))
        raise CommandError(
            f"--years: năm không hợp lệ {text!r}; có {known} / invalid years {text!r}; "
            f"available: {known}"
        )
    return years
