"""The legal clocks of a case, against dates worked out by hand from the law:
the 90-day limit of Decree 172/2025 from detection, paused by a deferral case and
extended to 150 days; a named denunciation's 7 working days to accept (Luật Tố cáo
2018, Art. 24(1)) over Tết 2026 and its 30 days to resolve (Art. 30(1))."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from violations import clocks, denunciations, procedure, workflow
from violations.models import DeferralCase, IdentityHandler, Report

D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def detected(case):
    """The case's violation detected on Monday 5/1/2026."""
    Report.objects.filter(pk=case.pk).update(seen_at=at(D(2026, 1, 5)), violated_on=D(2026, 1, 5))
    case.refresh_from_db()
    return case


def discipline(case, today):
    return {view.code: view for view in clocks.clocks_for(case, today)}["discipline"]


def test_the_discipline_limit_is_90_days_from_detection(detected):
    # 5/1/2026 + 90 days = Sunday 5/4/2026, so it ends on Monday 6/4.
    assert discipline(detected, D(2026, 2, 1)).due_on == D(2026, 4, 6)


def test_a_deferral_pauses_the_90_day_clock(cast, detected):
    illness = DeferralCase.objects.get(rule_set=detected.rule_set, code="benh")
    procedure.deferral_start(
        report=detected, by=cast.unit_head, role=workflow.REVIEWER, case=illness, started_on=D(2026, 1, 15)
    )
    paused = discipline(detected, D(2026, 1, 25))
    assert paused.paused is True
    with pytest.raises(ValidationError, match="chưa xem xét kỷ luật"):
        from violations import services

        services.report_transition(report=detected, to="under_review", by=cast.unit_head, role=workflow.REVIEWER)

    procedure.deferral_end(report=detected, by=cast.unit_head, role=workflow.REVIEWER, ended_on=D(2026, 2, 4))

    # 20 days paused (15/1 → 4/2): 5/1 + 20 + 90 = 25/4/2026, a Saturday; then Sunday
    # 26/4 and Monday 27/4 (Giỗ Tổ observed) are off: the limit ends Tuesday 28/4.
    resumed = discipline(detected, D(2026, 2, 10))
    assert (resumed.due_on, resumed.paused) == (D(2026, 4, 28), False)


def test_an_extension_in_writing_takes_the_limit_to_150_days_once(cast, detected):
    procedure.extension_record(
        report=detected, by=cast.unit_head, role=workflow.REVIEWER, clock="discipline", decided_on=timezone.localdate(),
        document="12/QĐ-STTTT", reason="Phải xác minh tại nhiều nơi.",
    )  # fmt: skip
    # 5/1/2026 + 150 days = Thursday 4/6/2026.
    assert discipline(detected, D(2026, 2, 1)).due_on == D(2026, 6, 4)
    with pytest.raises(ValidationError, match="tối đa"):
        procedure.extension_record(
            report=detected, by=cast.unit_head, role=workflow.REVIEWER, clock="discipline",
            decided_on=timezone.localdate(), document="13/QĐ-STTTT", reason="Lần nữa",
        )  # fmt: skip


@pytest.fixture
def denunciation(cast, org):
    IdentityHandler.objects.create(unit=org.department, person=cast.unit_head, granted_by=cast.administrator)
    report = denunciations.denunciation_create(
        by=cast.unit_head, subject=cast.staff, denouncer_name="Bùi Văn Tố", denouncer_address="12 Lê Lợi, Huế",
        received_on=D(2026, 2, 12), category="false_information", platform="facebook",
        description="Đăng tin sai sự thật về chính sách thuế.",
    )  # fmt: skip
    return report


def test_a_denunciation_is_accepted_within_7_working_days_over_tet(denunciation):
    accept = {view.code: view for view in clocks.clocks_for(denunciation, D(2026, 2, 13))}["accept"]
    assert (accept.due_on, accept.article) == (D(2026, 3, 2), "Luật Tố cáo 2018, Điều 24 khoản 1")
    assert accept.overdue is False
    assert {view.code: view for view in clocks.clocks_for(denunciation, D(2026, 3, 3))}["accept"].overdue is True


def test_the_resolution_runs_30_days_from_acceptance_and_each_written_extension_adds_30(cast, denunciation, settings):
    settings.DENUNCIATION_NOTIFY_WORKING_DAYS = 5
    Report.objects.filter(pk=denunciation.pk).update(state="accepted", accepted_on=D(2026, 3, 2))
    denunciation.refresh_from_db()
    views = {view.code: view for view in clocks.clocks_for(denunciation, D(2026, 3, 3))}
    assert views["notify"].due_on == D(2026, 3, 9)  # 5 working days after Monday 2/3
    assert views["resolve"].due_on == D(2026, 4, 1)  # 2/3 + 30 days, a Wednesday
    for number in ("01/GH", "02/GH"):
        procedure.extension_record(
            report=denunciation, by=cast.unit_head, role=workflow.REVIEWER, clock="resolve",
            decided_on=timezone.localdate(), document=number, reason="Vụ việc đặc biệt phức tạp.",
        )  # fmt: skip
    views = {view.code: view for view in clocks.clocks_for(denunciation, D(2026, 3, 3))}
    assert views["resolve"].due_on == D(2026, 5, 31) + datetime.timedelta(days=1)  # 2/3 + 90 = Sunday 31/5 → 1/6
    with pytest.raises(ValidationError, match="tối đa"):
        procedure.extension_record(
            report=denunciation, by=cast.unit_head, role=workflow.REVIEWER, clock="resolve",
            decided_on=timezone.localdate(), document="03/GH", reason="Lần ba",
        )  # fmt: skip
