import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_clusters"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogQualityReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("computed_at", models.DateTimeField(verbose_name="ngày tính")),
                ("records", models.PositiveIntegerField(default=0, verbose_name="số biểu ghi")),
                (
                    "meets_standard",
                    models.BooleanField(default=False, verbose_name="đạt chuẩn tích hợp"),
                ),
                ("data", models.JSONField(default=dict, verbose_name="báo cáo")),
                (
                    "library",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="catalog_quality",
                        to="registry.library",
                        verbose_name="thư viện",
                    ),
                ),
            ],
            options={
                "verbose_name": "báo cáo chất lượng dữ liệu",
                "verbose_name_plural": "báo cáo chất lượng dữ liệu",
                "ordering": ["library__name"],
            },
        ),
    ]
