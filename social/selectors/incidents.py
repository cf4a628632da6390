import datetime
import statistics

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from organization import permissions
from organization.models import Person, Role
from organization.selectors import holders_over
from social.models import AccountIncident, IncidentState


def incidents_visible_to(user) -> QuerySet[AccountIncident]:
    """The user's own reports, and those of units under their head or inspector grants."""
    if not user.is_authenticated:
        return AccountIncident.objects.none()
    if permissions.is_superuser(user):  # scope_q gives Q() for them, which an OR would drop
        return AccountIncident.objects.select_related("reporter", "unit", "official_account")
    scope = Q(reporter=user) | permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, path_field="unit__path")
    return AccountIncident.objects.filter(scope).select_related("reporter", "unit", "official_account")


def may_act_on_incident(user, incident: AccountIncident) -> bool:
    """The reporter and the heads over the unit record steps and the outcome; inspectors read."""
    return user.pk == incident.reporter_id or permissions.covers(user, incident.unit, Role.UNIT_HEAD)


def get_incident_for(user, pk: int, *, act: bool = False) -> AccountIncident:
    incident = incidents_visible_to(user).filter(pk=pk).first()
    if incident is None or (act and not may_act_on_incident(user, incident)):
        raise Http404
    return incident


def told_of_incident(incident: AccountIncident) -> QuerySet[Person]:
    """Who hears of a report at once: the heads and the inspectors over its unit."""
    ids = set(holders_over(incident.unit, Role.UNIT_HEAD).values_list("pk", flat=True))
    ids |= set(holders_over(incident.unit, Role.INSPECTOR).values_list("pk", flat=True))
    ids.discard(incident.reporter_id)
    return Person.objects.filter(pk__in=ids).order_by("email")


def incident_summary(*, user, start: datetime.datetime | None = None, end: datetime.datetime | None = None) -> dict:
    """For dashboards (the reports app may call this): reports in the user's scope
    created in [start, end), counted by state and kind, and the hours from report to
    recovery (or removal) of those resolved: count, mean and median. Two queries."""
    incidents = incidents_visible_to(user)
    if start is not None:
        incidents = incidents.filter(created_at__gte=start)
    if end is not None:
        incidents = incidents.filter(created_at__lt=end)
    by_state = dict(incidents.values_list("state").annotate(n=Count("pk")).order_by())
    by_kind = dict(incidents.values_list("kind").annotate(n=Count("pk")).order_by())
    durations = [
        (resolved - created).total_seconds() / 3600
        for created, resolved in incidents.filter(
            state__in=[IncidentState.RECOVERED, IncidentState.REMOVED]
        ).values_list("created_at", "resolved_at")
    ]
    return {
        "total": sum(by_state.values()),
        "by_state": {state: by_state.get(state, 0) for state in IncidentState.values},
        "by_kind": by_kind,
        "recovered": len(durations),
        "hours_to_recover_mean": round(statistics.fmean(durations), 1) if durations else None,
        "hours_to_recover_median": round(statistics.median(durations), 1) if durations else None,
    }
