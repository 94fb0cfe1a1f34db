"""Export a preserved object as a BagIt bag (validated after writing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thuvien.digital.management.commands._common import object_arg
from thuvien.digital.services.export import export_object_bag


class Command(BaseCommand):
    help = "Xuất tài nguyên số thành túi BagIt / export a digital object as a BagIt bag"

    def add_arguments(self, parser):
        parser.add_argument("ident", help="mã tài nguyên, ví dụ tv0000001")
        parser.add_argument("dest", type=Path, help="thư mục đích (chưa tồn tại)")

    def handle(self, *args, ident, dest, **options):
        obj = object_arg(ident)
        if not obj.ocfl_version:
            raise CommandError(f"{ident} chưa vào kho bảo quản / is not preserved yet")
        if dest.exists() and any(dest.iterdir()):
            raise CommandError(f"{dest} đã có dữ liệu / is not empty")
        bag = export_object_bag(obj, dest)
        self.stdout.write(f"Túi BagIt / bag: {bag}")
