"""Create or rename a digital collection of a library."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from thuvien.digital.management.commands._common import library_arg
from thuvien.digital.models import Collection


class Command(BaseCommand):
    help = "Tạo hoặc sửa bộ sưu tập số / create or update a digital collection"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--library", required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument("--title-en", default="")
        parser.add_argument("--description", default="")

    def handle(self, *args, slug, library, title, title_en, description, **options):
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise CommandError(
                f"Mã {slug!r} chỉ gồm chữ không dấu, số, - và _ / slug: letters, digits, - and _"
            ) from exc
        owner = library_arg(library)
        existing = Collection.objects.filter(slug=slug).first()
        if existing is not None and existing.library_id != owner.pk:
            raise CommandError(f"Mã {slug} đã dùng cho thư viện khác / slug used elsewhere")
        collection, created = Collection.objects.update_or_create(
            slug=slug,
            defaults={
                "library": owner,
                "title": title,
                "title_en": title_en,
                "description": description,
            },
        )
        verb = "Đã tạo / created" if created else "Đã sửa / updated"
        self.stdout.write(f"{verb}: {collection.slug}")
