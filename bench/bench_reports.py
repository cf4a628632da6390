#!/usr/bin/env python
"""Benchmark of the inspectors' reports at the scale of a whole administration.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_bench_reports \\
        .venv/bin/python bench/bench_reports.py --people 100000 --units 1000 --directives 50

Measures, on PostgreSQL, on the load data with its assignments (generate_load_data
--assignments: 5,000,000 for 100,000 people × 50 directives), in one run
(bench/README.md says more):
  a) the dashboard of the root unit: `reports.selectors.summary()` and the whole
     page through Django's test Client as the root's inspector, beside raw SQL that
     computes the same numbers;
  b) the CSV export of every assignment (`reports.exports.csv_assignments`), beside
     `COPY (SELECT … the same columns …) TO STDOUT WITH CSV`;
  c) the XLSX export of every assignment (`reports.exports.xlsx_workbook`), beside the
     same COPY (there is no raw XLSX).
The database is created, migrated and filled when needed (the data is reused when it
is there). The table is printed and written to bench/results/reports-<date>.md.
"""

import argparse
import contextlib
import csv
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import benchlib

PARTS = ("dashboard", "csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as reports.exports escapes them


def parse_args() -> argparse.Namespace:
    parser = benchlib.load_data_parser(__doc__)
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each dashboard measurement (median shown)")
    parser.add_argument(
        "--xlsx-unit",
        metavar="CODE",
        help="write the workbook for this unit's subtree only (e.g. a province, LOAD-01) and extrapolate "
        "to every assignment; for a machine on which the whole workbook takes too long",
    )
    parser.add_argument(
        "--no-breakdown",
        action="store_true",
        help="skip the extra untimed pass that reads the CSV export's rows without writing them",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    return parser.parse_args()


def configure_environment() -> None:
    """Settings for the run (benchlib.configure_in_process), and the test Client's
    host: without DEBUG nothing else is allowed by default."""
    benchlib.configure_in_process()
    os.environ["ALLOWED_HOSTS"] = "testserver"


say = benchlib.say


# --- the data ---------------------------------------------------------------------------


def bench_tables() -> tuple[str, ...]:
    from acknowledgements.models import Assignment, Campaign, Target
    from directives.models import Directive, Version
    from organization.models import Person, Unit

    return tuple(m._meta.db_table for m in (Assignment, Person, Unit, Version, Directive, Campaign, Target))


def load_assignments():
    from acknowledgements.models import Assignment
    from conduct_portal.management.commands.generate_load_data import load_directives

    return Assignment.objects.filter(campaign__directive__in=load_directives())


def prepare(args):
    """Migrate, make sure the load data with its assignments has the requested size
    (generating it in a child process otherwise), and return the root's inspector,
    ready to log in."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.core.management import call_command

    from conduct_portal.management.commands.generate_load_data import (
        load_directives,
        load_people,
        load_root,
        load_units,
    )
    from organization.models import Role, RoleGrant

    call_command("migrate", interactive=False, verbosity=0)
    # Without DEBUG the page's {% static %} needs whitenoise's manifest (as `make serve`).
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        say(f"Collecting the static files into {settings.STATIC_ROOT}")
        call_command("collectstatic", interactive=False, verbosity=0)
    sizes = (load_people().count(), load_units().count(), load_directives().count(), load_assignments().count())
    wanted = (args.people, args.units, args.directives, args.people * args.directives)
    if sizes != wanted:
        say(f"Load data (people, units, directives, assignments) {sizes} ≠ {wanted}: generating (minutes)")
        started = time.perf_counter()
        benchlib.generate_load_data(args, "--assignments")
        say(f"Generated in {time.perf_counter() - started:.0f} s")
    else:
        say(f"Reusing the load data: {sizes[3]:,} assignments")

    root = load_root()
    grant = RoleGrant.objects.select_related("person").filter(role=Role.INSPECTOR, unit=root).first()
    if grant is None:
        raise SystemExit(f"No inspector of {root.code}: the load data is not what generate_load_data makes")
    inspector = grant.person
    # Without DEBUG the portal sends an inspector without a second factor to the TOTP
    # set-up page (organization.middleware.RequireMFAMiddleware); give them one.
    if not Authenticator.objects.filter(user=inspector, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(inspector, generate_totp_secret())
        say(f"Gave {inspector.email} a TOTP authenticator")
    started = time.perf_counter()
    benchlib.maintenance(*bench_tables())
    say(f"VACUUM ANALYZE + CHECKPOINT in {time.perf_counter() - started:.1f} s")
    return root, inspector


# --- raw SQL ----------------------------------------------------------------------------


def _scope_params(unit) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from organization.models import Unit

    return {
        "tz": settings.TIME_ZONE,
        "today": timezone.localdate(),
        "prefix": unit.path + "%",
        "depth": unit.depth,
        "child_length": (unit.depth + 1) * Unit.steplen,
        "unit_id": unit.pk,
    }


COUNTS = (
    "count(*) AS targeted, "
    "count(*) FILTER (WHERE a.acknowledged_at IS NOT NULL) AS acknowledged, "
    "count(*) FILTER (WHERE (a.acknowledged_at AT TIME ZONE %(tz)s)::date <= a.due_on) AS on_time, "
    "count(*) FILTER (WHERE (a.acknowledged_at AT TIME ZONE %(tz)s)::date > a.due_on) AS late, "
    "count(*) FILTER (WHERE a.acknowledged_at IS NULL) AS pending, "
    "count(*) FILTER (WHERE a.acknowledged_at IS NULL AND a.due_on < %(today)s) AS overdue"
)
FROM_SCOPE = (
    "FROM acknowledgements_assignment a "
    "JOIN organization_person p ON p.id = a.person_id "
    "JOIN organization_unit u ON u.id = p.unit_id "
)
WHERE_SCOPE = "WHERE a.closed_at IS NULL AND u.path LIKE %(prefix)s "

RAW_DASHBOARD = {
    "totals": f"SELECT {COUNTS} {FROM_SCOPE} {WHERE_SCOPE}",
    "per directive": (
        f"SELECT v.directive_id, {COUNTS} {FROM_SCOPE} JOIN directives_version v ON v.id = a.version_id "
        f"{WHERE_SCOPE} GROUP BY 1 ORDER BY 1"
    ),
    "per child unit": (
        f"SELECT substr(u.path, 1, %(child_length)s) AS branch, {COUNTS} {FROM_SCOPE} {WHERE_SCOPE} "
        "AND u.depth > %(depth)s GROUP BY 1 ORDER BY 1"
    ),
    "root's own": f"SELECT {COUNTS} {FROM_SCOPE} {WHERE_SCOPE} AND p.unit_id = %(unit_id)s",
    "daily progress": (
        f"SELECT (a.acknowledged_at AT TIME ZONE %(tz)s)::date AS day, count(*) {FROM_SCOPE} {WHERE_SCOPE} "
        "AND a.acknowledged_at IS NOT NULL GROUP BY 1 ORDER BY 1"
    ),
}
# The same five sets of numbers in one scan (an alternative, measured for the notes).
RAW_ONE_PASS = (
    "SELECT GROUPING(directive_id) AS g_directive, GROUPING(branch) AS g_branch, GROUPING(own) AS g_own, "
    "GROUPING(day) AS g_day, directive_id, branch, own, day, "
    + COUNTS
    + " FROM (SELECT a.acknowledged_at, a.due_on, v.directive_id, "
    "CASE WHEN u.depth > %(depth)s THEN substr(u.path, 1, %(child_length)s) END AS branch, "
    "p.unit_id = %(unit_id)s AS own, (a.acknowledged_at AT TIME ZONE %(tz)s)::date AS day "
    f"{FROM_SCOPE} JOIN directives_version v ON v.id = a.version_id {WHERE_SCOPE}) a "
    "GROUP BY GROUPING SETS ((), (directive_id), (branch), (own), (day))"
)


# The same numbers from two statements: one GROUP BY (directive, child unit) whose
# rows Python sums into the totals, the directives, the child units and the root's
# own people (branch NULL), and the acknowledgements per day.
RAW_GROUPED = (
    "SELECT v.directive_id, CASE WHEN u.depth > %(depth)s THEN substr(u.path, 1, %(child_length)s) END AS branch, "
    f"{COUNTS} {FROM_SCOPE} JOIN directives_version v ON v.id = a.version_id {WHERE_SCOPE} GROUP BY 1, 2"
)


def raw_grouped(unit) -> dict:
    """RAW_GROUPED and the daily statement, summed into the shape raw_dashboard returns."""
    from django.db import connection

    params = _scope_params(unit)
    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUPED, params)
        rows = cursor.fetchall()
        cursor.execute(RAW_DASHBOARD["daily progress"], params)
        daily = cursor.fetchall()

    def add(into: dict, key, counts) -> None:
        into[key] = tuple(a + b for a, b in zip(into.get(key, (0,) * 6), counts, strict=True))

    total, directives, branches, own = {}, {}, {}, {}
    for directive, branch, *counts in rows:
        add(total, None, counts)
        add(directives, directive, counts)
        add(branches if branch is not None else own, branch, counts)
    return {
        "totals": list(total.values()) or [(0,) * 6],
        "per directive": sorted((key, *counts) for key, counts in directives.items()),
        "per child unit": sorted((key, *counts) for key, counts in branches.items()),
        "root's own": list(own.values()),
        "daily progress": daily,
    }


def raw_dashboard(unit) -> dict:
    """The numbers of summary() that come from assignments, one statement each;
    returns {name: (rows, seconds)}."""
    from django.db import connection

    params = _scope_params(unit)
    result = {}
    with connection.cursor() as cursor:
        for name, sql in RAW_DASHBOARD.items():
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            result[name] = (rows, time.perf_counter() - started)
    return result


def raw_one_pass(unit) -> dict:
    """RAW_ONE_PASS, sorted into the shape raw_dashboard returns (without times)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_ONE_PASS, _scope_params(unit))
        rows = cursor.fetchall()
    out = {"totals": [], "per directive": [], "per child unit": [], "root's own": [], "daily progress": []}
    for g_directive, g_branch, g_own, g_day, directive, branch, own, day, *counts in rows:
        if (g_directive, g_branch, g_own, g_day) == (1, 1, 1, 1):
            out["totals"].append(tuple(counts))
        elif g_directive == 0:
            out["per directive"].append((directive, *counts))
        elif g_branch == 0 and branch is not None:
            out["per child unit"].append((branch, *counts))
        elif g_own == 0 and own:
            out["root's own"].append(tuple(counts))
        elif g_day == 0 and day is not None:
            out["daily progress"].append((day, counts[0]))
    for rows in out.values():
        rows.sort(key=lambda row: row[0])
    return out


def _counts(c) -> tuple:
    return (c.targeted, c.acknowledged, c.on_time, c.late, c.pending, c.overdue)


def check_same_numbers(summary, raw: dict, unit, what: str) -> None:
    """Stop the run when the raw SQL does not compute the dashboard's numbers."""
    problems = []
    if [tuple(r) for r in raw["totals"]] != [_counts(summary.total)]:
        problems.append(f"totals {raw['totals']} ≠ {_counts(summary.total)}")
    orm = {d.pk: _counts(c) for d, c in summary.by_directive}
    if {r[0]: tuple(r[1:]) for r in raw["per directive"]} != orm:
        problems.append("per directive")
    orm = {u.path: _counts(c) for u, c in summary.by_unit if u.pk != unit.pk}
    if {r[0]: tuple(r[1:]) for r in raw["per child unit"]} != orm:
        problems.append("per child unit")
    own = [_counts(c) for u, c in summary.by_unit if u.pk == unit.pk]
    raw_own = [tuple(r) for r in raw["root's own"] if r[0]]
    if raw_own != own:
        problems.append(f"root's own {raw_own} ≠ {own}")
    running, progress = 0, []
    for day, n in raw["daily progress"]:
        running += n
        progress.append((day, running))
    if progress != summary.progress:
        problems.append("daily progress")
    if problems:
        raise SystemExit(f"{what} does not give the dashboard's numbers: {', '.join(problems)}")


def _formula_safe(expression: str) -> str:
    starts = ", ".join("E'\\t'" if s == "\t" else "E'\\r'" if s == "\r" else f"'{s}'" for s in FORMULA_STARTS)
    return f"CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} ELSE {expression} END"


def copy_sql(unit) -> str:
    """COPY of the CSV export's rows: the same columns, headers, order, status labels
    and formula escaping, as SQL."""
    from django.db import connection

    from reports import exports

    quote = connection.ops.quote_name
    headers = [quote(h) for h in exports.assignment_headers()]
    labels = exports.status_labels()
    directive = "CASE WHEN d.number <> '' THEN d.number || '/' || d.symbol ELSE left(d.subject, 80) END"
    columns = [
        _formula_safe("u.code"),
        _formula_safe("u.name"),
        _formula_safe("p.email"),
        _formula_safe("p.full_name"),
        _formula_safe(directive),
        "v.number",
        "a.due_on",
        "to_char(a.acknowledged_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI')",
        "CASE WHEN a.acknowledged_at IS NOT NULL THEN "
        "  CASE WHEN (a.acknowledged_at AT TIME ZONE %(tz)s)::date > a.due_on THEN %(late)s ELSE %(on_time)s END "
        "WHEN a.due_on < %(today)s THEN %(overdue)s ELSE %(pending)s END",
        "CASE (SELECT k.method FROM acknowledgements_acknowledgement k WHERE k.assignment_id = a.id) "
        "WHEN 'online' THEN %(method_online)s WHEN 'meeting' THEN %(method_meeting)s "
        "WHEN 'behalf' THEN %(method_behalf)s END",
    ]
    select = ", ".join(f"{column} AS {header}" for column, header in zip(columns, headers, strict=True))
    sql = (
        f"COPY (SELECT {select} {FROM_SCOPE} "
        "JOIN directives_version v ON v.id = a.version_id JOIN directives_directive d ON d.id = v.directive_id "
        f"{WHERE_SCOPE} ORDER BY u.path, p.full_name, a.id) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
    methods = {f"method_{key}": label for key, label in exports.method_labels().items()}
    params = {**_scope_params(unit), **labels, **methods}
    with connection.cursor() as cursor:
        return cursor.cursor.mogrify(sql, params).decode()


class FirstBytes:
    """Notes when a file first grows past `size` bytes, from a thread polling it (the
    COPY writes through psycopg2's C loop, where no Python hook is cheap)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size, self.at = path, size, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.005):
            try:
                if os.stat(self.path).st_size > self.size:
                    self.at = time.perf_counter()
                    return
            except FileNotFoundError:
                pass

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def raw_copy(unit, path: Path) -> dict:
    """COPY … TO STDOUT WITH CSV into `path` (after the same byte-order mark the
    export writes); returns the bytes written and when the first rows arrived."""
    from django.db import connection

    from reports import exports

    sql = copy_sql(unit)
    with connection.cursor() as cursor, open(path, "wb") as out, FirstBytes(path, len(exports.BOM)) as first:
        out.write(exports.BOM)
        cursor.cursor.copy_expert(sql, out)
    return {"bytes": path.stat().st_size, "first": first.at}


def count_lines(path: Path) -> int:
    lines = 0
    with open(path, "rb") as stream:
        while block := stream.read(1 << 22):
            lines += block.count(b"\n")
    return lines


def compare_csv(ours: Path, theirs: Path) -> tuple[int, int, tuple | None]:
    """Rows compared, rows that differ and the first difference, parsing both files
    as CSV (Python writes CRLF line ends, COPY LF; the values must be the same)."""
    rows = differ = 0
    first = None
    with open(ours, encoding="utf-8-sig", newline="") as a, open(theirs, encoding="utf-8-sig", newline="") as b:
        for x, y in itertools.zip_longest(csv.reader(a), csv.reader(b)):
            if x != y:
                differ += 1
                first = first or (rows, x, y)
            rows += 1
    return rows, differ, first


# --- a) the dashboard -------------------------------------------------------------------


def label(sql: str) -> str:
    """Which of summary()'s numbers a statement computes."""
    if ' FROM "acknowledgements_assignment" ' not in sql or "COUNT(" not in sql:
        return "other"
    if 'AS "version__directive"' in sql:
        return "per directive"
    if "SUBSTRING(" in sql:
        return "per child unit"
    if 'AS "day"' in sql:
        return "daily progress"
    if re.search(r'"organization_person"\."unit_id" = \d', sql):  # not the join's "unit_id" = "…"."id"
        return "root's own"
    if 'AS "targeted"' in sql:
        return "totals"
    return "other"


def by_label(log: benchlib.StatementLog) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for sql, spent in log.statements:
        seconds[label(sql)] = seconds.get(label(sql), 0.0) + spent
    return seconds


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["m"].seconds)[len(runs) // 2]


def spread(runs: list[dict]) -> str:
    return ", ".join(f"{run['m'].seconds:.2f}" for run in runs)


def passed_second_factor(client, person) -> None:
    """Record in the test Client's session that it passed the TOTP step, as allauth's
    log-in does: organization.middleware.RequireMFAMiddleware sends an inspector whose
    session did not to the re-authentication page, and force_login records nothing."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY, record_authentication
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    session = client.session
    request = type("Request", (), {"session": session})()
    record_authentication(request, person, "mfa", id=authenticator.pk, type=authenticator.type)
    if not session.get(AUTHENTICATION_METHODS_SESSION_KEY):
        raise SystemExit("allauth did not record the second factor in the session")
    session.save()


def bench_dashboard(args, *, root, inspector, rows: int):
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from reports.selectors import Filters, summary

    trace = args.tracemalloc
    filters = Filters(unit=root)
    say("a) warming up: the raw aggregates once, summary() once, the page once (not timed)")
    raw_dashboard(root)
    warm = summary(filters)
    client = Client()
    client.force_login(inspector)
    passed_second_factor(client, inspector)
    url = reverse("reports:dashboard") + f"?unit={root.code}"
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} as {inspector.email}: {response.status_code} {response.get('Location', '')}")

    raw_runs, orm_runs, view_runs = [], [], []
    for run in range(args.repeat):
        benchlib.maintenance()
        raw = benchlib.measure(lambda: raw_dashboard(root), trace=trace)
        raw_runs.append({"m": raw, "by": {name: spent for name, (_rows, spent) in raw.result.items()}})
        check_same_numbers(warm, {name: got for name, (got, _spent) in raw.result.items()}, root, "raw SQL")

        benchlib.maintenance()
        log = benchlib.StatementLog()
        with connection.execute_wrapper(log):
            orm = benchlib.measure(lambda: summary(filters), trace=trace)
        orm_runs.append({"m": orm, "log": log, "by": by_label(log)})

        benchlib.maintenance()
        log = benchlib.StatementLog()
        with connection.execute_wrapper(log):
            view = benchlib.measure(lambda: client.get(url, secure=True), trace=trace)
        if view.result.status_code != 200:
            raise SystemExit(f"GET {url}: {view.result.status_code}")
        view_runs.append({"m": view, "log": log, "by": by_label(log), "bytes": len(view.result.content)})
        say(
            f"   run {run + 1}: raw {raw.seconds:.2f} s, summary() {orm.seconds:.2f} s ({len(orm_runs[-1]['log'])} "
            f"queries), page {view.seconds:.2f} s ({len(log)} queries)"
        )

    grouped_runs = []
    for _run in range(args.repeat):
        benchlib.maintenance()
        grouped_runs.append({"m": benchlib.measure(lambda: raw_grouped(root), trace=False)})
        check_same_numbers(warm, grouped_runs[-1]["m"].result, root, "GROUP BY (directive, child unit)")
    grouped = median_run(grouped_runs)["m"]
    say(f"   GROUP BY (directive, child unit) + daily: {spread(grouped_runs)} s")
    benchlib.maintenance()
    one_pass = benchlib.measure(lambda: raw_one_pass(root), trace=False)
    check_same_numbers(warm, one_pass.result, root, "the one-pass GROUPING SETS query")
    say(f"   GROUPING SETS: {one_pass.seconds:.2f} s")

    raw, orm, view = median_run(raw_runs), median_run(orm_runs), median_run(view_runs)
    raw_s = raw["m"].seconds
    fmt = benchlib.fmt_seconds

    table = [
        [
            f"dashboard: `summary(Filters(unit=root))`, {len(orm['log'])} queries",
            f"{rows:,}",
            fmt(orm["m"].seconds),
            benchlib.fmt_peak(orm["m"]),
            fmt(raw_s),
            f"{orm['m'].seconds / raw_s:.2f}",
        ],
        [
            f"dashboard: GET /reports/ as the root's inspector (test Client), {len(view['log'])} queries",
            f"{rows:,}",
            fmt(view["m"].seconds),
            benchlib.fmt_peak(view["m"]),
            fmt(raw_s),
            f"{view['m'].seconds / raw_s:.2f}",
        ],
    ]
    for name in ("totals", "per child unit"):
        table.append(
            [
                f"… of which the {name} query",
                f"{rows:,}",
                fmt(orm["by"].get(name)),
                "–",
                fmt(raw["by"][name]),
                f"{orm['by'].get(name, 0) / raw['by'][name]:.2f}",
            ]
        )
    names = list(RAW_DASHBOARD)
    assignment_s = sum(orm["by"].get(name, 0) for name in names)
    notes = [
        f"- dashboard: median of {args.repeat} runs each, after one untimed warm-up of each side "
        f"(summary() {spread(orm_runs)} s; page {spread(view_runs)} s; raw {spread(raw_runs)} s). "
        "Raw SQL: the five aggregates over the assignments that the dashboard shows, one statement each "
        "(totals as one `SELECT count(*) FILTER (…)…`, per directive, per child unit on the path prefix, the "
        "root's own people, acknowledgements per day), checked to give the same numbers as summary().",
        "- where summary()'s time goes (median run, seconds at the driver, ORM | raw): "
        + "; ".join(f"{name} {orm['by'].get(name, 0):.2f} | {raw['by'][name]:.2f}" for name in names)
        + f"; the other {len(orm['log']) - len(names)} queries (directives, child units, targets, implementation "
        f"reports, violation cases) {orm['by'].get('other', 0):.3f}. The five assignment scans are "
        f"{assignment_s / orm['m'].seconds:.0%} of summary().",
        f"- the page: {len(view['log'])} queries, of which summary()'s {len(orm['log'])}; the rest (session, "
        "user, role grants, second-factor check, unit and directive lists) "
        f"{view['by'].get('other', 0):.3f} s at the driver; the page is {view['bytes'] / 1024:.0f} KB. Of the "
        f"page's {view['m'].seconds:.2f} s, {view['log'].seconds:.2f} s are spent waiting at the driver (every "
        f"statement) and {view['m'].seconds - view['log'].seconds:.2f} s elsewhere (Python: middleware, the "
        "view, summary()'s own work, the template); summary() alone: "
        f"{orm['log'].seconds:.2f} s at the driver, {orm['m'].seconds - orm['log'].seconds:.3f} s elsewhere.",
        f"- the same numbers from two statements, checked equal: one `GROUP BY (directive, child unit)` "
        f"({len(grouped.result['per directive'])} × {len(grouped.result['per child unit'])} "
        "groups, plus the root's own people) whose rows are summed in Python into the totals, the directives, "
        f"the child units and the root's own, and the daily statement: {grouped.seconds:.2f} s (median of "
        f"{spread(grouped_runs)}), {grouped.seconds / raw_s:.2f} × the five statements and "
        f"{grouped.seconds / orm['m'].seconds:.2f} × summary(). One scan with `GROUP BY GROUPING SETS ((), "
        f"(directive), (child unit), (own), (day))` (also checked equal) takes {one_pass.seconds:.2f} s "
        f"({one_pass.seconds / raw_s:.2f} × the five statements).",
    ]
    return table, notes, warm


# --- b) CSV -----------------------------------------------------------------------------


def bench_csv(args, *, root, rows: int, workdir: Path):
    from django.db import connection, transaction

    from reports import exports, selectors
    from reports.selectors import Filters

    trace = args.tracemalloc
    filters = Filters(unit=root)
    ours, theirs = workdir / "export.csv", workdir / "copy.csv"

    def holdable() -> bool | None:
        """Whether the open server-side cursor is WITH HOLD (pg_cursors), asked on the
        export's own connection between two fetches."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT bool_or(is_holdable) FROM pg_cursors")
            return cursor.fetchone()[0]

    def export():
        marks, written, hold = [], 0, None
        with open(ours, "wb") as out:
            for chunk in exports.csv_assignments(filters):
                if len(marks) < 2:
                    marks.append(time.perf_counter())
                    if len(marks) == 2:
                        hold = holdable()
                out.write(chunk)
                written += len(chunk)
        return marks, written, hold

    benchlib.maintenance()
    say(f"b) COPY of the same rows to {theirs}")
    copied = benchlib.measure(lambda: raw_copy(root, theirs), trace=trace)
    say(f"   {copied.result['bytes'] / benchlib.MB:.0f} MB in {copied.seconds:.1f} s")

    benchlib.maintenance()
    say(f"b) csv_assignments() of every assignment to {ours}")
    log = benchlib.StatementLog()
    with connection.execute_wrapper(log):
        exported = benchlib.measure(export, trace=trace)
    marks, written, hold = exported.result
    say(f"   {written / benchlib.MB:.0f} MB in {exported.seconds:.1f} s")

    lines = count_lines(ours) - 1
    compared, differ, first = compare_csv(ours, theirs)
    say(f"   {lines:,} rows; compared with the COPY: {compared:,} rows, {differ} differ")
    if lines != rows or differ:
        raise SystemExit(f"the export wrote {lines} rows for {rows} assignments; {differ} differ from COPY: {first}")

    def read_rows(atomic: bool) -> dict:
        """The selector's rows read and dropped; in a transaction Django declares its
        server-side cursor without HOLD."""
        started, first, read = time.perf_counter(), None, 0
        with transaction.atomic() if atomic else contextlib.nullcontext():
            for _row in selectors.assignment_rows(filters):
                if first is None:
                    first = time.perf_counter() - started
                read += 1
        return {"rows": read, "first": first, "seconds": time.perf_counter() - started}

    selector_s = alone = in_transaction = None
    if not args.no_breakdown:
        benchlib.maintenance()
        say("b) breakdown: selectors.assignment_rows() alone, rows read and dropped (not in the table)")
        alone = read_rows(atomic=False)
        selector_s = alone["seconds"]
        say(f"   {alone['rows']:,} rows in {selector_s:.1f} s, the first after {alone['first']:.2f} s")
        if hold:
            benchlib.maintenance()
            say("b) the same inside transaction.atomic() (a cursor without HOLD; not how the export runs now)")
            in_transaction = read_rows(atomic=True)
            say(
                f"   {in_transaction['rows']:,} rows in {in_transaction['seconds']:.1f} s, the first after "
                f"{in_transaction['first']:.2f} s"
            )

    # The selector's one statement; psycopg2 sends it as DECLARE … CURSOR [WITH HOLD] FOR.
    declare_s = sum(spent for sql, spent in log.statements if ' FROM "acknowledgements_assignment" ' in sql)
    first_data = marks[1] - exported.started if len(marks) > 1 else None
    copy_first = copied.result["first"] - copied.started if copied.result["first"] else None
    fmt = benchlib.fmt_seconds
    table = [
        [
            "CSV export: `csv_assignments()` of every assignment, to a file",
            f"{rows:,}",
            fmt(exported.seconds),
            benchlib.fmt_peak(exported),
            fmt(copied.seconds),
            f"{exported.seconds / copied.seconds:.2f}",
        ],
        [
            "CSV export: time to the first chunk of rows",
            "500",
            fmt(first_data),
            "–",
            fmt(copy_first),
            f"{first_data / copy_first:.2f}" if first_data and copy_first else "–",
        ],
    ]
    notes = [
        f"- CSV export: every assignment of the root's subtree ({rows:,} rows, "
        f"{written / benchlib.MB:.0f} MB) written to a file on local disk, "
        f"{rows / exported.seconds:,.0f} rows/s; the raw side is `COPY (SELECT … the same nine columns, "
        "headers, status labels, formula escaping and order …) TO STDOUT WITH (FORMAT csv, HEADER)` through "
        f"psycopg2's `copy_expert` into a file ({copied.result['bytes'] / benchlib.MB:.0f} MB, "
        f"{rows / copied.seconds:,.0f} rows/s, peak {benchlib.fmt_peak(copied)} MB). Both files were parsed "
        f"back and compared: {compared:,} rows (with the header), {differ} different; they differ only in "
        "line ends (CRLF from Python's csv, LF from COPY).",
        f"- the first chunk (byte-order mark and header) comes after {(marks[0] - exported.started) * 1000:.1f} ms "
        f"without a query; the first rows after {fmt(first_data)} s. The selector reads through a server-side "
        + (
            "cursor declared outside a transaction, which Django makes `WITH HOLD` (pg_cursors.is_holdable was "
            "true): PostgreSQL runs the whole query and stores every row before the first FETCH, and "
            f"the DECLARE took {declare_s:.1f} s."
            if hold
            else "cursor declared inside a transaction, without HOLD (pg_cursors.is_holdable was false), so "
            f"rows flow as the query produces them; the DECLARE took {declare_s:.2f} s."
        )
        + f" COPY streams: its first rows arrive after {fmt(copy_first)} s (the file passing the byte-order "
        "mark, polled every 5 ms): on this data PostgreSQL sorts the people by unit path and name and reads "
        "each one's assignments from the person index (an incremental sort), so rows flow before the last is "
        "read.",
    ]
    if selector_s is not None:
        notes.append(
            f"- where the export's time goes: {selector_s:.1f} s reading the rows (`selectors.assignment_rows()` "
            f"consumed alone in a separate untimed pass; the first row after {alone['first']:.2f} s), of which "
            f"{declare_s:.1f} s in the DECLARE; {exported.seconds - selector_s:.1f} s turning them into CSV "
            "(labels, `_csv_text`, `csv.writer`, UTF-8) and writing."
        )
    if in_transaction is not None:
        notes.append(
            f"- the selector's rows read inside `transaction.atomic()` instead (the cursor is then declared "
            f"without HOLD and streams): the first after {in_transaction['first']:.2f} s instead of "
            f"{alone['first']:.2f} s, all {in_transaction['rows']:,} in {in_transaction['seconds']:.1f} s "
            f"instead of {selector_s:.1f} s. Not what the export does in the code measured (measured for the notes)."
        )
    return table, notes, {"seconds": copied.seconds, "unit": root.code, "selector_seconds": selector_s}


# --- c) XLSX ----------------------------------------------------------------------------


def bench_xlsx(args, *, root, rows: int, summary, copied: dict | None, workdir: Path):
    import xlsxwriter.workbook

    from organization.models import Unit
    from reports import exports, selectors
    from reports.selectors import Filters

    trace = args.tracemalloc
    unit = Unit.objects.get(code=args.xlsx_unit) if args.xlsx_unit else root
    filters = Filters(unit=unit)
    subset_rows = selectors.assignments_for(filters).count()
    if summary is None or unit != root:
        say(f"c) summary() of {unit.code} for the workbook's first sheets (not timed)")
        summary = selectors.summary(filters)
    if copied is None or copied["unit"] != unit.code:
        benchlib.maintenance()
        path = workdir / "copy-xlsx.csv"
        say(f"c) COPY of the rows of {unit.code}")
        measured = benchlib.measure(lambda: raw_copy(unit, path), trace=False)
        copied = {"seconds": measured.seconds, "unit": unit.code, "selector_seconds": None}
        path.unlink()

    selector_s = copied.get("selector_seconds")
    benchlib.maintenance()
    say(f"c) xlsx_workbook() of {subset_rows:,} assignments ({unit.code}) to a temporary file")
    with tempfile.TemporaryFile(dir=workdir) as out:
        with benchlib.timing_calls(xlsxwriter.workbook.Workbook, "close") as closing:
            written = benchlib.measure(lambda: exports.xlsx_workbook(summary, filters, out), trace=trace)
        size = out.seek(0, os.SEEK_END)
        out.seek(0)
        with zipfile.ZipFile(out) as book:
            sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
            xml = sum(info.file_size for info in book.infolist() if info.filename in sheets)
    say(f"   {size / benchlib.MB:.0f} MB, {len(sheets)} sheets, in {written.seconds:.1f} s")

    fmt = benchlib.fmt_seconds
    scale = rows / subset_rows
    table = [
        [
            f"XLSX export: `xlsx_workbook()` of {'the assignments of ' + unit.code if args.xlsx_unit else 'every assignment'}"
            " (raw: COPY to CSV; no raw XLSX)",
            f"{subset_rows:,}",
            fmt(written.seconds),
            benchlib.fmt_peak(written),
            fmt(copied["seconds"]),
            f"{written.seconds / copied['seconds']:.1f}",
        ]
    ]
    if args.xlsx_unit:
        table.append(
            [
                f"XLSX export of every assignment, **extrapolated** ×{scale:.1f} from {unit.code}",
                f"{rows:,}",
                f"≈ {fmt(written.seconds * scale)}",
                "–",
                "–",
                "–",
            ]
        )
    notes = [
        f"- XLSX export: `xlsx_workbook(summary, filters, tempfile)` as the export view calls it (the view "
        "computes summary() first: add the dashboard's summary() time), constant-memory mode, "
        f"{subset_rows:,} assignment rows on {len(sheets) - 3} people sheet(s) of at most 1,048,575 rows "
        f"({len(sheets)} sheets in all); the file is {size / benchlib.MB:.0f} MB "
        f"({xml / benchlib.MB:,.0f} MB of sheet XML before compression), "
        f"{subset_rows / written.seconds:,.0f} rows/s. There is no raw SQL that writes a workbook: the "
        "raw column is the COPY of the same rows to CSV"
        + (" in the same run (row b)." if copied["unit"] == root.code and not args.xlsx_unit else ".")
        + f" Of the time, {closing['seconds']:.1f} s is `Workbook.close()` (assembling and deflating the "
        "zip)"
        + (
            f"; reading the rows (the selector alone, measured in b) takes about "
            f"{selector_s * subset_rows / rows:.0f} s; the rest is xlsxwriter writing the cells."
            if selector_s
            else "."
        ),
    ]
    if args.xlsx_unit:
        notes.append(
            f"- the workbook was written for {unit.code} only ({subset_rows:,} of {rows:,} assignments) and the "
            f"whole export extrapolated linearly (×{scale:.1f}): "
            f"≈ {written.seconds * scale / 60:.0f} minutes. Memory is flat in constant-memory mode, so the peak "
            "does not scale."
        )
    return table, notes


# --- the run ----------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    url = benchlib.start_run(args)
    parts = args.only or list(PARTS)
    configure_environment()
    if benchlib.ensure_postgres_database(url):
        say(f"Created the database of {url}")

    import django

    django.setup()

    root, inspector = prepare(args)
    from reports.selectors import Filters, assignments_for

    rows = assignments_for(Filters(unit=root)).count()
    workdir = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    started = time.perf_counter()
    try:
        table, notes, summary, copied = [], [], None, None
        if "dashboard" in parts:
            more_rows, more, summary = bench_dashboard(args, root=root, inspector=inspector, rows=rows)
            table += more_rows
            notes += more
        if "csv" in parts:
            more_rows, more, copied = bench_csv(args, root=root, rows=rows, workdir=workdir)
            table += more_rows
            notes += more
        if "xlsx" in parts:
            more_rows, more = bench_xlsx(args, root=root, rows=rows, summary=summary, copied=copied, workdir=workdir)
            table += more_rows
            notes += more
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    notes.append(f"- the whole run took {(time.perf_counter() - started) / 60:.1f} minutes after the data was ready.")
    report(args, table, notes)


def report(args, table: list[list[str]], notes: list[str]) -> None:
    command = f"bench/bench_reports.py --people {args.people} --units {args.units} --directives {args.directives}"
    command += "".join(f" --only {part}" for part in args.only or [])
    command += f" --repeat {args.repeat}" if args.repeat != 3 else ""
    command += f" --xlsx-unit {args.xlsx_unit}" if args.xlsx_unit else ""
    command += " --no-breakdown" if args.no_breakdown else ""
    command += " --tracemalloc" if args.tracemalloc else ""
    name = "reports" + ("-" + "-".join(args.only) if args.only else "") + ("-subset" if args.xlsx_unit else "")
    benchlib.write_report(name, args, title="Reports benchmark", command=command, table=table, notes=notes)


if __name__ == "__main__":
    main()
