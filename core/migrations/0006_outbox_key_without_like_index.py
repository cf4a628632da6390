from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The outbox's key stays unique, without the LIKE index unique=True adds: one
    index fewer written by every claim and state change."""

    dependencies = [
        ('core', '0005_audit_meetings_invitations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboxmessage',
            name='key',
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(fields=('key',), name='outbox_key_unique'),
        ),
    ]
