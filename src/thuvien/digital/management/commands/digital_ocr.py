"""Read the pages that have no text yet (after a batch ingested without OCR, or when the
OCR engine could not start), with a progress bar."""

from django.core.management.base import BaseCommand, CommandError

from thuvien.digital.models import DigitalObject
from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = "Nhận dạng chữ các trang chưa có văn bản / OCR the pages that have no text yet"

    def add_arguments(self, parser):
        parser.add_argument("idents", nargs="*", help="mã tài nguyên (mặc định: tất cả)")

    def handle(self, *args, idents, **options):
        missing = sorted(
            set(idents)
            - set(DigitalObject.objects.filter(ident__in=idents).values_list("ident", flat=True))
        )
        if missing:
            raise CommandError(f"Không có tài nguyên / no such object: {', '.join(missing)}")
        job = run_job_inline(
            "digital.ocr", "OCR", {"objects": idents}, show_progress=options["verbosity"] > 0
        )
        if job.error:
            raise CommandError(job.error)
        for key, value in (job.report or {}).items():
            self.stdout.write(f"{key}: {value}")
