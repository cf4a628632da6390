import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit
from organization.selectors import ancestor_paths, holders_over
from violations import identity, workflow
from violations.models import Channel, Event, IdentityHandler, Report, State


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


def heads_above(report: Report) -> QuerySet[Person]:
    """Escalation of a legal time limit: the heads of the unit above the review unit,
    or the inspectors of the case when there is no unit above; never the subject."""
    above = report.review_unit.get_parent() if report.review_unit_id else None
    if above is None:
        return inspectors_of(report)
    people = holders_over(above, Role.UNIT_HEAD).exclude(pk=report.subject_id or 0).order_by("email")
    return people if people.exists() else inspectors_of(report)


def _is_subject(user, report: Report) -> bool:
    return report.subject_id is not None and report.subject_id == user.pk


def reports_visible_to(user) -> QuerySet[Report]:
    """Cases whose review unit is under the user's unit-head grants, cases under
    their inspector grants, their own reports, and confirmed cases about them. A
    case about the user reaches them only that last way, whatever their grants."""
    if not user.is_authenticated:
        return Report.objects.none()
    # A superuser's scope is Q(): also the cases with no review unit.
    mine = reported_by_q(user) | Q(subject=user, state__in=workflow.SUBJECT_STATES)
    return Report.objects.filter(_as_reviewer_q(user) | mine)


def awaiting_review(user) -> QuerySet[Report]:
    """New cases (not yet taken up) whose review unit is under the user's unit-head
    grants: what a head must open first. Never a case about the user."""
    scope = permissions.scope_q(user, Role.UNIT_HEAD, path_field="review_unit__path")
    return Report.objects.filter(scope, state=State.SUBMITTED).exclude(subject=user)


def review_due_soon(user, today: datetime.date) -> QuerySet[Report]:
    """Cases still in review under the user's unit-head grants whose review deadline
    is within VIOLATION_REMIND_DAYS_BEFORE days or past, soonest first (the days the
    reminders go out); never a case about the user."""
    scope = permissions.scope_q(user, Role.UNIT_HEAD, path_field="review_unit__path")
    last = today + datetime.timedelta(days=settings.VIOLATION_REMIND_DAYS_BEFORE)
    cases = Report.objects.filter(scope, state__in=workflow.REVIEW_STATES, review_due_on__lte=last)
    return cases.exclude(subject=user).order_by("review_due_on", "pk")


def explanations_owed(user) -> QuerySet[Report]:
    """Cases about the user at the hearing step that hold no explanation of theirs yet."""
    explained = Event.objects.filter(kind=Event.Kind.EXPLANATION, actor=user).values("report_id")
    return Report.objects.filter(subject=user, state=State.HEARING).exclude(pk__in=explained)


def _as_reviewer_q(user) -> Q:
    heads = permissions.scope_q(user, Role.UNIT_HEAD, path_field="review_unit__path")
    inspectors = permissions.scope_q(user, Role.INSPECTOR, path_field="unit__path")
    return (heads | inspectors | _handler_q(user)) & ~Q(subject=user)


def with_legal_clocks(cases: QuerySet[Report], today: datetime.date, *, within_days: int | None = None) -> list:
    """(case, clock) for each legal clock of the open cases that has run out, or
    runs out within `within_days`; most urgent first. A fixed number of queries."""
    from violations import clocks

    rows = (
        cases.filter(state__in=workflow.OPEN_STATES)
        .select_related("unit", "rule_set")
        .prefetch_related("deferrals", "extensions", "rule_set__clocks")
    )
    denunciation = clocks.denunciation_rules()
    found = []
    for report in rows:
        for clock in clocks.legal_clocks(report, today, denunciation):
            if clock.overdue or (within_days is not None and clock.days_left <= within_days):
                found.append((report, clock))
    return sorted(found, key=lambda pair: (pair[1].due_on, pair[0].pk))


def attention_clocks(user, today: datetime.date) -> list:
    """The head's and the inspector's "needs attention": the legal clocks of the
    cases they review or oversee that ran out or run out within
    VIOLATION_LIMIT_REMIND_DAYS (never a case about themselves)."""
    if not user.is_authenticated:
        return []
    cases = Report.objects.filter(_as_reviewer_q(user))
    return with_legal_clocks(cases, today, within_days=settings.VIOLATION_LIMIT_REMIND_DAYS)


def reported_by_q(user) -> Q:
    """The cases the user reported: by name, or confidentially (their sealed tag)."""
    return Q(reporter=user) | Q(reporter_tag__in=identity.reporter_tags(user))


def is_reporter(user, report: Report) -> bool:
    if not user.is_authenticated:
        return False
    return report.reporter_id == user.pk or identity.is_sealed_reporter(user, report)


def own_event(user, report: Report, event: Event) -> bool:
    """The user wrote this line (or file): by account, or as the case's sealed reporter."""
    if not user.is_authenticated:
        return False
    return event.actor_id == user.pk or (event.by_reporter and identity.is_sealed_reporter(user, report))


def _handler_q(user) -> Q:
    paths = list(IdentityHandler.objects.filter(person=user).values_list("unit__path", flat=True))
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(unit__path__startswith=path)
    return query


def is_handler(user, report: Report) -> bool:
    """Designated by an administrator to handle denunciations for the case's unit
    (or a unit above it); never the person reported."""
    if not user.is_authenticated or _is_subject(user, report):
        return False
    paths = IdentityHandler.objects.filter(person=user).values_list("unit__path", flat=True)
    return any(report.unit.path.startswith(path) for path in paths)


def role_for(user, report: Report) -> str | None:
    """The user's relation to the case, strongest first; None means no access. The
    person reported is only ever SUBJECT (once the case is confirmed), even when
    they head the unit or inspect it."""
    if _is_subject(user, report):
        return workflow.SUBJECT if report.state in workflow.SUBJECT_STATES else None
    if permissions.covers(user, report.review_unit, Role.UNIT_HEAD):  # False for None, superusers aside
        return workflow.REVIEWER
    if is_handler(user, report):
        return workflow.REVIEWER
    if permissions.covers(user, report.unit, Role.INSPECTOR):
        return workflow.INSPECTOR
    if is_reporter(user, report):
        return workflow.REPORTER
    return None


def get_report_for(user, pk: int, *, write: bool = False) -> tuple[Report, str]:
    """The case and the user's role in it; 404 outside their scope (and for
    inspectors when write=True)."""
    report = (
        Report.objects.select_related("unit", "review_unit", "subject", "reporter", "rule_set", "measure__rule_set")
        .filter(pk=pk)
        .first()
    )
    role = role_for(user, report) if report else None
    if role is None or (write and role == workflow.INSPECTOR):
        raise Http404
    return report, role


# Which history lines each party reads.
_VISIBLE_KINDS = {
    workflow.REVIEWER: None,
    workflow.INSPECTOR: None,
    workflow.REPORTER: {Event.Kind.CREATED, Event.Kind.TRANSITION, Event.Kind.MESSAGE},
    # The person reported is heard on the evidence: they see its files too (selectors
    # .evidence_for_subject leaves out what a protected reporter sent).
    workflow.SUBJECT: {
        Event.Kind.CREATED,
        Event.Kind.TRANSITION,
        Event.Kind.EXPLANATION,
        Event.Kind.RULES,
        Event.Kind.MEETING,
        Event.Kind.COUNCIL,
        Event.Kind.DECISION,
        Event.Kind.DEFERRAL,
        Event.Kind.EXTENSION,
        Event.Kind.NOTIFIED,
    },  # fmt: skip
    "anonymous": {Event.Kind.CREATED, Event.Kind.TRANSITION, Event.Kind.MESSAGE},
}


def shows_reporter(report: Report, role: str, viewer=None) -> bool:
    """Who reported: to the reporter; when the reporter did not ask for
    confidentiality, to everyone with a share of the case; when they did (and for
    every named denunciation), only to the people designated to handle
    denunciations for the unit (is_handler), never to other reviewers, inspectors or
    the person reported."""
    if role == workflow.REPORTER:
        return True
    if not report.confidential:
        return role in (workflow.REVIEWER, workflow.INSPECTOR, workflow.SUBJECT)
    return viewer is not None and role == workflow.REVIEWER and is_handler(viewer, report)


def protected_reporter(report: Report) -> bool:
    return report.confidential or report.channel in (Channel.ANONYMOUS, Channel.DENUNCIATION)


def subject_may_see_file(report: Report, event: Event) -> bool:
    """The person reported sees the evidence, except files a protected reporter sent
    (their own files, and the anonymous sender's, could identify them)."""
    if protected_reporter(report):
        return event.actor_id is not None and event.actor_id != report.reporter_id
    return True


def history_for(report: Report, role: str, viewer=None) -> list[Event]:
    """The history lines this party may read, each with `shown_actor` (None where
    the actor is the reporter and must stay hidden)."""
    # In insertion order: anonymous senders' lines carry only their day (services).
    events = list(report.events.select_related("actor").order_by("id"))
    kinds = _VISIBLE_KINDS[role]
    visible = [
        e for e in events
        if kinds is None or e.kind in kinds
        or (e.kind == Event.Kind.FILE and viewer is not None and own_event(viewer, report, e))
        or (e.kind == Event.Kind.FILE and role == workflow.SUBJECT and subject_may_see_file(report, e))
    ]  # fmt: skip
    hide_reporter = not shows_reporter(report, role, viewer)
    labels = dict(State.choices)
    for event in visible:
        event.from_label, event.to_label = labels.get(event.from_state, ""), labels.get(event.to_state, "")
        hidden = hide_reporter and report.reporter_id is not None and event.actor_id == report.reporter_id
        event.shown_actor = None if hidden else event.actor
        # The sealed reporter's own lines are marked as theirs only for them.
        event.yours = event.by_reporter and role == workflow.REPORTER
    return visible


def inspection_queue(user) -> QuerySet[Report]:
    """Anonymous reports (Luật Tố cáo 2018, Art. 25: not handled as denunciations)
    still open, for the inspectors over their unit to act on when their content is
    specific and backed by evidence."""
    scope = permissions.scope_q(user, Role.INSPECTOR, path_field="unit__path")
    if not permissions.has_role(user, Role.INSPECTOR) and not permissions.is_superuser(user):
        return Report.objects.none()
    return (
        Report.objects.filter(scope, channel=Channel.ANONYMOUS, state__in=workflow.OPEN_STATES)
        .exclude(subject=user)
        .select_related("unit")
        .order_by("created_at")
    )


def may_monitor(user, unit: Unit | None = None) -> bool:
    """Inspectors open cases from their monitoring: over `unit`, or (without one)
    over any unit, which is who sees the monitoring page."""
    if not user.is_authenticated:
        return False
    if unit is None:
        return permissions.has_role(user, Role.INSPECTOR)
    return permissions.covers(user, unit, Role.INSPECTOR)


def monitoring_units_for(user) -> QuerySet[Unit]:
    """The units an inspector may open a monitoring case about."""
    if not may_monitor(user):
        return Unit.objects.none()
    return Unit.objects.filter(permissions.scope_q(user, Role.INSPECTOR)).order_by("path")


def monitoring_opened_by(user) -> QuerySet[Report]:
    """The monitoring cases the user opened (the case list's filter)."""
    return reports_visible_to(user).filter(channel=Channel.MONITORING, reporter=user)  # never confidential
