"""Ingest the files member libraries dropped in THUVIEN_CATALOG_DROP_DIR (run from cron)."""

from django.core.management.base import BaseCommand

from thuvien.catalog.services.drops import drop_dir, run_drops
from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = (
        "Nạp các tệp thư viện thả vào thư mục nhận / ingest the files libraries dropped in "
        "the drop folder"
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0

        def ingest(batch):
            job = run_job_inline(
                "catalog.ingest",
                f"Nạp {batch.original_name}",
                {"batch": batch.pk},
                library=batch.source.library,
                show_progress=verbose,
            )
            if job.error:
                from thuvien.catalog.services.batches import IngestError

                raise IngestError(job.error)
            return job.report or {}

        report = run_drops(ingest)
        self.stdout.write(f"Thư mục nhận / drop folder: {drop_dir()}")
        for name in report.ingested:
            self.stdout.write(f"  đã nạp / ingested: {name}")
        for name in report.failed:
            self.stdout.write(f"  ! lỗi / failed: {name} (xem / see failed/{name}.txt)")
        for name in report.waiting:
            self.stdout.write(f"  ~ chờ tệp ghi xong / still being written: {name}")
        for name in report.unknown:
            self.stdout.write(
                f"  ? thư mục {name} không phải mã thư viện / folder {name} names no library"
            )
