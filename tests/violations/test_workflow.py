"""The review workflow, checked against the requirement written out here as data:
every role × every (from, to) pair of states, the open states, the states the person
reported sees, and the moves each role is offered from each state. Nothing below is
computed from violations.workflow, so a wrong table in the code fails these tests."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from violations import services, workflow
from violations.models import Event, Outcome, Report, State

ROLES = ["reviewer", "inspector", "reporter", "subject"]
STATES = ["submitted", "under_review", "needs_information", "confirmed", "dismissed", "closed"]

# May `role` move a case from the row's state to the column's? x = yes, . = no.
#                         to: submitted  under_review  needs_information  confirmed  dismissed  closed
ALLOWED = {
    "reviewer": {
        "submitted":           ".            x             .                  .          x          .",
        "under_review":        ".            .             x                  x          x          .",
        "needs_information":   ".            x             .                  .          x          .",
        "confirmed":           ".            .             .                  .          .          x",
        "dismissed":           ".            .             .                  .          .          .",
        "closed":              ".            .             .                  .          .          .",
    },
    "inspector": {
        "submitted":           ".            .             .                  .          .          .",
        "under_review":        ".            .             .                  .          .          .",
        "needs_information":   ".            .             .                  .          .          .",
        "confirmed":           ".            .             .                  .          .          .",
        "dismissed":           ".            .             .                  .          .          .",
        "closed":              ".            .             .                  .          .          .",
    },
    # The reporter moves a case only by answering a request for information.
    "reporter": {
        "submitted":           ".            .             .                  .          .          .",
        "under_review":        ".            .             .                  .          .          .",
        "needs_information":   ".            x             .                  .          .          .",
        "confirmed":           ".            .             .                  .          .          .",
        "dismissed":           ".            .             .                  .          .          .",
        "closed":              ".            .             .                  .          .          .",
    },
    "subject": {
        "submitted":           ".            .             .                  .          .          .",
        "under_review":        ".            .             .                  .          .          .",
        "needs_information":   ".            .             .                  .          .          .",
        "confirmed":           ".            .             .                  .          .          .",
        "dismissed":           ".            .             .                  .          .          .",
        "closed":              ".            .             .                  .          .          .",
    },
}  # fmt: skip

# What the case page offers each role from each state, in the order of its buttons;
# every (role, state) not listed is offered nothing.
MOVES_FOR = {
    ("reviewer", "submitted"): ["under_review", "dismissed"],
    ("reviewer", "under_review"): ["needs_information", "confirmed", "dismissed"],
    ("reviewer", "needs_information"): ["under_review", "dismissed"],
    ("reviewer", "confirmed"): ["closed"],
    ("reporter", "needs_information"): ["under_review"],
}

TABLE = [
    (role, from_state, to_state, mark == "x")
    for role, rows in ALLOWED.items()
    for from_state, marks in rows.items()
    for to_state, mark in zip(STATES, marks.split(), strict=True)
]


def test_the_table_above_covers_every_role_and_every_pair_of_states():
    assert len(TABLE) == 4 * 6 * 6
    assert {(role, a, b) for role, a, b, _allowed in TABLE} == set(itertools.product(ROLES, STATES, STATES))
    assert sum(allowed for *_move, allowed in TABLE) == 9


def test_the_roles_and_states_are_the_strings_the_templates_compare_with():
    assert (workflow.REVIEWER, workflow.INSPECTOR, workflow.REPORTER, workflow.SUBJECT) == (
        "reviewer",
        "inspector",
        "reporter",
        "subject",
    )
    assert workflow.ROLES == ("reviewer", "inspector", "reporter", "subject")
    assert State.values == STATES
    assert Event.Kind.values == ["created", "transition", "note", "message", "explanation", "file", "original"]
    assert Outcome.values == [
        "admonition", "self_criticism", "reprimand", "warning", "salary_downgrade", "demotion",
        "dismissal_from_post", "forced_resignation", "other",
    ]  # fmt: skip


def test_open_states_are_those_still_under_review():
    assert list(workflow.OPEN_STATES) == ["submitted", "under_review", "needs_information"]


def test_the_person_reported_sees_the_case_once_confirmed():
    assert list(workflow.SUBJECT_STATES) == ["confirmed", "closed"]


@pytest.mark.parametrize(("role", "from_state", "to_state", "allowed"), TABLE)
def test_may_move_answers_as_the_requirement_says(role, from_state, to_state, allowed):
    assert workflow.may_move(role, from_state, to_state) is allowed


@pytest.mark.parametrize(("from_state", "to_state"), list(itertools.product(STATES, STATES)))
def test_nobody_without_a_role_moves_anything(from_state, to_state):
    assert workflow.may_move(None, from_state, to_state) is False


@pytest.mark.parametrize(("role", "state"), list(itertools.product([*ROLES, None], STATES)))
def test_each_role_is_offered_exactly_its_moves_from_each_state(role, state):
    assert workflow.moves_for(role, state) == MOVES_FOR.get((role, state), [])


@pytest.mark.parametrize(("role", "from_state", "to_state", "allowed"), TABLE)
def test_the_service_moves_a_case_only_as_the_requirement_says(cast, case, role, from_state, to_state, allowed):
    Report.objects.filter(pk=case.pk).update(
        state=from_state, outcome=Outcome.ADMONITION if from_state == "closed" else ""
    )
    case.refresh_from_db()

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
    assert case.events.filter(kind="transition").count() == (1 if allowed else 0)


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
