from django.core.management.base import BaseCommand

from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = (
        "Dựng lại chỉ mục tìm kiếm thư viện từ cơ sở dữ liệu / rebuild the library search "
        "index from the database"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reconcile",
            action="store_true",
            help="chỉ bổ sung phần thiếu và xóa phần thừa / only repair "
            "differences instead of rebuilding",
        )

    def handle(self, *args, reconcile, **options):
        if reconcile:
            from thuvien.registry.services.indexing import reconcile as run

            self.stdout.write(str(run()))
            return
        job = run_job_inline(
            "registry.reindex",
            "Dựng lại chỉ mục thư viện",
            {},
            show_progress=options["verbosity"] > 0,
        )
        self.stdout.write(f"{job.get_status_display()}: {job.report or job.error}")
