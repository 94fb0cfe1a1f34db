"""Everything `make run` needs beyond migrations: units, demo accounts, libraries, index."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from thuvien.accounts.models import Role, RoleAssignment, User
from thuvien.geo.models import AdminUnit, Level, Scheme

DEMO_PASSWORD = "thuvien-demo-2025"
# username, full name, role, province code (2025) or library demo key
DEMO_USERS = [
    ("bo", "Cán bộ Cục Văn hóa cơ sở, Gia đình và Thư viện", Role.MINISTRY_ADMIN, None),
    ("tvqg", "Cán bộ Thư viện Quốc gia Việt Nam", Role.NATIONAL_LIBRARY, None),
    ("so-hanoi", "Cán bộ Sở VHTTDL Hà Nội", Role.PROVINCE_OFFICER, "01"),
    ("so-danang", "Cán bộ Sở VHTTDL Đà Nẵng", Role.PROVINCE_OFFICER, "48"),
    ("bandoc", "Nguyễn Thị Bạn Đọc", Role.READER, None),
]


class Command(BaseCommand):
    help = "Nạp dữ liệu tham chiếu và dữ liệu mẫu / load reference and demo data"

    def handle(self, *args, **options):
        call_command("geo_load_units", verbosity=options["verbosity"])
        admin = self._admin()
        with transaction.atomic():
            self._users()
        from thuvien.registry.services.demo import load_demo_libraries
        from thuvien.registry.services.indexing import indexing_suspended

        with indexing_suspended():  # the index is rebuilt below, in one pass
            counts = load_demo_libraries(admin)
        self._library_staff()
        self.stdout.write(f"Thư viện mẫu / demo libraries: {counts}")
        call_command("registry_reindex", verbosity=options["verbosity"])
        from thuvien.stats.demo import load_demo_statistics

        for period, reports in load_demo_statistics(admin).items():
            self.stdout.write(f"Thống kê mẫu / demo statistics {period}: {reports}")
        from thuvien.evaluation.demo import load_demo_evaluation

        for title, evaluated in load_demo_evaluation(admin).items():
            self.stdout.write(f"Đánh giá mẫu / demo evaluation {title}: {evaluated}")
        from thuvien.catalog.services.demo import load_demo_catalog, rebuild_index_if_outdated

        if rebuild_index_if_outdated():
            self.stdout.write("Chỉ mục mục lục đã được tạo lại / catalogue index rebuilt")
        for name, report in load_demo_catalog().items():
            self.stdout.write(f"Mục lục mẫu / demo catalogue {name}: {report['records']}")
        from thuvien.digital.services.demo import load_demo_digital

        self.stdout.write(f"Tài nguyên số mẫu / demo digital objects: {load_demo_digital()}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đăng nhập / sign in: admin / {DEMO_PASSWORD} (quản trị / superuser); "
                f"bo, tvqg, so-hanoi, so-danang, thuvien-hanoi, bandoc / {DEMO_PASSWORD}"
            )
        )

    def _admin(self) -> User:
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"full_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        return admin

    def _users(self) -> None:
        for username, full_name, role, province_code in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            province = (
                AdminUnit.objects.get(scheme=Scheme.V2025, level=Level.PROVINCE, code=province_code)
                if province_code
                else None
            )
            RoleAssignment.objects.get_or_create(user=user, role=role, province=province)

    def _library_staff(self) -> None:
        from thuvien.registry.models import LibraryAlias

        alias = LibraryAlias.objects.filter(scheme="demo", value="pl-ha-noi").first()
        if alias is None:
            return
        user, created = User.objects.get_or_create(
            username="thuvien-hanoi", defaults={"full_name": "Cán bộ Thư viện Hà Nội"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.LIBRARY_STAFF, library=alias.library
        )
