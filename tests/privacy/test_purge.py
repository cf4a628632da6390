"""The nightly purge deletes exactly what outlived its retention period, nothing a
legal hold covers, and leaves a tombstone of each deletion."""

import datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import InternalError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from privacy import purge, services
from privacy.models import LegalHold, PurgeRun, Tombstone
from tests.violations.conftest import png_upload, report_about
from violations import rules, workflow
from violations import services as case_services
from violations.models import Event, Evidence, Report, State

TODAY = datetime.date(2026, 12, 1)


def test_the_retention_periods_default_as_documented():
    assert [
        settings.RETENTION_CASE_DISCIPLINE_YEARS, settings.RETENTION_CASE_OTHER_YEARS,
        settings.RETENTION_CASE_DISMISSED_YEARS, settings.RETENTION_ANONYMOUS_YEARS,
        settings.RETENTION_EVIDENCE_YEARS, settings.RETENTION_ACKNOWLEDGEMENT_YEARS, settings.RETENTION_AUDIT_YEARS,
    ] == [10, 5, 2, 1, 2, 5, 5]  # fmt: skip
    assert settings.PRIVACY_PURGE_HOUR == 3
    assert settings.CELERY_BEAT_SCHEDULE["privacy-purge"]["task"] == "privacy.purge_pass"


def _ended(report: Report, on: datetime.date) -> None:
    """The case's last move (into closed or dismissed) as if made at 10:00 on `on`."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    Event.objects.filter(report=report, kind="transition").update(created_at=at)


def _dismissed(cast, colleague, on: datetime.date, **fields) -> Report:
    report = report_about(cast.staff, by=colleague, confidential=False, **fields)
    case_services.report_transition(
        report=report, to=State.DISMISSED, by=cast.unit_head, role=workflow.REVIEWER, note="Không có vi phạm."
    )
    _ended(report, on)
    return report


def _closed_with_admonition(cast, colleague, on: datetime.date) -> Report:
    report = report_about(cast.staff, by=colleague, confidential=False, files=[png_upload()])
    measure = next(m for m in rules.general_measures() if m.code == "admonition")  # nhắc nhở: not discipline
    Report.objects.filter(pk=report.pk).update(state=State.CLOSED, outcome="admonition", measure=measure)
    case_services.event_append(
        report=report, kind="transition", by=cast.unit_head, from_state="confirmed", to_state="closed"
    )
    _ended(report, on)
    return report


def _audit_row(at: datetime.datetime, target: str = "") -> int:
    with connection.cursor() as cursor:  # the trigger refuses UPDATE, so the time is set on INSERT
        cursor.execute(
            "INSERT INTO core_auditevent (at, action, target, unit_path, data) VALUES (%s, 'login', %s, '', '{}')"
            " RETURNING id",
            [at, target],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_purge_deletes_exactly_what_expired_and_nothing_held(cast, colleague, django_capture_on_commit_callbacks):
    expired_dismissal = _dismissed(cast, colleague, datetime.date(2024, 12, 1))  # 2 years to the day
    recent_dismissal = _dismissed(cast, colleague, datetime.date(2024, 12, 2))  # a day short
    held_dismissal = _dismissed(cast, colleague, datetime.date(2020, 5, 4))
    old_admonition = _closed_with_admonition(cast, colleague, datetime.date(2021, 6, 30))  # 5 years: gone
    younger_admonition = _closed_with_admonition(cast, colleague, datetime.date(2023, 3, 1))  # files only
    open_case = report_about(cast.staff, by=colleague, confidential=False)
    Report.objects.filter(pk=open_case.pk).update(seen_at=timezone.now() - datetime.timedelta(days=4000))
    services.hold_place(report=held_dismissal, by=cast.inspector, reason="Thanh tra tỉnh đang xem xét.")
    old_file = old_admonition.evidence.get().pk
    young_file = younger_admonition.evidence.get().pk
    file_names = [e.original.name for e in younger_admonition.evidence.all()]
    storage = younger_admonition.evidence.get().original.storage
    old_audit = _audit_row(timezone.make_aware(datetime.datetime(2021, 11, 30, 9)))
    kept_audit = _audit_row(timezone.make_aware(datetime.datetime(2021, 12, 2, 9)))
    held_audit = _audit_row(
        timezone.make_aware(datetime.datetime(2019, 1, 1, 9)), f"violations.report:{held_dismissal.pk}"
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = purge.purge_pass(today=TODAY)

    remaining = set(Report.objects.values_list("pk", flat=True))
    assert remaining == {recent_dismissal.pk, held_dismissal.pk, younger_admonition.pk, open_case.pk}
    assert not Evidence.objects.filter(report=younger_admonition).exists()
    assert younger_admonition.events.filter(kind="file").count() == 1  # its name and hash stay in the history
    assert not any(storage.exists(name) for name in file_names)
    assert set(AuditEvent.objects.filter(pk__in=[old_audit, kept_audit, held_audit]).values_list("pk", flat=True)) == {
        kept_audit, held_audit,
    }  # fmt: skip
    assert {k: v for k, v in result.items() if k != "audit"} == {
        "case_dismissed": 1, "case_other": 1, "evidence": 2, "acknowledgements_kept": 0, "held": 1,
    }  # fmt: skip
    stones = Tombstone.objects.exclude(kind="audit").order_by("kind", "ref")
    assert [(t.kind, t.ref, t.ended_on) for t in stones] == sorted([
        ("case_dismissed", f"violations.report:{expired_dismissal.pk}", datetime.date(2024, 12, 1)),
        ("case_other", f"violations.report:{old_admonition.pk}", datetime.date(2021, 6, 30)),
        ("evidence", f"violations.evidence:{old_file}", datetime.date(2021, 6, 30)),
        ("evidence", f"violations.evidence:{young_file}", datetime.date(2023, 3, 1)),
    ])  # fmt: skip
    assert Tombstone.objects.get(kind="case_dismissed").reason == (
        "Hết thời hạn lưu 2 năm (RETENTION_CASE_DISMISSED_YEARS) tính từ 1/12/2024"
    )
    audit_stone = Tombstone.objects.get(kind="audit")
    assert (audit_stone.ref, audit_stone.ended_on) == ("core.auditevent", datetime.date(2021, 12, 1))
    assert PurgeRun.objects.get().day == TODAY


@pytest.mark.postgres
def test_a_released_hold_lets_the_next_purge_delete_the_case(cast, colleague):
    case = _dismissed(cast, colleague, datetime.date(2020, 1, 1))
    hold = services.hold_place(report=case, by=cast.administrator, reason="Khiếu nại đang giải quyết.")
    purge.purge_pass(today=TODAY)
    assert Report.objects.filter(pk=case.pk).exists()

    services.hold_release(hold=hold, by=cast.inspector)
    purge.purge_pass(today=TODAY)

    assert not Report.objects.filter(pk=case.pk).exists()
    hold.refresh_from_db()
    assert (hold.report_id, hold.target, hold.released_by) == (None, f"violations.report:{case.pk}", cast.inspector)


@pytest.mark.postgres
def test_the_audit_trail_refuses_deletion_outside_the_purge_and_of_rows_under_a_year(cast, settings):
    settings.RETENTION_AUDIT_YEARS = 1
    old = _audit_row(timezone.now() - datetime.timedelta(days=800))
    young = _audit_row(timezone.now() - datetime.timedelta(days=200))

    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=old).delete()
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.purge = 'on'")
        AuditEvent.objects.filter(pk=young).delete()
    purge.purge_pass(today=timezone.localdate())  # the old row goes, leaving a tombstone
    assert not AuditEvent.objects.filter(pk=old).exists()
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        Tombstone.objects.all().update(reason="changed")


def test_the_purge_runs_once_a_day_after_its_hour(db):
    early = timezone.make_aware(datetime.datetime(2026, 12, 1, 2, 59))
    late = timezone.make_aware(datetime.datetime(2026, 12, 1, 3, 0))

    assert purge.purge_tick(now=early) is None
    assert purge.purge_tick(now=late) == {"acknowledgements_kept": 0, "held": 0}
    assert purge.purge_tick(now=late) is None
    assert PurgeRun.objects.count() == 1


def test_a_hold_needs_a_reason_and_one_open_hold_per_case(cast, colleague):
    case = report_about(cast.staff, by=colleague)
    with pytest.raises(Exception, match="Hãy ghi lý do"):
        services.hold_place(report=case, by=cast.inspector, reason="  ")
    services.hold_place(report=case, by=cast.inspector, reason="Thanh tra.")
    with pytest.raises(Exception, match="đang được giữ lại"):
        services.hold_place(report=case, by=cast.administrator, reason="Lần hai.")
    assert LegalHold.objects.count() == 1


ROLES = ["staff", "unit_head", "inspector", "administrator", "outsider", "superuser", "anonymous"]
# view, method: statuses for ROLES in that order ("in": a case of the agency's subtree).
MATRIX = [
    ("privacy:holds", "get", (404, 404, 200, 200, 404, 200, 302)),
    ("privacy:holds", "post", (404, 404, 302, 302, 404, 302, 302)),
    ("privacy:hold_release", "post", (404, 404, 302, 302, 404, 302, 302)),
]


@pytest.mark.parametrize(("view", "method", "statuses"), MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_the_hold_pages_answer_each_role_as_the_matrix_says(client, cast, colleague, view, method, statuses, role):
    case = report_about(cast.staff, by=colleague)
    hold = services.hold_place(report=case, by=cast.inspector, reason="Thanh tra.") if "release" in view else None
    user = getattr(cast, role, None)
    if user is not None:
        client.force_login(user)
    url = reverse(view, args=[hold.pk] if hold else [])
    if view == "privacy:holds" and method == "post":
        LegalHold.objects.all().delete()
        response = client.post(url, {"report": str(case.pk), "reason": "Vụ án hành chính."})
    else:
        response = getattr(client, method)(url)

    assert response.status_code == statuses[ROLES.index(role)]


def test_an_inspector_cannot_hold_a_case_outside_their_units(client, cast, org):
    from tests.factories import PersonFactory

    foreign = PersonFactory(email="khac@example.gov.vn", unit=org.other_agency)
    reporter = PersonFactory(email="baocao@example.gov.vn", unit=org.other_agency)
    case = report_about(foreign, by=reporter)
    client.force_login(cast.inspector)

    page = client.post(reverse("privacy:holds"), {"report": str(case.pk), "reason": "Thử."}, follow=True)

    assert "Không tìm thấy hồ sơ số này trong phạm vi của bạn." in page.content.decode()
    assert not LegalHold.objects.exists()
