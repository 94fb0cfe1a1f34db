from django.core.management.base import BaseCommand, CommandError

from thuvien.ops.jobs import run_job_inline
from thuvien.registry.models import Library


class Command(BaseCommand):
    help = (
        "Tính lại báo cáo chất lượng dữ liệu của các thư viện đóng góp"
        " / recompute the data-quality reports of the contributing libraries"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--library",
            metavar="VN-…",
            help="chỉ một thư viện / only this library",
        )

    def handle(self, *args, library=None, **options):
        if library and not Library.objects.filter(vn_id=library).exists():
            raise CommandError(f"Không có thư viện {library} / no library {library}")
        job = run_job_inline(
            "catalog.quality",
            "Báo cáo chất lượng dữ liệu mục lục",
            {"library": library},
            show_progress=options["verbosity"] > 0,
        )
        if job.error:
            raise CommandError(job.error)
        for vn_id, figures in job.report.get("reports", {}).items():
            verdict = "đạt chuẩn / meets" if figures["meets_standard"] else "chưa đạt / not yet"
            self.stdout.write(f"{vn_id}: {figures['records']} · {verdict}")
