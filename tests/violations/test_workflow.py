"""The procedure, checked against the requirement written out here as data: for each
track (a reported case, a named denunciation) every role × every (from, to) pair of
states, the open states, the states the person reported sees, and the moves each
role is offered. Nothing below is computed from violations.workflow, so a wrong
table in the code fails these tests.

The law behind the table (README, "Discipline and denunciations"): the person
reported is heard (giải trình) before any conclusion; after it come the review
meeting, the Disciplinary Council where the rule set requires one, the decision and
its notification; dismissal with a reason at every step before the decision; a named
denunciation is accepted (thụ lý) or declined first."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from violations import services, workflow
from violations.models import Event, Report, State

ROLES = ["reviewer", "inspector", "reporter", "subject"]
TRACKS = ["case", "denunciation"]
STATES = [
    "submitted", "accepted", "under_review", "needs_information", "hearing", "confirmed", "meeting", "council",
    "decided", "dismissed", "closed",
]  # fmt: skip

# May the reviewer move a case from the row's state to the column's? x = yes, . = no.
# columns:              sub acc rev inf hea con mee cou dec dis clo
REVIEWER = {
    "case": {
        "submitted":         ".   .   x   .   .   .   .   .   .   x   .",
        "accepted":          ".   .   .   .   .   .   .   .   .   .   .",
        "under_review":      ".   .   .   x   x   .   .   .   .   x   .",
        "needs_information": ".   .   x   .   .   .   .   .   .   x   .",
        "hearing":           ".   .   .   .   .   x   .   .   .   x   .",
        "confirmed":         ".   .   .   .   .   .   x   .   .   x   x",
        "meeting":           ".   .   .   .   .   .   .   x   x   x   .",
        "council":           ".   .   .   .   .   .   .   .   x   x   .",
        "decided":           ".   .   .   .   .   .   .   .   .   .   x",
        "dismissed":         ".   .   .   .   .   .   .   .   .   .   .",
        "closed":            ".   .   .   .   .   .   .   .   .   .   .",
    },
    "denunciation": {
        "submitted":         ".   x   .   .   .   .   .   .   .   x   .",
        "accepted":          ".   .   x   .   .   .   .   .   .   x   .",
        "under_review":      ".   .   .   .   x   .   .   .   .   x   .",
        "needs_information": ".   .   .   .   .   .   .   .   .   .   .",
        "hearing":           ".   .   .   .   .   x   .   .   .   x   .",
        "confirmed":         ".   .   .   .   .   .   x   .   .   x   x",
        "meeting":           ".   .   .   .   .   .   .   x   x   x   .",
        "council":           ".   .   .   .   .   .   .   .   x   x   .",
        "decided":           ".   .   .   .   .   .   .   .   .   .   x",
        "dismissed":         ".   .   .   .   .   .   .   .   .   .   .",
        "closed":            ".   .   .   .   .   .   .   .   .   .   .",
    },
}  # fmt: skip
# The reporter moves a case only by answering a request for information; inspectors
# and the person reported move nothing.
REPORTER = {"case": {("needs_information", "under_review")}, "denunciation": set()}

TABLE = [
    (track, role, from_state, to_state, allowed)
    for track in TRACKS
    for role in ROLES
    for from_state in STATES
    for to_state, allowed in zip(
        STATES,
        [mark == "x" for mark in REVIEWER[track][from_state].split()]
        if role == "reviewer"
        else [role == "reporter" and (from_state, to) in REPORTER[track] for to in STATES],
        strict=True,
    )
]

# What the case page offers each role from each state, in the order of its buttons;
# every (track, role, state) not listed is offered nothing.
MOVES_FOR = {
    ("case", "reviewer", "submitted"): ["under_review", "dismissed"],
    ("case", "reviewer", "under_review"): ["needs_information", "hearing", "dismissed"],
    ("case", "reviewer", "needs_information"): ["under_review", "dismissed"],
    ("case", "reviewer", "hearing"): ["confirmed", "dismissed"],
    ("case", "reviewer", "confirmed"): ["meeting", "closed", "dismissed"],
    ("case", "reviewer", "meeting"): ["council", "decided", "dismissed"],
    ("case", "reviewer", "council"): ["decided", "dismissed"],
    ("case", "reviewer", "decided"): ["closed"],
    ("case", "reporter", "needs_information"): ["under_review"],
    ("denunciation", "reviewer", "submitted"): ["accepted", "dismissed"],
    ("denunciation", "reviewer", "accepted"): ["under_review", "dismissed"],
    ("denunciation", "reviewer", "under_review"): ["hearing", "dismissed"],
    ("denunciation", "reviewer", "hearing"): ["confirmed", "dismissed"],
    ("denunciation", "reviewer", "confirmed"): ["meeting", "closed", "dismissed"],
    ("denunciation", "reviewer", "meeting"): ["council", "decided", "dismissed"],
    ("denunciation", "reviewer", "council"): ["decided", "dismissed"],
    ("denunciation", "reviewer", "decided"): ["closed"],
}


def test_the_table_above_covers_every_track_role_and_pair_of_states():
    assert len(TABLE) == 2 * 4 * 11 * 11
    assert {(t, r, a, b) for t, r, a, b, _ in TABLE} == set(itertools.product(TRACKS, ROLES, STATES, STATES))
    assert sum(allowed for *_move, allowed in TABLE) == 18 + 1 + 17


def test_the_roles_states_and_kinds_are_the_strings_the_templates_compare_with():
    assert workflow.ROLES == ("reviewer", "inspector", "reporter", "subject")
    assert workflow.TRACKS == ("case", "denunciation")
    assert State.values == STATES
    assert Event.Kind.values == [
        "created", "transition", "note", "message", "explanation", "file", "original", "rules", "meeting", "council",
        "decision", "deferral", "extension", "notified",
    ]  # fmt: skip


def test_open_review_message_and_subject_states():
    assert list(workflow.OPEN_STATES) == [
        "submitted", "accepted", "under_review", "needs_information", "hearing", "confirmed", "meeting", "council",
        "decided",
    ]  # fmt: skip
    assert list(workflow.REVIEW_STATES) == ["submitted", "accepted", "under_review", "needs_information"]
    assert list(workflow.MESSAGE_STATES) == ["submitted", "under_review", "needs_information"]
    # From the hearing on: heard before any conclusion.
    assert list(workflow.SUBJECT_STATES) == ["hearing", "confirmed", "meeting", "council", "decided", "closed"]


@pytest.mark.parametrize(("track", "role", "from_state", "to_state", "allowed"), TABLE)
def test_may_move_answers_as_the_requirement_says(track, role, from_state, to_state, allowed):
    assert workflow.may_move(role, from_state, to_state, track) is allowed


@pytest.mark.parametrize(("track", "from_state", "to_state"), list(itertools.product(TRACKS, STATES, STATES)))
def test_nobody_without_a_role_moves_anything(track, from_state, to_state):
    assert workflow.may_move(None, from_state, to_state, track) is False


@pytest.mark.parametrize(("track", "role", "state"), list(itertools.product(TRACKS, [*ROLES, None], STATES)))
def test_each_role_is_offered_exactly_its_moves_from_each_state(track, role, state):
    assert workflow.moves_for(role, state, track) == MOVES_FOR.get((track, role, state), [])


# The moves the plain transition service makes itself (the meeting, council and
# decision are taken by recording them: tests/violations/test_procedure.py), with
# their preconditions met: the rule set known, the person heard.
SERVICE_MOVES = [
    (role, a, b, allowed)
    for track, role, a, b, allowed in TABLE
    if track == "case" and b not in ("meeting", "council", "decided") and not (a == "decided" and b == "closed")
]


@pytest.mark.parametrize(("role", "from_state", "to_state", "allowed"), SERVICE_MOVES)
def test_the_service_moves_a_case_only_as_the_requirement_says(cast, case, role, from_state, to_state, allowed):
    closed = {"outcome": "admonition", "measure": case.rule_set.measures.first()} if from_state == "closed" else {}
    Report.objects.filter(pk=case.pk).update(state=from_state, **closed)
    Event.objects.create(report=case, kind=Event.Kind.EXPLANATION, actor=cast.staff, text="Tôi xin giải trình.")
    case.refresh_from_db()

    try:
        services.report_transition(
            report=case, to=to_state, by=cast.unit_head, role=role, note="lý do", outcome="admonition"
        )
    except ValidationError:
        moved = False
    else:
        moved = True

    case.refresh_from_db()
    assert moved is allowed
    assert case.state == (to_state if allowed else from_state)
    assert case.events.filter(kind="transition").count() == (1 if allowed else 0)


@pytest.mark.parametrize("to_state", ["meeting", "council", "decided"])
def test_the_recorded_steps_cannot_be_taken_without_their_record(cast, case, to_state):
    before = {"meeting": "confirmed", "council": "meeting", "decided": "meeting"}[to_state]
    Report.objects.filter(pk=case.pk).update(state=before)

    with pytest.raises(ValidationError, match="Hãy ghi"):
        services.report_transition(report=case, to=to_state, by=cast.unit_head, role="reviewer")
    case.refresh_from_db()
    assert case.state == before


def test_a_reviewer_hears_the_person_before_concluding_and_closes_with_a_measure_that_is_not_discipline(
    cast, colleague, case
):
    for to in (State.UNDER_REVIEW, State.NEEDS_INFORMATION):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_message(report=case, by=colleague, text="Bổ sung: ảnh chụp lúc 9 giờ.")
    services.report_transition(report=case, to=State.HEARING, by=cast.unit_head, role=workflow.REVIEWER)
    with pytest.raises(ValidationError, match="chưa giải trình"):
        services.report_transition(report=case, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_explain(report=case, by=cast.staff, text="Tôi đăng nhầm, đã gỡ ngay.")
    services.report_transition(
        report=case, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER, note="Đúng phản ánh"
    )
    with pytest.raises(ValidationError, match="không phải kỷ luật"):
        services.report_transition(
            report=case, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER, outcome="reprimand"
        )
    services.report_transition(
        report=case, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER, outcome="self_criticism"
    )

    history = [(e.kind, e.to_state) for e in case.events.order_by("id")]
    assert history == [
        ("created", "submitted"), ("file", ""), ("transition", "under_review"), ("transition", "needs_information"),
        ("message", ""), ("transition", "under_review"), ("transition", "hearing"), ("explanation", ""),
        ("transition", "confirmed"), ("transition", "closed"),
    ]  # fmt: skip
    case.refresh_from_db()
    assert (case.state, case.outcome, case.measure.label) == ("closed", "self_criticism", "Kiểm điểm rút kinh nghiệm")


def test_dismissing_needs_a_reason_at_any_step(cast, case):
    for state in ("submitted", "under_review", "hearing", "confirmed", "meeting", "council"):
        Report.objects.filter(pk=case.pk).update(state=state)
        with pytest.raises(ValidationError, match="lý do"):
            services.report_transition(report=case, to=State.DISMISSED, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(
        report=case, to=State.DISMISSED, by=cast.unit_head, role=workflow.REVIEWER, note="Không đủ căn cứ"
    )
    case.refresh_from_db()
    assert case.state == "dismissed"


def test_the_database_rejects_invalid_states_and_outcomes(case):
    for values in (
        {"state": "lost"},
        {"state": State.CLOSED, "outcome": ""},
        {"state": State.CLOSED, "outcome": "reprimand"},  # no measure named
        {"state": State.UNDER_REVIEW, "outcome": "warning"},
        {"staff_kind": "xx"},
        {"accepted_on": "2026-01-05"},  # accepted only as a denunciation
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


def test_only_the_person_reported_explains_and_only_from_the_hearing(cast, case):
    with pytest.raises(ValidationError, match="Chỉ người bị phản ánh"):
        services.report_explain(report=case, by=cast.staff, text="Giải trình sớm")
    Report.objects.filter(pk=case.pk).update(state=State.HEARING)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_explain(report=case, by=cast.unit_head, text="Thay mặt")
    services.report_explain(report=case, by=cast.staff, text="Tôi xin giải trình.")
    assert case.events.filter(kind="explanation").count() == 1
