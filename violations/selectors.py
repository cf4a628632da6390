from django.db.models import Q, QuerySet
from django.http import Http404

from organization import permissions
from organization.models import Role
from violations import workflow
from violations.models import Event, Report, State


def reports_visible_to(user) -> QuerySet[Report]:
    """Cases under the user's unit-head or inspector grants, their own reports, and
    confirmed cases about them."""
    if not user.is_authenticated:
        return Report.objects.none()
    scope = permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, path_field="unit__path")
    mine = Q(reporter=user) | Q(subject=user, state__in=workflow.SUBJECT_STATES)
    return Report.objects.filter(scope | mine)


def role_for(user, report: Report) -> str | None:
    """The user's relation to the case, strongest first; None means no access."""
    if permissions.covers(user, report.unit, Role.UNIT_HEAD):
        return workflow.REVIEWER
    if permissions.covers(user, report.unit, Role.INSPECTOR):
        return workflow.INSPECTOR
    if report.reporter_id is not None and report.reporter_id == user.pk:
        return workflow.REPORTER
    if report.subject_id == user.pk and report.state in workflow.SUBJECT_STATES:
        return workflow.SUBJECT
    return None


def get_report_for(user, pk: int, *, write: bool = False) -> tuple[Report, str]:
    """The case and the user's role in it; 404 outside their scope (and for
    inspectors when write=True)."""
    report = Report.objects.select_related("unit", "subject", "reporter").filter(pk=pk).first()
    role = role_for(user, report) if report else None
    if role is None or (write and role == workflow.INSPECTOR):
        raise Http404
    return report, role


# Which history lines each party reads.
_VISIBLE_KINDS = {
    workflow.REVIEWER: None,
    workflow.INSPECTOR: None,
    workflow.REPORTER: {Event.Kind.CREATED, Event.Kind.TRANSITION, Event.Kind.MESSAGE},
    workflow.SUBJECT: {Event.Kind.CREATED, Event.Kind.TRANSITION, Event.Kind.EXPLANATION},
    "anonymous": {Event.Kind.CREATED, Event.Kind.TRANSITION, Event.Kind.MESSAGE},
}


def shows_reporter(report: Report, role: str) -> bool:
    """Who reported: always to reviewers, inspectors and the reporter; to the person
    reported only when the reporter did not ask for confidentiality."""
    if role in (workflow.REVIEWER, workflow.INSPECTOR, workflow.REPORTER):
        return True
    return role == workflow.SUBJECT and not report.confidential


def history_for(report: Report, role: str, viewer=None) -> list[Event]:
    """The history lines this party may read, each with `shown_actor` (None where
    the actor is the reporter and must stay hidden)."""
    events = list(report.events.select_related("actor").order_by("created_at", "id"))
    kinds = _VISIBLE_KINDS[role]
    visible = [
        e for e in events
        if kinds is None or e.kind in kinds or (e.kind == Event.Kind.FILE and viewer is not None and e.actor_id == viewer.pk)
    ]  # fmt: skip
    hide_reporter = not shows_reporter(report, role)
    labels = dict(State.choices)
    for event in visible:
        event.from_label, event.to_label = labels.get(event.from_state, ""), labels.get(event.to_state, "")
        hidden = hide_reporter and report.reporter_id is not None and event.actor_id == report.reporter_id
        event.shown_actor = None if hidden else event.actor
    return visible
