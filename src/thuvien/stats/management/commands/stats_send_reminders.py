"""Send today's deadline reminders (run daily, e.g. from cron or a systemd timer)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from thuvien.stats.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Nhắc hạn nộp báo cáo thống kê / send the reporting-deadline reminders due today"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="ngày coi là hôm nay / the day taken as today (YYYY-MM-DD)"
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"--date {options['date']!r}: cần dạng YYYY-MM-DD / expected YYYY-MM-DD"
                ) from exc
        counts = send_reminders(today)
        self.stdout.write(
            f"Đã nhắc / reminded: {counts['reminded']}; "
            f"không có địa chỉ / without an address: {counts['no_address']}"
        )
