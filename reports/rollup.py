"""The dashboards' rollup on PostgreSQL: statement-level triggers with transition
tables on the assignment table and on the person table (a move changes the unit an
assignment counts in) add each statement's changes to reports_assignmentrollup,
reports_acknowledgementdaily and reports_acknowledgementunitday, in the transaction
that makes them.

Statement-level, not row-level: `campaign_launch` inserts 100,000 assignments in one
INSERT … SELECT, and the trigger then adds them in one grouped upsert (one row per
unit × directive) instead of 100,000. An acknowledgement adds 1 to one row per table;
two acknowledgements in the same unit for the same directive wait on each other's row
lock only until the first commits.

Dates are local dates in settings.TIME_ZONE, as Django's `__date` lookups compute them;
the functions are created with the time zone the migration ran under (`rollup_install`
again after changing it). Nothing here runs on SQLite: there the selectors recount."""

from django.conf import settings
from django.db import connection, transaction

ASSIGNMENT = "acknowledgements_assignment"
ROLLUP = "reports_assignmentrollup"
DAILY = "reports_acknowledgementdaily"
UNIT_DAY = "reports_acknowledgementunitday"


def _local_date(column: str) -> str:
    return f"(({column}) AT TIME ZONE '{settings.TIME_ZONE}')::date"


def _upserts(delta: str, *, unit_day: bool = True) -> str:
    """One statement adding `delta` (rows of person_id, version_id, assigned_at, due_on,
    acknowledged_at, unit_id, sign) to each table: the rows are keyed once, and each
    table's upsert is a part of the statement (PostgreSQL runs every data-modifying
    part of a WITH once, read or not). Groups whose changes cancel out (an UPDATE of
    columns that do not count) write nothing. `unit_day=False` leaves out
    reports_acknowledgementunitday, for migration 0002, which runs before it exists."""
    keyed = f"""
        SELECT d.unit_id, v.directive_id, {_local_date("d.assigned_at")} AS assigned_on, d.due_on,
               {_local_date("d.acknowledged_at")} AS acknowledged_on, d.sign
        FROM ({delta}) d JOIN directives_version v ON v.id = d.version_id
        WHERE d.unit_id IS NOT NULL"""
    rollup = f"""
    INSERT INTO {ROLLUP} AS r (unit_id, directive_id, assigned_on, due_on, n_targeted, n_on_time, n_late, n_open)
    SELECT * FROM (
        SELECT unit_id, directive_id, assigned_on, due_on, sum(sign) AS t,
               coalesce(sum(sign) FILTER (WHERE acknowledged_on <= due_on), 0) AS on_time,
               coalesce(sum(sign) FILTER (WHERE acknowledged_on > due_on), 0) AS late,
               coalesce(sum(sign) FILTER (WHERE acknowledged_on IS NULL), 0) AS open
        FROM k
        GROUP BY unit_id, directive_id, assigned_on, due_on
    ) g WHERE (t, on_time, late, open) <> (0, 0, 0, 0)
    ON CONFLICT (unit_id, directive_id, assigned_on, due_on) DO UPDATE SET
        n_targeted = r.n_targeted + EXCLUDED.n_targeted, n_on_time = r.n_on_time + EXCLUDED.n_on_time,
        n_late = r.n_late + EXCLUDED.n_late, n_open = r.n_open + EXCLUDED.n_open"""
    daily = f"""
    INSERT INTO {DAILY} AS r (unit_id, directive_id, assigned_on, acknowledged_on, n_acknowledged)
    SELECT unit_id, directive_id, assigned_on, acknowledged_on, sum(sign)
    FROM k
    WHERE acknowledged_on IS NOT NULL
    GROUP BY unit_id, directive_id, assigned_on, acknowledged_on
    HAVING sum(sign) <> 0
    ON CONFLICT (unit_id, directive_id, assigned_on, acknowledged_on) DO UPDATE SET
        n_acknowledged = r.n_acknowledged + EXCLUDED.n_acknowledged"""
    unit_day_part = f"""
    INSERT INTO {UNIT_DAY} AS r (unit_id, acknowledged_on, n_acknowledged)
    SELECT unit_id, acknowledged_on, sum(sign)
    FROM k
    WHERE acknowledged_on IS NOT NULL
    GROUP BY unit_id, acknowledged_on
    HAVING sum(sign) <> 0
    ON CONFLICT (unit_id, acknowledged_on) DO UPDATE SET n_acknowledged = r.n_acknowledged + EXCLUDED.n_acknowledged"""
    *parts, last = [rollup, daily] + ([unit_day_part] if unit_day else [])
    written = "".join(f", part{n} AS ({part} RETURNING 1)" for n, part in enumerate(parts))
    return f"WITH k AS MATERIALIZED ({keyed}){written} {last};"


def _side(table: str, sign: int) -> str:
    return f"""
        SELECT t.person_id, t.version_id, t.assigned_at, t.due_on, t.acknowledged_at, p.unit_id, {sign} AS sign
        FROM {table} t JOIN organization_person p ON p.id = t.person_id
        WHERE t.closed_at IS NULL"""


def _moved(sign: int) -> str:
    """A person's current assignments, taken out of the old unit (-1) and put in the new one (+1)."""
    side = "o" if sign < 0 else "n"
    return f"""
        SELECT a.person_id, a.version_id, a.assigned_at, a.due_on, a.acknowledged_at, {side}.unit_id, {sign} AS sign
        FROM old_people o JOIN new_people n ON n.id = o.id AND n.unit_id IS DISTINCT FROM o.unit_id
        JOIN {ASSIGNMENT} a ON a.person_id = o.id AND a.closed_at IS NULL"""


def functions(*, unit_day: bool = True) -> dict[str, str]:
    return {
        "reports_rollup_insert": _upserts(_side("new_rows", 1), unit_day=unit_day),
        "reports_rollup_delete": _upserts(_side("old_rows", -1), unit_day=unit_day),
        # The person's unit is read now, for both sides: a move of the person is the
        # person trigger's business.
        "reports_rollup_update": _upserts(
            f"{_side('old_rows', -1)} UNION ALL {_side('new_rows', 1)}", unit_day=unit_day
        ),
        "reports_rollup_person": _upserts(f"{_moved(-1)} UNION ALL {_moved(1)}", unit_day=unit_day),
    }


FUNCTIONS = functions()

TRIGGERS = [
    ("reports_rollup_insert", ASSIGNMENT, "AFTER INSERT", "NEW TABLE AS new_rows"),
    ("reports_rollup_delete", ASSIGNMENT, "AFTER DELETE", "OLD TABLE AS old_rows"),
    (
        "reports_rollup_update",
        ASSIGNMENT,
        "AFTER UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    ("reports_rollup_person", "organization_person", "AFTER UPDATE", "OLD TABLE AS old_people NEW TABLE AS new_people"),
]


def rebuild_sql(*, unit_day: bool = True) -> str:
    tables = [ROLLUP, DAILY] + ([UNIT_DAY] if unit_day else [])
    return f"""
    LOCK TABLE {", ".join(tables)} IN EXCLUSIVE MODE;
    {"".join(f"DELETE FROM {table}; " for table in tables)}
    {_upserts(_side(ASSIGNMENT, 1), unit_day=unit_day)}
    """


REBUILD = rebuild_sql()

# The per-unit series summed from the detailed one (migration 0004's back-fill).
UNIT_DAY_FROM_DAILY = f"""
    LOCK TABLE {DAILY}, {UNIT_DAY} IN EXCLUSIVE MODE;
    DELETE FROM {UNIT_DAY};
    INSERT INTO {UNIT_DAY} (unit_id, acknowledged_on, n_acknowledged)
    SELECT unit_id, acknowledged_on, sum(n_acknowledged) FROM {DAILY}
    GROUP BY unit_id, acknowledged_on HAVING sum(n_acknowledged) <> 0;
"""


def rollup_install(schema_editor=None, *, unit_day: bool = True) -> None:
    """Create (or replace) the trigger functions and triggers; PostgreSQL only."""
    conn = schema_editor.connection if schema_editor else connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name, body in functions(unit_day=unit_day).items():
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
                "RETURN NULL; END $$"
            )
        for name, table, event, referencing in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {name} {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )


def rollup_uninstall(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name, table, _event, _referencing in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in FUNCTIONS:
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def rollup_rebuild(using: str = "default") -> None:
    """Recount both tables from the assignments, in one transaction. The lock makes
    writers of assignments wait (their triggers need it) until the recount commits,
    so no change is counted twice or lost."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(REBUILD)
