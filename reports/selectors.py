"""The numbers of the dashboard and the exports, for one viewer's scope and filters.
Every function issues a fixed number of queries, whatever the number of units and
people, and each scope goes through organization.permissions."""

import datetime
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone

from acknowledgements.models import Assignment, ImplementationReport, Target
from directives.models import Directive
from organization import permissions
from organization.models import Role, Unit
from reports.models import AcknowledgementDaily, AcknowledgementUnitDay, AssignmentRollup
from violations import selectors as violation_selectors
from violations import workflow
from violations.models import Report

VIEW_ROLES = (Role.UNIT_HEAD, Role.INSPECTOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Filters:
    unit: Unit
    directive: Directive | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.code,
            "directive": self.directive.code if self.directive else "",
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }


@dataclass
class Counts:
    targeted: int = 0
    acknowledged: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.targeted) if self.targeted else 0


@dataclass
class Summary:
    filters: Filters
    by_directive: list[tuple[Directive, Counts]] = field(default_factory=list)
    by_unit: list[tuple[Unit, Counts]] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)
    missing_reports: list[tuple[Directive, Unit]] = field(default_factory=list)
    violations_by: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    overdue_cases: int = 0
    # Cases past a legal time limit (discipline, denunciation), per unit of the case.
    past_legal_limit: list[tuple[Unit, int]] = field(default_factory=list)
    progress: list[tuple[datetime.date, int]] = field(default_factory=list)


def units_for(user) -> QuerySet[Unit]:
    """Units whose dashboard the user may open."""
    return Unit.objects.filter(permissions.scope_q(user, *VIEW_ROLES)).order_by("path")


def _count_kwargs(today: datetime.date) -> dict:
    open_ = Q(acknowledged_at__isnull=True)
    return {
        "targeted": Count("id"),
        "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False)),
        "on_time": Count("id", filter=Q(acknowledged_at__date__lte=F("due_on"))),
        "late": Count("id", filter=Q(acknowledged_at__date__gt=F("due_on"))),
        "pending": Count("id", filter=open_),
        "overdue": Count("id", filter=open_ & Q(due_on__lt=today)),
    }


def _within(rows: QuerySet, filters: Filters, *, unit: str, directive: str, day: str) -> QuerySet:
    """`rows` under the filters' unit subtree, of its directive, in its period; the
    field names differ per model (`unit` is a path field, `day` a date lookup)."""
    rows = rows.filter(**{f"{unit}__startswith": filters.unit.path})
    if filters.directive:
        rows = rows.filter(**{directive: filters.directive})
    if filters.start:
        rows = rows.filter(**{f"{day}__gte": filters.start})
    if filters.end:
        rows = rows.filter(**{f"{day}__lte": filters.end})
    return rows


def assignments_for(filters: Filters) -> QuerySet[Assignment]:
    """Current (not closed) assignments of people under the unit, within the filters."""
    rows = Assignment.objects.filter(closed_at__isnull=True)
    return _within(rows, filters, unit="person__unit__path", directive="version__directive", day="assigned_at__date")


def cases_for(filters: Filters) -> QuerySet[Report]:
    return _within(Report.objects.all(), filters, unit="unit__path", directive="directives", day="created_at__date")


def uses_rollup() -> bool:
    """Whether the dashboards read the trigger-kept rollup (PostgreSQL) or recount
    the assignments (SQLite, where no trigger keeps it)."""
    return connections[router.db_for_read(AssignmentRollup)].vendor == "postgresql"


def uses_copy() -> bool:
    """Whether exports can be made by PostgreSQL's COPY."""
    return connections[router.db_for_read(Assignment)].vendor == "postgresql"


def assignment_count(filters: Filters) -> int:
    """How many rows the assignments export holds: from the rollup where there is one."""
    if uses_rollup():
        return rollup_for(filters).aggregate(n=Coalesce(Sum("n_targeted"), 0))["n"]
    return assignments_for(filters).count()


def replication_lag() -> float | None:
    """Seconds the replica the dashboards read is behind the primary (0 when it has
    replayed everything it received), or None when they read the primary."""
    from core.routers import REPLICA, reading_replica

    if not reading_replica() or connections[REPLICA].vendor != "postgresql":
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
            "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def export_jobs_for(user) -> QuerySet:
    """The user's own background exports, newest first (read on the primary: the
    page shows what the user just asked for)."""
    from reports.models import ExportJob

    return ExportJob.objects.filter(person=user).order_by("-created_at")


def rollup_for(filters: Filters) -> QuerySet[AssignmentRollup]:
    return _within(AssignmentRollup.objects.all(), filters, unit="unit__path", directive="directive", day="assigned_on")


def _assignment_counts(filters: Filters, today: datetime.date, result: Summary) -> None:
    """Totals, per directive, per child unit (with its subtree) and the unit's own
    people, from one GROUP BY (directive, child branch) summed here: from the rollup on
    PostgreSQL, from the assignments elsewhere. The branch is the child unit's path
    prefix, or None for the unit's own people. (At 5,000,000 assignments the rollup's
    54,000 rows read once instead of four times: 70 ms less of the root's dashboard.)"""
    child_length = (filters.unit.depth + 1) * Unit.steplen
    groups = _rollup_groups(filters, today, child_length) if uses_rollup() else _recount_groups(filters, today)
    per_directive: dict[int, Counts] = {}
    per_branch: dict[str | None, Counts] = {}
    for directive_id, branch, found in groups:
        _add(per_directive.setdefault(directive_id, Counts()), found)
        _add(per_branch.setdefault(branch, Counts()), found)
        _add(result.total, found)
    directives = Directive.objects.in_bulk([pk for pk, c in per_directive.items() if c.targeted > 0])
    result.by_directive = [(directives[pk], c) for pk, c in sorted(per_directive.items()) if c.targeted > 0]

    children = {
        u.path: u for u in Unit.objects.filter(depth=filters.unit.depth + 1, path__startswith=filters.unit.path)
    }
    result.by_unit = [
        (children[path], c)
        for path, c in sorted((p, c) for p, c in per_branch.items() if p is not None)
        if c.targeted > 0 and path in children
    ]
    own = per_branch.get(None)
    if own and own.targeted:
        result.by_unit.insert(0, (filters.unit, own))


# The units in scope are a subquery that the planner may not flatten (OFFSET 0): it
# then estimates the groups at thousands and hashes them, where the flattened join
# estimated one group per rollup row and sorted 54,000 rows on disk (work_mem 4 MB),
# 77 ms instead of 25 ms for the root.
_ROLLUP_GROUPS = """
    SELECT r.directive_id, u.branch, sum(r.n_targeted), sum(r.n_on_time + r.n_late), sum(r.n_on_time),
           sum(r.n_late), sum(r.n_open), coalesce(sum(r.n_open) FILTER (WHERE r.due_on < %(today)s), 0)
    FROM {rollup} r JOIN (
        SELECT id, CASE WHEN depth > %(depth)s THEN substr(path, 1, %(child_length)s) END AS branch
        FROM {unit} WHERE path LIKE %(prefix)s OFFSET 0
    ) u ON u.id = r.unit_id
    WHERE {where}
    GROUP BY r.directive_id, u.branch
"""


def _rollup_groups(filters: Filters, today: datetime.date, child_length: int):
    params = {
        "today": today,
        "depth": filters.unit.depth,
        "child_length": child_length,
        "prefix": filters.unit.path + "%",  # treebeard's path alphabet is 0-9A-Z: nothing to escape
        "directive": filters.directive.pk if filters.directive else None,
        "start": filters.start,
        "end": filters.end,
    }
    where = ["TRUE"]
    if filters.directive:
        where.append("r.directive_id = %(directive)s")
    if filters.start:
        where.append("r.assigned_on >= %(start)s")
    if filters.end:
        where.append("r.assigned_on <= %(end)s")
    sql = _ROLLUP_GROUPS.format(
        rollup=AssignmentRollup._meta.db_table, unit=Unit._meta.db_table, where=" AND ".join(where)
    )
    with connections[router.db_for_read(AssignmentRollup)].cursor() as cursor:
        cursor.execute(sql, params)
        for directive_id, branch, *numbers in cursor.fetchall():
            yield directive_id, branch, Counts(*(int(n) for n in numbers))


def _recount_groups(filters: Filters, today: datetime.date):
    unit = "person__unit"
    branch = Case(
        When(
            **{f"{unit}__depth__gt": filters.unit.depth},
            then=Substr(f"{unit}__path", 1, (filters.unit.depth + 1) * Unit.steplen),
        ),
        default=Value(None),
        output_field=CharField(),
    )
    counts = _count_kwargs(today)
    rows = assignments_for(filters).annotate(branch=branch).values("version__directive", "branch")
    for row in rows.annotate(**counts).order_by():
        yield row["version__directive"], row["branch"], Counts(**{name: row[name] for name in counts})


def _add(into: Counts, more: Counts) -> None:
    for name in ("targeted", "acknowledged", "on_time", "late", "pending", "overdue"):
        setattr(into, name, getattr(into, name) + getattr(more, name))


def _progress(filters: Filters) -> list[tuple[datetime.date, int]]:
    if uses_rollup() and not (filters.directive or filters.start or filters.end):
        # Per unit and day: 75,000 rows instead of 900,000 at 5,000,000 assignments
        # (the root's series in 30 ms instead of 160-290 ms).
        daily = (
            AcknowledgementUnitDay.objects.filter(unit__path__startswith=filters.unit.path)
            .values(day=F("acknowledged_on"))
            .annotate(n=Sum("n_acknowledged"))
            .filter(n__gt=0)
            .order_by("day")
        )
    elif uses_rollup():
        daily = AcknowledgementDaily.objects.filter(unit__path__startswith=filters.unit.path)
        if filters.directive:
            daily = daily.filter(directive=filters.directive)
        if filters.start:
            daily = daily.filter(assigned_on__gte=filters.start)
        if filters.end:
            daily = daily.filter(assigned_on__lte=filters.end)
        daily = daily.values(day=F("acknowledged_on")).annotate(n=Sum("n_acknowledged")).filter(n__gt=0).order_by("day")
    else:
        daily = (
            assignments_for(filters)
            .filter(acknowledged_at__isnull=False)
            .annotate(day=TruncDate("acknowledged_at"))
            .values("day")
            .annotate(n=Count("id"))
            .order_by("day")
        )
    progress, running = [], 0
    for row in daily:
        running += row["n"]
        progress.append((row["day"], running))
    return progress


def summary(filters: Filters) -> Summary:
    """The whole dashboard in about ten queries; on PostgreSQL none of them reads
    the assignments themselves, only the rollup."""
    today = timezone.localdate()
    result = Summary(filters=filters)
    _assignment_counts(filters, today, result)

    targets = Target.objects.filter(unit__path__startswith=filters.unit.path).select_related(
        "campaign__directive", "unit"
    )
    if filters.directive:
        targets = targets.filter(campaign__directive=filters.directive)
    reported = set(
        ImplementationReport.objects.filter(unit__path__startswith=filters.unit.path).values_list(
            "directive_id", "unit_id"
        )
    )
    result.missing_reports = [
        (t.campaign.directive, t.unit)
        for t in targets.order_by("unit__path")
        if (t.campaign.directive_id, t.unit_id) not in reported
    ]

    cases = cases_for(filters)
    for name in ("category", "platform", "state", "outcome"):
        labels = dict(Report._meta.get_field(name).choices)
        grouped = cases.exclude(**{name: ""}).values(name).annotate(n=Count("id")).order_by("-n", name)
        result.violations_by[name] = [(str(labels.get(row[name], row[name])), row["n"]) for row in grouped]
    result.overdue_cases = cases.filter(state__in=workflow.OPEN_STATES, review_due_on__lt=today).count()
    late = {report.pk: report.unit for report, _clock in violation_selectors.with_legal_clocks(cases, today)}
    per_unit: dict[int, list] = {}
    for unit in late.values():
        per_unit.setdefault(unit.pk, [unit, 0])[1] += 1
    result.past_legal_limit = sorted((tuple(row) for row in per_unit.values()), key=lambda row: row[0].path)

    result.progress = _progress(filters)
    return result


ASSIGNMENT_COLUMNS = (
    "unit_code",
    "unit",
    "email",
    "full_name",
    "directive",
    "version",
    "due_on",
    "acknowledged_at",
    "status",
    "method",
)


def assignment_rows(filters: Filters, *, chunk_size: int = 5000):
    """Every assignment in scope as a tuple of ASSIGNMENT_COLUMNS, streamed from the
    database in chunks (never all in memory)."""
    today = timezone.localdate()
    values = (
        assignments_for(filters)
        .order_by("person__unit__path", "person__full_name", "id")
        .values_list(
            "person__unit__code",
            "person__unit__name",
            "person__email",
            "person__full_name",
            "version__directive__number",
            "version__directive__symbol",
            "version__directive__subject",
            "version__number",
            "due_on",
            "acknowledged_at",
            "acknowledgement__method",
        )  # fmt: skip
    )
    # Inside a transaction PostgreSQL's server-side cursor is not WITH HOLD, so rows
    # flow as the query produces them instead of after it has stored them all
    # (measured: the first rows came after 25 s for 5,000,000 assignments). The
    # transaction is on the connection the rows are read from (the replica's, if any).
    with transaction.atomic(using=router.db_for_read(Assignment), savepoint=False):
        yield from _assignment_tuples(values.iterator(chunk_size=chunk_size), today=today)


def _assignment_tuples(values, *, today: datetime.date):
    for code, unit, email, name, number, symbol, subject, version, due_on, acked, method in values:
        directive = f"{number}/{symbol}" if number else subject[:80]
        if acked is not None:
            status = "late" if timezone.localtime(acked).date() > due_on else "on_time"
            acked = timezone.localtime(acked).replace(tzinfo=None)
        else:
            status = "overdue" if due_on < today else "pending"
        yield (code, unit, email, name, directive, version, due_on, acked, status, method or "")


def method_counts(filters: Filters) -> list[tuple[str, int]]:
    """How the acknowledgements in scope were made: each method's label (trực tuyến,
    tại buổi quán triệt, thay mặt) and its number, zeros included, in one query."""
    from acknowledgements.models import Method

    rows = (
        assignments_for(filters)
        .filter(acknowledged_at__isnull=False)
        .values("acknowledgement__method")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {row["acknowledgement__method"]: row["n"] for row in rows}
    return [(str(label), found.get(value, 0)) for value, label in Method.choices]


CASE_COLUMNS = ("id", "unit", "category", "platform", "state", "outcome", "created_at", "review_due_on")


def case_rows(filters: Filters):
    """Every violation case in scope, without reporter or subject identities."""
    labels = {name: dict(Report._meta.get_field(name).choices) for name in ("category", "platform", "state", "outcome")}
    values = (
        cases_for(filters)
        .order_by("id")
        .values_list("id", "unit__name", "category", "platform", "state", "outcome", "created_at", "review_due_on")
    )
    for pk, unit, category, platform, state, outcome, created, due in values.iterator(chunk_size=2000):
        yield (
            pk, unit, str(labels["category"][category]), str(labels["platform"][platform]), str(labels["state"][state]),
            str(labels["outcome"].get(outcome, "")) if outcome else "", timezone.localtime(created).replace(tzinfo=None), due,
        )  # fmt: skip
