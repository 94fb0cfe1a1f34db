"""Load the IFLA Library Map of the World: country units, the form, a round per year."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from thuvien.registry.services import LibraryDataError
from thuvien.stats.importing.sources.ifla import DEFAULT_DIR, load_ifla
from thuvien.stats.management.common import acting_user
from thuvien.stats.services.imports import StatsImportError


class Command(BaseCommand):
    help = (
        "Nạp số liệu Bản đồ thư viện thế giới của IFLA (values_long.csv) / load the IFLA "
        "Library Map of the World figures (values_long.csv)"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")

    def handle(self, *args, directory, user, **options):
        if not (directory / "values_long.csv").is_file():
            raise CommandError(
                f"Không có {directory / 'values_long.csv'} / no values_long.csv in {directory}"
            )
        actor = acting_user(user)
        try:
            reports = load_ifla(
                actor, directory, show_progress=options["verbosity"] > 0, say=self.stdout.write
            )
        except (StatsImportError, LibraryDataError, PermissionDenied, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        for year, report in sorted(reports.items()):
            figures = report["figures"]
            self.stdout.write(
                f"{year}: đợt / round {report['round']}; quốc gia / countries {figures['rows']}, "
                f"nhập / imported {figures['imported']}, lỗi / rejected {figures['rejected']}"
            )
