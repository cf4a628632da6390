"""The review workflow as a table: every state × every role × every move."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from violations import services, workflow
from violations.models import Event, Outcome, Report, State

ROLES = [*workflow.ROLES, None]
MOVES = list(itertools.product(State.values, State.values))


@pytest.mark.parametrize(("role", "move"), list(itertools.product(ROLES, MOVES)))
def test_only_the_moves_in_the_table_are_allowed(cast, case, role, move):
    from_state, to_state = move
    Report.objects.filter(pk=case.pk).update(
        state=from_state, outcome=Outcome.ADMONITION if from_state == State.CLOSED else ""
    )
    case.refresh_from_db()
    allowed = role in workflow.TRANSITIONS.get((from_state, to_state), ())

    try:
        services.report_transition(
            report=case, to=to_state, by=cast.unit_head, role=role, note="lý do", outcome=Outcome.ADMONITION
        )
    except ValidationError:
        moved = False
    else:
        moved = True

    case.refresh_from_db()
    assert moved is allowed
    assert case.state == (to_state if allowed else from_state)


def test_a_reviewer_takes_a_case_from_report_to_outcome_and_every_step_is_in_the_history(cast, case):
    for to in (State.UNDER_REVIEW, State.NEEDS_INFORMATION):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_message(report=case, by=case.reporter, text="Bổ sung: ảnh chụp lúc 9 giờ.")
    services.report_transition(
        report=case, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER, note="Đúng phản ánh"
    )
    services.report_explain(report=case, by=cast.staff, text="Tôi đăng nhầm, đã gỡ ngay.")
    services.report_transition(
        report=case, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER, outcome=Outcome.SELF_CRITICISM
    )

    history = [(e.kind, e.to_state) for e in case.events.order_by("id")]
    assert history == [
        ("created", "submitted"), ("file", ""), ("transition", "under_review"), ("transition", "needs_information"),
        ("message", ""), ("transition", "under_review"), ("transition", "confirmed"), ("explanation", ""), ("transition", "closed"),
    ]  # fmt: skip
    case.refresh_from_db()
    assert (case.state, case.get_outcome_display()) == ("closed", "Kiểm điểm")


def test_dismissing_needs_a_reason_and_closing_needs_an_outcome(cast, case):
    with pytest.raises(ValidationError, match="lý do"):
        services.report_transition(report=case, to=State.DISMISSED, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(report=case, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(report=case, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER)
    with pytest.raises(ValidationError, match="hình thức xử lý"):
        services.report_transition(report=case, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER)


def test_the_database_rejects_invalid_states_and_outcomes(case):
    for values in (
        {"state": "lost"},
        {"state": State.CLOSED, "outcome": ""},
        {"state": State.UNDER_REVIEW, "outcome": Outcome.WARNING},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=case.pk).update(**values)


def test_history_cannot_be_edited_or_deleted(case):
    event = case.events.first()

    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_only_the_person_reported_explains_and_only_once_confirmed(cast, case):
    with pytest.raises(ValidationError, match="Chỉ người bị phản ánh"):
        services.report_explain(report=case, by=cast.staff, text="Giải trình sớm")
    Report.objects.filter(pk=case.pk).update(state=State.CONFIRMED)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_explain(report=case, by=cast.unit_head, text="Thay mặt")
