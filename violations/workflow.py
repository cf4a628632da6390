"""Who may move a case from which state to which: the one table in code.

The procedure follows the law in force (README, "Discipline and denunciations"):
verification → the person reported is heard (giải trình) before any conclusion →
conclusion → review meeting (họp kiểm điểm) → Disciplinary Council where the rule
set requires one → decision → notified (closed). A case concluded with a measure
that is not discipline (nhắc nhở, yêu cầu gỡ bài, kiểm điểm rút kinh nghiệm) closes
straight after the conclusion. Dismissal, with a reason, at any step before the
decision. A named denunciation (Luật Tố cáo 2018) is first accepted (thụ lý) or
declined. The services add the conditions a role cannot express (a hearing before
the conclusion, the meeting's record, a council only where required); the database
checks that states are valid. Roles are the viewer's relation to the case (see
selectors.role_for).
"""

from violations.models import State

REVIEWER = "reviewer"  # a unit head over the unit of the person reported
INSPECTOR = "inspector"  # read-only over the unit
REPORTER = "reporter"
SUBJECT = "subject"  # the person reported
ROLES = (REVIEWER, INSPECTOR, REPORTER, SUBJECT)

CASE = "case"  # reported by a head, a member of staff or anonymously
DENUNCIATION = "denunciation"  # a named denunciation under the Law on Denunciations
TRACKS = (CASE, DENUNCIATION)

_R = frozenset({REVIEWER})
_DISCIPLINE = {
    (State.HEARING, State.CONFIRMED): _R,
    (State.HEARING, State.DISMISSED): _R,
    (State.CONFIRMED, State.MEETING): _R,
    (State.CONFIRMED, State.CLOSED): _R,  # a measure that is not discipline
    (State.CONFIRMED, State.DISMISSED): _R,
    (State.MEETING, State.COUNCIL): _R,
    (State.MEETING, State.DECIDED): _R,
    (State.MEETING, State.DISMISSED): _R,
    (State.COUNCIL, State.DECIDED): _R,
    (State.COUNCIL, State.DISMISSED): _R,
    (State.DECIDED, State.CLOSED): _R,  # the decision notified to the person
}

TRANSITIONS: dict[tuple[str, str, str], frozenset[str]] = {
    (CASE, State.SUBMITTED, State.UNDER_REVIEW): _R,
    (CASE, State.SUBMITTED, State.DISMISSED): _R,
    (CASE, State.UNDER_REVIEW, State.NEEDS_INFORMATION): _R,
    (CASE, State.UNDER_REVIEW, State.HEARING): _R,
    (CASE, State.UNDER_REVIEW, State.DISMISSED): _R,
    # The reporter's answer sends the case back for review, as the reviewer can.
    (CASE, State.NEEDS_INFORMATION, State.UNDER_REVIEW): frozenset({REVIEWER, REPORTER}),
    (CASE, State.NEEDS_INFORMATION, State.DISMISSED): _R,
    **{(CASE, a, b): roles for (a, b), roles in _DISCIPLINE.items()},
    (DENUNCIATION, State.SUBMITTED, State.ACCEPTED): _R,  # thụ lý
    (DENUNCIATION, State.SUBMITTED, State.DISMISSED): _R,  # không thụ lý
    (DENUNCIATION, State.ACCEPTED, State.UNDER_REVIEW): _R,
    (DENUNCIATION, State.ACCEPTED, State.DISMISSED): _R,
    (DENUNCIATION, State.UNDER_REVIEW, State.HEARING): _R,
    (DENUNCIATION, State.UNDER_REVIEW, State.DISMISSED): _R,
    **{(DENUNCIATION, a, b): roles for (a, b), roles in _DISCIPLINE.items()},
}

OPEN_STATES = (
    State.SUBMITTED,
    State.ACCEPTED,
    State.UNDER_REVIEW,
    State.NEEDS_INFORMATION,
    State.HEARING,
    State.CONFIRMED,
    State.MEETING,
    State.COUNCIL,
    State.DECIDED,
)
# Before the conclusion: the review deadline's reminders and escalations apply.
REVIEW_STATES = (State.SUBMITTED, State.ACCEPTED, State.UNDER_REVIEW, State.NEEDS_INFORMATION)
# Messages with the reporter are taken while the facts are being gathered.
MESSAGE_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.NEEDS_INFORMATION)
# The person reported sees a case from the hearing on: they are heard before any
# conclusion, and see the evidence (what would identify a protected reporter aside).
SUBJECT_STATES = (
    State.HEARING,
    State.CONFIRMED,
    State.MEETING,
    State.COUNCIL,
    State.DECIDED,
    State.CLOSED,
)
# The steps after which discipline is decided; deferrals pause them.
DISCIPLINE_STATES = (State.CONFIRMED, State.MEETING, State.COUNCIL)


def track_of(report) -> str:
    return DENUNCIATION if report.channel == "denunciation" else CASE


def may_move(role: str | None, from_state: str, to_state: str, track: str = CASE) -> bool:
    return role in TRANSITIONS.get((track, from_state, to_state), frozenset())


def moves_for(role: str | None, from_state: str, track: str = CASE) -> list[str]:
    return [
        to for (table_track, start, to), roles in TRANSITIONS.items()
        if table_track == track and start == from_state and role in roles
    ]  # fmt: skip
