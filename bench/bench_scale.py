#!/usr/bin/env python
"""The portal at a ministry's scale (issue 15), each figure beside its physical limit
measured in the same run.

    make bench-scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_bench \\
        .venv/bin/python bench/bench_scale.py --people 100000 --units 1000 --directives 50 [--only PART]…

On PostgreSQL, on the load data with its 5,000,000 assignments (generated when
missing, reused otherwise; bench/README.md says more):
  dashboard  the dashboard page of the root, of one province, and of the root filtered
             by one directive and by a period, through the Django test client as the
             root's inspector, beside the raw SQL over the rollup with the same filters
             (goal ≤ 200 ms), and the raw recount over the assignments;
  csv        the full assignments CSV by the export code, beside a bare COPY of the
             same columns into the same kind of file (goal ≤ 1.5×, flat memory);
  xlsx       the workbook of the same rows beside that CSV (goal ≤ 3×), and the writers
             that fit on one province's rows: the portal's sheet-XML writer,
             XlsxWriter in constant_memory mode, rustpy-xlsxwriter (if installed);
  rush       acknowledgement POSTs under 50 and 200 concurrent clients beside a bare
             view on the same gunicorn (goal ≥ 50 % of its rate);
  reminders  the reminder pass through the outbox and SMTP beside a raw smtplib loop
             sending the same messages over as many connections (goal ≤ 2×), at two
             sizes for the memory per recipient;
  partition  a copy of the assignment table partitioned by campaign year beside an
             unpartitioned copy: the dashboard recount and the CSV COPY on each.
The load average is noted at every measurement (other work on the machine distorts
absolute times; the ratios are measured side by side). The table is written to
bench/results/scale-<date>.md.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from unittest import mock

import benchlib
import scale_mail
import scale_rush

PARTS = ("dashboard", "csv", "xlsx", "rush", "reminders", "partition")
HEADER = ["measurement", "rows", "seconds", "peak MB", "limit, same run", "limit seconds", "ratio", "goal", "load"]
PROVINCE = "LOAD-01"
say = benchlib.say
fmt = benchlib.fmt_seconds


def parse_args() -> argparse.Namespace:
    parser = benchlib.load_data_parser(__doc__)
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each dashboard measurement (median shown)")
    parser.add_argument("--clients", type=benchlib.sizes, default=[50, 200], help="concurrent clients of the rush")
    parser.add_argument("--rush-seconds", type=float, default=20, help="how long each rush measurement runs")
    parser.add_argument(
        "--workers",
        type=benchlib.sizes,
        default=[3, 8],
        help="gunicorn sync workers, a run of the rush for each (Procfile: 3; more show whether a lock serialises it)",
    )
    parser.add_argument("--reminder-sizes", type=benchlib.sizes, default=[1_000, 3_000])
    parser.add_argument(
        "--partition-campaigns",
        type=benchlib.sizes,
        default=[10, 50],
        help="sizes of the partitioned copy, in campaigns of 100,000 assignments (at most --directives)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    return parser.parse_args()


Table = benchlib.ScaleTable
ratio_text = benchlib.fmt_ratio


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- 1. dashboards ----------------------------------------------------------------------

ROLLUP_COUNTS = (
    "coalesce(sum(r.n_targeted), 0), coalesce(sum(r.n_on_time + r.n_late), 0), coalesce(sum(r.n_on_time), 0), "
    "coalesce(sum(r.n_late), 0), coalesce(sum(r.n_open), 0), "
    "coalesce(sum(r.n_open) FILTER (WHERE r.due_on < %(today)s), 0)"
)
FROM_ROLLUP = (
    "FROM reports_assignmentrollup r JOIN organization_unit u ON u.id = r.unit_id WHERE u.path LIKE %(prefix)s{filters}"
)
RAW_ROLLUP = {
    "totals": f"SELECT {ROLLUP_COUNTS} {FROM_ROLLUP}",
    "per directive": (
        f"SELECT r.directive_id, {ROLLUP_COUNTS} {FROM_ROLLUP} GROUP BY 1 HAVING sum(r.n_targeted) > 0 ORDER BY 1"
    ),
    "per child unit": (
        f"SELECT substr(u.path, 1, %(child_length)s), {ROLLUP_COUNTS} {FROM_ROLLUP} AND u.depth > %(depth)s "
        "GROUP BY 1 HAVING sum(r.n_targeted) > 0 ORDER BY 1"
    ),
    "root's own": f"SELECT {ROLLUP_COUNTS} {FROM_ROLLUP} AND r.unit_id = %(unit_id)s",
    # The table the unfiltered dashboard reads (reports 0004): per unit and day.
    "daily progress": (
        "SELECT d.acknowledged_on, sum(d.n_acknowledged) FROM reports_acknowledgementunitday d "
        "JOIN organization_unit u ON u.id = d.unit_id WHERE u.path LIKE %(prefix)s "
        "GROUP BY 1 HAVING sum(d.n_acknowledged) > 0 ORDER BY 1"
    ),
}
# A filtered dashboard's chart: the acknowledgements per day of the assignments of a
# directive or made in a period, from the detailed daily table.
FILTERED_PROGRESS = (
    "SELECT r.acknowledged_on, sum(r.n_acknowledged) FROM reports_acknowledgementdaily r "
    "JOIN organization_unit u ON u.id = r.unit_id WHERE u.path LIKE %(prefix)s{filters} "
    "GROUP BY 1 HAVING sum(r.n_acknowledged) > 0 ORDER BY 1"
)


def rollup_statements(filters) -> dict[str, str]:
    """RAW_ROLLUP for the filters (a directive, a period of assignment days)."""
    where = ""
    if filters.directive:
        where += " AND r.directive_id = %(directive)s"
    if filters.start:
        where += " AND r.assigned_on >= %(start)s"
    if filters.end:
        where += " AND r.assigned_on <= %(end)s"
    statements = {name: sql.replace("{filters}", where) for name, sql in RAW_ROLLUP.items()}
    if where:
        statements["daily progress"] = FILTERED_PROGRESS.replace("{filters}", where)
    return statements


def recount_statements(filters) -> dict[str, str]:
    """bench_reports.RAW_DASHBOARD (the recount over the assignments) for the filters."""
    import bench_reports

    where = ""
    if filters.directive:
        where += "AND fv.directive_id = %(directive)s "
    if filters.start:
        where += "AND (a.assigned_at AT TIME ZONE %(tz)s)::date >= %(start)s "
    if filters.end:
        where += "AND (a.assigned_at AT TIME ZONE %(tz)s)::date <= %(end)s "
    joined = bench_reports.FROM_SCOPE + "JOIN directives_version fv ON fv.id = a.version_id "
    return {
        name: sql.replace(bench_reports.FROM_SCOPE, joined if filters.directive else bench_reports.FROM_SCOPE).replace(
            bench_reports.WHERE_SCOPE, bench_reports.WHERE_SCOPE + where
        )
        for name, sql in bench_reports.RAW_DASHBOARD.items()
    }


def dashboard_cases(root) -> list[tuple[str, object]]:
    """The pages measured: (what, Filters): the root and a province unfiltered, the
    root filtered by one directive (the load's first) and by a period (the assignments
    of the last 30 days)."""
    from django.utils import timezone

    from conduct_portal.management.commands.generate_load_data import load_directives
    from organization.models import Unit
    from reports.selectors import Filters

    today = timezone.localdate()
    return [
        (root.code, Filters(unit=root)),
        (PROVINCE, Filters(unit=Unit.objects.get(code=PROVINCE))),
        (f"{root.code}, one directive", Filters(unit=root, directive=load_directives().order_by("pk").first())),
        (
            f"{root.code}, assigned in the last 30 days",
            Filters(unit=root, start=today - datetime.timedelta(days=30), end=today),
        ),
    ]


def progress_table(statements: dict[str, str]) -> str:
    return re.search(r"FROM (\w+)", statements["daily progress"]).group(1)


def dashboard_url(filters) -> str:
    url = f"/reports/?unit={filters.unit.code}"
    if filters.directive:
        url += f"&directive={filters.directive.pk}"
    if filters.start:
        url += f"&from={filters.start.isoformat()}"
    if filters.end:
        url += f"&to={filters.end.isoformat()}"
    return url


DASHBOARD_TABLES = (
    "reports_assignmentrollup",
    "reports_acknowledgementdaily",
    "reports_acknowledgementunitday",
    "organization_unit",
)


def run_statements(statements: dict[str, str], params: dict, spent: dict | None = None) -> tuple[dict, float]:
    """Each statement once; their rows by name and the total seconds (each one's
    seconds added to `spent`, by name, if given)."""
    from django.db import connection

    result, started = {}, time.perf_counter()
    with connection.cursor() as cursor:
        for name, sql in statements.items():
            begun = time.perf_counter()
            cursor.execute(sql, params)
            result[name] = cursor.fetchall()
            if spent is not None:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - begun
    return result, time.perf_counter() - started


def by_table(log: benchlib.StatementLog) -> dict[str, float]:
    """A statement log's seconds by the first table each statement reads."""
    spent: dict[str, float] = {}
    for sql, seconds in log.statements:
        found = re.search(r'FROM "?(\w+)"?', sql)
        name = found.group(1) if found else sql.split(None, 1)[0]
        spent[name] = spent.get(name, 0.0) + seconds
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def median_of(step, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def bench_dashboard(args, table: Table, *, root, inspector) -> None:
    import bench_reports
    from django.db import connection, transaction
    from django.test import Client

    from reports import selectors

    # This server runs without autovacuum: statistics of the tables the triggers fill
    # are made here, as autovacuum keeps them in production (unanalysed, the planner
    # guessed 1,900 of 190,000 rows for a period and sorted them on disk).
    benchlib.maintenance(*DASHBOARD_TABLES)
    client = Client()
    client.force_login(inspector)
    # As if the inspector had passed their second factor at log-in (allauth's record,
    # which organization.middleware.RequireMFAMiddleware looks for).
    session = client.session
    session["account_authentication_methods_user"] = str(inspector.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session.save()
    for what, filters in dashboard_cases(root):
        unit, url = filters.unit, dashboard_url(filters)
        params = bench_reports._scope_params(unit)
        params.update(directive=filters.directive and filters.directive.pk, start=filters.start, end=filters.end)
        statements = rollup_statements(filters)
        response = client.get(url, secure=True)  # warm-up, untimed
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code} {response.get('Location', '')}")
        log = benchlib.StatementLog()

        def page(log=log, url=url):
            with connection.execute_wrapper(log):
                assert client.get(url, secure=True).status_code == 200

        load = benchlib.load_now()
        view_s, view_runs = median_of(page, args.repeat)
        queries = len(log) // args.repeat
        db_share = log.seconds / sum(view_runs)
        # The page's numbers, the raw SQL's and the recount's from one snapshot, so that
        # acknowledgements made meanwhile (another benchmark's rush) cannot tell them apart.
        with transaction.atomic():
            connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            summary = selectors.summary(filters)
            raw, _ = run_statements(statements, params)
            bench_reports.check_same_numbers(summary, raw, unit, "the raw SQL over the rollup")
            # The recount over the assignments: the same numbers the hard way, for reference.
            recount_load = benchlib.load_now()
            recount, recount_s = run_statements(recount_statements(filters), params)
            bench_reports.check_same_numbers(summary, recount, unit, "the recount over the assignments")
        spent: dict[str, float] = {}
        rollup_s, rollup_runs = median_of(
            lambda params=params, spent=spent, statements=statements: run_statements(statements, params, spent),
            args.repeat,
        )
        say(f"1) dashboard of {what}: page {ms(view_s)} ({queries} queries), raw rollup SQL {ms(rollup_s)}")
        say(f"   recount over the assignments: {ms(recount_s)}")
        rows = f"{summary.total.targeted:,}"
        table.add(
            f"dashboard of {what}: the page (test client, root inspector)",
            rows,
            ms(view_s),
            "–",
            "raw SQL over the rollup",
            ms(rollup_s),
            ratio_text(view_s / rollup_s),
            f"page ≤ 200 ms: {benchlib.verdict(view_s, 0.2, at_most=True)}",
            load,
        )
        table.add(
            f"dashboard of {what}: raw recount over the assignments (reference)",
            rows,
            ms(recount_s),
            "–",
            "–",
            "–",
            "–",
            "–",
            recount_load,
        )
        table.notes.append(
            f"- dashboard of {what}: `GET {url}` through Django's test client, logged in as the root's "
            f"inspector, median of {args.repeat} after a warm-up (runs: "
            f"{', '.join(ms(s) for s in view_runs)}); {queries} queries, {db_share:.0%} of the time in the "
            f"database. The raw side is {len(statements)} statements over reports_assignmentrollup and "
            f"{progress_table(statements)} (runs: {', '.join(ms(s) for s in rollup_runs)}), checked to give "
            "summary()'s numbers; so is the recount over the assignments (one run, the five statements of "
            "bench_reports.py with the same filters). Where the time goes, per run: the page's statements by table "
            + ", ".join(f"{name} {ms(seconds / args.repeat)}" for name, seconds in list(by_table(log).items())[:4])
            + "; the raw statements "
            + ", ".join(f"{name} {ms(seconds / args.repeat)}" for name, seconds in spent.items())
            + "."
        )


# --- 2. CSV -----------------------------------------------------------------------------


def bare_copy_sql(filters) -> str:
    """COPY of the same columns, rows and order as the export (the same FROM and
    WHERE), unformatted: no labels, local times, formula escaping: what PostgreSQL
    costs to hand the rows over."""
    from django.db import connection

    from reports import copy

    columns = "u.code, u.name, p.email, p.full_name, d.number, d.symbol, v.number, a.due_on, a.acknowledged_at"
    if "acknowledgements_acknowledgement k" in copy.FROM:
        columns += ", k.method"
    where, params = copy._where(filters)
    with connection.cursor() as cursor:
        select = cursor.cursor.mogrify(f"SELECT {columns}{where}{copy.ORDER}", params).decode()
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


def copy_to_file(sql: str, path: Path) -> int:
    """A COPY into a plain buffered file; the bytes written."""
    from django.db import connection

    with connection.cursor() as cursor, open(path, "wb") as out:
        cursor.cursor.copy_expert(sql, out)
    return path.stat().st_size


def export_csv(filters, path: Path) -> int:
    from reports import exports

    with open(path, "wb") as out:
        rows = exports.csv_assignments_copy(filters, out)
    return rows


def bench_csv(args, table: Table, *, root, rows: int, workdir: Path) -> dict:
    from reports.selectors import Filters

    filters = Filters(unit=root)
    trace = args.tracemalloc
    bare_path, ours_path = workdir / "bare.csv", workdir / "export.csv"
    results = {}

    for name, step in (
        ("bare", lambda: copy_to_file(bare_copy_sql(filters), bare_path)),
        ("export", lambda: export_csv(filters, ours_path)),
    ):
        benchlib.maintenance()
        load = benchlib.load_now()
        say(f"2) CSV: {name}")
        results[name] = (benchlib.measure(step, trace=trace), load)
        say(f"   {results[name][0].seconds:.1f} s")
    exported, load = results["export"]
    bare, bare_load = results["bare"]
    if exported.result != rows:
        raise SystemExit(f"the export wrote {exported.result:,} rows for {rows:,} assignments")
    ratio = exported.seconds / bare.seconds
    table.add(
        "CSV of every assignment: `exports.csv_assignments_copy()` to a file",
        f"{rows:,}",
        fmt(exported.seconds),
        benchlib.fmt_peak(exported),
        "bare `COPY (SELECT the same columns)` to a file",
        fmt(bare.seconds),
        ratio_text(ratio),
        f"≤ 1.5×: {benchlib.verdict(ratio, 1.5, at_most=True)}",
        f"{load} (bare: {bare_load})",
    )
    size = ours_path.stat().st_size / benchlib.MB
    table.notes.append(
        f"- CSV: the export's code (`exports.csv_assignments_copy`, as the background job runs it) wrote "
        f"{size:,.0f} MB ({rows / exported.seconds:,.0f} rows/s, peak RSS rise {benchlib.fmt_peak(exported)} MB: "
        "flat, the COPY passes through a 1 MB buffer). The bare side: `COPY (SELECT u.code, u.name, p.email, "
        "p.full_name, d.number, d.symbol, v.number, a.due_on, a.acknowledged_at, k.method …the same joins, "
        f"filter and order…) TO STDOUT WITH (FORMAT csv)` into a buffered file "
        f"({bare_path.stat().st_size / benchlib.MB:,.0f} MB, peak {benchlib.fmt_peak(bare)} MB)."
    )
    bare_path.unlink(missing_ok=True)
    return {"seconds": exported.seconds, "path": ours_path}


# --- 3. workbooks -----------------------------------------------------------------------


def _same(value):
    """A cell's value as a spreadsheet shows it: a number is a number (1 and 1.0 alike)."""
    return float(value) if isinstance(value, int | float) else str(value)


def validate_workbook(path: Path, rows: list[tuple] | None, headers: list[str]) -> str:
    """Open the file with openpyxl (read-only), check the people sheet's header (text
    and bold style), the first rows' values and the date cells' number format; returns
    what was checked, raises SystemExit when something is wrong."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # Without a <dimension> element (optional in SpreadsheetML; reports/xlsx.py streams
    # and writes none) openpyxl's read-only mode parses every sheet to the end at
    # load, minutes for 5,000,000 rows; the rows read here are bounded anyway.
    with mock.patch.object(ReadOnlyWorksheet, "_get_size", lambda self: None):
        book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheet = next(s for s in book.worksheets if s.title.startswith("Cán bộ"))
        # Bounded columns: without them openpyxl reads the whole sheet to find its dimension.
        read = list(sheet.iter_rows(min_row=1, max_row=6, max_col=len(headers)))
        header = [c.value for c in read[0]]
        if header[: len(headers)] != headers:
            raise SystemExit(f"{path.name}: header {header} ≠ {headers}")
        if not read[0][0].font.b:
            raise SystemExit(f"{path.name}: the header is not bold")
        checked = 0
        for cells in read[1:]:
            values = [c.value for c in cells]
            due = cells[6]
            if not isinstance(due.value, datetime.datetime) or "yy" not in due.number_format.lower():
                raise SystemExit(f"{path.name}: due date {due.value!r} in format {due.number_format!r}")
            if rows is not None:
                expected = rows[checked]
                got = [*values[:6], due.value.date()]
                if [_same(v) for v in got[:6]] != [_same(v) for v in expected[:6]] or got[6] != expected[6]:
                    raise SystemExit(f"{path.name}: row {checked + 1} {values} ≠ {expected}")
            checked += 1
        return f"{checked} rows, bold header, date format {read[1][6].number_format!r}"
    finally:
        book.close()


def write_direct(rows, headers, path: Path) -> None:
    """The portal's writer (reports/xlsx.py) fed Python rows."""
    from reports import exports, xlsx

    book = xlsx.Workbook(path)
    sheet = book.sheet("Cán bộ", exports.PEOPLE_WIDTHS)
    sheet.write(headers, xlsx.HEADER)
    for values in rows:
        sheet.write(values)
    sheet.set_filter(1, len(headers))
    book.close()


def write_xlsxwriter(rows, headers, path: Path) -> None:
    """XlsxWriter in constant_memory mode, the same styles."""
    import xlsxwriter

    from reports import exports

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    bold = book.add_format({"bold": True, "bg_color": "#E7E6E6", "text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet = book.add_worksheet("Cán bộ")
    for column, width in enumerate(exports.PEOPLE_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, headers, bold)
    number = 0
    for number, values in enumerate(rows, 1):
        for column, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(number, column, value, stamp)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, date)
            elif isinstance(value, int | float):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, value)
    sheet.autofilter(0, 0, number, len(headers) - 1)
    book.close()


def write_rustpy(rows, headers, path: Path) -> None:
    """rustpy-xlsxwriter (Rust's rust_xlsxwriter), rows as dicts, the same styles."""
    import rustpy_xlsxwriter as rx

    from reports import exports

    header = rx.Format().set_bold().set_background_color("#E7E6E6").set_text_wrap().set_align("top")
    plain = rx.Format()
    formats = [plain] * 6 + [rx.Format().set_num_format("dd/mm/yyyy"), rx.Format().set_num_format("dd/mm/yyyy hh:mm")]
    formats += [plain] * (len(headers) - len(formats))
    rx.write_worksheet(
        (dict(zip(headers, values, strict=True)) for values in rows),
        str(path),
        sheet_name="Cán bộ",
        freeze_row=1,
        header_format=header,
        column_widths=[float(w) for w in exports.PEOPLE_WIDTHS],
        column_formats=formats,
        autofilter=True,
    )


def bench_xlsx(args, table: Table, *, root, rows: int, csv: dict | None, workdir: Path) -> None:
    from organization.models import Unit
    from reports import exports, selectors
    from reports.selectors import Filters

    trace = args.tracemalloc
    filters = Filters(unit=root)
    if csv is None:
        benchlib.maintenance()
        say("3) the CSV of every assignment first (the workbook's limit)")
        measured = benchlib.measure(lambda: export_csv(filters, workdir / "export.csv"), trace=False)
        csv = {"seconds": measured.seconds, "path": workdir / "export.csv"}
    Path(csv["path"]).unlink(missing_ok=True)
    summary = selectors.summary(filters)
    headers = exports.assignment_headers()

    benchlib.maintenance()
    load = benchlib.load_now()
    path = workdir / "all.xlsx"
    say(f"3) xlsx_workbook() of every assignment to {path}")
    written = benchlib.measure(lambda: exports.xlsx_workbook(summary, filters, path), trace=trace)
    checked = validate_workbook(path, None, headers)
    size = path.stat().st_size / benchlib.MB
    path.unlink()
    ratio = written.seconds / csv["seconds"]
    say(f"   {written.seconds:.1f} s, {size:.0f} MB; {checked}")
    table.add(
        "workbook of every assignment: `exports.xlsx_workbook()` (sheet XML from COPY)",
        f"{written.result:,}",
        fmt(written.seconds),
        benchlib.fmt_peak(written),
        "the CSV export of the same rows (above)",
        fmt(csv["seconds"]),
        ratio_text(ratio),
        f"≤ 3×: {benchlib.verdict(ratio, 3, at_most=True)}",
        load,
    )
    table.notes.append(
        f"- workbook: `xlsx_workbook(summary, filters, path)` as the background job calls it, {size:,.0f} MB, "
        f"{written.result:,} assignment rows over {-(-written.result // exports.SHEET_ROWS)} people sheets, "
        f"opened with openpyxl (read-only) and checked: {checked}."
    )

    # The writers side by side on one province's rows, read once into memory.
    province = Unit.objects.get(code=PROVINCE)
    sub = Filters(unit=province)
    say(f"3) the rows of {PROVINCE} read into memory for the writers")
    started = time.perf_counter()
    sub_rows = list(exports._assignment_rows(sub))
    read_s = time.perf_counter() - started
    benchlib.maintenance()
    sub_csv = benchlib.measure(lambda: export_csv(sub, workdir / "province.csv"), trace=False)
    writers = [
        ("the portal's sheet-XML writer (reports/xlsx.py), Python rows", write_direct),
        ("XlsxWriter, constant_memory", write_xlsxwriter),
    ]
    try:
        import rustpy_xlsxwriter

        writers.append((f"rustpy-xlsxwriter {rustpy_xlsxwriter.get_version()} (Rust)", write_rustpy))
    except ImportError:
        table.notes.append("- rustpy-xlsxwriter is not installed: `.venv/bin/pip install rustpy-xlsxwriter`.")
    fastest = None
    for name, writer in writers:
        path = workdir / "writer.xlsx"
        load = benchlib.load_now()
        say(f"3) {name}: {len(sub_rows):,} rows")
        measured = benchlib.measure(lambda writer=writer, path=path: writer(sub_rows, headers, path), trace=trace)
        try:
            checked = validate_workbook(path, sub_rows, headers)
        except SystemExit as problem:
            checked = f"INVALID: {problem}"
        size = path.stat().st_size / benchlib.MB
        path.unlink()
        say(f"   {measured.seconds:.1f} s, {size:.1f} MB; {checked}")
        if not checked.startswith("INVALID") and (fastest is None or measured.seconds < fastest[1]):
            fastest = (name, measured.seconds)
        ratio = measured.seconds / sub_csv.seconds
        table.add(
            f"workbook writer on {PROVINCE}: {name}",
            f"{len(sub_rows):,}",
            fmt(measured.seconds),
            benchlib.fmt_peak(measured),
            f"the CSV export of {PROVINCE}",
            fmt(sub_csv.seconds),
            ratio_text(ratio),
            f"≤ 3×: {benchlib.verdict(ratio, 3, at_most=True)}",
            load,
        )
        table.notes.append(f"- {name}: {size:.1f} MB; {checked}.")
    load = benchlib.load_now()
    path = workdir / "province.xlsx"
    sub_summary = selectors.summary(sub)  # computed before, as for the whole workbook
    measured = benchlib.measure(lambda: exports.xlsx_workbook(sub_summary, sub, path), trace=trace)
    checked = validate_workbook(path, sub_rows, headers)
    path.unlink()
    ratio = measured.seconds / sub_csv.seconds
    table.add(
        f"workbook writer on {PROVINCE}: the portal's `xlsx_workbook()` (sheet XML from COPY, all four sheets)",
        f"{measured.result:,}",
        fmt(measured.seconds),
        benchlib.fmt_peak(measured),
        f"the CSV export of {PROVINCE}",
        fmt(sub_csv.seconds),
        ratio_text(ratio),
        f"≤ 3×: {benchlib.verdict(ratio, 3, at_most=True)}",
        load,
    )
    table.notes.append(
        f"- writers: the {len(sub_rows):,} assignments of {PROVINCE} were read once through "
        f"`exports._assignment_rows()` ({read_s:.1f} s, not in the writers' times) and handed to each writer "
        "as the same Python tuples; each wrote one styled sheet (bold grey wrapped header, frozen first row, "
        "autofilter, column widths, dd/mm/yyyy dates) and was opened with openpyxl in read-only mode: the "
        "header, its bold font, the first five rows' values and the due date's number format checked. "
        + (f"Fastest valid writer on Python rows: {fastest[0]} ({fmt(fastest[1])} s). " if fastest else "")
        + "The portal's `xlsx_workbook()` needs no Python rows at all: PostgreSQL writes each `<row>` of sheet "
        "XML (reports/copy.py) and Python only deflates it into the zip, which no writer fed Python values "
        "can match; it stays."
    )


# --- 6. partitioning --------------------------------------------------------------------

YEARS = 5  # the copy spreads the campaigns over this many campaign years


def build_copies(campaigns: int) -> int:
    """bench_assignment_flat and bench_assignment_part: the first `campaigns` load
    campaigns' assignments with a campaign_year (the load campaigns all start this
    year, so the copy spreads them: campaign n falls in year this − n mod 5), the one
    an ordinary table, the other partitioned by range of campaign_year, one partition a
    year; the same indexes (id, person, campaign_year). Returns the rows."""
    from django.db import connection

    from conduct_portal.management.commands.generate_load_data import load_directives

    year = datetime.date.today().year
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assignment_flat, bench_assignment_part")
        select = f"""
            SELECT a.*, {year} - (c.n %% {YEARS}) AS campaign_year FROM acknowledgements_assignment a
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM acknowledgements_campaign
                  WHERE directive_id IN %s) c ON c.id = a.campaign_id
            WHERE c.n < %s"""
        params = [tuple(load_directives().values_list("pk", flat=True)), campaigns]
        cursor.execute(f"CREATE TABLE bench_assignment_flat AS {select}", params)
        cursor.execute("ALTER TABLE bench_assignment_flat ADD PRIMARY KEY (id)")
        cursor.execute(
            "CREATE TABLE bench_assignment_part (LIKE bench_assignment_flat) PARTITION BY RANGE (campaign_year)"
        )
        for y in range(year - YEARS + 1, year + 1):
            cursor.execute(
                f"CREATE TABLE bench_assignment_part_{y} PARTITION OF bench_assignment_part "
                f"FOR VALUES FROM ({y}) TO ({y + 1})"
            )
        cursor.execute("INSERT INTO bench_assignment_part SELECT * FROM bench_assignment_flat")
        cursor.execute("ALTER TABLE bench_assignment_part ADD PRIMARY KEY (id, campaign_year)")
        for table in ("bench_assignment_flat", "bench_assignment_part"):
            cursor.execute(f"CREATE INDEX ON {table} (person_id)")
            cursor.execute(f"CREATE INDEX ON {table} (campaign_year)")
        cursor.execute("SELECT count(*) FROM bench_assignment_flat")
        rows = cursor.fetchone()[0]
    benchlib.maintenance("bench_assignment_flat", "bench_assignment_part")
    return rows


def on_table(sql: str, table: str, *, year: int | None) -> str:
    sql = sql.replace("acknowledgements_assignment a", f"{table} a")
    if year is not None:
        sql = sql.replace("WHERE a.closed_at IS NULL", f"WHERE a.campaign_year = {int(year)} AND a.closed_at IS NULL")
    return sql


def bench_partition(args, table: Table, *, root, workdir: Path) -> None:
    import bench_reports
    from django.db import connection

    from reports.selectors import Filters

    params = bench_reports._scope_params(root)
    year = datetime.date.today().year
    filters = Filters(unit=root)
    copy_sql = bare_copy_sql(filters).replace("COPY (", "", 1).rsplit(") TO STDOUT", 1)[0]
    for campaigns in args.partition_campaigns:
        campaigns = min(campaigns, args.directives)
        started = time.perf_counter()
        say(f"6) building the flat and the partitioned copies of {campaigns} campaigns")
        rows = build_copies(campaigns)
        say(f"   {rows:,} rows each in {time.perf_counter() - started:.0f} s")
        for scope, scope_year in (("every year", None), (f"campaign year {year}", year)):
            timed = {}
            for kind in ("flat", "part"):
                name = f"bench_assignment_{kind}"
                statements = {k: on_table(v, name, year=scope_year) for k, v in bench_reports.RAW_DASHBOARD.items()}
                run_statements(statements, params)  # warm-up
                load = benchlib.load_now()
                _, recount_s = run_statements(statements, params)
                sql = on_table(copy_sql, name, year=scope_year)
                path = workdir / "partition.csv"
                started = time.perf_counter()
                copy_to_file(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", path)
                copy_s = time.perf_counter() - started
                path.unlink()
                timed[kind] = (recount_s, copy_s, load)
                say(f"   {scope}, {kind}: recount {recount_s:.2f} s, COPY {copy_s:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute(
                    on_table("SELECT count(*) FROM acknowledgements_assignment a WHERE a.closed_at IS NULL",
                             "bench_assignment_flat", year=scope_year)
                )  # fmt: skip
                scoped = cursor.fetchone()[0]
            (flat_r, flat_c, flat_load), (part_r, part_c, part_load) = timed["flat"], timed["part"]
            for what, part_s, flat_s in (("dashboard recount", part_r, flat_r), ("CSV COPY", part_c, flat_c)):
                table.add(
                    f"partitioned copy ({rows:,} rows, {YEARS} years): {what}, {scope}",
                    f"{scoped:,}",
                    fmt(part_s),
                    "–",
                    "the same on the unpartitioned copy",
                    fmt(flat_s),
                    ratio_text(part_s / flat_s),
                    benchlib.partition_verdict(part_s / flat_s),
                    f"{part_load} (flat: {flat_load})",
                )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assignment_flat, bench_assignment_part")
    table.notes.append(
        f"- partitioning: two copies of the assignments with a campaign_year column (the load campaigns all start "
        f"this year, so the copies spread them over {YEARS} years, campaign n in year {year} − n mod {YEARS}): "
        f"`bench_assignment_part` declared `PARTITION BY RANGE (campaign_year)`, one partition a year, and "
        "`bench_assignment_flat`, an ordinary table; both with the same indexes (id, person_id, campaign_year), "
        "vacuumed and analysed, dropped after the run. On each: the five recount statements of the dashboard "
        "(bench_reports.RAW_DASHBOARD) after one warm-up run, and the bare CSV COPY, over every year and over "
        "the current campaign year (where the partitioned table reads one partition)."
    )


# --- the run ----------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    url = benchlib.start_run(args)
    parts = args.only or list(PARTS)
    sink = benchlib.SmtpSink.start() if "reminders" in parts else None  # forked before Django
    try:
        benchlib.configure_in_process()
        os.environ["ALLOWED_HOSTS"] = "testserver"
        if sink is not None:
            os.environ.update(benchlib.smtp_environment(sink.port))
            for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
                os.environ.pop(name, None)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        if benchlib.ensure_postgres_database(url):
            say(f"Created the database of {url}")
        import django

        django.setup()
        import bench_reports

        root, inspector = bench_reports.prepare(args)
        from reports.selectors import Filters, assignments_for

        rows = assignments_for(Filters(unit=root)).count()
        say(f"{rows:,} current assignments under {root.code}; load {benchlib.load_now()}")
        table = Table()
        workdir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        started = time.perf_counter()
        results: dict = {}
        steps = {
            "dashboard": lambda: bench_dashboard(args, table, root=root, inspector=inspector),
            "csv": lambda: results.update(csv=bench_csv(args, table, root=root, rows=rows, workdir=workdir)),
            "xlsx": lambda: bench_xlsx(args, table, root=root, rows=rows, csv=results.get("csv"), workdir=workdir),
            "reminders": lambda: scale_mail.bench_reminders(args, table, sink=sink, workdir=workdir),
            "partition": lambda: bench_partition(args, table, root=root, workdir=workdir),
            "rush": lambda: scale_rush.bench_rush(args, table, url=url),
        }
        try:
            for part in PARTS:
                if part in parts:
                    # A part that fails is reported as such; the others still run.
                    try:
                        steps[part]()
                    except (Exception, SystemExit) as exc:
                        traceback.print_exc()
                        table.notes.append(f"- **{part} FAILED**: {type(exc).__name__}: {exc}")
                        from django.db import connection

                        connection.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if sink is not None:
            sink.stop()
    table.notes += [
        "- seconds: wall time (`time.perf_counter()`); peak MB: how far the process's peak RSS rose above its "
        "level at the start of the step (VmHWM, reset through /proc/self/clear_refs); ratio: seconds / limit "
        "seconds, for the rush the acknowledgement rate / the bare view's rate; load: the load average "
        "(1 / 5 / 15 minutes) when the measurement started: the machine is shared, so absolute times move with "
        "it, while each ratio compares two measurements taken one after the other.",
        f"- the whole run took {(time.perf_counter() - started) / 60:.1f} minutes after the data was ready.",
    ]
    command = f"bench/bench_scale.py --people {args.people} --units {args.units} --directives {args.directives}"
    command += "".join(f" --only {part}" for part in args.only or [])
    name = "scale" + ("-" + "-".join(args.only) if args.only else "")
    benchlib.write_report(
        name, args, title="Scale benchmark", command=command, table=table.rows, notes=table.notes, header=HEADER
    )


if __name__ == "__main__":
    main()
