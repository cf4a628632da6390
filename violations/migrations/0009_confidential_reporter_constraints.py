"""The database refuses a confidential staff report that links to its reporter (in
a migration of its own: PostgreSQL will not alter a table with the previous
migration's row updates pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("violations", "0008_sealed_confidential_reporter"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("channel", "anonymous"), ("reporter__isnull", True), ("receipt_code__isnull", False)),
                    models.Q(
                        ("channel", "denunciation"), ("receipt_code__isnull", True), ("received_on__isnull", False)
                    ),
                    models.Q(
                        ("channel__in", ["head", "monitoring"]),
                        ("reporter__isnull", False),
                        ("receipt_code__isnull", True),
                    ),
                    models.Q(
                        ("channel", "staff"),
                        ("receipt_code__isnull", True),
                        models.Q(
                            ("reporter__isnull", False),
                            models.Q(("confidential", True), models.Q(("reporter_tag", ""), _negated=True)),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="report_anonymous_shape",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("channel", "staff"), ("confidential", True), ("reporter__isnull", False), _negated=True
                ),
                name="report_confidential_reporter_sealed",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("reporter_tag", ""), ("reporter__isnull", True), _connector="OR"),
                name="report_reporter_once",
            ),
        ),
    ]
