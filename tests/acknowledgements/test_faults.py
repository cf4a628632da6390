"""Nothing lost: the reminders, nudges and launches under real faults, with real
services (PostgreSQL, a Redis server of the test's own, Celery workers, an SMTP
server). Every test counts the e-mails each recipient got at the SMTP server."""

import datetime
import threading
import time
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import Assignment, Campaign, Target
from core import outbox
from core.models import OutboxMessage, PeriodicRun
from organization.models import Person
from tests.acknowledgements.services import WorkerProcess, private_redis, thread_worker, wait_until
from tests.acknowledgements.smtp import Inbox, free_port, smtp_server

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def redis():
    with private_redis() as server:
        yield server


def add_people(org, count: int) -> list[str]:
    """`count` active people in the team (under the department), by bulk insert."""
    emails = [f"nguoi{n:03d}@example.gov.vn" for n in range(count)]
    Person.objects.bulk_create(
        Person(email=email, full_name=f"Người Thứ {n}", unit=org.team, password="!") for n, email in enumerate(emails)
    )
    return emails


@pytest.fixture
def two_hundred(cast, org, tax_letter, due_on):
    """200 people of the team and the cast's two of the department, all assigned the tax
    letter: 202 reminders on the day seven days before it is due."""
    add_people(org, 200)
    services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=due_on, by=cast.administrator
    )
    return due_on - 7 * DAY


def counts() -> dict[str, int]:
    rows = OutboxMessage.objects.values_list("state", flat=True)
    return {state: list(rows).count(state) for state in ("queued", "sending", "sent", "skipped", "failed")}


def settle(timeout: float = 60) -> dict[str, int]:
    """Wait until the outbox stops moving (the worker is idle), and return its counts."""
    last, since = None, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = counts()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > 2:
            return now
        time.sleep(0.1)
    return last


def sweep_orphans(settings) -> dict:
    """The beat's sweep, once the worker is idle, with no wait for "stuck" rows: what is
    still "sending" now was left by a killed worker (OUTBOX_STUCK_MINUTES elapsed)."""
    settings.OUTBOX_STUCK_MINUTES = 0
    return outbox.outbox_sweep()


# A worker killed mid-pass


@pytest.fixture
def slow_smtp(settings):
    """An SMTP server taking 30 ms per message, for the worker subprocesses."""
    with smtp_server(inbox=Inbox(delay=0.03)) as (inbox, port):
        yield inbox, port


@pytest.fixture
def worker(redis, slow_smtp, tmp_path):
    process = WorkerProcess(broker=redis.url, smtp_port=slow_smtp[1], log=tmp_path / "worker.log")
    yield process
    process.stop()


def sending() -> set[str]:
    """The recipients of the rows taken by a task and not marked sent yet."""
    return set(OutboxMessage.objects.filter(state="sending").values_list("recipient__email", flat=True))


def assert_each_once_but_in_flight(inbox: Inbox, recipients: list[str], taken: set[str]) -> None:
    got = inbox.count_to()
    assert sorted(got) == sorted(recipients)  # nobody missing, nobody else
    twice = {address for address, n in got.items() if n == 2}
    assert [n for n in got.values() if n > 2] == []
    # Only rows a task held when it died, and per pool process (2) at most the e-mail
    # in flight and the one whose mark was on its way to the database (core.outbox.Marks):
    # the rest a killed task had taken is sent once, by the sweep.
    assert twice <= taken
    assert len(twice) <= 4


def test_a_worker_killed_mid_pass_loses_nothing_and_repeats_at_most_the_e_mails_in_flight(
    cast, two_hundred, slow_smtp, worker, settings
):
    inbox, _port = slow_smtp
    recipients = sorted(Person.objects.values_list("email", flat=True).filter(assignments__isnull=False))
    worker.start()

    result = services.reminder_pass(today=two_hundred)
    assert wait_until(lambda: len(inbox.messages) >= 60, timeout=30)
    worker.kill()
    taken = sending()
    assert 0 < len(inbox.messages) < 202

    sweep_orphans(settings)
    worker.start()

    assert wait_until(lambda: counts()["sent"] == 202, timeout=60), counts()
    assert (result.reminders, len(recipients)) == (202, 202)
    assert_each_once_but_in_flight(inbox, recipients, taken)


def test_pool_children_killed_mid_pass_lose_nothing(cast, two_hundred, slow_smtp, worker, settings):
    inbox, _port = slow_smtp
    recipients = sorted(Person.objects.values_list("email", flat=True).filter(assignments__isnull=False))
    worker.start()

    services.reminder_pass(today=two_hundred)
    assert wait_until(lambda: len(inbox.messages) >= 60, timeout=30)
    killed = worker.kill_children()
    taken = sending()
    assert len(killed) == 2

    left = settle()  # the main process forks new children, the lost tasks come back
    assert left["sent"] + left["sending"] + left["queued"] == 202
    sweep_orphans(settings)

    assert wait_until(lambda: counts()["sent"] == 202, timeout=60), counts()
    assert_each_once_but_in_flight(inbox, recipients, taken)


def test_the_workers_database_sessions_terminated_mid_send_lose_nothing(cast, two_hundred, slow_smtp, worker, settings):
    inbox, _port = slow_smtp
    recipients = sorted(Person.objects.values_list("email", flat=True).filter(assignments__isnull=False))
    worker.start()

    services.reminder_pass(today=two_hundred)
    assert wait_until(lambda: len(inbox.messages) >= 40, timeout=30)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        (terminated,) = cursor.fetchone()
    taken = sending()

    settle()  # the send tasks retry on a new connection
    sweep_orphans(settings)

    assert terminated >= 1
    assert wait_until(lambda: counts()["sent"] == 202, timeout=60), counts()
    assert_each_once_but_in_flight(inbox, recipients, taken)


# SMTP down for hours


def test_smtp_down_for_half_a_day_delays_every_reminder_and_loses_none(cast, org, tax_letter, due_on, settings):
    add_people(org, 10)
    services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=due_on, by=cast.administrator
    )
    port = free_port()  # nothing listens there: the server is down
    settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    services.reminder_pass(today=due_on - DAY)  # the first try, at commit, fails
    waited = []
    for _ in range(12):  # the next tries, each when its backoff is over
        row = OutboxMessage.objects.order_by("pk").first()
        waited.append(round((row.next_attempt_at - row.started_at).total_seconds() / 60))
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox.outbox_sweep()

    assert counts() == {"queued": 12, "sending": 0, "sent": 0, "skipped": 0, "failed": 0}
    assert waited == [1, 2, 4, 8, 16, 32, 64, 120, 120, 120, 120, 120]  # 12 h 7 min of outage
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {13}

    inbox = Inbox()
    with smtp_server(port=port, inbox=inbox):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        outbox.outbox_sweep()
        outbox.outbox_sweep()

        assert inbox.count_to() == {
            **{f"nguoi{n:03d}@example.gov.vn": 1 for n in range(10)},
            "canbo@example.gov.vn": 1,
            "truongphong@example.gov.vn": 1,
        }
    assert counts()["sent"] == 12


# Redis down


def test_redis_down_during_send_reminders_the_claims_commit_and_are_sent_when_it_returns(
    cast, campaign, due_on, smtp, redis
):
    redis.stop()
    out = StringIO()

    started = time.monotonic()
    call_command("send_reminders", "--date", (due_on - 7 * DAY).isoformat(), stdout=out)
    took = time.monotonic() - started

    assert "Nhắc hạn: 2 lượt nhắc văn bản, gửi tới 2 người" in out.getvalue()
    assert "Các thư còn lại đã được xếp hàng" in out.getvalue()
    assert list(OutboxMessage.objects.values_list("state", "enqueued_at")) == [("queued", None)] * 2
    assert took < 10
    assert smtp.messages == []

    redis.start()
    with thread_worker():
        assert outbox.outbox_sweep()["enqueued"] == 2
        assert wait_until(lambda: counts()["sent"] == 2, timeout=20)
        time.sleep(0.5)

    assert smtp.count_to() == {"canbo@example.gov.vn": 1, "truongphong@example.gov.vn": 1}


def test_redis_down_a_nudge_answers_normally_and_is_sent_once_when_it_returns(cast, campaign, due_on, smtp, redis):
    client = Client()
    client.force_login(cast.unit_head)
    Assignment.objects.update(due_on=timezone.localdate() - 2 * DAY)
    redis.stop()

    started = time.monotonic()
    response = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk}, follow=True)

    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "Đã nhắc 1 người" in response.content.decode()
    assert list(OutboxMessage.objects.values_list("kind", "state")) == [("ack_nudge", "queued")]

    redis.start()
    with thread_worker():
        outbox.outbox_sweep()
        assert wait_until(lambda: counts()["sent"] == 1, timeout=20)
        again = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk}, follow=True)
        time.sleep(1)

    assert "Đã nhắc 0 người" in again.content.decode()
    assert smtp.count_to() == {"canbo@example.gov.vn": 1}


# A beat tick missed


def test_a_beat_tick_missed_at_the_reminder_hour_is_made_up_at_the_next(cast, campaign, due_on, smtp, settings):
    settings.REMINDER_HOUR = 8
    day = due_on - 7 * DAY

    def tick(hour, minute):
        return services.reminder_pass_daily(now=datetime.datetime.combine(day, datetime.time(hour, minute), HANOI))

    before = tick(7, 45)
    # 08:00: Redis was down, beat's tick never reached a worker.
    made_up = tick(8, 15)
    third = tick(8, 30)

    assert before is None
    assert made_up == {"today": day.isoformat(), "reminders": 2, "reminded": 2, "digests": 0}
    assert third is None
    assert list(PeriodicRun.objects.values_list("name", "day")) == [("reminder-pass", day)]
    assert smtp.count_to() == {"canbo@example.gov.vn": 1, "truongphong@example.gov.vn": 1}


# The same campaign launched twice at once


def test_a_campaign_launched_twice_at_once_is_launched_once_and_the_second_sees_it(cast, org, tax_letter, due_on):
    add_people(org, 400)
    url = reverse("acknowledgements:launch", args=[tax_letter.pk])
    form = {"units": [org.department.pk], "include_subtree": "on", "due_on": due_on.isoformat(), "confirm": "1"}
    start = threading.Barrier(2)
    responses, errors = [], []

    def launch():
        client = Client(raise_request_exception=False)
        client.force_login(cast.administrator)
        try:
            start.wait()
            responses.append(client.post(url, form))
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=launch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 302]
    second = next(r for r in responses if r.status_code == 200).content.decode()
    assert "Văn bản này đã được phát động quán triệt." in second
    assert "<dt>Số người được giao</dt><dd>402</dd>" in second
    assert Campaign.objects.count() == 1
    assert Target.objects.count() == 1
    assert Assignment.objects.count() == 402
