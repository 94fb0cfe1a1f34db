"""Restore drill: damage copies on purpose, audit, repair, verify, report."""

import json

from django.core.management.base import BaseCommand, CommandError

from thuvien.digital.models import DigitalObject
from thuvien.digital.services.audit import restore_drill


class Command(BaseCommand):
    help = (
        "Diễn tập khôi phục: làm hỏng một bản sao, kiểm tra, khôi phục và xác minh / restore "
        "drill: damage a copy, audit, restore and verify"
    )

    def add_arguments(self, parser):
        parser.add_argument("--object", help="mã tài nguyên (mặc định: chọn ngẫu nhiên)")
        parser.add_argument("--seed", type=int, help="hạt ngẫu nhiên / random seed")

    def handle(self, *args, **options):
        try:
            report = restore_drill(options["object"], options["seed"])
        except DigitalObject.DoesNotExist as exc:
            raise CommandError(str(exc) or "Không có tài nguyên / no such object") from exc
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if not report["passed"]:
            raise CommandError("Diễn tập khôi phục KHÔNG đạt / the restore drill FAILED")
        self.stdout.write("Diễn tập khôi phục đạt / restore drill passed")
