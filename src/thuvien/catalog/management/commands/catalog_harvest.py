"""Harvest member libraries' servers (OAI-PMH, SRU, Z39.50) with a progress bar and a report;
configure a source's harvest; list the harvests and when they are due."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thuvien.catalog.harvest import HarvestError
from thuvien.catalog.models import HarvestSource
from thuvien.catalog.services.harvest import configure_harvest, due_harvests, start_harvest
from thuvien.ops.jobs import run_job_inline
from thuvien.registry.identifiers import normalize_identifier
from thuvien.registry.models import Library

SETTING_OPTIONS = {
    "endpoint": "endpoint",
    "prefix": "metadata_prefix",
    "set": "set_spec",
    "query": "query",
    "page_size": "page_size",
}


class Command(BaseCommand):
    help = (
        "Thu thập biểu ghi từ máy chủ của thư viện thành viên (OAI-PMH, SRU, Z39.50) / "
        "harvest records from member libraries' servers (OAI-PMH, SRU, Z39.50)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            default=[],
            metavar="VN-…[/CODE]",
            help="nguồn cần thu thập (mã thư viện, /mã nguồn) / the source to harvest",
        )
        parser.add_argument(
            "--all-due",
            action="store_true",
            help="mọi nguồn đến lịch / every source whose scheduled harvest is due",
        )
        parser.add_argument("--list", action="store_true", help="liệt kê / list the harvests")
        parser.add_argument(
            "--restart",
            action="store_true",
            help="bỏ lần thu thập dở, bắt đầu lại / abandon an unfinished run, start anew",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="OAI-PMH: thu thập toàn bộ, không dùng from / whole list, no from date",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="giao cho tiến trình tác vụ / hand the runs to the task worker",
        )
        parser.add_argument("--user", help="tài khoản thực hiện / acting username")
        group = parser.add_argument_group("cấu hình / configuration")
        group.add_argument("--configure", metavar="VN-…", help="thư viện / the library")
        group.add_argument("--protocol", choices=["oai-pmh", "sru", "z39.50"])
        group.add_argument("--code", default="", help="mã nguồn / source code")
        group.add_argument("--endpoint", help="URL, hoặc máy:cổng/CSDL cho Z39.50")
        group.add_argument("--prefix", help="metadataPrefix (OAI-PMH), recordSchema (SRU)")
        group.add_argument("--set", help="set OAI-PMH")
        group.add_argument("--query", help="CQL (SRU), PQF (Z39.50)")
        group.add_argument("--page-size", type=int)
        group.add_argument("--every", type=float, metavar="HOURS", help="chu kỳ / interval")
        group.add_argument("--disable", action="store_true", help="tắt lịch / unscheduled")

    def handle(self, *args, **options):
        actor = self._actor(options["user"])
        if options["configure"]:
            return self._configure(actor, options)
        if options["list"]:
            return self._list()
        harvests = self._selected(options)
        if not harvests:
            self.stdout.write("Không có nguồn nào đến lịch / no harvest is due")
            return
        failures = [h for h in harvests if not self._run(actor, h, options)]
        if failures:
            names = ", ".join(str(h.source) for h in failures)
            raise CommandError(f"Thu thập không trọn vẹn / harvests that stopped: {names}")

    def _actor(self, username):
        if not username:
            return None
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"Không có tài khoản {username!r} / no such user: {username!r}")
        return actor

    def _library(self, text: str) -> Library:
        library = Library.objects.filter(vn_id=normalize_identifier(text)).first()
        if library is None:
            raise CommandError(f"Không có thư viện {text} / no library {text}")
        return library

    def _selected(self, options) -> list[HarvestSource]:
        if options["all_due"]:
            return list(due_harvests())
        if not options["source"]:
            raise CommandError("Cần --source, --all-due hoặc --list / give --source or --all-due")
        found: list[HarvestSource] = []
        for text in options["source"]:
            vn_id, _, code = text.partition("/")
            harvests = HarvestSource.objects.filter(
                source__library=self._library(vn_id)
            ).select_related("source__library")
            if code:
                harvests = harvests.filter(source__code=code)
            if not harvests:
                raise CommandError(f"Chưa cấu hình thu thập cho {text} / no harvest set up: {text}")
            found += list(harvests)
        return found

    def _run(self, actor, harvest: HarvestSource, options) -> bool:
        flags = {"restart": options["restart"], "full": options["full"]}
        if options["enqueue"]:
            job = start_harvest(actor, harvest, **flags)
            self.stdout.write(f"{harvest.source}: công việc / job {job.pk}")
            return True
        job = run_job_inline(
            "catalog.harvest",
            f"Thu thập {harvest.source}",
            {"harvest": harvest.pk, **flags},
            user=actor,
            library=harvest.source.library,
            show_progress=options["verbosity"] > 0,
        )
        self._print_report(harvest, job)
        return not job.error

    def _print_report(self, harvest, job) -> None:
        report = job.report or {}
        self.stdout.write(f"Thu thập / harvest {harvest.source}: {job.get_status_display()}")
        for key, value in report.get("records", {}).items():
            self.stdout.write(f"  {key}: {value}")
        for key, value in report.get("harvest", {}).items():
            self.stdout.write(f"  {key}: {value}")
        if job.error:
            self.stderr.write(f"  lỗi / error: {job.error}")
        run = harvest.runs.order_by("-pk").first()
        for message in (run.errors if run else [])[-10:]:
            self.stdout.write(f"  [{message.get('level')}] {message.get('message')}")

    def _configure(self, actor, options) -> None:
        if not options["protocol"]:
            raise CommandError("Cần --protocol / --protocol is required")
        settings = {
            field: options[option]
            for option, field in SETTING_OPTIONS.items()
            if options[option] is not None
        }
        if options["every"] is not None:
            settings["interval"] = timedelta(hours=options["every"])
        settings["enabled"] = not options["disable"]
        try:
            harvest = configure_harvest(
                actor,
                self._library(options["configure"]),
                options["protocol"],
                code=options["code"],
                **settings,
            )
        except HarvestError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã cấu hình / configured: {harvest}")

    def _list(self) -> None:
        now = timezone.now()
        rows = HarvestSource.objects.select_related("source__library").order_by("pk")
        for harvest in rows:
            last = harvest.runs.order_by("-pk").first()
            due = harvest.next_due_at
            when = "đến lịch / due" if harvest.enabled and (due is None or due <= now) else due
            self.stdout.write(
                f"{harvest.source}\t{harvest.protocol}\t{harvest.endpoint or '(danh bạ)'}\t"
                f"{harvest.interval}\t{when if harvest.enabled else 'tắt / off'}\t"
                f"{last.get_status_display() if last else '-'}"
            )
