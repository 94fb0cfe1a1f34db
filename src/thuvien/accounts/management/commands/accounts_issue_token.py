from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thuvien.accounts.tokens import issue_token


class Command(BaseCommand):
    help = "Cấp khóa API cho một tài khoản / issue an API token for a user"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="tên gợi nhớ / a label")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r} / no such user: {username!r}")
        self.stdout.write(issue_token(user, name))
