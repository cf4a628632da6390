from django.db import migrations, models


class Migration(migrations.Migration):
    """The rows of a period's progress chart read from one index (bench_scale.py: the
    root's last 30 days, 190,000 of 903,000 rows, without a sequential scan)."""

    dependencies = [
        ("reports", "0004_acknowledgement_unit_day"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="acknowledgementdaily",
            index=models.Index(
                fields=["assigned_on"],
                include=("unit", "acknowledged_on", "n_acknowledged"),
                name="acknowledgementdaily_period",
            ),
        ),
    ]
