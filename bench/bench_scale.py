#!/usr/bin/env python
"""The portal at a ministry's scale (issue 15), each figure beside its physical limit
measured in the same run.

    make bench-scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conduct_bench \\
        .venv/bin/python bench/bench_scale.py --people 100000 --units 1000 --directives 50 [--only PART]…

On PostgreSQL, on the load data with its 5,000,000 assignments (generated when
missing, reused otherwise; bench/README.md says more):
  dashboard  the dashboard page of the root and of one province through the Django
             test client as the root's inspector, beside the raw SQL over the rollup
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
import asyncio
import contextlib
import dataclasses
import datetime
import os
import random
import re
import shutil
import smtplib
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from unittest import mock

import benchlib

PARTS = ("dashboard", "csv", "xlsx", "rush", "reminders", "partition")
HEADER = ["measurement", "rows", "seconds", "peak MB", "limit, same run", "limit seconds", "ratio", "goal", "load"]
PROVINCE = "LOAD-01"
say = benchlib.say
fmt = benchlib.fmt_seconds


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--directives", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
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


class Table:
    """The report's rows, each with the load average when it was measured."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.notes: list[str] = []

    def add(self, what, rows, seconds, peak, limit, limit_seconds, ratio, goal, load) -> None:
        self.rows.append([what, rows, seconds, peak, limit, limit_seconds, ratio, goal, load])


def ratio_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- 1. dashboards ----------------------------------------------------------------------

ROLLUP_COUNTS = (
    "coalesce(sum(r.n_targeted), 0), coalesce(sum(r.n_on_time + r.n_late), 0), coalesce(sum(r.n_on_time), 0), "
    "coalesce(sum(r.n_late), 0), coalesce(sum(r.n_open), 0), "
    "coalesce(sum(r.n_open) FILTER (WHERE r.due_on < %(today)s), 0)"
)
FROM_ROLLUP = (
    "FROM reports_assignmentrollup r JOIN organization_unit u ON u.id = r.unit_id WHERE u.path LIKE %(prefix)s"
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
    "daily progress": (
        "SELECT d.acknowledged_on, sum(d.n_acknowledged) FROM reports_acknowledgementdaily d "
        "JOIN organization_unit u ON u.id = d.unit_id WHERE u.path LIKE %(prefix)s "
        "GROUP BY 1 HAVING sum(d.n_acknowledged) > 0 ORDER BY 1"
    ),
}


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
    from django.db import connection
    from django.test import Client

    from organization.models import Unit
    from reports import selectors
    from reports.selectors import Filters

    client = Client()
    client.force_login(inspector)
    # As if the inspector had passed their second factor at log-in (allauth's record,
    # which organization.middleware.RequireMFAMiddleware looks for).
    session = client.session
    session["account_authentication_methods_user"] = str(inspector.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
    session.save()
    for unit in (root, Unit.objects.get(code=PROVINCE)):
        url = f"/reports/?unit={unit.code}"
        params = bench_reports._scope_params(unit)
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
        summary = selectors.summary(Filters(unit=unit))
        raw, _ = run_statements(RAW_ROLLUP, params)
        bench_reports.check_same_numbers(summary, raw, unit, "the raw SQL over the rollup")
        spent: dict[str, float] = {}
        rollup_s, rollup_runs = median_of(
            lambda params=params, spent=spent: run_statements(RAW_ROLLUP, params, spent), args.repeat
        )
        say(f"1) dashboard of {unit.code}: page {ms(view_s)} ({queries} queries), raw rollup SQL {ms(rollup_s)}")

        # The recount over the assignments: the same numbers the hard way, for reference.
        recount_load = benchlib.load_now()
        started = time.perf_counter()
        recount = {name: rows for name, (rows, _s) in bench_reports.raw_dashboard(unit).items()}
        recount_s = time.perf_counter() - started
        bench_reports.check_same_numbers(summary, recount, unit, "the recount over the assignments")
        say(f"   recount over the assignments: {ms(recount_s)}")
        rows = f"{summary.total.targeted:,}"
        table.add(
            f"dashboard of {unit.code}: the page (test client, root inspector)",
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
            f"dashboard of {unit.code}: raw recount over the assignments (reference)",
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
            f"- dashboard of {unit.code}: `GET {url}` through Django's test client, logged in as the root's "
            f"inspector, median of {args.repeat} after a warm-up (runs: "
            f"{', '.join(ms(s) for s in view_runs)}); {queries} queries, {db_share:.0%} of the time in the "
            f"database. The raw side is {len(RAW_ROLLUP)} statements over reports_assignmentrollup and "
            f"reports_acknowledgementdaily (runs: {', '.join(ms(s) for s in rollup_runs)}), checked to give "
            "summary()'s numbers; so is the recount over the assignments (one run, the five statements of "
            "bench_reports.py). Where the time goes, per run: the page's statements by table "
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
    measured = benchlib.measure(lambda: exports.xlsx_workbook(selectors.summary(sub), sub, path), trace=trace)
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


# --- 4. the deadline-day rush -----------------------------------------------------------


BREAKDOWN_ACKS = 30  # acknowledgements timed statement by statement in this process
WARM_UP_ACKS = 20


def rush_people(count: int) -> list[tuple[int, int, int]]:
    """(person, open assignment, version) for `count` people without a role, one
    assignment each, never acknowledged before (a person once each in the whole run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (a.person_id) a.person_id, a.id, a.version_id
            FROM acknowledgements_assignment a JOIN organization_person p ON p.id = a.person_id
            WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL AND p.is_active AND p.email LIKE %s
              AND NOT EXISTS (SELECT 1 FROM organization_rolegrant g WHERE g.person_id = p.id)
            ORDER BY a.person_id, a.id LIMIT %s
            """,
            ["%@load.example", count],
        )
        return cursor.fetchall()


def rush_sessions(people: list[tuple[int, int, int]]) -> dict[int, str]:
    """A logged-in database session for each person, made in one bulk insert (as
    django.contrib.auth.login would store it); person → session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from organization.models import Person

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expire = timezone.now() + datetime.timedelta(hours=2)
    store, keys, rows = SessionStore(), {}, []
    for person in Person.objects.filter(pk__in=[p for p, _a, _v in people]).only("pk", "password"):
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys[person.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def answers_for(versions) -> dict[int, str]:
    """The form fields each version's questions need, answered right."""
    from directives.models import Question

    fields: dict[int, str] = {v: "" for v in versions}
    for question in Question.objects.filter(version_id__in=versions):
        fields[question.version_id] += f"&q{question.position}={question.answer}"
    return fields


class Rush:
    """Many concurrent HTTP clients in one asyncio loop (a thread costs more CPU than
    the requests it makes on 2 cores): each sends one request at a time over a new
    connection (gunicorn's sync workers close it after each answer)."""

    def __init__(self, port: int, requests: list[bytes], *, clients: int, seconds: float):
        self.port, self.requests, self.clients, self.seconds = port, requests, clients, seconds
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors = 0

    async def _client(self, deadline: float, taken: list[int]) -> None:
        while time.perf_counter() < deadline and taken[0] < len(self.requests):
            request = self.requests[taken[0]]
            taken[0] += 1
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(request)
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), timeout=120)
                writer.close()
            except (TimeoutError, OSError):
                self.errors += 1
                continue
            self.latencies.append(time.perf_counter() - started)
            status = answer[9:12].decode(errors="replace") or "none"
            self.statuses[status] = self.statuses.get(status, 0) + 1

    async def _run(self) -> float:
        deadline = time.perf_counter() + self.seconds
        taken = [0]
        started = time.perf_counter()
        await asyncio.gather(*(self._client(deadline, taken) for _ in range(self.clients)))
        return time.perf_counter() - started

    def run(self) -> float:
        return asyncio.run(self._run())


def http_post(path: str, *, session: str, csrf: str, body: str, address: str) -> bytes:
    data = f"csrfmiddlewaretoken={csrf}{body}".encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Real-IP: {address}\r\n"
        f"Cookie: sessionid={session}; csrftoken={csrf}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


class LockSampler:
    """Samples pg_stat_activity every 20 ms on a connection of its own: how many of
    the portal's backends are running a statement, and how many of those wait on a
    lock (a row lock on the chain head shows as Lock/transactionid or Lock/tuple)."""

    def __init__(self, dbname: str) -> None:
        self.dbname, self.samples, self.active, self.waiting = dbname, 0, 0, 0
        self.waits: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connections

        connection = connections.create_connection("default")
        try:
            with connection.cursor() as cursor:
                while not self._stop.wait(0.02):
                    cursor.execute(
                        "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s "
                        "AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                        [self.dbname],
                    )
                    rows = cursor.fetchall()
                    self.samples += 1
                    self.active += len(rows)
                    for kind, event in rows:
                        if kind == "Lock":
                            self.waiting += 1
                            self.waits[event] = self.waits.get(event, 0) + 1
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


ACK_STEPS = (
    ("lock the chain head", "FOR UPDATE"),
    ("claim the assignment (+ rollup trigger)", 'UPDATE "acknowledgements_assignment"'),
    ("insert the record", 'INSERT INTO "acknowledgements_acknowledgement"'),
    ("update the chain head", 'UPDATE "acknowledgements_chainhead"'),
)


def ack_breakdown(people: list[tuple[int, int, int]]) -> dict:
    """`acknowledgement_record` in this process for each (person, assignment): the
    mean milliseconds of each statement of its transaction, of the COMMIT, of the
    whole call, and how long the chain head stays locked (from the locking SELECT to
    the end of the COMMIT), which bounds the rate of acknowledgements at 1 / that."""
    from django.db import connection

    from acknowledgements import services
    from acknowledgements.models import Assignment
    from organization.models import Person

    steps: dict[str, float] = {}
    held = total = 0.0
    for person_id, assignment_id, _version in people:
        person = Person.objects.get(pk=person_id)
        assignment = Assignment.objects.select_related("version", "campaign").get(pk=assignment_id)
        log = benchlib.StatementLog()
        marks: dict[str, float] = {}

        def wrapper(execute, sql, params, many, context, log=log, marks=marks):
            if "FOR UPDATE" in sql and "chainhead" in sql:
                marks.setdefault("locked", time.perf_counter())
            return log(execute, sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(wrapper), benchlib.timing_calls(connection, "commit") as commit:
            services.acknowledgement_record(
                assignment=assignment, by=person, request_meta={"REMOTE_ADDR": "10.0.0.1"}, answers=None
            )
        ended = time.perf_counter()
        total += ended - started
        held += ended - marks.get("locked", ended)
        for sql, seconds in log.statements:
            name = next((name for name, mark in ACK_STEPS if mark in sql), "other statements")
            steps[name] = steps.get(name, 0.0) + seconds
        steps["COMMIT"] = steps.get("COMMIT", 0.0) + commit["seconds"]
    n = len(people)
    return {
        "steps": {name: seconds * 1000 / n for name, seconds in steps.items()},
        "held_ms": held * 1000 / n,
        "total_ms": total * 1000 / n,
    }


def bench_rush(args, table: Table, *, url: str) -> None:
    import load
    from django.core.management import call_command
    from django.db import connection, connections

    from acknowledgements.models import Acknowledgement

    call_command("collectstatic", interactive=False, verbosity=0)
    per_level = max(400, int(args.rush_seconds * 150))  # more than the ack rate can use up
    wanted = (per_level * len(args.clients) + WARM_UP_ACKS) * len(args.workers) + BREAKDOWN_ACKS
    people = rush_people(wanted)
    if len(people) < wanted:
        raise SystemExit(f"only {len(people)} people with an open assignment for the rush")
    breakdown_load = benchlib.load_now()
    breakdown = ack_breakdown(people[:BREAKDOWN_ACKS])
    people = people[BREAKDOWN_ACKS:]
    say(f"4) one acknowledgement in this process: {breakdown}")
    say(f"4) {len(people):,} sessions for the rush")
    sessions = rush_sessions(people)
    answers = answers_for({v for _p, _a, v in people})
    csrf = "".join(random.Random(args.seed).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
    dbname = connection.settings_dict["NAME"]
    connections.close_all()

    env = load.server_environment(args, sink_port=benchlib.free_port())
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{benchlib.ROOT}:{benchlib.ROOT / 'bench'}",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        ALLOWED_HOSTS="127.0.0.1",
    )
    queue = iter(people)
    for n_workers in args.workers:
        port = benchlib.free_port()
        logdir = Path(tempfile.mkdtemp(prefix="bench-scale-rush-"))
        command = [str(Path(sys.executable).parent / "gunicorn"), "bench_wsgi:application", "--bind"]
        command += [f"127.0.0.1:{port}", "--workers", str(n_workers), "--backlog", "2048"]
        server = load.start("gunicorn", command, env, logdir)
        try:
            load.wait_until("gunicorn", lambda port=port: load.answers(f"http://127.0.0.1:{port}/healthz"), server)
            workers = load.gunicorn_workers(server.process.pid)
            say(f"4) gunicorn ({n_workers} sync workers) at 127.0.0.1:{port}; log {server.log}")
            # A worker's first requests load templates and URLs: untimed ones first.
            warm = [next(queue) for _ in range(WARM_UP_ACKS)]
            Rush(port, [
                http_post(f"/acknowledgements/{a}/", session=sessions[p], csrf=csrf, body="&commitment=on" + answers[v],
                          address="10.0.0.2")
                for p, a, v in warm
            ] + [http_post("/bench/bare/", session=sessions[p], csrf=csrf, body="", address="10.0.0.2") for p, _a, _v in warm],
                clients=n_workers, seconds=30).run()  # fmt: skip
            for clients in args.clients:
                chosen = [next(queue) for _ in range(per_level)]
                address = lambda n: f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"  # noqa: E731
                bare = [
                    http_post("/bench/bare/", session=sessions[p], csrf=csrf, body="&commitment=on", address=address(n))
                    for n, (p, _a, _v) in enumerate(chosen)
                ]
                acks = [
                    http_post(
                        f"/acknowledgements/{a}/",
                        session=sessions[p],
                        csrf=csrf,
                        body="&commitment=on" + answers[v],
                        address=address(n),
                    )  # fmt: skip
                    for n, (p, a, v) in enumerate(chosen)
                ]
                measured = {}
                # The bare views change nothing: their requests may be sent again.
                for name, requests in (("wsgi", None), ("bare", bare * 4), ("ack", acks)):
                    if name == "wsgi":
                        get = b"GET /bench/wsgi/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        requests = [get] * (per_level * 4)
                    load_avg = benchlib.load_now()
                    rush = Rush(port, requests, clients=clients, seconds=args.rush_seconds)
                    cpu = cpu_seconds(workers)
                    before = Acknowledgement.objects.count() if name == "ack" else 0
                    connections.close_all()
                    with LockSampler(dbname) as locks:
                        seconds = rush.run()
                    cpu = cpu_seconds(workers) - cpu
                    done = len(rush.latencies)
                    measured[name] = {
                        "rate": done / seconds, "rush": rush, "seconds": seconds, "locks": locks, "load": load_avg,
                        "cpu": cpu / max(done, 1), "recorded": Acknowledgement.objects.count() - before,
                    }  # fmt: skip
                    say(
                        f"   {n_workers} workers, {clients} clients, {name}: {done:,} in {seconds:.1f} s = {done / seconds:,.0f}/s, "
                        f"statuses {rush.statuses}, errors {rush.errors}, p50 "
                        f"{benchlib.percentile(rush.latencies, 0.5) * 1000:.0f} ms"
                    )
                bare_m, ack_m, wsgi_m = measured["bare"], measured["ack"], measured["wsgi"]
                share = ack_m["rate"] / bare_m["rate"]
                redirects = ack_m["rush"].statuses.get("302", 0)
                table.add(
                    f"acknowledgement POSTs, {clients} concurrent clients, {n_workers} sync workers (per second)",
                    f"{len(ack_m['rush'].latencies):,}",
                    f"{ack_m['rate']:,.1f}/s",
                    "–",
                    "bare Django view, same gunicorn",
                    f"{bare_m['rate']:,.1f}/s",
                    f"{share:.0%}",
                    f"≥ 50 %: {benchlib.verdict(share, 0.5, at_most=False)}",
                    f"{ack_m['load']} (bare: {bare_m['load']})",
                )
                locks = ack_m["locks"]
                lat = ack_m["rush"].latencies
                table.notes.append(
                    f"- rush, {clients} clients, {n_workers} gunicorn workers, {args.rush_seconds:g} s each: acknowledgements "
                    f"{ack_m['rate']:,.1f}/s ({redirects:,} answered 302 and {ack_m['recorded']:,} records written, "
                    f"other answers { ({k: v for k, v in ack_m['rush'].statuses.items() if k != '302'}) }, "
                    f"{ack_m['rush'].errors} connection errors; latency p50 {benchlib.percentile(lat, 0.5):.2f} s, "
                    f"p95 {benchlib.percentile(lat, 0.95):.2f} s), {ack_m['cpu'] * 1000:.0f} ms of gunicorn CPU each; "
                    f"the bare Django view (session, CSRF, log-in, POST, no work) {bare_m['rate']:,.1f}/s at "
                    f"{bare_m['cpu'] * 1000:.0f} ms CPU each; a bare WSGI answer before Django "
                    f"{wsgi_m['rate']:,.0f}/s. Lock waits during the acknowledgements: "
                    f"{locks.waiting} of {locks.active} active-backend samples "
                    f"({locks.waiting / max(locks.active, 1):.0%}; {locks.samples} samples every 20 ms"
                    + (f"; {', '.join(f'{k}: {v}' for k, v in sorted(locks.waits.items()))}" if locks.waits else "")
                    + ")."
                )
        finally:
            server.stop()
            shutil.rmtree(logdir, ignore_errors=True)

    steps = ", ".join(f"{name} {ms_:.1f}" for name, ms_ in breakdown["steps"].items())
    table.notes.append(
        f"- where an acknowledgement's time goes (`acknowledgement_record` called {BREAKDOWN_ACKS} times in "
        f"the benchmark's own process before the rush, load {breakdown_load}; mean milliseconds): {steps}; "
        f"{breakdown['total_ms']:.1f} ms in all. Every acknowledgement locks the one chain-head row from its "
        f"`SELECT … FOR UPDATE` to the end of its COMMIT: {breakdown['held_ms']:.1f} ms, so however many "
        f"workers, the acknowledgements cannot exceed 1 / that = {1000 / breakdown['held_ms']:,.0f} a second."
    )
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=list(sessions.values())).delete()


# --- 5. reminders -----------------------------------------------------------------------

REMINDER_OFFSET = 60  # days after today: no load assignment reaches a step then
WARM_UP_PEOPLE = 50


class Capture:
    """Appends every message smtplib sends to a file on disk (not memory, which is
    measured): envelope sender, recipients and bytes, for the raw loop to send again."""

    def __init__(self, path: Path) -> None:
        self.path, self.count = path, 0

    @contextlib.contextmanager
    def active(self):
        original = smtplib.SMTP.sendmail
        with open(self.path, "wb") as out:

            def sendmail(smtp, from_addr, to_addrs, msg, *args, **kwargs):
                to = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
                body = msg if isinstance(msg, bytes) else msg.encode()
                out.write(f"{from_addr}\t{','.join(to)}\t{len(body)}\n".encode() + body)
                self.count += 1
                return original(smtp, from_addr, to_addrs, msg, *args, **kwargs)

            smtplib.SMTP.sendmail = sendmail
            try:
                yield self
            finally:
                smtplib.SMTP.sendmail = original

    def messages(self):
        with open(self.path, "rb") as stream:
            while head := stream.readline():
                sender, to, size = head.decode().rstrip("\n").split("\t")
                yield sender, to.split(","), stream.read(int(size))


def raw_smtp(capture: Capture, *, port: int, per_connection: int) -> int:
    """The same messages by smtplib alone, `per_connection` on each connection."""
    sent, server = 0, None
    try:
        for sender, to, body in capture.messages():
            if server is None or sent % per_connection == 0:
                if server is not None:
                    server.quit()
                server = smtplib.SMTP("127.0.0.1", port)
            server.sendmail(sender, to, body)
            sent += 1
    finally:
        if server is not None:
            server.quit()
    return sent


def bench_reminders(args, table: Table, *, sink: benchlib.SmtpSink, workdir: Path) -> None:
    from django.db import connection
    from django.utils import timezone

    from acknowledgements import services
    from acknowledgements.reminders.cadence import Cadence
    from core import outbox
    from core.models import OutboxMessage

    # No digests: at a day this far ahead every open assignment is late, and the
    # digests of 1,000 heads would be measured with the reminders.
    cadence = dataclasses.replace(Cadence.from_settings(), escalate_after=36_500)
    base = timezone.localdate() + datetime.timedelta(days=REMINDER_OFFSET)
    memory = []
    # The first pass of a process pays for imports and templates: an untimed one first.
    for step, size in enumerate([WARM_UP_PEOPLE, *args.reminder_sizes]):
        warm_up = step == 0
        today = base + datetime.timedelta(days=step)
        due_on = today + datetime.timedelta(days=max(cadence.days_before))
        OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
        with connection.cursor() as cursor:
            # One open assignment of `size` people, moved to the due date that reaches "d-7" today.
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_moved (id bigint PRIMARY KEY, due_on date NOT NULL)")
            cursor.execute(
                """
                WITH chosen AS (
                    SELECT DISTINCT ON (a.person_id) a.id, a.due_on FROM acknowledgements_assignment a
                    JOIN organization_person p ON p.id = a.person_id
                    WHERE a.acknowledged_at IS NULL AND a.closed_at IS NULL AND p.is_active AND p.email LIKE %s
                    ORDER BY a.person_id, a.id LIMIT %s)
                INSERT INTO bench_moved SELECT * FROM chosen ON CONFLICT DO NOTHING
                """,
                ["%@load.example", size],
            )
            cursor.execute(
                "UPDATE acknowledgements_assignment a SET due_on = %s FROM bench_moved m WHERE m.id = a.id",
                [due_on],
            )
        benchlib.maintenance("acknowledgements_assignment", "core_outboxmessage")
        capture = Capture(workdir / f"messages-{size}.bin")
        before = sink.received
        load = benchlib.load_now()
        say(f"5) reminder_pass(today={today}) for {size:,} people, e-mail to the sink at 127.0.0.1:{sink.port}")
        try:
            with capture.active():
                passed = benchlib.measure(
                    lambda today=today: services.reminder_pass(today=today, cadence=cadence), trace=args.tracemalloc
                )
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE acknowledgements_assignment a SET due_on = m.due_on FROM bench_moved m WHERE m.id = a.id"
                )
                cursor.execute("DELETE FROM bench_moved")
        received = sink.received - before
        say(f"   {received:,} e-mails in {passed.seconds:.1f} s, peak {benchlib.fmt_peak(passed)} MB")
        if warm_up:
            OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
            continue
        if received != size or capture.count != size:
            say(f"   WARNING: {received} received and {capture.count} captured for {size} people")
        connections_used = -(-capture.count // outbox.GROUPS_PER_TASK)
        raw_load = benchlib.load_now()
        before = sink.received
        raw = benchlib.measure(
            lambda capture=capture: raw_smtp(capture, port=sink.port, per_connection=outbox.GROUPS_PER_TASK),
            trace=args.tracemalloc,
        )
        raw_received = sink.received - before
        say(f"   raw smtplib: {raw_received:,} in {raw.seconds:.1f} s")
        capture.path.unlink()
        memory.append((size, passed.rss_peak_mb, passed.heap_peak_mb))
        ratio = passed.seconds / raw.seconds
        table.add(
            f"reminder pass: claim + {received:,} e-mails through the outbox and SMTP",
            f"{size:,}",
            fmt(passed.seconds),
            benchlib.fmt_peak(passed),
            f"raw smtplib loop, same messages, {connections_used} connections",
            fmt(raw.seconds),
            ratio_text(ratio),
            f"≤ 2×: {benchlib.verdict(ratio, 2, at_most=True)}",
            f"{load} (raw: {raw_load})",
        )
        table.notes.append(
            f"- reminders, {size:,} people: `reminder_pass(today={today})` ({received / passed.seconds:,.0f} "
            f"e-mails/s; eager Celery tasks of {outbox.GROUPS_PER_TASK} e-mails on one SMTP connection each) "
            f"beside smtplib sending the very bytes the pass sent (captured to a file on the way), "
            f"{outbox.GROUPS_PER_TASK} per connection, to the same aiosmtpd sink ({raw_received / raw.seconds:,.0f}/s)."
        )
        OutboxMessage.objects.filter(kind="ack_reminder", key__startswith="ack-reminder:").delete()
    if len(memory) >= 2:
        (n1, rss1, heap1), (n2, rss2, heap2) = memory[0], memory[-1]
        text = f"{benchlib.growth_kb((n1, rss1), (n2, rss2)):+.2f} KB of peak RSS per recipient"
        if heap1 is not None:
            text += f", {benchlib.growth_kb((n1, heap1), (n2, heap2)):+.2f} KB of traced heap"
        table.notes.append(
            f"- reminder memory between {n1:,} and {n2:,} recipients: {text} (peak rise {rss1:.1f} MB and "
            f"{rss2:.1f} MB); the issue's starting point was +0.65 KB per recipient."
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


def partition_verdict(ratio: float) -> str:
    """Partitioned / flat seconds, with the ±10 % that separate runs on a shared machine differ by."""
    if ratio < 0.9:
        return "pays off"
    return "costs more" if ratio > 1.1 else "no difference (±10 %)"


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
                    partition_verdict(part_s / flat_s),
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
            "reminders": lambda: bench_reminders(args, table, sink=sink, workdir=workdir),
            "partition": lambda: bench_partition(args, table, root=root, workdir=workdir),
            "rush": lambda: bench_rush(args, table, url=url),
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
