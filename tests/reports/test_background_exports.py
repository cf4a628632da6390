"""Large exports are made in the background: a page with progress, a file offered
for a few days to the person who asked, an e-mail when it is ready."""

import csv
import datetime
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services as ack_services
from core.models import OutboxMessage
from reports import exports, services
from reports.models import ExportJob, ExportLog
from reports.selectors import Filters
from tests.factories import PersonFactory


@pytest.fixture
def big(settings, tmp_path, cast, org, campaign, django_capture_on_commit_callbacks, monkeypatch):
    """Every assignments export goes to the background; files under tmp_path; the
    after-commit hooks of a request run at its end, as they would after a commit."""
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.EXPORT_DIR = tmp_path / "exports"
    from django.test import Client

    def running_hooks(method):
        def call(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return method(self, *args, **kwargs)

        return call

    monkeypatch.setattr(Client, "get", running_hooks(Client.get))
    monkeypatch.setattr(Client, "post", running_hooks(Client.post))
    return campaign


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_a_large_export_becomes_a_job_whose_page_offers_the_file(client, cast, big, mailoutbox):
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:export", args=["assignments", "csv"]), {"unit": "STTTT"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.state, job.rows_written, job.rows_expected) == ("done", 2, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Tải tệp" in page and "js/progress.js" in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    assert download["Cache-Control"] == "no-store"
    assert len(read_csv(body)) == 1 + 2 and "Lê Thị Cán Bộ" in body.decode("utf-8-sig")
    assert ExportLog.objects.filter(person=cast.inspector, kind="assignments", format="csv").count() == 1
    assert job.expires_at - job.finished_at == datetime.timedelta(days=7)
    assert OutboxMessage.objects.filter(kind="export_ready", recipient=cast.inspector).count() == 1
    assert [m.to for m in mailoutbox] == [[cast.inspector.email]]
    assert "đã sẵn sàng" in mailoutbox[0].subject


def test_the_workbook_made_in_the_background_opens_with_every_assignment(client, cast, big):
    client.force_login(cast.inspector)
    client.get(reverse("reports:export", args=["summary", "xlsx"]), {"unit": "STTTT"})

    job = ExportJob.objects.get()
    book = openpyxl.load_workbook(job.file_path)
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Cán bộ", "Vi phạm"]
    assert book["Cán bộ"].max_row == 1 + 2 and book["Cán bộ"].freeze_panes == "A2"


def test_a_second_request_joins_the_running_export(client, cast, org, big):
    running = ExportJob.objects.create(
        person=cast.inspector, kind="assignments", format="csv", unit_path=org.agency.path, state="running"
    )
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:export", args=["summary", "xlsx"]))

    assert response["Location"] == reverse("reports:job", args=[running.pk])
    assert ExportJob.objects.count() == 1


def test_the_database_allows_one_active_export_per_person(cast, org):
    from django.db import IntegrityError, transaction

    ExportJob.objects.create(person=cast.inspector, kind="assignments", format="csv", unit_path=org.agency.path)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(person=cast.inspector, kind="summary", format="xlsx", unit_path=org.agency.path)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.filter(person=cast.inspector).update(state="lost")


def test_a_cancelled_export_leaves_no_file(client, cast, org, big):
    job = ExportJob.objects.create(
        person=cast.inspector, kind="assignments", format="csv", unit_path=org.agency.path,
        filters={"unit": org.agency.pk, "directive": None, "from": "", "to": ""},
    )  # fmt: skip
    client.force_login(cast.inspector)
    client.post(reverse("reports:job_cancel", args=[job.pk]))

    assert services.export_job_run(job_id=job.pk) == "skipped"
    job.refresh_from_db()
    assert job.state == "cancelled" and job.file_path == ""
    assert not any(Path(django_settings.EXPORT_DIR).glob("*")) if Path(django_settings.EXPORT_DIR).exists() else True
    assert "Đã hủy" in client.get(reverse("reports:job", args=[job.pk])).content.decode()


def test_the_sweep_deletes_expired_files_and_the_link_stops_working(client, cast, big):
    client.force_login(cast.inspector)
    client.get(reverse("reports:export", args=["assignments", "csv"]))
    job = ExportJob.objects.get()
    path = Path(job.file_path)
    assert path.exists()

    result = services.export_sweep(now=timezone.now() + datetime.timedelta(days=8))

    assert result["expired"] == 1 and not path.exists()
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    assert "đã hết hạn" in client.get(reverse("reports:job", args=[job.pk])).content.decode()


STARTED = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
EXPIRES = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)  # 16:00 in Hà Nội
STATES = {
    "queued": ({"state": "queued"}, {
        "state": "queued", "done": 0, "total": 1000, "percent": 0, "seconds_left": None,
        "message": "Đang chờ bắt đầu…", "result_url": "",
    }),
    "running": ({"state": "running", "rows_written": 250, "started_at": STARTED}, {
        "state": "running", "done": 250, "total": 1000, "percent": 25, "seconds_left": 30,
        "message": "Đã ghi 250 / 1.000 dòng", "result_url": "",
    }),
    "done": ({"state": "done", "rows_written": 1000, "file_path": "/tmp/x.csv", "expires_at": EXPIRES}, {
        "state": "done", "done": 1000, "total": 1000, "percent": 100, "seconds_left": None,
        "message": "Tệp đã sẵn sàng (1.000 dòng), tải được đến 16:00 8/12/2026.", "result_url": "download",
    }),
    "expired": ({"state": "done", "rows_written": 1000, "file_path": "", "expires_at": EXPIRES}, {
        "state": "done", "done": 1000, "total": 1000, "percent": 100, "seconds_left": None,
        "message": "Tệp đã hết hạn và đã được xóa. Hãy tạo lại từ trang báo cáo.", "result_url": "",
    }),
    "failed": ({"state": "failed"}, {
        "state": "failed", "done": 0, "total": 1000, "percent": 0, "seconds_left": None,
        "message": "Không tạo được tệp. Hãy thử lại sau.", "result_url": "",
    }),
    "cancelled": ({"state": "cancelled"}, {
        "state": "cancelled", "done": 0, "total": 1000, "percent": 0, "seconds_left": None,
        "message": "Đã hủy.", "result_url": "",
    }),
}  # fmt: skip


@pytest.mark.parametrize("name", list(STATES))
def test_the_progress_is_served_as_json_in_the_components_shape(client, cast, org, monkeypatch, name):
    fields, expected = STATES[name]
    job = ExportJob.objects.create(
        person=cast.inspector, kind="assignments", format="csv", unit_path=org.agency.path, rows_expected=1000, **fields
    )
    # Ten seconds after the start: a quarter written in 10 s leaves 30 s.
    monkeypatch.setattr("django.utils.timezone.now", lambda: STARTED + datetime.timedelta(seconds=10))
    client.force_login(cast.inspector)

    status = client.get(reverse("reports:job_status", args=[job.pk])).json()

    if expected["result_url"]:
        expected = {**expected, "result_url": reverse("reports:job_download", args=[job.pk])}
    assert status == expected


def test_a_running_export_shows_the_bar_a_refresh_link_and_no_reload_without_javascript(client, cast, org):
    job = ExportJob.objects.create(
        person=cast.inspector, kind="assignments", format="csv", unit_path=org.agency.path, state="running",
        rows_written=250, rows_expected=1000, started_at=timezone.now() - datetime.timedelta(seconds=10),
    )  # fmt: skip
    client.force_login(cast.inspector)

    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()

    assert '<progress id="progress-bar" max="100" value="25">25 %</progress>' in page
    assert "Đã ghi 250 / 1.000 dòng" in page
    assert f'<a href="{reverse("reports:job", args=[job.pk])}">Tải lại</a>' in page
    assert "http-equiv" not in page and "<script>" not in page


# Permission matrix: every job page × owner / same-scope other / outsider / anonymous.

JOB_VIEWS = [("reports:job", "get"), ("reports:job_status", "get"), ("reports:job_download", "get"),
             ("reports:job_cancel", "post")]  # fmt: skip
EXPECTED = {
    # who: statuses for job, job_status, job_download, job_cancel
    "owner": [200, 200, 200, 302],
    "owner_out_of_scope": [404, 404, 404, 404],
    "other_inspector": [404, 404, 404, 404],
    "unit_head": [404, 404, 404, 404],
    "staff": [404, 404, 404, 404],
    "anonymous": [302, 302, 302, 302],
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_job_pages_answer_only_their_owner_within_scope(client, cast, org, big, who):
    client.force_login(cast.inspector)
    client.get(reverse("reports:export", args=["assignments", "csv"]), {"unit": "STTTT"})
    job = ExportJob.objects.get()
    client.logout()
    if who == "owner":
        client.force_login(cast.inspector)
    elif who == "owner_out_of_scope":
        cast.inspector.grants.all().delete()
        client.force_login(cast.inspector)
    elif who == "other_inspector":
        from organization.models import Role
        from tests.factories import RoleGrantFactory

        other = PersonFactory(email="thanhtra2@example.gov.vn", unit=org.office)
        RoleGrantFactory(person=other, role=Role.INSPECTOR, unit=org.agency)
        client.force_login(other)
    elif who != "anonymous":
        client.force_login(getattr(cast, who))

    statuses = [getattr(client, method)(reverse(name, args=[job.pk])).status_code for name, method in JOB_VIEWS]

    assert statuses == EXPECTED[who]


# Real worker through Redis.


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_makes_the_export_and_the_page_shows_it_done(client, cast, big, celery_worker):
    client.force_login(cast.inspector)
    client.get(reverse("reports:export", args=["assignments", "csv"]), {"unit": "STTTT"})
    job = ExportJob.objects.get()

    for _ in range(100):
        job.refresh_from_db()
        if job.state == "done":
            break
        time.sleep(0.1)

    assert job.state == "done" and job.rows_written == 2
    assert len(read_csv(Path(job.file_path).read_bytes())) == 3


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_export_leaves_no_file_offered_and_the_job_is_run_again(
    client, cast, org, big, settings, tmp_path
):
    """The worker is a process of its own, stopped with SIGKILL while its COPY waits
    on a lock this test holds, after the summary sheets are in its temporary file."""
    import psycopg2

    from conduct_portal.celery import app as celery_app

    db = django_settings.DATABASES["default"]
    env = {
        **os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "false", "EXPORT_DIR": str(settings.EXPORT_DIR),
        "EXPORT_BACKGROUND_ROWS": "0", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "conduct_portal", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", "celery", "--loglevel=WARNING"],
        cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client.force_login(cast.inspector)  # before the lock: a person's update reads assignments (rollup trigger)
    locker = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    try:
        cursor = locker.cursor()
        cursor.execute("LOCK TABLE acknowledgements_assignment IN ACCESS EXCLUSIVE MODE")
        celery_app.conf.update(broker_url=settings.REDIS_URL, task_always_eager=False)
        client.get(reverse("reports:export", args=["summary", "xlsx"]), {"unit": "STTTT"})
        job = ExportJob.objects.get()
        folder = Path(settings.EXPORT_DIR)
        for _ in range(300):
            job.refresh_from_db()
            if job.state == "running" and folder.exists() and any(folder.glob(".*.part")):
                break
            time.sleep(0.1)
        assert job.state == "running", "the worker never started the export"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        locker.rollback()
        locker.close()
        if worker.poll() is None:
            worker.kill()

    job.refresh_from_db()
    assert job.state == "running" and job.file_path == ""
    assert [p.name for p in Path(settings.EXPORT_DIR).iterdir() if not p.name.startswith(".")] == []
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404

    # The worker gave no sign of life for EXPORT_STALE_SECONDS: the sweep runs it again.
    celery_app.conf.task_always_eager = True
    settings.EXPORT_STALE_SECONDS = 10
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=60))
    assert services.export_sweep()["restarted"] == 1

    job.refresh_from_db()
    assert job.state == "done" and job.attempts == 2
    assert openpyxl.load_workbook(job.file_path)["Cán bộ"].max_row == 1 + 2
    assert not any(Path(settings.EXPORT_DIR).glob(".*.part"))


def test_under_eager_tasks_the_same_page_works_on_any_database(client, cast, big):
    """`make run` (SQLite, eager Celery) takes the Python path; here whichever database runs."""
    client.force_login(cast.inspector)

    response = client.get(reverse("reports:export", args=["assignments", "csv"]))

    assert "Tải tệp" in client.get(response["Location"]).content.decode()


def test_moving_people_in_keeps_the_expected_row_count(cast, org, big):
    PersonFactory(email="moi@example.gov.vn", unit=org.team)
    ack_services.assignments_sync_person(person=type(cast.staff).objects.get(email="moi@example.gov.vn"))

    job, created = services.export_job_request(
        person=cast.inspector, kind="assignments", format="csv", filters=Filters(unit=org.agency)
    )

    assert created and job.rows_expected == 3
    assert exports.SHEET_ROWS == 1_048_575
