"""Serve the web application and run one task worker beside it (what `make run` starts)."""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web và một tiến trình xử lý công việc nền / web server plus one worker"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="không chạy tiến trình công việc nền / do not start the worker",
        )

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "thuvien.cli",
                    "db_worker",
                    "--interval",
                    "0.5",
                    "--no-startup-delay",
                    "--verbosity",
                    "0",
                ],
                env={**os.environ, "THUVIEN_DB_CONN_MAX_AGE": "None"},
            )
            self.stdout.write(f"Tiến trình công việc nền / task worker: pid {worker.pid}")
        self.stdout.write(f"http://{host}:{port}/")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)
