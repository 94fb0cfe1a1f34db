from django.core.management.base import BaseCommand

from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = (
        "Dựng lại chỉ mục mục lục từ cơ sở dữ liệu / rebuild the catalogue index from the database"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reconcile",
            action="store_true",
            help="chỉ sửa chênh lệch sau sự cố / only repair differences",
        )

    def handle(self, *args, reconcile, **options):
        if reconcile:
            from thuvien.catalog.services.indexing import reconcile as run

            self.stdout.write(str(run()))
            return
        job = run_job_inline(
            "catalog.reindex",
            "Dựng lại chỉ mục mục lục",
            {},
            show_progress=options["verbosity"] > 0,
        )
        self.stdout.write(f"{job.get_status_display()}: {job.report or job.error}")
