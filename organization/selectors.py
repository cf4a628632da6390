from django.db.models import Q, QuerySet

from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit


def subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it: one prefix query on the indexed path."""
    return Unit.objects.filter(path__startswith=unit.path)


def people_in_subtree(unit: Unit) -> QuerySet[Person]:
    return Person.objects.filter(unit__path__startswith=unit.path)


def units_visible_to(user, *roles: str) -> QuerySet[Unit]:
    return Unit.objects.filter(permissions.scope_q(user, *roles)).order_by("path")


def people_visible_to(user, *roles: str) -> QuerySet[Person]:
    return Person.objects.filter(permissions.scope_q(user, *roles, path_field="unit__path"))


def grants_of(user) -> list[RoleGrant]:
    if not user.is_authenticated:
        return []
    return list(RoleGrant.objects.filter(person=user).select_related("unit").order_by("role", "unit__path"))


def ancestor_paths(unit: Unit) -> list[str]:
    """The paths of the unit and every unit above it."""
    step = unit.steplen
    return [unit.path[: step * depth] for depth in range(1, unit.depth + 1)]


def holders_over(unit: Unit, role: str) -> QuerySet[Person]:
    """Active people holding `role` over `unit` (a grant on it or on a unit above)."""
    return Person.objects.filter(
        is_active=True, grants__role=role, grants__unit__path__in=ancestor_paths(unit)
    ).distinct()


def audit_events_visible_to(user, *, action: str = "", who: str = "") -> QuerySet:
    """Audit rows about units under the user's administrator or inspector grants;
    rows tied to no unit (a failed log-in for an unknown address) only to superusers."""
    from core.models import AuditEvent

    scope = permissions.scope_q(user, Role.ADMINISTRATOR, Role.INSPECTOR, path_field="unit_path")
    if not permissions.is_superuser(user):
        scope &= ~Q(unit_path="")
    events = AuditEvent.objects.filter(scope).select_related("actor")
    if action:
        events = events.filter(action=action)
    who = who.replace("\x00", "").strip()
    if who:
        events = events.filter(Q(target__icontains=who) | Q(actor__email__icontains=who))
    return events
