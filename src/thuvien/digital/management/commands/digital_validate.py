"""Validate both OCFL storage roots with ocfl-py's validator."""

from django.core.management.base import BaseCommand, CommandError

from thuvien.digital.services import paths


class Command(BaseCommand):
    help = "Kiểm tra kho OCFL chính và dự phòng / validate the primary and replica OCFL roots"

    def handle(self, *args, **options):
        failed = False
        for name, root in (("primary", paths.primary_root()), ("replica", paths.replica_root())):
            report = root.validate()
            verdict = "hợp lệ / valid" if report.ok else "KHÔNG hợp lệ / INVALID"
            self.stdout.write(f"{name} {root.path}: {report.objects} objects, {verdict}")
            for line in report.errors[:50]:
                self.stdout.write(f"  ! {line}")
            for line in report.warnings[:20]:
                self.stdout.write(f"  ~ {line}")
            failed = failed or not report.ok
        if failed:
            raise CommandError("Kho OCFL không hợp lệ / an OCFL root is invalid")
