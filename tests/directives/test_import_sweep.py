"""An upload whose task never reached a worker (the broker was down) is not stuck."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directives import services
from directives.models import ImportJob
from tests.directives.seeds import TAX_LETTER


def test_an_upload_with_the_broker_down_is_saved_and_read_by_the_sweep(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from directives.tasks import import_job_run

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(import_job_run, "delay", broker_down)
    upload = SimpleUploadedFile("3821.txt", TAX_LETTER.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(upload=upload, by=cast.administrator)
    assert ImportJob.objects.get(pk=job.pk).state == "queued"

    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert services.import_jobs_sweep() == 1

    job.refresh_from_db()
    assert job.state == "done"
    assert job.result["parsed"]["number"] == "3821"
