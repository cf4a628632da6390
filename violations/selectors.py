from django.db.models import Q, QuerySet
from django.http import Http404

from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit
from organization.selectors import ancestor_paths, holders_over
from violations import workflow
from violations.models import Event, Report, State


def review_unit_for(*, unit: Unit, subject: Person | None = None, subject_is_head: bool = False) -> Unit | None:
    """The unit whose heads review a case about someone in `unit`: `unit` itself,
    unless the person reported heads it, then the unit just above the highest one
    they head (None when that is the root: no head above them, inspectors only).

    A staff report names the account, so its grants decide; an anonymous report
    names only a unit, so the sender says whether the person is one of its heads."""
    if subject is not None:
        grants = RoleGrant.objects.filter(person=subject, role=Role.UNIT_HEAD).values_list("unit__path", flat=True)
        prefixes = list(grants)
        headed = [path for path in ancestor_paths(unit) if any(path.startswith(prefix) for prefix in prefixes)]
        if not headed:
            return unit
        top = headed[0]  # ancestor_paths runs from the root down
    elif subject_is_head:
        top = unit.path
    else:
        return unit
    if len(top) <= unit.steplen:
        return None
    return Unit.objects.get(path=top[: -unit.steplen])


def reviewers_of(report: Report) -> QuerySet[Person]:
    """The people who review the case (and get its new-case e-mail and reminders):
    active heads over its review unit, never the person reported."""
    if report.review_unit_id is None:
        return Person.objects.none()
    return holders_over(report.review_unit, Role.UNIT_HEAD).exclude(pk=report.subject_id or 0).order_by("email")


def inspectors_of(report: Report) -> QuerySet[Person]:
    """The inspectors over the case's unit (escalations), never the person reported."""
    return holders_over(report.unit, Role.INSPECTOR).exclude(pk=report.subject_id or 0).order_by("email")


def _is_subject(user, report: Report) -> bool:
    return report.subject_id is not None and report.subject_id == user.pk


def reports_visible_to(user) -> QuerySet[Report]:
    """Cases whose review unit is under the user's unit-head grants, cases under
    their inspector grants, their own reports, and confirmed cases about them. A
    case about the user reaches them only that last way, whatever their grants."""
    if not user.is_authenticated:
        return Report.objects.none()
    # A superuser's scope is Q(): also the cases with no review unit.
    heads = permissions.scope_q(user, Role.UNIT_HEAD, path_field="review_unit__path")
    inspectors = permissions.scope_q(user, Role.INSPECTOR, path_field="unit__path")
    as_reviewer = (heads | inspectors) & ~Q(subject=user)
    mine = Q(reporter=user) | Q(subject=user, state__in=workflow.SUBJECT_STATES)
    return Report.objects.filter(as_reviewer | mine)


def role_for(user, report: Report) -> str | None:
    """The user's relation to the case, strongest first; None means no access. The
    person reported is only ever SUBJECT (once the case is confirmed), even when
    they head the unit or inspect it."""
    if _is_subject(user, report):
        return workflow.SUBJECT if report.state in workflow.SUBJECT_STATES else None
    if permissions.covers(user, report.review_unit, Role.UNIT_HEAD):  # False for None, superusers aside
        return workflow.REVIEWER
    if permissions.covers(user, report.unit, Role.INSPECTOR):
        return workflow.INSPECTOR
    if report.reporter_id is not None and report.reporter_id == user.pk:
        return workflow.REPORTER
    return None


def get_report_for(user, pk: int, *, write: bool = False) -> tuple[Report, str]:
    """The case and the user's role in it; 404 outside their scope (and for
    inspectors when write=True)."""
    report = Report.objects.select_related("unit", "review_unit", "subject", "reporter").filter(pk=pk).first()
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
    # In insertion order: anonymous senders' lines carry only their day (services).
    events = list(report.events.select_related("actor").order_by("id"))
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
