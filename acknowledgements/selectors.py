import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from acknowledgements.models import Assignment
from organization import permissions
from organization.models import Role


def today() -> datetime.date:
    return timezone.localdate()


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}acknowledged_at__isnull": True, f"{prefix}closed_at__isnull": True})


def assignments_of(person) -> QuerySet[Assignment]:
    """A person's assignments, pending first, then by due date."""
    return (
        Assignment.objects.filter(person=person, closed_at__isnull=True)
        .select_related("version__directive", "campaign")
        .annotate(
            done=Case(When(acknowledged_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("done", "due_on", "id")
    )


def get_assignment_for(user, pk: int) -> Assignment:
    """The user's own assignment; 404 for anyone else's."""
    assignment = Assignment.objects.select_related("version__directive", "campaign").filter(pk=pk, person=user).first()
    if assignment is None:
        raise Http404
    return assignment


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Assignments of people under the user's unit-head or inspector grants."""
    scope = permissions.scope_q(
        user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="person__unit__path"
    )
    return Assignment.objects.filter(scope, closed_at__isnull=True)


def pending_count(person) -> int:
    return Assignment.objects.filter(open_q(), person=person).count()
