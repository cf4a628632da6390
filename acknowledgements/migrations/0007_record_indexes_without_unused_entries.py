from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The record's seq and MAC stay unique through constraints: the seq's index only
    where it is set (versions 2 and 3), the MAC without a LIKE index. Two index entries
    fewer for every acknowledgement."""

    dependencies = [
        ('acknowledgements', '0006_chain_links'),
        ('directives', '0004_attachments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='acknowledgement',
            name='record_hash',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='acknowledgement',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='acknowledgement',
            constraint=models.UniqueConstraint(condition=models.Q(('seq__isnull', False)), fields=('seq',), name='acknowledgement_seq_unique'),
        ),
        migrations.AddConstraint(
            model_name='acknowledgement',
            constraint=models.UniqueConstraint(fields=('record_hash',), name='acknowledgement_record_hash_unique'),
        ),
    ]
