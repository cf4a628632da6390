"""Who may move a case from which state to which: the one table in code.

The database checks that states and outcomes are valid; this table says who may
make each move. Roles are the viewer's relation to the case (see selectors.role_for).
"""

from violations.models import State

REVIEWER = "reviewer"  # a unit head over the unit of the person reported
INSPECTOR = "inspector"  # read-only over the unit
REPORTER = "reporter"
SUBJECT = "subject"  # the person reported
ROLES = (REVIEWER, INSPECTOR, REPORTER, SUBJECT)

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (State.SUBMITTED, State.UNDER_REVIEW): frozenset({REVIEWER}),
    (State.SUBMITTED, State.DISMISSED): frozenset({REVIEWER}),
    (State.UNDER_REVIEW, State.NEEDS_INFORMATION): frozenset({REVIEWER}),
    (State.UNDER_REVIEW, State.CONFIRMED): frozenset({REVIEWER}),
    (State.UNDER_REVIEW, State.DISMISSED): frozenset({REVIEWER}),
    # The reporter's answer sends the case back for review, as the reviewer can.
    (State.NEEDS_INFORMATION, State.UNDER_REVIEW): frozenset({REVIEWER, REPORTER}),
    (State.NEEDS_INFORMATION, State.DISMISSED): frozenset({REVIEWER}),
    (State.CONFIRMED, State.CLOSED): frozenset({REVIEWER}),
}

OPEN_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.NEEDS_INFORMATION)
# The person reported sees a case once it is confirmed for review.
SUBJECT_STATES = (State.CONFIRMED, State.CLOSED)


def may_move(role: str | None, from_state: str, to_state: str) -> bool:
    return role in TRANSITIONS.get((from_state, to_state), frozenset())


def moves_for(role: str | None, from_state: str) -> list[str]:
    return [to for (start, to), roles in TRANSITIONS.items() if start == from_state and role in roles]
