"""The inspectors' exports: CSV (streamed), XLSX (constant memory), PDF and JSON.

Every writer reads through reports.selectors, so the web views and the
export_compliance command give the same numbers for the same filters. The PDF
report lives in reports.pdf and is re-exported here.
"""

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Iterator
from itertools import islice

import xlsxwriter
from django.utils.translation import gettext as _

from reports import selectors
from reports.pdf import pdf_summary
from reports.selectors import Counts, Filters, Summary

__all__ = ["csv_assignments", "csv_cases", "csv_summary", "json_summary", "pdf_summary", "xlsx_workbook"]

BOM = "\ufeff".encode()
CSV_CHUNK_ROWS = 500
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status_labels() -> dict[str, str]:
    return {"on_time": _("Đúng hạn"), "late": _("Muộn"), "pending": _("Chưa xác nhận"), "overdue": _("Quá hạn")}


def assignment_headers() -> list[str]:
    return [
        _("Mã đơn vị"), _("Đơn vị"), _("E-mail"), _("Họ và tên"), _("Văn bản"), _("Phiên bản"),
        _("Hạn xác nhận"), _("Thời điểm xác nhận"), _("Trạng thái"),
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
    labels = status_labels()
    for row in selectors.assignment_rows(filters):
        yield (*row[:-1], labels[row[-1]])


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


class _Sheet:
    """One worksheet written strictly row after row (constant_memory mode)."""

    def __init__(self, book: "_Book", name: str, widths: list[int]):
        self.book, self.row = book, 0
        self.ws = book.workbook.add_worksheet(name)
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)

    def header(self, values: list[str]) -> None:
        self.ws.freeze_panes(1, 0)
        self.write(values, self.book.bold)

    def write(self, values, cell_format=None) -> None:
        book = self.book
        for col, value in enumerate(values):
            if isinstance(value, datetime.datetime):
                self.ws.write_datetime(self.row, col, value, book.datetime)
            elif isinstance(value, datetime.date):
                self.ws.write_datetime(self.row, col, value, book.date)
            elif value is None or value == "":
                self.ws.write_blank(self.row, col, None, cell_format)
            elif isinstance(value, int | float):
                self.ws.write_number(self.row, col, value, cell_format)
            else:
                self.ws.write_string(self.row, col, str(value), cell_format)
        self.row += 1

    def table(self, headers: list[str], rows: Iterable) -> None:
        """A header row, the rows, and an autofilter over them."""
        first = self.row
        if first == 0:
            self.header(headers)
        else:
            self.write(headers, self.book.bold)
        for values in rows:
            self.write(values)
        self.ws.autofilter(first, 0, max(first, self.row - 1), len(headers) - 1)


class _Book:
    def __init__(self, out):
        self.workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
        self.bold = self.workbook.add_format({"bold": True, "bg_color": "#E7E6E6", "text_wrap": True, "valign": "top"})
        self.date = self.workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.datetime = self.workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})

    def sheet(self, name: str, widths: list[int]) -> _Sheet:
        return _Sheet(self, name, widths)


def xlsx_workbook(summary: Summary, filters: Filters, out) -> None:
    """The full workbook: totals and directives, units, every assignment, every case.
    `out` is a path or a binary file object; rows are written one at a time, so
    memory stays flat however many assignments there are."""
    book = _Book(out)
    counts_widths = [12, 12, 10, 8, 14, 12, 14]

    totals = book.sheet(_("Tổng hợp"), [18, 60, *counts_widths])
    totals.table(
        [_("Văn bản"), _("Trích yếu"), *count_headers()],
        ([d.code, d.subject, *count_values(c)] for d, c in summary.by_directive),
    )
    totals.write([_("Tổng cộng"), "", *count_values(summary.total)], book.bold)
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
    totals.write([_("Loại vi phạm"), _("Số hồ sơ")], book.bold)
    for label, number in summary.violations_by.get("category", []):
        totals.write([label, number])

    units = book.sheet(_("Theo đơn vị"), [14, 40, *counts_widths])
    units.table(
        [_("Mã đơn vị"), _("Đơn vị"), *count_headers()],
        ([u.code, u.name, *count_values(c)] for u, c in summary.by_unit),
    )
    people_widths = [14, 32, 32, 28, 18, 9, 13, 17, 15]
    rows = _assignment_rows(filters)
    # A sheet holds 1,048,576 rows; a ministry has more assignments, so they continue
    # on "Cán bộ (2)", "Cán bộ (3)"…, each with its header and filter.
    for part in itertools.count(1):
        chunk = list(itertools.islice(rows, 1))
        if not chunk and part > 1:
            break
        name = _("Cán bộ") if part == 1 else f"{_('Cán bộ')} ({part})"
        book.sheet(name, people_widths).table(
            assignment_headers(), itertools.chain(chunk, itertools.islice(rows, SHEET_ROWS - 1))
        )
    cases = book.sheet(_("Vi phạm"), [10, 32, 40, 12, 22, 18, 17, 13])
    cases.table(case_headers(), selectors.case_rows(filters))
    book.workbook.close()


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
