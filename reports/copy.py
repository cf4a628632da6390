"""The assignments export as one PostgreSQL statement, for `COPY (…) TO STDOUT`:
the same rows, order and values as selectors.assignment_rows() and the CSV and
workbook writers make of them in Python, but computed by the database (local times
in settings.TIME_ZONE, Vietnamese labels passed in from gettext, the directive's
code, formula escaping for CSV, XML escaping for the workbook), so Python only moves
bytes. A change to one side must be made on the other: tests/reports/test_copy.py
compares them."""

import datetime
from collections.abc import Callable

from django.conf import settings

from acknowledgements.models import Method
from reports.selectors import Filters

FROM = """
    FROM acknowledgements_assignment a
    JOIN organization_person p ON p.id = a.person_id
    JOIN organization_unit u ON u.id = p.unit_id
    JOIN directives_version v ON v.id = a.version_id
    JOIN directives_directive d ON d.id = v.directive_id
    LEFT JOIN acknowledgements_acknowledgement k ON k.assignment_id = a.id
    WHERE a.closed_at IS NULL AND u.path LIKE %(path)s"""
ORDER = " ORDER BY u.path, p.full_name, a.id"
DIRECTIVE = "CASE WHEN d.number <> '' THEN d.number || '/' || d.symbol ELSE left(d.subject, 80) END"
# chr(9) and chr(13): tab and carriage return (exports.FORMULA_STARTS).
FORMULA = "left({0}, 1) IN ('=', '+', '-', '@', chr(9), chr(13))"


def _tz(column: str) -> str:
    return f"({column} AT TIME ZONE %(tz)s)"


def _where(filters: Filters) -> tuple[str, dict]:
    sql, params = FROM, {"path": filters.unit.path + "%", "tz": settings.TIME_ZONE}
    if filters.directive:
        sql += " AND v.directive_id = %(directive)s"
        params["directive"] = filters.directive.pk
    if filters.start:
        sql += f" AND {_tz('a.assigned_at')}::date >= %(start)s"
        params["start"] = filters.start
    if filters.end:
        sql += f" AND {_tz('a.assigned_at')}::date <= %(end)s"
        params["end"] = filters.end
    return sql, params


def _status(labels: dict[str, str], params: dict, label: Callable[[str], str] = str) -> str:
    """`label(expression)` wraps each label, a constant that PostgreSQL then computes
    once when it plans the statement instead of once per row."""
    params.update({f"label_{key}": value for key, value in labels.items()})
    late, on_time, overdue, pending = (label(f"%(label_{key})s") for key in ("late", "on_time", "overdue", "pending"))
    return f"""CASE WHEN a.acknowledged_at IS NOT NULL THEN
        CASE WHEN {_tz("a.acknowledged_at")}::date > a.due_on THEN {late} ELSE {on_time} END
        WHEN a.due_on < %(today)s THEN {overdue} ELSE {pending} END"""


def _method(methods: dict[str, str] | None, params: dict, label: Callable[[str], str] = str) -> str:
    """The acknowledgement's method as its label; NULL (or `label(NULL)`) for an open assignment."""
    methods = methods or {value: str(text) for value, text in Method.choices}
    params.update({f"method_{key}": methods.get(key, "") for key in Method.values})
    cases = " ".join(f"WHEN '{key}' THEN {label(f'%(method_{key})s')}" for key in Method.values)
    return f"CASE k.method {cases} ELSE {label('NULL')} END"


def count_sql(filters: Filters) -> tuple[str, dict]:
    where, params = _where(filters)
    return "SELECT count(*)" + where, params


def csv_sql(
    filters: Filters, *, labels: dict[str, str], today: datetime.date, methods: dict[str, str] | None = None
) -> tuple[str, dict]:
    """Ten columns as exports._csv_text writes them: empty for none (NULL, so COPY
    leaves it unquoted), dates in ISO form, times to the minute, a quote before any
    text a spreadsheet would run as a formula."""
    where, params = _where(filters)
    params["today"] = today

    def text(expression: str) -> str:
        return f"NULLIF(CASE WHEN {FORMULA.format(expression)} THEN '''' || {expression} ELSE {expression} END, '')"

    columns = [
        text("u.code"), text("u.name"), text("p.email"), text("p.full_name"), text(DIRECTIVE), "v.number",
        "to_char(a.due_on, 'YYYY-MM-DD')", f"to_char({_tz('a.acknowledged_at')}, 'YYYY-MM-DD HH24:MI')",
        _status(labels, params), text(_method(methods, params)),
    ]  # fmt: skip
    return "SELECT " + ", ".join(columns) + where + ORDER, params


# The control characters XML cannot hold (all below space but tab, line feed and carriage return).
CONTROLS = r"'[\x01-\x08\x0b\x0c\x0e-\x1f]'"
# Every character _xml() changes: markup, backslash and all below space.
CHANGED = r"'[&<>\\\x01-\x1f]'"


def _xml(expression: str) -> str:
    """XML text of a column, with the characters COPY's text format would escape
    (backslash, tab, line feed, carriage return) written as character references, so
    that every row is exactly one line of COPY output; other control characters,
    which XML cannot hold, are dropped (as reports.xlsx does). By one regular
    expression: `translate()` over the 27 of them cost more than the rest of the
    row's XML (measured: the workbook's COPY took twice as long). Text with none of
    those characters, nearly all, is tested once and left as it is (a fifth less)."""
    escaped = f"replace(replace(replace({expression}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    for char, ref in (("chr(92)", "&#92;"), ("chr(9)", "&#9;"), ("chr(10)", "&#10;"), ("chr(13)", "&#13;")):
        escaped = f"replace({escaped}, {char}, '{ref}')"
    cleaned = f"regexp_replace({escaped}, {CONTROLS}, '', 'g')"
    return f"CASE WHEN {expression} ~ {CHANGED} THEN {cleaned} ELSE {expression} END"


def _string_cell(expression: str) -> str:
    return (
        f"CASE WHEN coalesce({expression}, '') = '' THEN '<c/>' "
        f"ELSE '<c t=\"inlineStr\"><is><t>' || {_xml(expression)} || '</t></is></c>' END"
    )


def xlsx_sql(
    filters: Filters, *, labels: dict[str, str], today: datetime.date, methods: dict[str, str] | None = None
) -> tuple[str, dict]:
    """One `<row>` of sheet XML per assignment, cells in column order without
    references (optional in SpreadsheetML), dates as serial numbers in the styles
    reports.xlsx defines (2: date, 3: date and time)."""
    where, params = _where(filters)
    params["today"] = today
    acknowledged = f"extract(epoch FROM {_tz('a.acknowledged_at')} - TIMESTAMP '1899-12-30') / 86400"  # Excel's day 0
    cells = [
        _string_cell("u.code"), _string_cell("u.name"), _string_cell("p.email"), _string_cell("p.full_name"),
        _string_cell(DIRECTIVE), "'<c><v>' || v.number || '</v></c>'",
        "'<c s=\"2\"><v>' || (a.due_on - DATE '1899-12-30') || '</v></c>'",
        f"coalesce('<c s=\"3\"><v>' || round({acknowledged}, 8) || '</v></c>', '<c/>')",
        _status(labels, params, _string_cell), _method(methods, params, _string_cell),
    ]  # fmt: skip
    return "SELECT '<row>' || " + " || ".join(cells) + " || '</row>'" + where + ORDER, params
