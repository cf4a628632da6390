"""The compliance summary as a PDF laid out like a Vietnamese administrative report
(Nghị định 30/2020/NĐ-CP): agency and national motto side by side, the number and
date line, a centred title, numbered sections, then the distribution list and the
signature block. DejaVu fonts, so every Vietnamese glyph prints."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from core.pdfdoc import describe
from organization.models import Unit
from reports.selectors import Counts, Filters, Summary, method_counts

FONT = "DejaVu"
# Nghị định 30: left margin 30-35 mm, right 15-20 mm, top and bottom 20-25 mm.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 30, 15, 20
AGENCY_WIDTH = 70
HEADINGS = FontFace(emphasis="BOLD", fill_color=(231, 230, 230))
BOLD = FontFace(emphasis="BOLD")


class _Report(FPDF):
    def header(self):
        # Page numbers from the second page on, centred in the top margin.
        if self.page_no() > 1:
            self.set_font(FONT, "", 10)
            self.set_y(10)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(self.t_margin)


def vn_date(day: datetime.date) -> str:
    """The date as in "ngày 05 tháng 02 năm 2024": days below 10 and the months 1 and 2
    take a leading zero, as Nghị định 30 asks."""
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def period_text(filters: Filters, today: datetime.date) -> str:
    start, end = (d.strftime("%d/%m/%Y") if d else "" for d in (filters.start, filters.end))
    if start:
        return _("Từ ngày %(start)s đến ngày %(end)s") % {"start": start, "end": end or today.strftime("%d/%m/%Y")}
    if end:
        return _("Số liệu tính đến ngày %(end)s") % {"end": end}
    return _("Số liệu tính đến ngày %(end)s") % {"end": today.strftime("%d/%m/%Y")}


def _rule(pdf: FPDF, x: float, width: float, length: float) -> None:
    """A short centred line under a heading block."""
    start = x + (width - length) / 2
    pdf.line(start, pdf.get_y() + 0.5, start + length, pdf.get_y() + 0.5)


def _fit_font(pdf: FPDF, text: str, style: str, width: float, size: float = 11, smallest: float = 9) -> None:
    """The largest size down to `smallest` that keeps `text` on one line; longer
    names wrap at the smallest size."""
    pdf.set_font(FONT, style, size)
    while size > smallest and pdf.get_string_width(text) > width - 2:
        size -= 0.5
        pdf.set_font(FONT, style, size)


def _heading(pdf: FPDF, unit: Unit, parent: Unit | None, place: str, today: datetime.date) -> None:
    top, left, right_width = pdf.get_y(), pdf.l_margin, pdf.epw - AGENCY_WIDTH
    lines = ([(parent.name.upper(), "")] if parent else []) + [(unit.name.upper(), "B")]
    for text, style in lines:
        _fit_font(pdf, text, style, AGENCY_WIDTH)
        pdf.multi_cell(AGENCY_WIDTH, 5, text, align="C", new_x="LEFT", new_y="NEXT")
    _rule(pdf, left, AGENCY_WIDTH, min(pdf.get_string_width(lines[-1][0]), AGENCY_WIDTH) / 2)
    agency_bottom = pdf.get_y()

    pdf.set_xy(left + AGENCY_WIDTH, top)
    nation = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _fit_font(pdf, nation, "B", right_width)
    pdf.cell(right_width, 5, nation, align="C", new_x="LEFT", new_y="NEXT")
    motto = _("Độc lập - Tự do - Hạnh phúc")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(right_width, 5, motto, align="C", new_x="LEFT", new_y="NEXT")
    _rule(pdf, left + AGENCY_WIDTH, right_width, pdf.get_string_width(motto))

    pdf.set_y(max(agency_bottom, pdf.get_y()) + 4)
    pdf.set_font(FONT, "", 11)
    number = _("Số:      /BC-%(code)s") % {"code": unit.code}
    pdf.cell(AGENCY_WIDTH, 6, number, align="C")
    pdf.cell(right_width, 6, f"{place}, {vn_date(today)}", align="C", new_x="LMARGIN", new_y="NEXT")


def _title(pdf: FPDF, filters: Filters, today: datetime.date) -> None:
    pdf.ln(8)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, _("BÁO CÁO"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12)
    subject = _("Tình hình thực hiện quán triệt văn bản về quy tắc ứng xử trên mạng xã hội")
    pdf.multi_cell(0, 6, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    scope = _("Phạm vi: %(unit)s và các đơn vị trực thuộc") % {"unit": filters.unit.name}
    if filters.directive:
        scope += " – " + (filters.directive.code or filters.directive.subject[:80])
    pdf.multi_cell(0, 6, scope, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, period_text(filters, today), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _section(pdf: FPDF, title: str) -> None:
    pdf.start_section(title)  # a bookmark, to move between sections
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, text, align="J", new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, headings: list[str], rows: list[list], widths: tuple, aligns: tuple, total=None) -> None:
    """A bordered table whose heading row is repeated on every page it spans."""
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=widths, text_align=aligns, headings_style=HEADINGS, line_height=5, repeat_headings=1
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text, align="CENTER")
        for values in rows:
            table.row([str(value) for value in values])
        if total is not None:
            table.row([str(value) for value in total], style=BOLD)
    pdf.ln(2)


def _counts_table(pdf: FPDF, label: str, rows: list[tuple[str, Counts]], total: Counts | None = None) -> None:
    headings = [
        _("STT"), label, _("Số lượt giao"), _("Đã xác nhận"), _("Đúng hạn"), _("Muộn"), _("Chưa xác nhận"),
        _("Trong đó quá hạn"), _("Tỷ lệ (%)"),
    ]  # fmt: skip

    def numbers(c: Counts) -> list:
        return [c.targeted, c.acknowledged, c.on_time, c.late, c.pending, c.overdue, c.percent]

    body = [[i, name, *numbers(counts)] for i, (name, counts) in enumerate(rows, 1)]
    footer = ["", _("Tổng cộng"), *numbers(total)] if total is not None else None
    widths = (9, 42, 13, 14, 12, 12, 14, 14, 11)
    _table(pdf, headings, body, widths, ("CENTER", "LEFT", *["RIGHT"] * 7), footer)


def _recipients(parent: Unit | None) -> list[str]:
    lines = [_("- %(unit)s (để báo cáo);") % {"unit": parent.name}] if parent else []
    return lines + [_("- Thủ trưởng các đơn vị trực thuộc;"), _("- Thanh tra;"), _("- Lưu: VT.")]


def _closing(pdf: FPDF, recipients: list[str], signer_title: str, signer_name: str) -> None:
    """Decree 30's closing: "Nơi nhận" on the left, the signer's block on the right."""
    if pdf.get_y() + 60 > pdf.page_break_trigger:
        pdf.add_page()
    top, left, width = pdf.get_y() + 6, pdf.l_margin, 80
    pdf.set_xy(left, top)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(width, 5, _("Nơi nhận:"), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in recipients:
        pdf.multi_cell(width, 4.5, line, new_x="LEFT", new_y="NEXT")

    right_width = pdf.epw - width
    pdf.set_xy(left + width, top)
    pdf.set_font(FONT, "B", 11)
    for line in signer_title.splitlines():
        pdf.multi_cell(right_width, 5.5, line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(24)
    if signer_name:
        pdf.set_x(left + width)
        pdf.multi_cell(right_width, 5.5, signer_name, align="C", new_x="LMARGIN", new_y="NEXT")


def pdf_summary(
    summary: Summary,
    *,
    signer_title: str = "",
    signer_name: str = "",
    place: str = "Hà Nội",
    today: datetime.date | None = None,
) -> bytes:
    """The summary report for the filters' unit, ready to sign."""
    filters, today = summary.filters, today or timezone.localdate()
    pdf = _Report(format="A4")
    pdf.add_font(FONT, "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=20)
    describe(pdf, title=_("Báo cáo tình hình quán triệt – %(unit)s") % {"unit": filters.unit.name})
    pdf.add_page()
    parent = Unit.objects.get_parent(filters.unit)
    _heading(pdf, filters.unit, parent, place, today)
    _title(pdf, filters, today)

    total = summary.total
    _section(pdf, _("I. KẾT QUẢ QUÁN TRIỆT CHUNG"))
    _paragraph(
        pdf,
        _(
            "Tổng số lượt giao quán triệt: %(targeted)d; đã xác nhận: %(acknowledged)d (%(percent)d%%), "
            "trong đó đúng hạn: %(on_time)d, muộn: %(late)d; chưa xác nhận: %(pending)d, "
            "trong đó quá hạn: %(overdue)d."
        )
        % {**vars(total), "percent": total.percent},
    )
    methods = "; ".join(f"{label}: {n}" for label, n in method_counts(filters))
    _paragraph(pdf, _("Theo hình thức xác nhận: %(methods)s.") % {"methods": methods})

    _section(pdf, _("II. KẾT QUẢ THEO VĂN BẢN"))
    rows = [(d.code or d.subject[:80], c) for d, c in summary.by_directive]
    if rows:
        _counts_table(pdf, _("Văn bản"), rows, total)
    else:
        _paragraph(pdf, _("Không có số liệu."))

    _section(pdf, _("III. KẾT QUẢ THEO ĐƠN VỊ"))
    rows = [(u.name, c) for u, c in summary.by_unit]
    if rows:
        _counts_table(pdf, _("Đơn vị"), rows)
    else:
        _paragraph(pdf, _("Không có số liệu."))

    _section(pdf, _("IV. PHẢN ÁNH VI PHẠM"))
    categories = summary.violations_by.get("category", [])
    if categories:
        body = [[i, label, n] for i, (label, n) in enumerate(categories, 1)]
        _table(pdf, [_("STT"), _("Loại vi phạm"), _("Số hồ sơ")], body, (10, 128, 22), ("CENTER", "LEFT", "RIGHT"))
        for name, title in (("platform", _("Theo nền tảng")), ("outcome", _("Hình thức xử lý"))):
            parts = [f"{label}: {n}" for label, n in summary.violations_by.get(name, [])]
            if parts:
                _paragraph(pdf, f"{title}: " + "; ".join(parts) + ".")
    else:
        _paragraph(pdf, _("Không có phản ánh vi phạm."))
    _paragraph(pdf, _("Số hồ sơ quá hạn xem xét: %(n)d.") % {"n": summary.overdue_cases})

    _section(pdf, _("V. ĐƠN VỊ CHƯA BÁO CÁO TRIỂN KHAI"))
    if summary.missing_reports:
        body = [[i, u.name, d.code or d.subject[:80]] for i, (d, u) in enumerate(summary.missing_reports, 1)]
        _table(pdf, [_("STT"), _("Đơn vị"), _("Văn bản")], body, (10, 88, 62), ("CENTER", "LEFT", "LEFT"))
    else:
        _paragraph(pdf, _("Tất cả đơn vị được giao đã báo cáo việc triển khai."))

    pdf.ln(3)
    _paragraph(
        pdf,
        _(
            "Trên đây là báo cáo tình hình thực hiện quán triệt văn bản về quy tắc ứng xử "
            "trên mạng xã hội của %(unit)s./."
        )
        % {"unit": filters.unit.name},
    )
    _closing(pdf, _recipients(parent), (signer_title or _("THỦ TRƯỞNG ĐƠN VỊ")).upper(), signer_name)
    return bytes(pdf.output())
