from django.db import migrations, models


class Migration(migrations.Migration):
    """A closed case names its measure; added after 0005 gave old cases theirs."""

    dependencies = [("violations", "0005_rule_sets_data")]

    operations = [
        migrations.AddConstraint(
            model_name='report',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'closed'), models.Q(('outcome', ''), _negated=True), ('measure__isnull', False)), models.Q(models.Q(('state', 'closed'), _negated=True), ('outcome', '')), _connector='OR'), name='report_outcome_iff_closed'),
        ),
    ]
