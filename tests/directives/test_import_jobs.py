"""Uploads are read off the web worker, in a child process with time and memory limits."""

import datetime
import io
import os
import zipfile

import docx
import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

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
    assert job.file  # kept until the review is saved or abandoned


def test_the_stored_upload_waits_in_private_storage_until_the_job_runs(client, cast, settings):
    client.force_login(cast.administrator)

    with open(TAX_LETTER, "rb") as file:
        response = client.post(reverse("directives:import"), {"file": file})  # no commit: the task has not run

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("directives:import_job", args=[job.pk])
    assert job.state == ImportState.QUEUED
    assert str(settings.PRIVATE_STORAGE_ROOT) in job.file.path
    assert job.file.path.endswith(f"{job.pk}.txt")


def _queued_job(client):
    with open(TAX_LETTER, "rb") as file:
        client.post(reverse("directives:import"), {"file": file})  # no commit: the task has not run
    return ImportJob.objects.get()


def test_a_job_not_yet_read_shows_the_progress_and_a_refresh_link_for_pages_without_javascript(client, cast):
    client.force_login(cast.administrator)
    job = _queued_job(client)
    url = reverse("directives:import_job", args=[job.pk])

    page = client.get(url)
    html = page.content.decode()

    assert '<progress id="progress-bar" max="100"></progress>' in html  # no count while a file is read
    assert "Tệp đang chờ được đọc…" in html
    assert f'<a href="{url}">Tải lại</a>' in html
    assert "Refresh" not in page and "http-equiv" not in html
    assert f'data-progress-url="{reverse("directives:import_job_status", args=[job.pk])}"' in html
    # The refresh link leads to the review form once the job has run.
    services.import_job_run(job_id=job.pk)
    assert client.get(url).context["form"]["number"].value() == "3821"


def test_the_job_status_is_served_in_the_progress_components_shape(client, cast):
    client.force_login(cast.administrator)
    job = _queued_job(client)
    status_url = reverse("directives:import_job_status", args=[job.pk])

    queued = client.get(status_url).json()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
    running = client.get(status_url).json()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.QUEUED)
    services.import_job_run(job_id=job.pk)
    done = client.get(status_url).json()

    assert queued == {
        "state": "queued", "done": 0, "total": None, "percent": None, "seconds_left": None,
        "message": "Tệp đang chờ được đọc…", "result_url": "",
    }  # fmt: skip
    assert running == {
        "state": "running", "done": 0, "total": None, "percent": None, "seconds_left": None,
        "message": "Đang đọc tệp…", "result_url": "",
    }  # fmt: skip
    assert done == {
        "state": "done", "done": 1, "total": 1, "percent": 100, "seconds_left": None,
        "message": "Đã đọc xong tệp. Đang mở biểu mẫu kiểm tra…",
        "result_url": reverse("directives:import_job", args=[job.pk]),
    }  # fmt: skip


def test_a_failed_job_status_gives_its_reason_in_vietnamese(client, cast, settings):
    settings.DIRECTIVE_MAX_PDF_CONTENT_MB = 20
    settings.DIRECTIVE_IMPORT_TIMEOUT_S = 1
    client.force_login(cast.administrator)
    upload(client, name="cham.pdf", content=hostile_pdf(5))
    job = ImportJob.objects.get()

    status = client.get(reverse("directives:import_job_status", args=[job.pk])).json()

    assert status == {
        "state": "failed", "done": 0, "total": None, "percent": None, "seconds_left": None,
        "message": job.error, "result_url": "",
    }  # fmt: skip
    assert status["message"].startswith("Đọc tệp quá 1 giây nên đã dừng (giới hạn thời gian).")
    assert not job.file  # nothing to review: the file that could not be read is gone


def test_saving_the_review_deletes_the_stored_upload_and_keeps_the_draft(client, cast, org):
    client.force_login(cast.administrator)
    page = upload(client, TAX_LETTER)
    job = ImportJob.objects.get()
    stored = job.file.path
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(review="1", job=str(job.pk), subject="Chấn chỉnh việc dùng mạng xã hội", owner_unit=org.agency.pk)
    data["recipients"] = "\n".join(data["recipients"]) if isinstance(data["recipients"], list) else data["recipients"]
    data["distribution"] = (
        "\n".join(data["distribution"]) if isinstance(data["distribution"], list) else data["distribution"]
    )

    response = client.post(reverse("directives:import"), data)

    assert response.status_code == 302, response.content.decode()
    job.refresh_from_db()
    assert not job.file and not os.path.exists(stored)


def test_abandoning_the_review_deletes_the_stored_upload(client, cast):
    client.force_login(cast.administrator)
    page = upload(client, TAX_LETTER).content.decode()
    job = ImportJob.objects.get()
    stored = job.file.path
    assert "Bỏ lượt nhập này và xóa tệp" in page

    response = client.post(reverse("directives:import_job_abandon", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert not job.file and not os.path.exists(stored)
    assert f"Đã bỏ lượt nhập tệp “{TAX_LETTER.name}”." in response.content.decode()


def test_making_the_upload_a_new_version_of_the_directive_it_already_is_deletes_the_stored_upload(
    client, cast, tax_letter
):
    client.force_login(cast.administrator)
    page = upload(client, TAX_LETTER).content.decode()
    job = ImportJob.objects.get()
    stored = job.file.path
    assert f'<input type="hidden" name="job" value="{job.pk}">' in page.split("Tạo phiên bản mới của văn bản này")[0]
    url = reverse("directives:version_new", args=[tax_letter.pk])

    offered = client.post(url, {"prefill": "1", "job": str(job.pk), "text": TAX_LETTER.read_text()}).content.decode()
    assert f'<input type="hidden" name="job" value="{job.pk}">' in offered
    client.post(url, {"job": str(job.pk), "text": "Nội dung mới.", "change_note": "Nhập lại", "is_material": "1"})

    job.refresh_from_db()
    assert tax_letter.versions.count() == 2
    assert not job.file and not os.path.exists(stored)


def test_a_review_posted_with_someone_elses_job_saves_and_leaves_that_job_alone(client, cast, org):
    other = PersonFactory(unit=org.other_agency)
    RoleGrantFactory(person=other, role=Role.ADMINISTRATOR, unit=org.other_agency)
    client.force_login(other)
    upload(client, TAX_LETTER)
    job = ImportJob.objects.get()
    client.force_login(cast.administrator)

    response = client.post(reverse("directives:import"), {
        "review": "1", "job": str(job.pk), "owner_unit": org.agency.pk, "doc_type": "cong_van",
        "number": "3821", "symbol": "TCT-KTNB", "subject": "Bản của người khác", "text": TAX_LETTER.read_text(),
    })  # fmt: skip

    job.refresh_from_db()
    assert response.status_code == 302 and job.file


def test_a_file_not_read_yet_cannot_be_abandoned_under_its_worker(client, cast):
    client.force_login(cast.administrator)
    job = _queued_job(client)

    response = client.post(reverse("directives:import_job_abandon", args=[job.pk]))

    job.refresh_from_db()
    assert response.status_code == 404 and job.file


def test_a_review_left_for_a_week_loses_its_stored_upload_to_the_sweep(client, cast):
    client.force_login(cast.administrator)
    upload(client, TAX_LETTER)
    job = ImportJob.objects.get()
    stored = job.file.path
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))

    services.import_jobs_sweep()

    job.refresh_from_db()
    assert not job.file and not os.path.exists(stored) and job.result["text"]


def test_a_job_page_is_only_for_its_creator_and_administrators_over_their_unit(client, cast, org):
    client.force_login(cast.administrator)
    upload(client, TAX_LETTER)
    job = ImportJob.objects.get()
    colleague = PersonFactory(unit=org.agency)
    RoleGrantFactory(person=colleague, role=Role.ADMINISTRATOR, unit=org.agency)
    other_admin = PersonFactory(unit=org.other_agency)
    RoleGrantFactory(person=other_admin, role=Role.ADMINISTRATOR, unit=org.other_agency)

    pages = [
        ("get", reverse("directives:import_job", args=[job.pk])),
        ("get", reverse("directives:import_job_status", args=[job.pk])),
        ("post", reverse("directives:import_job_abandon", args=[job.pk])),
    ]

    def statuses(person):
        client.logout()
        if person:
            client.force_login(person)
        return [getattr(client, method)(url).status_code for method, url in pages]

    # The permission matrix: the job page, its status and its abandon × each role.
    assert statuses(cast.administrator) == [200, 200, 302]
    assert statuses(colleague) == [200, 200, 302]
    for person in (cast.staff, cast.unit_head, cast.inspector, cast.outsider, other_admin):
        assert statuses(person) == [404, 404, 404], person
    assert [code for code in statuses(None)] == [302, 302, 302]  # to the log-in page


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

    status = client.get(reverse("directives:import_job_status", args=[job.pk])).json()
    page = client.get(response["Location"])
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.DONE
    assert (status["state"], status["percent"], status["result_url"]) == ("done", 100, response["Location"])
    assert page.context["form"]["signer_name"].value() == "Mai Xuân Thành"


def test_on_commit_is_what_starts_the_job(client, cast):
    """Eager Celery still waits for the commit: the task finds its row."""
    client.force_login(cast.administrator)

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks, open(TAX_LETTER, "rb") as file:
        client.post(reverse("directives:import"), {"file": file})

    assert len(callbacks) == 1
    assert ImportJob.objects.get().state == ImportState.QUEUED
