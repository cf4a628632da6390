import bisect
import datetime

from django.db import connections
from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from acknowledgements.models import OPEN, Assignment, Campaign, Method
from directives.models import Question, Version
from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit


def today() -> datetime.date:
    return timezone.localdate()


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
    assignment = (
        Assignment.objects.select_related("version__directive", "campaign")
        .prefetch_related("version__questions")  # read by the form and by the answers' check
        .filter(pk=pk, person=user)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def get_assignment_to_acknowledge(user, pk: int) -> Assignment:
    """The user's own assignment with what acknowledging it reads (its version's hash
    and questions, the campaign's signature rule) and not the text; 404 for anyone
    else's. Every POST of the deadline-day rush reads this: one plain query, whose
    compiling by the ORM would cost more than the rest of the acknowledgement
    (bench/README.md); the other fields of the version load if something reads them."""
    rows = list(Assignment.objects.raw(_TO_ACKNOWLEDGE, [pk, user.pk])) if 0 < pk < 2**63 else []
    if not rows:
        raise Http404
    assignment, db = rows[0], rows[0]._state.db
    version = Version.from_db(
        db, ["id", "sha256", "directive_id", "number"],
        [assignment.version_id, assignment.v_sha256, assignment.v_directive_id, assignment.v_number],
    )  # fmt: skip
    assignment.version = version
    assignment.campaign = Campaign.from_db(
        db, ["id", "requires_password"], [assignment.campaign_id, bool(assignment.c_password)]
    )
    choices = Question._meta.get_field("choices")
    questions = [
        Question.from_db(
            db, ["id", "version_id", "position", "prompt", "choices", "answer"],
            [row.q_id, version.pk, row.q_position, row.q_prompt, choices.from_db_value(row.q_choices, None, connections[db]), row.q_answer],
        )
        for row in rows if row.q_id is not None
    ]  # fmt: skip
    # As prefetch_related("version__questions") would leave it: the form and the check read it.
    version._prefetched_objects_cache = {"questions": _fetched(version.questions.all(), questions)}
    return assignment


def _fetched(queryset: QuerySet, rows: list) -> QuerySet:
    queryset._result_cache, queryset._prefetch_done = rows, True
    return queryset


# One row per question of the version (one row with no question when it has none).
_TO_ACKNOWLEDGE = """
    SELECT a.id, a.campaign_id, a.version_id, a.person_id, a.due_on, a.assigned_at, a.acknowledged_at, a.closed_at,
           v.sha256 AS v_sha256, v.directive_id AS v_directive_id, v.number AS v_number,
           c.requires_password AS c_password,
           q.id AS q_id, q.position AS q_position, q.prompt AS q_prompt, q.choices AS q_choices, q.answer AS q_answer
    FROM acknowledgements_assignment a
    JOIN directives_version v ON v.id = a.version_id
    JOIN acknowledgements_campaign c ON c.id = a.campaign_id
    LEFT JOIN directives_question q ON q.version_id = v.id
    WHERE a.id = %s AND a.person_id = %s
    ORDER BY q.position
"""


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Assignments of people under the user's unit-head or inspector grants."""
    scope = permissions.scope_q(
        user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="person__unit__path"
    )
    return Assignment.objects.filter(scope, closed_at__isnull=True)


def pending_count(person) -> int:
    return Assignment.objects.open().filter(person=person).count()


def status_of(assignment: Assignment, on: datetime.date) -> str:
    if assignment.acknowledged_at is not None:
        return "late" if timezone.localdate(assignment.acknowledged_at) > assignment.due_on else "done"
    return "overdue" if assignment.due_on < on else "pending"


def latest_version_numbers(directive_ids) -> dict[int, int]:
    """The number of each directive's latest published version."""
    rows = (
        Version.objects.filter(directive_id__in=set(directive_ids), published_at__isnull=False)
        .values("directive_id")
        .annotate(number=Max("number"))
    )
    return {row["directive_id"]: row["number"] for row in rows}


def unit_compliance(unit, *, directive_id=None, status=""):
    """Each assignment of people under `unit`: overdue first, then pending, then done."""
    rows = (
        Assignment.objects.filter(person__unit__path__startswith=unit.path, closed_at__isnull=True)
        .select_related(
            "person__unit", "version__directive", "acknowledgement__session", "acknowledgement__recorded_by"
        )
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
        rows = rows.open().filter(due_on__lt=today())
    elif status == "pending":
        rows = rows.open()
    elif status == "done":
        rows = rows.filter(acknowledged_at__isnull=False)
    return rows


def compliance_counts(rows) -> dict[str, int]:
    """Totals of `rows`, and the acknowledged ones by method (online, meeting, behalf)."""
    on = today()
    return rows.order_by().aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(acknowledged_at__isnull=False)),
        pending=Count("id", filter=OPEN),
        overdue=Count("id", filter=OPEN & Q(due_on__lt=on)),
        **{method: Count("id", filter=Q(acknowledgement__method=method)) for method in Method.values},
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


# Late people, for digests and nudges


def late_assignments(*, head: Person, today: datetime.date, min_days: int) -> QuerySet[Assignment]:
    """Open assignments of active people under `head`'s unit-head grants that are at
    least `min_days` past their due date. Built from the grants themselves, so a
    superuser who also heads a unit sees that unit, not the whole organisation."""
    paths = RoleGrant.objects.filter(person=head, role=Role.UNIT_HEAD).values_list("unit__path", flat=True)
    subtree = Q(pk__in=[])
    for path in paths:
        subtree |= Q(person__unit__path__startswith=path)
    cutoff = today - datetime.timedelta(days=min_days)
    return Assignment.objects.open().filter(subtree, person__is_active=True, due_on__lte=cutoff)


def overdue_people(*, head: Person, today: datetime.date, min_days: int = 1) -> QuerySet[Person]:
    """Active people under `head`'s unit-head grants with an open assignment at least
    `min_days` past its due date, by name."""
    late = late_assignments(head=head, today=today, min_days=min_days)
    return Person.objects.filter(pk__in=late.values("person_id")).order_by("full_name")


def heads_with_late_people(*, today: datetime.date, min_days: int) -> set[int]:
    """Active unit heads with someone late by `min_days` in their subtree: two queries,
    then a prefix search of each grant's path among the sorted paths of late people's
    units."""
    cutoff = today - datetime.timedelta(days=min_days)
    late_paths = sorted(
        path
        for path in Assignment.objects.open()
        .filter(person__is_active=True, due_on__lte=cutoff)
        .values_list("person__unit__path", flat=True)
        .distinct()
        if path
    )
    grants = RoleGrant.objects.filter(role=Role.UNIT_HEAD, person__is_active=True).values_list(
        "person_id", "unit__path"
    )
    return {person_id for person_id, path in grants if _has_prefix(late_paths, path)}


def _has_prefix(sorted_paths: list[str], prefix: str) -> bool:
    at = bisect.bisect_left(sorted_paths, prefix)
    return at < len(sorted_paths) and sorted_paths[at].startswith(prefix)


def late_people_rows(*, head: Person, today: datetime.date, min_days: int, limit: int) -> tuple[list[dict], int]:
    """The late people under `head`, the longest overdue first (at most `limit`), each
    with their number of late directives and oldest due date; and how many in all."""
    late = late_assignments(head=head, today=today, min_days=min_days)
    total = late.values("person_id").distinct().count()
    rows = (
        late.values("person_id", "person__full_name", "person__email", "person__unit__name")
        .annotate(count=Count("pk"), oldest=Min("due_on"))
        .order_by("oldest", "person__full_name", "person_id")[:limit]
    )
    return list(rows), total


def launch_reach(targets) -> dict:
    """What launching over `targets` ((unit, with its subtree?) pairs) would do: how
    many active people get the directive, in how many units."""
    people, units = Q(pk__in=[]), Q(pk__in=[])
    for unit, subtree in targets:
        if subtree:
            people |= Q(unit__path__startswith=unit.path)
            units |= Q(path__startswith=unit.path)
        else:
            people |= Q(unit_id=unit.pk)
            units |= Q(pk=unit.pk)
    return {
        "people": Person.objects.filter(people, is_active=True).count(),
        "units": Unit.objects.filter(units).count(),
    }


def campaign_summary(campaign) -> dict:
    """What the launch page shows of a campaign that exists: its units and counts."""
    return {
        "targets": list(campaign.targets.select_related("unit").order_by("unit__path")),
        "counts": compliance_counts(campaign.assignments.filter(closed_at__isnull=True)),
    }


def outbox_sent_count(ids: list[int]) -> int:
    """How many of these outbox rows are sent already (eagerly, or by a fast worker)."""
    from core.models import OutboxMessage

    return sum(
        OutboxMessage.objects.filter(pk__in=ids[start : start + 10_000], state=OutboxMessage.State.SENT).count()
        for start in range(0, len(ids), 10_000)
    )


def emails_of(person_ids) -> dict[int, str]:
    ids = sorted(set(person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 10_000):
        found.update(Person.objects.filter(pk__in=ids[start : start + 10_000]).values_list("pk", "email"))
    return found


# Meetings and acknowledgements on behalf


def meetings_visible_to(user) -> QuerySet:
    """Sessions with a unit under the user's unit-head, inspector or administrator grants."""
    from acknowledgements.models import Meeting

    scope = permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="units__path")
    ids = Meeting.objects.filter(scope).values("pk")
    return Meeting.objects.filter(pk__in=ids).prefetch_related("units", "campaigns__directive")


def get_meeting_for(user, pk: int, *, write: bool = False):
    """The session, if the user sees it (or, with `write`, heads or administers every
    unit it covers); 404 otherwise."""
    from acknowledgements.meetings import may_manage_meeting

    meeting = meetings_visible_to(user).filter(pk=pk).first()
    if meeting is None or (write and not may_manage_meeting(user, meeting)):
        raise Http404
    return meeting


def get_meeting_for_checkin(user, pk: int):
    """The session a person may check in to: one whose units cover their unit; 404
    for anyone else (ids of other units' sessions are not probed here)."""
    from acknowledgements.meetings import units_q
    from acknowledgements.models import Meeting

    meeting = Meeting.objects.filter(pk=pk).prefetch_related("units", "campaigns__directive").first()
    if meeting is None or not user.is_authenticated:
        raise Http404
    if not Person.objects.filter(units_q(meeting.units.all()), pk=user.pk, is_active=True).exists():
        raise Http404
    return meeting


def meeting_units_for(user) -> QuerySet:
    """Units over which the user may plan a session."""
    from organization.models import Unit

    return Unit.objects.filter(permissions.scope_q(user, Role.UNIT_HEAD, Role.ADMINISTRATOR)).order_by("path")


def meeting_campaigns_for(user):
    """Campaigns that cover at least one unit the user may plan a session over."""
    from acknowledgements.meetings import campaign_covers
    from acknowledgements.models import Campaign

    units = list(meeting_units_for(user))
    campaigns = Campaign.objects.select_related("directive").prefetch_related("targets__unit").order_by("-created_at")
    return [c for c in campaigns if any(campaign_covers(c, unit) for unit in units)]


def roster(units, *, query: str = "") -> QuerySet[Person]:
    """Active people of `units` and their subtrees, by unit then name; `query`
    matches a part of the name, position or e-mail."""
    from acknowledgements.meetings import units_q

    people = Person.objects.filter(units_q(units), is_active=True).select_related("unit")
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(position__icontains=query) | Q(email__icontains=query))
    return people.order_by("unit__path", "full_name", "pk")


def meeting_attendees(meeting) -> list:
    return list(
        meeting.attendees.select_related("person__unit").order_by("person__unit__path", "person__full_name", "pk")
    )


def get_assignment_for_head(user, pk: int) -> Assignment:
    """An assignment of someone else under the user's unit-head grants; 404 otherwise."""
    scope = permissions.scope_q(user, Role.UNIT_HEAD, path_field="person__unit__path")
    assignment = (
        Assignment.objects.filter(scope, pk=pk)
        .exclude(person=user)
        .select_related("person__unit", "version__directive", "campaign")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def get_behalf_paper_for(user, pk: int):
    """An on-behalf record whose signed paper the user may download (heads,
    inspectors and administrators over the person's unit); 404 otherwise."""
    from acknowledgements.models import Acknowledgement, Method

    scope = permissions.scope_q(
        user, Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="person__unit__path"
    )
    ack = Acknowledgement.objects.filter(scope, pk=pk, method=Method.ON_BEHALF).exclude(paper="").first()
    if ack is None:
        raise Http404
    return ack


def meetings_of_unit(unit) -> QuerySet:
    """Sessions that covered `unit` or a unit under it, the latest first."""
    from acknowledgements.models import Meeting

    ids = Meeting.objects.filter(units__path__startswith=unit.path).values("pk")
    return Meeting.objects.filter(pk__in=ids).prefetch_related("units", "campaigns__directive").order_by("-held_at")
