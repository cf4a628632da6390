"""Uploads are read off the web worker, in a child process with time and memory limits."""

import io
import zipfile

import docx
import pytest
from django.test import TestCase
from django.urls import reverse

from directives import services
from directives.models import ImportJob, ImportState
from organization.models import Role
from tests.directives.seeds import TAX_LETTER
from tests.directives.test_importer_budget import hostile_pdf
from tests.directives.test_views import upload
from tests.factories import PersonFactory, RoleGrantFactory


def test_an_upload_becomes_a_job_whose_page_is_the_review_form_once_read(client, cast):
    client.force_login(cast.administrator)

    page = upload(client, TAX_LETTER)

    job = ImportJob.objects.get()
    assert (job.state, job.created_by, job.filename) == (ImportState.DONE, cast.administrator, TAX_LETTER.name)
    assert page.context["form"]["number"].value() == "3821"
    assert "có thể là 874/QĐ-BTTTT" in page.content.decode()
    assert not job.file  # the stored upload is deleted once read


def test_the_stored_upload_waits_in_private_storage_until_the_job_runs(client, cast, settings):
    client.force_login(cast.administrator)

    with open(TAX_LETTER, "rb") as file:
        response = client.post(reverse("directives:import"), {"file": file})  # no commit: the task has not run

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("directives:import_job", args=[job.pk])
    assert job.state == ImportState.QUEUED
    assert str(settings.PRIVATE_STORAGE_ROOT) in job.file.path
    assert job.file.path.endswith(f"{job.pk}.txt")


def test_a_job_not_yet_read_refreshes_itself_every_two_seconds_without_javascript(client, cast):
    client.force_login(cast.administrator)
    with open(TAX_LETTER, "rb") as file:
        client.post(reverse("directives:import"), {"file": file})
    job = ImportJob.objects.get()

    page = client.get(reverse("directives:import_job", args=[job.pk]))
    html = page.content.decode()

    assert page["Refresh"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Tải lại" in html
    # No script of its own: the only one is the layout's error-summary focus helper.
    assert html.count("<script") == 1 and "error-summary" in html.split("<script", 1)[1].split(">", 1)[0]


def test_a_job_page_is_only_for_its_creator_and_administrators_over_their_unit(client, cast, org):
    client.force_login(cast.administrator)
    upload(client, TAX_LETTER)
    job = ImportJob.objects.get()
    colleague = PersonFactory(unit=org.agency)
    RoleGrantFactory(person=colleague, role=Role.ADMINISTRATOR, unit=org.agency)
    other_admin = PersonFactory(unit=org.other_agency)
    RoleGrantFactory(person=other_admin, role=Role.ADMINISTRATOR, unit=org.other_agency)

    def status(person):
        client.force_login(person)
        return client.get(reverse("directives:import_job", args=[job.pk])).status_code

    assert status(cast.administrator) == 200
    assert status(colleague) == 200
    assert [status(p) for p in (cast.staff, cast.unit_head, cast.inspector, cast.outsider, other_admin)] == [404] * 5


def test_running_a_job_twice_reads_the_file_once(client, cast):
    client.force_login(cast.administrator)
    upload(client, TAX_LETTER)
    job = ImportJob.objects.get()

    assert services.import_job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.state == ImportState.DONE


def test_a_file_that_takes_too_long_kills_only_the_child_and_says_so(client, cast, settings):
    settings.DIRECTIVE_MAX_PDF_CONTENT_MB = 20  # let the hostile page through to the parser
    settings.DIRECTIVE_IMPORT_TIMEOUT_S = 1
    client.force_login(cast.administrator)

    page = upload(client, name="cham.pdf", content=hostile_pdf(5))

    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert job.error.startswith("Đọc tệp quá 1 giây nên đã dừng (giới hạn thời gian).")
    assert job.error in page.content.decode()
    assert "Refresh" not in page


def _docx_with_huge_body(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    original = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in original.infolist():
            if item.filename != "word/document.xml":
                archive.writestr(item, original.read(item))
                continue
            head, tail = original.read(item).split(b"<w:body>")
            with archive.open(item.filename, "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                for _megabyte in range(megabytes):
                    member.write(b" " * (1024 * 1024))
                member.write(tail)
    return out.getvalue()


def test_a_file_that_needs_too_much_memory_kills_only_the_child_and_says_so(client, cast, settings):
    settings.DIRECTIVE_MAX_UNCOMPRESSED_MB = 400  # let the 300 MB body through to python-docx
    settings.DIRECTIVE_IMPORT_MEMORY_MB = 200
    client.force_login(cast.administrator)

    upload(client, name="bom.docx", content=_docx_with_huge_body(300))

    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert job.error.startswith("Đọc tệp cần hơn 200 MB bộ nhớ nên đã dừng (giới hạn bộ nhớ).")


def test_a_docx_over_the_unpacking_limit_fails_its_job_with_the_limit_named(client, cast):
    client.force_login(cast.administrator)

    page = upload(client, name="bom.docx", content=_docx_with_huge_body(60)).content.decode()

    assert "Thành phần word/document.xml của tệp .docx giải nén ra 60 MB, vượt quá giới hạn 50 MB." in page


def test_pasted_text_over_the_limit_is_refused_in_vietnamese(client, cast, settings):
    settings.DIRECTIVE_MAX_TEXT_CHARS = 1000
    client.force_login(cast.administrator)

    page = client.post(reverse("directives:import"), {"text": "a" * 1001}).content.decode()

    assert "Văn bản dài 1.001 ký tự, vượt quá giới hạn 1.000 ký tự." in page
    assert not ImportJob.objects.exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_the_upload_in_the_background(client, cast, celery_worker):
    import time

    client.force_login(cast.administrator)
    with open(TAX_LETTER, "rb") as file:
        response = client.post(reverse("directives:import"), {"file": file})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("directives:import_job", args=[job.pk])

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ImportJob.objects.get(pk=job.pk).is_finished:
        time.sleep(0.2)

    page = client.get(response["Location"])
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.DONE
    assert page.context["form"]["signer_name"].value() == "Mai Xuân Thành"


def test_on_commit_is_what_starts_the_job(client, cast):
    """Eager Celery still waits for the commit: the task finds its row."""
    client.force_login(cast.administrator)

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks, open(TAX_LETTER, "rb") as file:
        client.post(reverse("directives:import"), {"file": file})

    assert len(callbacks) == 1
    assert ImportJob.objects.get().state == ImportState.QUEUED
