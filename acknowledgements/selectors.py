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


def status_of(assignment: Assignment, on: datetime.date) -> str:
    if assignment.acknowledged_at is not None:
        return "late" if timezone.localdate(assignment.acknowledged_at) > assignment.due_on else "done"
    return "overdue" if assignment.due_on < on else "pending"


def unit_compliance(unit, *, directive_id=None, status=""):
    """Each assignment of people under `unit`: overdue first, then pending, then done."""
    rows = (
        Assignment.objects.filter(person__unit__path__startswith=unit.path, closed_at__isnull=True)
        .select_related("person__unit", "version__directive")
        .annotate(
            rank=Case(
                When(acknowledged_at__isnull=False, then=Value(2)),
                When(due_on__lt=today(), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "due_on", "person__full_name")
    )
    if directive_id:
        rows = rows.filter(version__directive_id=directive_id)
    if status == "overdue":
        rows = rows.filter(open_q(), due_on__lt=today())
    elif status == "pending":
        rows = rows.filter(open_q())
    elif status == "done":
        rows = rows.filter(acknowledged_at__isnull=False)
    return rows


def compliance_counts(rows) -> dict[str, int]:
    from django.db.models import Count

    on = today()
    return rows.order_by().aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(acknowledged_at__isnull=False)),
        pending=Count("id", filter=open_q()),
        overdue=Count("id", filter=open_q() & Q(due_on__lt=on)),
    )


def units_without_report(user):
    """Targeted units (under the user's scope) that have not reported dissemination
    of a directive: (directive, unit) pairs."""
    from acknowledgements.models import ImplementationReport, Target

    scope = permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="unit__path")
    reported = set(ImplementationReport.objects.values_list("directive_id", "unit_id"))
    targets = Target.objects.filter(scope).select_related("campaign__directive", "unit").order_by("unit__path")
    return [t for t in targets if (t.campaign.directive_id, t.unit_id) not in reported]


def campaign_directives(unit):
    """Directives with a campaign that reaches someone under `unit`."""
    from directives.models import Directive

    return (
        Directive.objects.filter(versions__assignments__person__unit__path__startswith=unit.path)
        .distinct()
        .order_by("-issued_on")
    )


def implementation_reports_visible_to(user) -> QuerySet:
    """Implementation reports of units under the user's unit-head, inspector or
    administrator grants (a head of the reporting unit covers it too)."""
    from acknowledgements.models import ImplementationReport

    scope = permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="unit__path")
    return ImplementationReport.objects.filter(scope).select_related("directive", "unit")


def get_report_attachment_for(user, pk: int):
    """The report whose attachment the user may download; 404 outside their scope,
    for an unknown id, or when the report has no attachment."""
    report = implementation_reports_visible_to(user).filter(pk=pk).exclude(attachment="").first()
    if report is None:
        raise Http404
    return report
