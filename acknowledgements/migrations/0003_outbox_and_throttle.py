"""Reminders, digests and nudges move to the outbox (core.OutboxMessage); the
signature limit moves to core.Throttle. Notices claimed in the last day and not sent
yet are handed to the outbox first, so none is lost in the move; the checkpoint
e-mails are not (their content was never stored: the next day's checkpoint follows)."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

KINDS = {"reminder": "ack_reminder", "digest": "ack_digest", "nudge": "ack_nudge"}


def unsent_notices_to_outbox(apps, schema_editor):
    Notice = apps.get_model("acknowledgements", "Notice")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    now = timezone.now()
    give_up = now + datetime.timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS)
    rows = []
    pending = Notice.objects.filter(sent_at__isnull=True, kind__in=list(KINDS), claimed_at__gte=now - datetime.timedelta(days=1))
    for notice in pending.order_by("pk").iterator():
        day = timezone.localtime(notice.claimed_at).date().isoformat()
        if notice.kind == "reminder":
            key = f"ack-reminder:{notice.assignment_id}:{notice.step}"
            group = f"ack-reminder:{notice.person_id}:{day}"
        else:
            key = group = f"ack-{notice.kind}:{notice.person_id}:{notice.step}"
        rows.append(
            OutboxMessage(
                kind=KINDS[notice.kind], key=key, group=group, recipient_id=notice.person_id,
                ref=notice.assignment_id, data={"day": day}, next_attempt_at=now, give_up_at=give_up,
            )
        )  # fmt: skip
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0002_keyed_chain"),
        ("core", "0003_outbox_and_periodic_runs"),
    ]

    operations = [
        migrations.RunPython(unsent_notices_to_outbox, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="signaturefailure", name="person"),
        migrations.DeleteModel(name="Notice"),
        migrations.DeleteModel(name="SignatureFailure"),
    ]
