"""A case never goes to the person it is about: when they head the unit (or inspect
it), the heads of the unit above review it and the other inspectors watch it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.violations.conftest import png_upload, report_about
from violations import services, workflow
from violations.models import Report, State


def opens(client, person, report) -> bool:
    client.force_login(person)
    return client.get(reverse("violations:detail", args=[report.pk])).status_code == 200


def listed(client, person, report) -> bool:
    client.force_login(person)
    page = client.get(reverse("violations:list")).content.decode()
    return f'href="{reverse("violations:detail", args=[report.pk])}"' in page


def try_to_start_review(client, person, report) -> str:
    client.force_login(person)
    client.post(reverse("violations:transition", args=[report.pk]), {"to": "under_review"})
    report.refresh_from_db()
    return report.state


@pytest.fixture
def case_about_the_head(cast, agency_head, django_capture_on_commit_callbacks):
    """The staff member reports the department head, confidentially, with a screenshot."""
    with django_capture_on_commit_callbacks(execute=True):
        return report_about(cast.unit_head, by=cast.staff, files=[png_upload()])


def test_a_head_reported_by_staff_never_gets_the_new_case_email(case_about_the_head):
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"]]
    assert "Lê Thị Cán Bộ" not in mail.outbox[0].body


def test_a_case_about_a_head_is_reviewed_by_the_unit_above(org, case_about_the_head):
    assert case_about_the_head.unit == org.department
    assert case_about_the_head.review_unit == org.agency


def test_a_head_reported_by_staff_never_sees_the_case_as_reviewer(client, cast, case_about_the_head):
    evidence = case_about_the_head.evidence.get()

    assert not opens(client, cast.unit_head, case_about_the_head)
    assert not listed(client, cast.unit_head, case_about_the_head)
    assert client.get(reverse("violations:file", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("violations:file", args=[evidence.pk]), {"original": "1"}).status_code == 404
    assert try_to_start_review(client, cast.unit_head, case_about_the_head) == "submitted"


def test_the_head_above_reviews_a_case_about_the_head_below(client, cast, agency_head, case_about_the_head):
    client.force_login(agency_head)
    page = client.get(reverse("violations:detail", args=[case_about_the_head.pk])).content.decode()

    assert "Lê Thị Cán Bộ" not in page  # confidential: only designated handlers see who reported
    assert listed(client, agency_head, case_about_the_head)
    assert try_to_start_review(client, agency_head, case_about_the_head) == "under_review"


def test_the_inspector_sees_a_case_about_a_head_but_cannot_move_it(client, cast, case_about_the_head):
    assert opens(client, cast.inspector, case_about_the_head)
    assert try_to_start_review(client, cast.inspector, case_about_the_head) == "submitted"


def test_from_the_hearing_the_head_sees_their_case_only_as_the_person_reported(
    client, cast, agency_head, case_about_the_head
):
    services.report_note(report=case_about_the_head, by=agency_head, text="Ghi chú nội bộ của cấp trên.")
    for to in (State.UNDER_REVIEW, State.HEARING):
        services.report_transition(report=case_about_the_head, to=to, by=agency_head, role=workflow.REVIEWER)
    client.force_login(cast.unit_head)

    page = client.get(reverse("violations:detail", args=[case_about_the_head.pk])).content.decode()

    assert "Lê Thị Cán Bộ" not in page  # the confidential reporter
    assert "Ghi chú nội bộ của cấp trên." not in page
    assert "Chuyển sang:" not in page and "bản gốc" not in page
    assert "Gửi giải trình" in page
    evidence = case_about_the_head.evidence.get()
    assert client.get(reverse("violations:file", args=[evidence.pk])).status_code == 404
    assert try_to_start_review(client, cast.unit_head, case_about_the_head) == "hearing"
    client.post(reverse("violations:transition", args=[case_about_the_head.pk]), {"to": "confirmed"})
    case_about_the_head.refresh_from_db()
    assert case_about_the_head.state == "hearing"


def test_review_reminders_about_a_head_go_to_the_head_above(cast, case_about_the_head, settings, review_pass):
    mail.outbox.clear()
    today = case_about_the_head.review_due_on - datetime.timedelta(days=settings.VIOLATION_REMIND_DAYS_BEFORE)

    result = review_pass(today)

    assert result.reminders == [(case_about_the_head.pk, "giamdoc@example.gov.vn")]
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"]]


def test_a_case_about_a_team_head_goes_to_the_department_head(
    client, cast, org, team_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_about(team_head, by=cast.staff)

    assert report.review_unit == org.department
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]
    assert not opens(client, team_head, report)
    assert try_to_start_review(client, cast.unit_head, report) == "under_review"


def test_a_case_about_the_head_of_the_top_unit_goes_to_the_inspectors_only(
    client, cast, agency_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_about(agency_head, by=cast.staff)

    assert report.review_unit is None
    assert [m.to for m in mail.outbox] == [["thanhtra@example.gov.vn"]]
    assert not opens(client, agency_head, report) and not listed(client, agency_head, report)
    assert not opens(client, cast.unit_head, report)
    assert opens(client, cast.inspector, report)
    assert try_to_start_review(client, agency_head, report) == "submitted"


def test_an_inspector_reported_never_inspects_their_own_case(
    client, cast, agency_head, second_inspector, django_capture_on_commit_callbacks, review_pass
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_about(cast.inspector, by=cast.staff)
    overdue = report.review_due_on + datetime.timedelta(days=1)

    escalated = review_pass(overdue)

    assert not opens(client, cast.inspector, report) and not listed(client, cast.inspector, report)
    assert opens(client, second_inspector, report)
    assert escalated.escalations == [(report.pk, "thanhtra2@example.gov.vn")]
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"], ["thanhtra2@example.gov.vn"]]


def test_a_staff_member_cannot_report_themselves(cast):
    with pytest.raises(ValidationError, match="chính mình"):
        report_about(cast.staff, by=cast.staff)


def test_the_database_refuses_a_case_whose_reporter_is_its_subject(cast, case_about_the_head):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=case_about_the_head.pk).update(reporter=cast.unit_head)


def anonymous_form(org, **extra):
    return {
        "unit": org.department.pk, "subject_description": "Trưởng phòng Bưu chính", "category": "insult",
        "platform": "facebook", "description": "Bình luận xúc phạm người dân.",
        "seen_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), **extra,
    }  # fmt: skip


def test_an_anonymous_report_about_a_units_head_goes_to_the_unit_above(
    client, cast, org, agency_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("violations:anonymous"), anonymous_form(org, subject_is_head="on"))

    report = Report.objects.get()
    assert report.review_unit == org.agency
    assert [m.to for m in mail.outbox] == [["giamdoc@example.gov.vn"]]
    assert not opens(client, cast.unit_head, report)
    assert opens(client, agency_head, report)


def test_an_anonymous_report_not_said_to_be_about_a_head_goes_to_the_units_heads(
    client, cast, org, agency_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("violations:anonymous"), anonymous_form(org))

    report = Report.objects.get()
    assert report.review_unit == org.department
    assert sorted(m.to for m in mail.outbox) == [["giamdoc@example.gov.vn"], ["truongphong@example.gov.vn"]]
