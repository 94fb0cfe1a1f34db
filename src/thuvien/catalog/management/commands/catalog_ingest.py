"""Ingest a file of records for a contributing library, with a progress bar and a report."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thuvien.catalog.models.ingest import IngestMode
from thuvien.catalog.services.batches import IngestError, create_batch, set_mapping
from thuvien.ops.jobs import run_job_inline
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.models import Library


class Command(BaseCommand):
    help = (
        "Nạp biểu ghi MARC 21 / MARCXML / MARC-in-JSON / Dublin Core của một thư viện / "
        "ingest a library's MARC 21, MARCXML, MARC-in-JSON or Dublin Core records"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--library", required=True, help="mã VN-… / the library's VN- id")
        parser.add_argument(
            "--source",
            default="default",
            help="mã nguồn trong thư viện / the source within the library",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="xóa biểu ghi của nguồn không còn trong tệp / delete the "
            "source's records missing from the file",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")
        parser.add_argument(
            "--map",
            action="append",
            metavar="COLUMN=FIELD",
            help="ánh xạ cột cho CSV/XLSX (mặc định: tự nhận dạng) / column "
            "mapping for CSV/XLSX (default: from the headers)",
        )

    def handle(self, *args, file, library, source, replace, user, map, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        target = Library.objects.filter(vn_id=normalize_identifier(library)).first()
        if target is None:
            raise CommandError(f"Không có thư viện {library} / no library {library}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản {user!r} / no such user: {user!r}")
        mode = IngestMode.REPLACE if replace else IngestMode.UPDATE
        try:
            with open(file, "rb") as handle:
                batch = create_batch(
                    actor, target, handle, file.name, source_code=source, mode=mode
                )
            if map:
                set_mapping(actor, batch, dict(pair.split("=", 1) for pair in map if "=" in pair))
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        if batch.mapping:
            self.stdout.write(f"Ánh xạ cột / mapping: {batch.mapping}")
        job = run_job_inline(
            "catalog.ingest",
            f"Nạp {file.name}",
            {"batch": batch.pk},
            user=actor,
            library=target,
            show_progress=options["verbosity"] > 0,
        )
        self.stdout.write(f"Đợt nạp / batch {batch.pk}: {job.get_status_display()}")
        for key, value in (job.report or {}).get("records", {}).items():
            self.stdout.write(f"  {key}: {value}")
        for key, value in (job.report or {}).get("conversions", {}).items():
            self.stdout.write(f"  chuyển đổi / conversion {key}: {value}")
        if job.error:
            raise CommandError(job.error)
        for item in batch.quarantine.order_by("position")[:20]:
            self.stdout.write(f"  cách ly / quarantined #{item.position}: {item.reason}")
