"""Ingest a batch of digitised pages (folder, ZIP or BagIt bag) with a progress bar."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thuvien.digital.management.commands._common import library_arg, user_arg
from thuvien.digital.models import AccessLevel, Collection
from thuvien.digital.services.batches import INGEST_JOB, create_batch
from thuvien.ops.jobs import run_job_inline


class Command(BaseCommand):
    help = (
        "Nạp một đợt tài liệu số (thư mục, ZIP, túi BagIt) / ingest a batch of digitised "
        "pages (folder, ZIP, BagIt bag)"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--library", required=True, help="mã VN-… / the library's VN- id")
        parser.add_argument("--collection", help="mã bộ sưu tập / collection slug")
        parser.add_argument(
            "--access",
            default="public",
            choices=[c.value for c in AccessLevel],
            help="quyền truy cập mặc định / default access level",
        )
        parser.add_argument("--no-ocr", action="store_true", help="bỏ qua OCR / skip OCR")
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="báo cáo JSON / JSON report"
        )

    def handle(self, *args, path, library, collection, access, no_ocr, user, as_json, **options):
        if not path.exists():
            raise CommandError(f"Không có {path} / no such file or folder: {path}")
        target = library_arg(library)
        chosen = None
        if collection:
            chosen = Collection.objects.filter(slug=collection, library=target).first()
            if chosen is None:
                raise CommandError(
                    f"Thư viện không có bộ sưu tập {collection} / no collection {collection} "
                    "in this library (thuvien digital_collection)"
                )
        batch = create_batch(
            user_arg(user), target, path.resolve(), collection=chosen, access=access, ocr=not no_ocr
        )
        job = run_job_inline(
            INGEST_JOB,
            f"Nạp {path.name}",
            {"batch": batch.pk},
            library=target,
            show_progress=options["verbosity"] > 0 and not as_json,
        )
        report = job.report or {}
        if as_json:
            self.stdout.write(_json(batch, job, report))
        else:
            self._print(batch, job, report)
        if job.error:
            raise CommandError(job.error)

    def _print(self, batch, job, report):
        self.stdout.write(f"Đợt nạp / batch {batch.pk}: {report.get('status', job.status)}")
        for key in ("objects", "published", "held", "pages", "pages_failed", "ocr_empty"):
            self.stdout.write(f"  {key}: {report.get(key, 0)}")
        for problem in report.get("problems", [])[:50]:
            self.stdout.write(f"  ! {problem['where']}: {problem['vi']} / {problem['en']}")
        for obj in batch.digital_objects.order_by("pk"):
            self.stdout.write(f"  {obj.ident} [{obj.status}] {obj.title}")


def _json(batch, job, report) -> str:
    objects = [
        {
            "ident": obj.ident,
            "title": obj.title,
            "status": obj.status,
            "manifest": f"/iiif/presentation/{obj.ident}/manifest",
            "pages": [
                {
                    "order": p.order,
                    "status": p.status,
                    "iiif": f"/iiif/3/{p.ident}",
                    "error": p.error,
                }
                for p in obj.pages.order_by("order")
            ],
        }
        for obj in batch.digital_objects.order_by("pk")
    ]
    return json.dumps(
        {"batch": batch.pk, **report, "objects": objects}, ensure_ascii=False, indent=2
    )
