"""A confidential staff reporter is no longer a column: each existing confidential
staff report gets its reporter's identity sealed (Fernet, REPORTER_IDENTITY_KEYS)
and their keyed tag, the history lines they wrote lose their actor (marked
`by_reporter`), and `reporter` is emptied; then the database refuses a plain link.
The code is copied here (not imported) so the migration stays as it ran. Reversible
while the keys that sealed are configured."""

import hashlib
import hmac
import json

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import migrations, models


def _tag(key: bytes, person_id: int) -> str:
    tag_key = hmac.new(key, b"violations.reporter-tag", hashlib.sha256).digest()
    return hmac.new(tag_key, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()


def seal_reporters(apps, schema_editor):
    Report = apps.get_model("violations", "Report")
    Event = apps.get_model("violations", "Event")
    SealedIdentity = apps.get_model("violations", "SealedIdentity")
    key_id, key = next(iter(settings.REPORTER_IDENTITY_KEYS.items()))
    cases = Report.objects.filter(channel="staff", confidential=True, reporter__isnull=False).select_related(
        "reporter__unit"
    )
    for report in cases.iterator():
        person = report.reporter
        identity = {
            "name": person.full_name, "email": person.email or "", "position": person.position,
            "unit": person.unit.name if person.unit_id else "", "person": person.pk,
        }  # fmt: skip
        token = Fernet(key).encrypt(json.dumps(identity, ensure_ascii=False).encode()).decode()
        SealedIdentity.objects.create(report=report, key_id=key_id, token=token)
        Event.objects.filter(report=report, actor=person).update(actor=None, by_reporter=True)
        Report.objects.filter(pk=report.pk).update(reporter=None, reporter_tag=_tag(key, person.pk))


def unseal_reporters(apps, schema_editor):
    Report = apps.get_model("violations", "Report")
    Event = apps.get_model("violations", "Event")
    SealedIdentity = apps.get_model("violations", "SealedIdentity")
    for sealed in SealedIdentity.objects.filter(report__channel="staff", report__reporter_tag__gt=""):
        key = settings.REPORTER_IDENTITY_KEYS[sealed.key_id]
        person_id = json.loads(Fernet(key).decrypt(sealed.token.encode()))["person"]
        Event.objects.filter(report_id=sealed.report_id, by_reporter=True).update(actor_id=person_id)
        Report.objects.filter(pk=sealed.report_id).update(reporter_id=person_id, reporter_tag="")
        sealed.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0003_person_without_email"),
        ("violations", "0007_monitoring_channel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="report",
            name="report_anonymous_shape",
        ),
        migrations.AddField(
            model_name="event",
            name="by_reporter",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="report",
            name="reporter_tag",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(seal_reporters, unseal_reporters),
    ]
