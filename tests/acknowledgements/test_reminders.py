"""Staff are reminded before and after their due date, unit heads get a digest of who
is late in their units, a head can nudge someone, and no e-mail ever goes out twice.
Everything goes through the outbox (core/outbox.py); the fault tests with real
services are in test_faults.py."""

import datetime
import re
import smtplib
import threading
import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import resolve
from django.utils import timezone

from acknowledgements import selectors, services, tasks
from acknowledgements.models import Assignment
from acknowledgements.reminders.cadence import Cadence, digest_step, due_dates_with_step, reminder_step
from core import outbox
from core.models import OutboxMessage
from organization.models import Person
from tests.factories import PersonFactory

DAY = datetime.timedelta(days=1)
DEFAULTS = Cadence()  # 7 and 1 days before, then every 3 days overdue, 5 times
REMINDER_SUBJECT = "Nhắc quán triệt"
DIGEST_SUBJECT = "Tổng hợp quá hạn quán triệt"
NUDGE_SUBJECT = "Thủ trưởng đơn vị nhắc"


def vietnamese(day: datetime.date) -> str:
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def sent(subject_start: str) -> list[str]:
    """Recipients of the e-mails in Django's outbox whose subject starts so."""
    return sorted(message.to[0] for message in mail.outbox if message.subject.startswith(subject_start))


def to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def keys(kind: str) -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("key", flat=True))


def states(kind: str) -> dict[str, str]:
    """Each row's recipient and state, for one kind."""
    return dict(OutboxMessage.objects.filter(kind=kind).values_list("recipient__email", "state"))


def pk_of(person) -> int:
    return Assignment.objects.get(person=person).pk


@pytest.fixture
def run_pass(django_capture_on_commit_callbacks):
    """Run the pass for a day as the beat task does, the sends included."""

    def run(day: datetime.date) -> services.PassResult:
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminder_pass(today=day)

    return run


@pytest.fixture
def nudge(django_capture_on_commit_callbacks):
    def run(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.assignments_nudge(**kwargs)

    return run


# The steps


@pytest.mark.parametrize(
    ("days_left", "step"),
    [
        (8, None),
        (7, "d-7"),
        (6, None),
        (2, None),
        (1, "d-1"),
        (0, "d0"),
        (-1, None),
        (-2, None),
        (-3, "o3"),
        (-4, None),
        (-6, "o6"),
        (-9, "o9"),
        (-12, "o12"),
        (-15, "o15"),
        (-16, None),
        (-18, None),
        (-30, None),
    ],
)
def test_the_step_an_assignment_reaches_depends_on_the_days_to_its_due_date(days_left, step):
    today = datetime.date(2024, 9, 5)

    assert reminder_step(due_on=today + days_left * DAY, today=today, cadence=DEFAULTS) == step


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(3, "d-3"), (7, None), (1, None), (0, "d0"), (-2, "o2"), (-3, None), (-4, "o4"), (-6, None)],
)
def test_the_steps_follow_the_cadence_in_the_settings(days_left, step):
    cadence = Cadence(days_before=(3,), overdue_every=2, overdue_max=2)
    today = datetime.date(2024, 9, 5)

    assert reminder_step(due_on=today + days_left * DAY, today=today, cadence=cadence) == step


def test_the_cadence_is_read_from_the_settings(settings):
    settings.REMINDER_DAYS_BEFORE = [10, 2]
    settings.REMINDER_OVERDUE_EVERY_DAYS = 4
    settings.REMINDER_OVERDUE_MAX = 6
    settings.ESCALATION_AFTER_DAYS = 5
    settings.ESCALATION_EVERY_DAYS = 14

    assert Cadence.from_settings() == Cadence(
        days_before=(10, 2), overdue_every=4, overdue_max=6, escalate_after=5, escalate_every=14
    )


@pytest.mark.parametrize("cadence", [DEFAULTS, Cadence(days_before=(14, 3, 1), overdue_every=1, overdue_max=10)])
def test_the_pass_selects_exactly_the_due_dates_that_reach_a_step_today(cadence):
    today = datetime.date(2024, 9, 5)
    every_step = {
        today + offset * DAY: step
        for offset in range(-60, 60)
        if (step := reminder_step(due_on=today + offset * DAY, today=today, cadence=cadence))
    }

    assert due_dates_with_step(today=today, cadence=cadence) == every_step


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (datetime.date(2024, 9, 2), "p2024-09-02"),
        (datetime.date(2024, 9, 8), "p2024-09-02"),
        (datetime.date(2024, 9, 9), "p2024-09-09"),
        (datetime.date(2023, 12, 31), "p2023-12-25"),
    ],
)
def test_a_digest_period_is_named_by_its_first_day(today, step):
    assert digest_step(today=today, every=7) == step


# Reminders, with Django's outbox


@pytest.mark.parametrize("days_before_due", [7, 1, 0, -3, -6, -9, -12, -15])
def test_staff_are_reminded_on_each_step(cast, campaign, due_on, run_pass, days_before_due):
    result = run_pass(due_on - days_before_due * DAY)

    assert sent(REMINDER_SUBJECT) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]
    assert result.reminders == 2
    assert {key.rsplit(":", 1)[1] for key in keys("ack_reminder")} == {STEP_OF[days_before_due]}


STEP_OF = {7: "d-7", 1: "d-1", 0: "d0", -3: "o3", -6: "o6", -9: "o9", -12: "o12", -15: "o15"}


@pytest.mark.parametrize("days_before_due", [8, 6, 2, -1, -2, -4, -16, -18, -21])
def test_nobody_is_reminded_between_steps_or_after_the_last_one(cast, campaign, due_on, run_pass, days_before_due):
    run_pass(due_on - days_before_due * DAY)

    assert sent(REMINDER_SUBJECT) == []


def test_a_reminder_names_the_directive_its_due_date_and_a_link_to_read_it(cast, campaign, due_on, run_pass):
    run_pass(due_on - 7 * DAY)

    (message,) = to("canbo@example.gov.vn")
    html = message.alternatives[0][0]
    assignment = Assignment.objects.get(person=cast.staff)
    assert message.subject == "Nhắc quán triệt: 1 văn bản chờ đồng chí xác nhận"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Kính gửi đồng chí Lê Thị Cán Bộ," in message.body
    assert "3821/TCT-KTNB – chấn chỉnh việc dùng mạng xã hội trong cơ quan đơn vị" in message.body
    assert f"Hạn xác nhận: {vietnamese(due_on)}" in message.body
    assert "QUÁ HẠN" not in message.body
    link = message.body.split("Đọc và xác nhận: ")[1].split()[0]
    assert_links_to(link, assignment)
    assert f'<a href="{link}">Đọc và xác nhận</a>' in html


def test_people_reminded_of_the_same_directive_each_get_their_own_name_and_link(cast, campaign, due_on, run_pass):
    # One rendering serves everyone reminded of the same directives that day (a
    # Stencil): only the name and the links differ, and the HTML escapes the name.
    Person.objects.filter(pk=cast.unit_head.pk).update(full_name="Trần O'Neil & Trưởng <Phòng>")

    run_pass(due_on - 7 * DAY)

    (staff,) = to("canbo@example.gov.vn")
    (head,) = to("truongphong@example.gov.vn")
    assert "Kính gửi đồng chí Lê Thị Cán Bộ," in staff.body
    assert "Kính gửi đồng chí Trần O'Neil & Trưởng <Phòng>," in head.body
    assert "<p>Kính gửi đồng chí Trần O&#x27;Neil &amp; Trưởng &lt;Phòng&gt;,</p>" in head.alternatives[0][0]
    for message, person in ((staff, cast.staff), (head, cast.unit_head)):
        link = message.body.split("Đọc và xác nhận: ")[1].split()[0]
        assert_links_to(link, Assignment.objects.get(person=person))
        assert f'<a href="{link}">Đọc và xác nhận</a>' in message.alternatives[0][0]
        assert "\x1e" not in message.body + message.alternatives[0][0]


def test_an_overdue_directive_is_marked_so(cast, campaign, due_on, run_pass):
    run_pass(due_on + 6 * DAY)

    (message,) = to("canbo@example.gov.vn")
    assert "QUÁ HẠN 6 ngày" in message.body
    assert "QUÁ HẠN 6 ngày" in message.alternatives[0][0]


def test_one_email_gathers_every_directive_reaching_a_step_that_day(
    cast, org, campaign, quiz_directive, due_on, run_pass
):
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, True)], due_on=due_on + 6 * DAY, by=cast.administrator
    )

    result = run_pass(due_on - DAY)

    (message,) = to("canbo@example.gov.vn")
    assert message.subject == "Nhắc quán triệt: 2 văn bản chờ đồng chí xác nhận"
    assert "1. 3821/TCT-KTNB" in message.body
    assert "2. Văn bản chưa có số – nâng cao trách nhiệm" in message.body
    assert vietnamese(due_on + 6 * DAY) in message.body
    steps = OutboxMessage.objects.filter(recipient=cast.staff).values_list("key", flat=True)
    assert sorted(key.rsplit(":", 1)[1] for key in steps) == ["d-1", "d-7"]
    assert OutboxMessage.objects.filter(recipient=cast.staff).values("group").distinct().count() == 1
    assert (result.reminders, result.reminded) == (3, tuple(sorted([cast.staff.pk, cast.unit_head.pk])))


def test_inactive_people_get_no_email(cast, org, campaign, due_on, run_pass):
    leaver = PersonFactory(email="danghi@example.gov.vn", unit=org.team)
    services.assignments_sync_person(person=leaver)
    # Deactivated behind the services' back (an import, the admin's bulk action).
    Person.objects.filter(pk__in=[leaver.pk, cast.unit_head.pk]).update(is_active=False)

    run_pass(due_on - 7 * DAY)
    run_pass(due_on + 3 * DAY)

    assert {m.to[0] for m in mail.outbox} == {"canbo@example.gov.vn"}
    assert not OutboxMessage.objects.exclude(recipient=cast.staff).exists()


def test_someone_who_acknowledged_is_not_reminded(cast, campaign, due_on, run_pass):
    assignment = Assignment.objects.get(person=cast.staff)
    services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta={})

    run_pass(due_on - 7 * DAY)

    assert sent(REMINDER_SUBJECT) == ["truongphong@example.gov.vn"]


def test_running_the_pass_twice_the_same_day_sends_nothing_the_second_time(cast, campaign, due_on, run_pass):
    first = run_pass(due_on + 3 * DAY)
    outbox = len(mail.outbox)

    second = run_pass(due_on + 3 * DAY)

    assert (first.reminders, first.digests) == (2, 1)
    assert (second.reminders, second.digests, second.reminded, second.escalated) == (0, 0, (), ())
    assert len(mail.outbox) == outbox == 3


def test_a_recipient_whose_server_refuses_does_not_stop_the_others(cast, campaign, due_on, run_pass, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    run_pass(due_on - DAY)

    assert sent(REMINDER_SUBJECT) == ["truongphong@example.gov.vn"]
    refused = OutboxMessage.objects.get(recipient=cast.staff)
    assert (refused.state, refused.attempts, refused.sent_at) == ("queued", 1, None)
    assert "SMTPRecipientsRefused" in refused.error
    assert OutboxMessage.objects.get(recipient=cast.unit_head).state == "sent"


class RefusingBackend(LocmemBackend):
    """Django's test outbox, except that the staff member's server refuses everything."""

    def send_messages(self, messages):
        for message in messages:
            if "canbo@example.gov.vn" in message.to:
                raise smtplib.SMTPRecipientsRefused({"canbo@example.gov.vn": (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def test_the_beat_task_runs_the_pass_for_today_once(cast, campaign, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_HOUR = 0  # whatever the time of day the test runs at
    Assignment.objects.update(due_on=timezone.localdate() + 7 * DAY)

    with django_capture_on_commit_callbacks(execute=True):
        summary = tasks.reminder_pass.delay().get()
        again = tasks.reminder_pass.delay().get()

    assert (summary["today"], summary["reminders"], summary["digests"]) == (timezone.localdate().isoformat(), 2, 0)
    assert again is None
    assert sent(REMINDER_SUBJECT) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]
    assert {key.rsplit(":", 1)[1] for key in keys("ack_reminder")} == {"d-7"}


def test_the_beat_ticks_every_quarter_hour_for_both_daily_passes(settings):
    for entry in ("reminder-pass", "acknowledgement-checkpoint"):
        schedule = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
        assert sorted(schedule.minute) == [0, 15, 30, 45]
        assert len(schedule.hour) == 24


def test_a_send_task_run_again_sends_nothing_again(cast, campaign, due_on, run_pass):
    result = run_pass(due_on - DAY)

    assert outbox.outbox_send(list(result.reminder_ids)) == 0
    assert len(mail.outbox) == 2


def test_the_pass_is_a_fixed_number_of_queries_whatever_the_number_of_people(
    cast, org, campaign, due_on, django_assert_max_num_queries
):
    for n in range(40):
        person = PersonFactory(email=f"them{n}@example.gov.vn", unit=org.team)
        services.assignments_sync_person(person=person)

    with django_assert_max_num_queries(12):
        result = services.reminder_pass(today=due_on + 3 * DAY)

    assert (result.reminders, result.digests) == (42, 1)


@pytest.mark.parametrize(("people", "queries"), [(2, 8), (12, 18)])
def test_a_send_task_of_reminders_reads_them_in_a_fixed_number_of_queries(
    cast, org, campaign, due_on, django_assert_num_queries, people, queries
):
    for n in range(people - 2):
        services.assignments_sync_person(person=PersonFactory(email=f"them{n}@example.gov.vn", unit=org.team))
    result = services.reminder_pass(today=due_on - 7 * DAY)

    # Taking the rows (a savepoint, the locking read, the update, its release), the
    # recipients, the assignments still open, then one statement per e-mail sent.
    with django_assert_num_queries(queries):
        assert outbox.outbox_send(list(result.reminder_ids)) == people

    assert len(sent(REMINDER_SUBJECT)) == people


def test_a_reminder_row_naming_someone_elses_assignment_is_skipped(cast, campaign, due_on):
    day = (due_on - 7 * DAY).isoformat()
    [pk] = outbox.outbox_claim(
        [
            outbox.new_message(
                kind="ack_reminder", key="ack-reminder:wrong", recipient_id=cast.staff.pk,
                ref=pk_of(cast.unit_head), data={"day": day},
            )
        ]
    )  # fmt: skip

    assert outbox.outbox_send([pk]) == 0

    assert mail.outbox == []
    assert states("ack_reminder") == {"canbo@example.gov.vn": "skipped"}


# Digests for unit heads


@pytest.fixture
def two_agencies(cast, org, tax_letter, due_on):
    """The tax letter sent to the department and to the other agency, where a colleague
    of the outsider works; the department's head has read it himself."""
    PersonFactory(email="dongnghiep@example.gov.vn", full_name="Hồ Đồng Nghiệp", unit=org.other_agency)
    campaign = services.campaign_launch(
        directive=tax_letter,
        targets=[(org.department, True), (org.other_agency, True)],
        due_on=due_on,
        by=cast.administrator,
    )
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
    )
    return campaign


def test_a_head_gets_a_digest_of_the_late_people_of_their_subtree_only(cast, two_agencies, due_on, run_pass):
    result = run_pass(due_on + 3 * DAY)

    assert sent(DIGEST_SUBJECT) == ["nguoingoai@example.gov.vn", "truongphong@example.gov.vn"]
    (digest,) = [m for m in to("truongphong@example.gov.vn") if m.subject.startswith(DIGEST_SUBJECT)]
    assert digest.subject == "Tổng hợp quá hạn quán triệt: 1 người trong đơn vị chưa xác nhận"
    assert "Lê Thị Cán Bộ (Tổ Báo chí, canbo@example.gov.vn)" in digest.body
    assert f"sớm nhất hạn {vietnamese(due_on)} (quá hạn 3 ngày)" in digest.body
    assert "Hồ Đồng Nghiệp" not in digest.body
    assert "Lê Thị Cán Bộ" in digest.alternatives[0][0]
    (other,) = [m for m in to("nguoingoai@example.gov.vn") if m.subject.startswith(DIGEST_SUBJECT)]
    assert "Hồ Đồng Nghiệp" in other.body
    assert "Lê Thị Cán Bộ" not in other.body
    assert result.escalated == tuple(sorted([cast.outsider.pk, cast.unit_head.pk]))


def test_no_digest_before_people_are_late_enough(cast, two_agencies, due_on, run_pass):
    run_pass(due_on + 2 * DAY)

    assert sent(DIGEST_SUBJECT) == []


def test_a_head_covering_nobody_late_gets_no_digest(cast, campaign, due_on, run_pass):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
    )

    run_pass(due_on + 3 * DAY)

    assert mail.outbox == []


def test_the_digest_comes_again_in_the_next_period_and_not_before(cast, two_agencies, due_on, run_pass):
    first = due_on + 3 * DAY
    run_pass(first)
    day = first + DAY
    while digest_step(today=day, every=7) == digest_step(today=first, every=7):
        mail.outbox.clear()
        run_pass(day)
        assert sent(DIGEST_SUBJECT) == [], day
        day += DAY
    mail.outbox.clear()

    run_pass(day)

    assert sent(DIGEST_SUBJECT) == ["nguoingoai@example.gov.vn", "truongphong@example.gov.vn"]
    assert OutboxMessage.objects.filter(kind="ack_digest", recipient=cast.unit_head).count() == 2


# Nudges


def test_a_head_nudges_someone_at_most_once_a_day(cast, campaign, due_on, nudge):
    today = due_on + DAY

    assert nudge(by=cast.unit_head, people=[cast.staff], today=today) == 1
    assert nudge(by=cast.unit_head, people=[cast.staff], today=today) == 0
    assert nudge(by=cast.unit_head, people=[cast.staff], today=today + DAY) == 1

    assert sent(NUDGE_SUBJECT) == ["canbo@example.gov.vn", "canbo@example.gov.vn"]
    message = mail.outbox[0]
    assert message.subject == "Thủ trưởng đơn vị nhắc: 1 văn bản chờ đồng chí xác nhận"
    assert "Đồng chí Trần Văn Trưởng, thủ trưởng đơn vị, đề nghị" in message.body
    assert "3821/TCT-KTNB" in message.body
    assert "QUÁ HẠN 1 ngày" in message.body
    assert "<strong>Trần Văn Trưởng</strong>" in message.alternatives[0][0]


def test_a_head_cannot_nudge_outside_their_units(cast, org, campaign, due_on, nudge):
    with pytest.raises(ValidationError):
        nudge(by=cast.unit_head, people=[cast.staff, cast.outsider], today=due_on)
    with pytest.raises(ValidationError):
        nudge(by=cast.inspector, people=[cast.staff], today=due_on)

    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_a_head_nudges_all_the_late_people_of_their_units(cast, org, campaign, due_on, nudge):
    on_time = PersonFactory(email="dunghan@example.gov.vn", unit=org.team)
    services.assignments_sync_person(person=on_time)
    services.acknowledgement_record(assignment=Assignment.objects.get(person=on_time), by=on_time, request_meta={})
    today = due_on + 2 * DAY

    late = selectors.overdue_people(head=cast.unit_head, today=today)
    count = nudge(by=cast.unit_head, people=late, today=today)

    assert sorted(p.email for p in late) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]
    assert count == 2
    assert sent(NUDGE_SUBJECT) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]


def test_an_inactive_person_is_not_nudged(cast, campaign, due_on, nudge):
    Person.objects.filter(pk=cast.staff.pk).update(is_active=False)

    assert nudge(by=cast.unit_head, people=[cast.staff], today=due_on) == 0
    assert mail.outbox == []


def test_nobody_is_nudged_about_nothing(cast, campaign, due_on, nudge):
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    assert nudge(by=cast.unit_head, people=[cast.staff], today=due_on) == 0
    assert mail.outbox == []


# The command


def test_the_command_runs_the_pass_and_says_what_it_sent(cast, campaign, due_on, django_capture_on_commit_callbacks):
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", (due_on + 3 * DAY).isoformat(), stdout=out)

    text = out.getvalue()
    assert f"Lượt nhắc {vietnamese(due_on + 3 * DAY)}" in text
    assert "Nhắc hạn: 2 lượt nhắc văn bản, gửi tới 2 người" in text
    assert "Tổng hợp quá hạn: 1 thủ trưởng đơn vị" in text
    assert "canbo@example.gov.vn (nhắc hạn)" in text
    assert "truongphong@example.gov.vn (nhắc hạn, tổng hợp quá hạn)" in text
    assert len(mail.outbox) == 3


def test_the_command_says_when_the_daily_pass_already_ran_that_day_and_claims_only_what_is_new(
    cast, org, campaign, due_on, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_HOUR = 0
    day = due_on - 7 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        services.reminder_pass_daily(now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))))
    services.assignments_sync_person(person=PersonFactory(email="moiden@example.gov.vn", unit=org.team))
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", day.isoformat(), stdout=out)

    assert "Lượt nhắc hằng ngày của ngày này đã chạy lúc" in out.getvalue()
    assert "Nhắc hạn: 1 lượt nhắc văn bản, gửi tới 1 người" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "canbo@example.gov.vn",
        "moiden@example.gov.vn",
        "truongphong@example.gov.vn",
    ]


def test_the_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "5/9/2024")


# Real services: Redis, a Celery worker, an SMTP server


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def header(message, name: str) -> str:
    # Django folds a long encoded subject right after "Subject:"; unfolded, that leaves
    # a space the e-mail package keeps and mail readers drop.
    return str(message[name]).strip()


def plain_and_html(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def assert_links_to(url: str, assignment: Assignment) -> None:
    assert url.startswith(settings.SITE_URL + "/")
    match = resolve(urlsplit(url).path)
    assert (match.view_name, match.kwargs) == ("acknowledgements:read", {"pk": assignment.pk})


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders_and_digest_over_smtp(cast, campaign, due_on, smtp, celery_worker):
    today = due_on + 3 * DAY

    result = services.reminder_pass(today=today)
    received = smtp.wait_for(3)

    assert (result.reminders, result.digests) == (2, 1)
    assert len(received) == 3
    by_subject = {(header(m, "To"), header(m, "Subject").split(":")[0]) for m in received}
    assert by_subject == {
        ("canbo@example.gov.vn", REMINDER_SUBJECT),
        ("truongphong@example.gov.vn", REMINDER_SUBJECT),
        ("truongphong@example.gov.vn", DIGEST_SUBJECT),
    }
    reminder = next(m for m in received if header(m, "To") == "canbo@example.gov.vn")
    text, html = plain_and_html(reminder)
    assert header(reminder, "Subject") == "Nhắc quán triệt: 1 văn bản chờ đồng chí xác nhận"
    assert "Kính gửi đồng chí Lê Thị Cán Bộ," in text
    assert f"Hạn xác nhận: {vietnamese(due_on)} – QUÁ HẠN 3 ngày" in text
    assert "QUÁ HẠN 3 ngày" in html
    (url,) = re.findall(r"https?://\S+", text.split("Đọc và xác nhận:")[1])[:1]
    assert_links_to(url, Assignment.objects.get(person=cast.staff))
    assert f'href="{url}"' in html
    digest = next(m for m in received if header(m, "Subject").startswith(DIGEST_SUBJECT))
    assert "Lê Thị Cán Bộ (Tổ Báo chí, canbo@example.gov.vn)" in plain_and_html(digest)[0]
    assert wait_until(lambda: not OutboxMessage.objects.exclude(state="sent").exists())
    assert sorted(OutboxMessage.objects.values_list("kind", "key")) == [
        ("ack_digest", f"ack-digest:{cast.unit_head.pk}:{digest_step(today=today, every=7)}"),
        ("ack_reminder", f"ack-reminder:{pk_of(cast.staff)}:o3"),
        ("ack_reminder", f"ack-reminder:{pk_of(cast.unit_head)}:o3"),
    ]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_recipient_refused_once_is_retried_and_the_others_are_not_held_up(
    cast, campaign, due_on, smtp, celery_worker
):
    smtp.refuse["canbo@example.gov.vn"] = 1

    services.reminder_pass(today=due_on - DAY)

    assert [header(m, "To") for m in smtp.wait_for(1)] == ["truongphong@example.gov.vn"]
    assert wait_until(lambda: OutboxMessage.objects.filter(recipient=cast.staff, attempts=1).exists())
    refused_once = OutboxMessage.objects.get(recipient=cast.staff)
    assert (refused_once.state, "SMTPRecipientsRefused" in refused_once.error, "451" in refused_once.error) == (
        "queued",
        True,
        True,
    )
    # A minute later (the first backoff), the sweep hands it to the worker again.
    OutboxMessage.objects.filter(pk=refused_once.pk).update(next_attempt_at=timezone.now())
    outbox.outbox_sweep()

    received = smtp.wait_for(2)
    assert sorted(header(m, "To") for m in received) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]
    assert smtp.refused == ["canbo@example.gov.vn"]
    assert wait_until(lambda: not OutboxMessage.objects.exclude(state="sent").exists())
    assert OutboxMessage.objects.get(recipient=cast.unit_head).error == ""
    assert len(smtp.wait_for(3, timeout=1)) == 2


# SQLite's shared in-memory test database refuses a second writer outright ("table is
# locked"); the guarantee is about PostgreSQL, where production runs its workers.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_send_every_email_once(cast, org, campaign, due_on):
    for n in range(30):
        person = PersonFactory(email=f"them{n}@example.gov.vn", unit=org.team)
        services.assignments_sync_person(person=person)
    today = due_on + 3 * DAY
    start = threading.Barrier(2)
    results, errors = [], []

    def one_pass():
        try:
            start.wait()
            results.append(services.reminder_pass(today=today))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r.reminders for r in results) == 32
    assert sum(r.digests for r in results) == 1
    assert len(sent(REMINDER_SUBJECT)) == len(set(sent(REMINDER_SUBJECT))) == 32
    assert sent(DIGEST_SUBJECT) == ["truongphong@example.gov.vn"]


def test_a_batch_of_people_shares_one_smtp_connection(cast, org, campaign, due_on, run_pass, smtp):
    for n in range(3):
        services.assignments_sync_person(person=PersonFactory(email=f"them{n}@example.gov.vn", unit=org.team))

    run_pass(due_on - 7 * DAY)

    assert len(smtp.wait_for(5)) == 5
    assert smtp.sessions == 1


# What is checked again between the claim and the send. Each test below kills a
# mutant that survived an earlier mutation test; expected values come from the rules.


def test_the_claim_leaves_out_acknowledged_and_closed_assignments(cast, org, campaign, due_on):
    third = PersonFactory(email="thuba@example.gov.vn", unit=org.team)
    services.assignments_sync_person(person=third)
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    Assignment.objects.filter(person=third).update(closed_at=timezone.now())

    result = services.reminder_pass(today=due_on - 7 * DAY)  # claimed, not sent (no commit)

    assert result.reminders == 1
    assert keys("ack_reminder") == [f"ack-reminder:{pk_of(cast.unit_head)}:d-7"]
    assert mail.outbox == []


def test_someone_deactivated_after_the_claim_is_not_sent_the_reminder(cast, campaign, due_on):
    result = services.reminder_pass(today=due_on - 7 * DAY)
    Person.objects.filter(pk=cast.staff.pk).update(is_active=False)

    assert outbox.outbox_send(list(result.reminder_ids)) == 1

    assert sent(REMINDER_SUBJECT) == ["truongphong@example.gov.vn"]
    assert states("ack_reminder") == {"canbo@example.gov.vn": "skipped", "truongphong@example.gov.vn": "sent"}


def test_an_assignment_acknowledged_after_the_claim_is_not_in_the_reminder(cast, org, campaign, quiz_directive, due_on):
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, True)], due_on=due_on + 6 * DAY, by=cast.administrator
    )
    result = services.reminder_pass(today=due_on - DAY)  # the tax letter d-1, the quiz d-7
    tax = Assignment.objects.get(person=cast.staff, version__directive__symbol="TCT-KTNB")
    services.acknowledgement_record(assignment=tax, by=cast.staff, request_meta={})
    services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
    )

    assert outbox.outbox_send(list(result.reminder_ids)) == 1

    (message,) = mail.outbox
    assert message.to == ["canbo@example.gov.vn"]
    assert message.subject == "Nhắc quán triệt: 1 văn bản chờ đồng chí xác nhận"
    assert "3821/TCT-KTNB" not in message.body
    assert "nâng cao trách nhiệm" in message.body
    assert sorted(OutboxMessage.objects.values_list("state", flat=True)) == ["sent", "skipped", "skipped"]


@pytest.fixture
def late_by_three_and_by_one(cast, org, campaign, quiz_directive, due_on):
    """On due_on + 3 days: the staff member is 3 days late with the tax letter (as is
    the head); a newcomer of the team is only 1 day late, with the quiz directive."""
    Assignment.objects.filter(person=cast.unit_head).update(closed_at=timezone.now())
    newcomer = PersonFactory(email="moiden@example.gov.vn", full_name="Đinh Mới Đến", unit=org.team)
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, True)], due_on=due_on + 2 * DAY, by=cast.administrator
    )
    Assignment.objects.filter(person=cast.staff, version__directive=quiz_directive).update(closed_at=timezone.now())
    return newcomer


def test_only_people_late_by_min_days_count_as_late(cast, late_by_three_and_by_one, due_on):
    today = due_on + 3 * DAY

    three = selectors.overdue_people(head=cast.unit_head, today=today, min_days=3)
    one = selectors.overdue_people(head=cast.unit_head, today=today, min_days=1)

    assert [p.email for p in three] == ["canbo@example.gov.vn"]
    assert sorted(p.email for p in one) == ["canbo@example.gov.vn", "moiden@example.gov.vn"]


def test_the_digest_lists_only_people_late_by_the_escalation_days(cast, late_by_three_and_by_one, due_on, run_pass):
    run_pass(due_on + 3 * DAY)

    (digest,) = [m for m in mail.outbox if m.subject.startswith(DIGEST_SUBJECT)]
    assert digest.subject == "Tổng hợp quá hạn quán triệt: 1 người trong đơn vị chưa xác nhận"
    assert "Lê Thị Cán Bộ" in digest.body
    assert "Đinh Mới Đến" not in digest.body


def test_a_digest_whose_late_people_all_acknowledged_before_the_send_is_not_sent(
    cast, late_by_three_and_by_one, due_on
):
    result = services.reminder_pass(today=due_on + 3 * DAY)
    services.acknowledgement_record(
        assignment=Assignment.objects.open().get(person=cast.staff), by=cast.staff, request_meta={}
    )

    assert outbox.outbox_send(list(result.digest_ids)) == 0

    assert mail.outbox == []
    assert states("ack_digest") == {"truongphong@example.gov.vn": "skipped"}


def test_the_claim_costs_one_insert_and_runs_on_this_database(cast, org, campaign, due_on, django_assert_num_queries):
    with django_assert_num_queries(1):
        from acknowledgements.reminders import claims

        claimed = claims.claim_reminders(today=due_on, cadence=DEFAULTS)

    assert len(claimed) == 2
    row = OutboxMessage.objects.get(recipient=cast.staff)
    assert (row.kind, row.key, row.group, row.ref, row.data, row.state) == (
        "ack_reminder",
        f"ack-reminder:{pk_of(cast.staff)}:d0",
        f"ack-reminder:{cast.staff.pk}:{due_on.isoformat()}",
        pk_of(cast.staff),
        {"day": due_on.isoformat()},
        "queued",
    )
    assert row.give_up_at - row.next_attempt_at == datetime.timedelta(hours=24)
    assert row.run is not None  # the claim that inserted it


def test_a_person_without_an_email_address_is_not_claimed(cast, org, campaign, due_on):
    from acknowledgements.reminders import claims

    Person.objects.filter(pk=cast.unit_head.pk).update(email=None)

    claimed = claims.claim_reminders(today=due_on, cadence=DEFAULTS)

    assert [recipient for _pk, recipient in claimed] == [cast.staff.pk]


@pytest.fixture
def two_reminders_each(cast, org, campaign, quiz_directive, due_on):
    """The day before the tax letter is due and 7 days before the quiz directive is:
    the staff member, the head and a newcomer each reach two steps, so one e-mail each
    stands for two outbox rows."""
    newcomer = PersonFactory(email="moiden@example.gov.vn", full_name="Đinh Mới Đến", unit=org.team)
    services.assignments_sync_person(person=newcomer)
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.department, True)], due_on=due_on + 6 * DAY, by=cast.administrator
    )
    return due_on - DAY


@pytest.mark.parametrize(
    ("chunk", "sizes"),
    [(2, [2, 2, 2]), (3, [4, 2])],  # a chunk is handed on once it holds at least `chunk` rows
)
def test_large_passes_hand_reminders_on_in_chunks_that_never_split_an_email(
    two_reminders_each, monkeypatch, django_capture_on_commit_callbacks, chunk, sizes
):
    from acknowledgements.reminders import claims

    handed = []
    monkeypatch.setattr(claims, "ENQUEUE_CHUNK", chunk)
    monkeypatch.setattr(outbox, "outbox_enqueue", lambda ids: handed.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_reminders(today=two_reminders_each, cadence=DEFAULTS)

    recipients = dict(OutboxMessage.objects.values_list("pk", "recipient__email"))
    chunks_of = {email: sum(email in {recipients[pk] for pk in ids} for ids in handed) for email in recipients.values()}
    assert [len(ids) for ids in handed] == sizes
    assert chunks_of == {"canbo@example.gov.vn": 1, "truongphong@example.gov.vn": 1, "moiden@example.gov.vn": 1}
