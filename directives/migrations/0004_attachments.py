import django.db.models.deletion
from django.db import migrations, models

import directives.models


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0003_import_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                ("title", models.CharField(max_length=255, verbose_name="tên tài liệu")),
                ("file", models.FileField(max_length=255, storage=directives.models.attachment_storage, upload_to="")),
                ("name", models.CharField(max_length=200, verbose_name="tên tệp")),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveBigIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="directives.version",
                    ),
                ),
            ],
            options={
                "verbose_name": "tài liệu gửi kèm",
                "verbose_name_plural": "tài liệu gửi kèm",
                "ordering": ["version", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("version", "position"), name="attachment_position_unique"),
                    models.UniqueConstraint(fields=("version", "sha256"), name="attachment_file_once_per_version"),
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")), name="attachment_sha256_hex"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("title", ""), _negated=True), models.Q(("file", ""), _negated=True)
                        ),
                        name="attachment_title_and_file",
                    ),
                ],
            },
        ),
    ]
