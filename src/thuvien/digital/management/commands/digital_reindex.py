"""Rebuild the digital collections' search index from the database, or reconcile it."""

from django.core.management.base import BaseCommand

from thuvien.digital.services.indexing import rebuild, reconcile


class Command(BaseCommand):
    help = "Dựng lại chỉ mục tài nguyên số / rebuild the digital collections' index"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reconcile", action="store_true", help="chỉ bù phần lệch / only repair differences"
        )

    def handle(self, *args, **options):
        report = reconcile() if options["reconcile"] else rebuild()
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
