"""Import a list of libraries from the command line: preview, then (with --commit) write."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thuvien.ops.jobs import run_job_inline
from thuvien.registry.models.imports import RowOutcome
from thuvien.registry.services import LibraryDataError
from thuvien.registry.services import imports as service


def _pairs(values, what):
    pairs = {}
    for item in values or []:
        if "=" not in item:
            raise CommandError(f"{what} cần dạng A=B: {item!r} / {what} must look like A=B")
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    return pairs


class Command(BaseCommand):
    help = "Nhập danh sách thư viện từ CSV/XLSX/JSON / import libraries from CSV/XLSX/JSON"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", required=True, help="tài khoản thực hiện (Bộ hoặc TVQG) / acting username"
        )
        parser.add_argument(
            "--map",
            action="append",
            metavar="COLUMN=FIELD",
            help="ánh xạ cột (mặc định: tự nhận dạng) / column mapping",
        )
        parser.add_argument(
            "--default",
            action="append",
            metavar="FIELD=VALUE",
            help="giá trị mặc định, ví dụ country=US / default values",
        )
        parser.add_argument(
            "--commit",
            action="store_true",
            help="ghi vào cơ sở dữ liệu sau khi xem trước / write after preview",
        )

    def handle(self, *args, file, user, map, default, commit, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Không có tài khoản {user!r} / no such user: {user!r}")
        try:
            with open(file, "rb") as handle:
                batch = service.upload_import(actor, handle, file.name)
            mapping = _pairs(map, "--map") or batch.mapping
            service.set_mapping(actor, batch, mapping, _pairs(default, "--default"))
        except LibraryDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Ánh xạ cột / mapping: {mapping}")
        show = options["verbosity"] > 0
        job = run_job_inline(
            "registry.import_preview",
            f"Xem trước {file.name}",
            {"batch": batch.pk},
            user=actor,
            show_progress=show,
        )
        self._report(batch, job)
        if commit and job.status == "succeeded":
            batch.refresh_from_db()
            job = run_job_inline(
                "registry.import_commit",
                f"Nhập {file.name}",
                {"batch": batch.pk, "actor": actor.pk},
                user=actor,
                show_progress=show,
            )
            self.stdout.write(f"{job.get_status_display()}: {job.report or job.error}")

    def _report(self, batch, job):
        self.stdout.write(
            f"Đợt nhập / batch {batch.pk}: {job.get_status_display()} {job.report or job.error}"
        )
        for row in batch.rows.filter(outcome=RowOutcome.ERROR).order_by("number")[:20]:
            errors = "; ".join(f"{e['column']}: {e['message']}" for e in row.errors)
            self.stdout.write(f"  dòng / row {row.number}: {errors}")
