"""The inspectors' exports: CSV (streamed), XLSX (constant memory), PDF and JSON.

Every writer reads through reports.selectors, so the web views and the
export_compliance command give the same numbers for the same filters. The PDF
report lives in reports.pdf and is re-exported here.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Assignment, Method
from reports import copy, selectors, xlsx
from reports.pdf import pdf_summary
from reports.selectors import Counts, Filters, Summary

__all__ = [
    "csv_assignments",
    "csv_assignments_copy",
    "csv_cases",
    "csv_summary",
    "json_summary",
    "pdf_summary",
    "xlsx_workbook",
]

BOM = "\ufeff".encode()
Progress = Callable[[int], None]
CSV_CHUNK_ROWS = 500
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status_labels() -> dict[str, str]:
    return {"on_time": _("Đúng hạn"), "late": _("Muộn"), "pending": _("Chưa xác nhận"), "overdue": _("Quá hạn")}


def method_labels() -> dict[str, str]:
    """How each acknowledgement was made: trực tuyến, tại buổi quán triệt, thay mặt."""
    return {value: str(label) for value, label in Method.choices}


def assignment_headers() -> list[str]:
    return [
        _("Mã đơn vị"), _("Đơn vị"), _("E-mail"), _("Họ và tên"), _("Văn bản"), _("Phiên bản"),
        _("Hạn xác nhận"), _("Thời điểm xác nhận"), _("Trạng thái"), _("Hình thức xác nhận"),
    ]  # fmt: skip


def case_headers() -> list[str]:
    return [
        _("Mã hồ sơ"), _("Đơn vị"), _("Loại vi phạm"), _("Nền tảng"), _("Trạng thái"), _("Hình thức xử lý"),
        _("Thời điểm tiếp nhận"), _("Hạn xem xét"),
    ]  # fmt: skip


def count_headers() -> list[str]:
    return [
        _("Số lượt giao"), _("Đã xác nhận"), _("Đúng hạn"), _("Muộn"), _("Chưa xác nhận"), _("Trong đó quá hạn"),
        _("Tỷ lệ hoàn thành (%)"),
    ]  # fmt: skip


def count_values(counts: Counts) -> list[int]:
    return [
        counts.targeted, counts.acknowledged, counts.on_time, counts.late, counts.pending, counts.overdue,
        counts.percent,
    ]  # fmt: skip


def _assignment_rows(filters: Filters) -> Iterator[tuple]:
    labels, methods = status_labels(), method_labels()
    for row in selectors.assignment_rows(filters):
        yield (*row[:-2], labels[row[-2]], methods.get(row[-1], ""))


# CSV


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_bytes(rows: Iterable[Iterable]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _csv_stream(headers: list[str], rows: Iterator[tuple]) -> Iterator[bytes]:
    yield BOM + _csv_bytes([headers])
    while chunk := list(islice(rows, CSV_CHUNK_ROWS)):
        yield _csv_bytes(chunk)


def csv_assignments(filters: Filters) -> Iterator[bytes]:
    """Every assignment in scope, one row each. Lazy: nothing is queried before the
    second chunk, and at most CSV_CHUNK_ROWS rows are held at a time."""
    return _csv_stream(assignment_headers(), _assignment_rows(filters))


def csv_cases(filters: Filters) -> Iterator[bytes]:
    """Every violation case in scope, without reporter or subject identities."""
    return _csv_stream(case_headers(), selectors.case_rows(filters))


def csv_summary(summary: Summary) -> Iterator[bytes]:
    """The per-directive table (with its total), a blank line, the per-unit table."""
    rows: list[list] = [[_("Văn bản"), _("Trích yếu"), *count_headers()]]
    rows += [[directive.code, directive.subject, *count_values(counts)] for directive, counts in summary.by_directive]
    rows.append([_("Tổng cộng"), "", *count_values(summary.total)])
    rows.append([])
    rows.append([_("Mã đơn vị"), _("Đơn vị"), *count_headers()])
    rows += [[unit.code, unit.name, *count_values(counts)] for unit, counts in summary.by_unit]
    yield BOM + _csv_bytes(rows)


# XLSX


SHEET_ROWS = 1_048_575  # Excel's row limit, less the header
PEOPLE_WIDTHS = [14, 32, 32, 28, 18, 9, 13, 17, 15, 20]
COPY_BUFFER = 1 << 20  # bytes handed on at a time from a COPY


def xlsx_workbook(summary: Summary, filters: Filters, out, *, progress: Progress | None = None) -> int:
    """The full workbook: totals and directives, units, every assignment, every case.
    `out` is a path or a binary file object; rows are written one at a time, so
    memory stays flat however many assignments there are. On PostgreSQL the
    assignment rows come as sheet XML from one COPY (reports/copy.py). Returns the
    number of assignment rows; `progress(rows)` is called as they are written."""
    book = xlsx.Workbook(out)
    counts_widths = [12, 12, 10, 8, 14, 12, 14]

    totals = book.sheet(_("Tổng hợp"), [18, 60, *counts_widths])
    totals.table(
        [_("Văn bản"), _("Trích yếu"), *count_headers()],
        ([d.code, d.subject, *count_values(c)] for d, c in summary.by_directive),
    )
    totals.write([_("Tổng cộng"), "", *count_values(summary.total)], xlsx.HEADER)
    totals.write([])
    scope = [
        (_("Đơn vị"), filters.unit.name),
        (_("Văn bản"), filters.directive.code if filters.directive else _("Tất cả")),
        (_("Từ ngày"), filters.start),
        (_("Đến ngày"), filters.end),
        (_("Hồ sơ vi phạm quá hạn xem xét"), summary.overdue_cases),
        (_("Lượt chưa báo cáo triển khai"), len(summary.missing_reports)),
    ]
    for label, value in scope:
        totals.write([label, value])
    totals.write([])
    totals.write([_("Loại vi phạm"), _("Số hồ sơ")], xlsx.HEADER)
    for label, number in summary.violations_by.get("category", []):
        totals.write([label, number])

    units = book.sheet(_("Theo đơn vị"), [14, 40, *counts_widths])
    units.table(
        [_("Mã đơn vị"), _("Đơn vị"), *count_headers()],
        ([u.code, u.name, *count_values(c)] for u, c in summary.by_unit),
    )
    people = _PeopleSheets(book, progress)
    using = router.db_for_read(Assignment)
    if connections[using].vendor == "postgresql":
        sql, params = copy.xlsx_sql(
            filters, labels=status_labels(), methods=method_labels(), today=timezone.localdate()
        )
        _copy_to(using, sql, params, people)
    else:
        for values in _assignment_rows(filters):
            people.write_row(values)
    people.finish()
    cases = book.sheet(_("Vi phạm"), [10, 32, 40, 12, 22, 18, 17, 13])
    cases.table(case_headers(), selectors.case_rows(filters))
    book.close()
    return people.total


class _PeopleSheets(io.RawIOBase):
    """The assignment sheets: "Cán bộ", then "Cán bộ (2)", "Cán bộ (3)"… (a sheet
    holds 1,048,576 rows; a ministry has more assignments), each with its header and
    filter. Takes Python rows or, as a file, COPY output: one `<row>` line each."""

    def __init__(self, book: xlsx.Workbook, progress: Progress | None):
        self.book, self.progress, self.total, self.part = book, progress, 0, 0
        self.sheet: xlsx.Sheet | None = None
        self._next_sheet()

    def _next_sheet(self) -> None:
        if self.sheet is not None:
            self.sheet.set_filter(1, len(assignment_headers()))
        self.part += 1
        name = _("Cán bộ") if self.part == 1 else f"{_('Cán bộ')} ({self.part})"
        self.sheet = self.book.sheet(name, PEOPLE_WIDTHS)
        self.sheet.write(assignment_headers(), xlsx.HEADER)

    def _room(self) -> int:
        if self.sheet.rows - 1 >= SHEET_ROWS:
            self._next_sheet()
        return SHEET_ROWS - (self.sheet.rows - 1)

    def write_row(self, values) -> None:
        self._room()
        self.sheet.write(values)
        self._wrote(1)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        view, size = data, len(data)
        while view:
            rows, room = view.count(b"\n"), self._room()
            if rows <= room:
                self.sheet.write_xml(view, rows)
                self._wrote(rows)
                break
            cut = -1
            for _row in range(room):
                cut = view.index(b"\n", cut + 1)
            self.sheet.write_xml(view[: cut + 1], room)
            self._wrote(room)
            view = view[cut + 1 :]
        return size

    def _wrote(self, rows: int) -> None:
        self.total += rows
        if self.progress:
            self.progress(self.total)

    def finish(self) -> None:
        self.sheet.set_filter(1, len(assignment_headers()))


def _copy_to(using: str, sql: str, params: dict, sink: io.RawIOBase, *, csv_format: bool = False) -> int:
    """COPY the statement's rows into `sink`, a megabyte at a time; the row count.
    The text format (one line per row) for sheet XML; CSV for the CSV export."""
    buffered = io.BufferedWriter(sink, buffer_size=COPY_BUFFER)
    with connections[using].cursor() as cursor:
        statement = cursor.mogrify(sql, params).decode()
        options = " WITH (FORMAT csv)" if csv_format else ""
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT{options}", buffered)
        rows = cursor.rowcount
    buffered.flush()
    return rows


class _CountingSink(io.RawIOBase):
    def __init__(self, out, progress: Progress | None):
        self.out, self.progress, self.lines = out, progress, 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.out.write(data)
        self.lines += bytes(data).count(b"\n")
        if self.progress:
            self.progress(self.lines)  # a row holding a line break counts twice here, not in the total
        return len(data)


def csv_assignments_copy(filters: Filters, out, *, progress: Progress | None = None) -> int:
    """The assignments CSV written by PostgreSQL's COPY into the binary file `out`:
    the byte-order mark and header from Python, then every row as csv_assignments()
    writes it (same columns, values, quoting rules and order; lines end in LF, not
    CRLF). Flat memory: COPY output passes through a 1 MB buffer. Returns the number
    of rows. PostgreSQL only."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_csv_text(v) for v in assignment_headers()])
    out.write(BOM + buffer.getvalue().encode("utf-8"))
    sql, params = copy.csv_sql(filters, labels=status_labels(), methods=method_labels(), today=timezone.localdate())
    using = router.db_for_read(Assignment)
    return _copy_to(using, sql, params, _CountingSink(out, progress), csv_format=True)


# JSON


def _counts_dict(counts: Counts) -> dict:
    return {
        "targeted": counts.targeted, "acknowledged": counts.acknowledged, "on_time": counts.on_time,
        "late": counts.late, "pending": counts.pending, "overdue": counts.overdue, "percent": counts.percent,
    }  # fmt: skip


def json_summary(summary: Summary) -> dict:
    """The summary's numbers as plain JSON types (no names of people)."""
    return {
        "filters": summary.filters.as_dict(),
        "totals": _counts_dict(summary.total),
        "by_directive": [
            {"code": d.code, "subject": d.subject, "counts": _counts_dict(c)} for d, c in summary.by_directive
        ],
        "by_unit": [{"code": u.code, "name": u.name, "counts": _counts_dict(c)} for u, c in summary.by_unit],
        "missing_reports": [
            {"directive": d.code, "subject": d.subject, "unit": u.code, "unit_name": u.name}
            for d, u in summary.missing_reports
        ],
        "violations_by": {
            name: [{"label": label, "count": n} for label, n in rows] for name, rows in summary.violations_by.items()
        },
        "overdue_cases": summary.overdue_cases,
    }
