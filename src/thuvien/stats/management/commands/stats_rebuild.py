"""Recompute the national tables from the raw figures (after a restore, or to check them)."""

import time

from django.core.management.base import BaseCommand, CommandError

from thuvien.stats.models import ReportingRound
from thuvien.stats.services.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Tính lại bảng tổng hợp từ số liệu gốc / rebuild the national tables from the raw figures"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--round", type=int, help="chỉ đợt báo cáo này (mã số) / only this round (its id)"
        )
        parser.add_argument(
            "--from-values",
            action="store_true",
            help=(
                "đóng gói lại số liệu của mọi báo cáo đã duyệt từ từng giá trị (chậm) / repack"
                " every counted report from its value rows first (slow)"
            ),
        )

    def handle(self, *args, **options):
        round_ = None
        if options["round"] is not None:
            round_ = ReportingRound.objects.filter(pk=options["round"]).first()
            if round_ is None:
                raise CommandError(
                    f"--round {options['round']}: không có đợt báo cáo này / no such round"
                )
        started = time.perf_counter()
        cells = rebuild(round_, from_values=options["from_values"])
        self.stdout.write(
            f"Đã tính lại / rebuilt: {cells} ô / cells trong / in"
            f" {time.perf_counter() - started:.2f} s"
        )
