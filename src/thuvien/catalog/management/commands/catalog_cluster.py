from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Gộp các biểu ghi cùng một xuất bản phẩm (khử trùng) rồi cập nhật chỉ mục"
        " / cluster the records that are one publication, then update the index"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="tính lại mọi cụm tự động (giữ quyết định gộp/tách) / recompute every cluster",
        )

    def handle(self, *args, **options):
        from thuvien.catalog.services.clusters import cluster_records, own_duplicates
        from thuvien.catalog.services.indexing import index_pending

        report = cluster_records(full=options["all"])
        indexed = index_pending()
        self.stdout.write(str(report.as_dict() | indexed))
        self.stdout.write(
            f"Cụm có biểu ghi trùng trong một thư viện / clusters with a library's own"
            f" duplicates: {len(own_duplicates())}"
        )
