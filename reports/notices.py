"""The "your export is ready" e-mail on the outbox (core/outbox.py), one per job,
keyed export-ready:<job>. The renderer looks at the job again when the e-mail goes
out: an export that expired or was cancelled meanwhile is skipped."""

from django.conf import settings
from django.urls import reverse

from core import emails, outbox
from reports.models import ExportJob


def render_ready(rows):
    row = rows[0]
    job = ExportJob.objects.select_related("person").filter(pk=row.ref, state=ExportJob.State.DONE).first()
    if job is None or not job.file_path or not job.person.is_active:
        return None, []
    link = settings.SITE_URL + reverse("reports:job", args=[job.pk])
    return emails.export_ready(to=job.person.email, full_name=job.person.full_name, job=job, link=link), rows


def register() -> None:
    from reports.services import READY_KIND

    outbox.register(READY_KIND, render_ready)
