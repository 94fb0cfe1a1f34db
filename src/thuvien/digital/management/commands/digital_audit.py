"""Fixity audit of the preservation store: the share due today, or everything."""

from django.core.management.base import BaseCommand, CommandError

from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = (
        "Kiểm tra toàn vẹn (SHA-512) mọi bản sao, sửa bản hỏng từ bản tốt / fixity audit of "
        "every copy (SHA-512), repairing a damaged copy from a good one"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="mọi tài nguyên, không chỉ phần đến hạn / every object",
        )

    def handle(self, *args, **options):
        job = run_job_inline(
            "digital.audit",
            "Kiểm tra toàn vẹn",
            {"all": options["all"]},
            show_progress=options["verbosity"] > 0,
        )
        if job.error:
            raise CommandError(job.error)
        report = job.report or {}
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
        if report.get("unrepaired"):
            raise CommandError(
                f"{report['unrepaired']} tệp hỏng chưa sửa được / damaged files left unrepaired"
            )
