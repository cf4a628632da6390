"""The compliance summary as a PDF laid out like a Vietnamese administrative report
(Nghị định 30/2020/NĐ-CP): agency and national motto side by side, the number and
date line, a centred title, numbered sections, then the distribution list and the
signature block, kept on one page with the closing paragraph. A tagged PDF
(core.pdfdoc); the implementation report (reports/implementation_pdf.py) shares the
layout through `document`."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core import pdfdoc
from organization.models import Unit
from reports.implementation import Table
from reports.selectors import Counts, Filters, Summary, method_counts

# Column widths in millimetres of the 165 mm between Decree 30's margins.
COUNT_WIDTHS = (9, 40, 13, 14, 12, 12, 14, 14, 15)


def vn_date(day: datetime.date) -> str:
    """The date as in "ngày 05 tháng 02 năm 2024": days below 10 and the months 1 and 2
    take a leading zero, as Nghị định 30 asks."""
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def period_text(filters: Filters, today: datetime.date) -> str:
    start, end = (pdfdoc.short_date(d) if d else "" for d in (filters.start, filters.end))
    if start:
        return _("Từ ngày %(start)s đến ngày %(end)s") % {"start": start, "end": end or pdfdoc.short_date(today)}
    return _("Số liệu tính đến ngày %(end)s") % {"end": end or pdfdoc.short_date(today)}


def _counts_table(label: str, rows: list[tuple[str, Counts]], total: Counts | None = None) -> Table:
    headings = [
        _("STT"), label, _("Số lượt giao"), _("Đã xác nhận"), _("Đúng hạn"), _("Muộn"), _("Chưa xác nhận"),
        _("Trong đó quá hạn"), _("Tỷ lệ (%)"),
    ]  # fmt: skip

    def numbers(c: Counts) -> list[str]:
        values = (c.targeted, c.acknowledged, c.on_time, c.late, c.pending, c.overdue)
        return [*map(str, values), pdfdoc.percent(c.acknowledged, c.targeted)]

    body = [[str(i), name, *numbers(counts)] for i, (name, counts) in enumerate(rows, 1)]
    footer = ["", _("Tổng cộng"), *numbers(total)] if total is not None else None
    return Table(headings, body, COUNT_WIDTHS, tuple(range(2, 9)), footer)


def _recipients(parent: Unit | None) -> list[str]:
    lines = [_("- %(unit)s (để báo cáo);") % {"unit": parent.name}] if parent else []
    return lines + [_("- Thủ trưởng các đơn vị trực thuộc;"), _("- Thanh tra;"), _("- Lưu: VT.")]


def document(
    *,
    title: str,
    unit: Unit,
    parent: Unit | None,
    number: str,
    place_date: str,
    title_lines: list[tuple[str, bool]],
    blocks: list[tuple[str, object]],
    recipients: list[str],
    signer_title: str,
    signer_name: str,
) -> bytes:
    """A Decree 30 report: `blocks` are ("section", title), ("paragraph", text) and
    ("table", Table); the last one is kept on a page with the signature block."""
    *body, last = blocks
    context = {
        "governing": parent.name.upper() if parent else "",
        "agency": unit.name.upper(),
        "number": number,
        "place_date": place_date,
        "heading": title_lines[0][0],
        "title_lines": title_lines[1:],
        "blocks": body,
        "last": last,
        "recipients": recipients,
        "signer_title": signer_title.splitlines(),
        "signer_name": signer_name,
    }
    return pdfdoc.render("reports/pdf/report.html", context, title=title)


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
    parent = Unit.objects.get_parent(filters.unit)
    scope = _("Phạm vi: %(unit)s và các đơn vị trực thuộc") % {"unit": filters.unit.name}
    if filters.directive:
        scope += " – " + (filters.directive.code or filters.directive.subject[:80])
    blocks: list[tuple[str, object]] = []

    def section(title):
        blocks.append(("section", title))

    def paragraph(text):
        blocks.append(("paragraph", text))

    total = summary.total
    section(_("I. KẾT QUẢ QUÁN TRIỆT CHUNG"))
    paragraph(
        _(
            "Tổng số lượt giao quán triệt: %(targeted)d; đã xác nhận: %(acknowledged)d (%(percent)s), "
            "trong đó đúng hạn: %(on_time)d, muộn: %(late)d; chưa xác nhận: %(pending)d, "
            "trong đó quá hạn: %(overdue)d."
        )
        % {**vars(total), "percent": pdfdoc.percent(total.acknowledged, total.targeted)}
    )
    methods = "; ".join(f"{label}: {n}" for label, n in method_counts(filters))
    paragraph(_("Theo hình thức xác nhận: %(methods)s.") % {"methods": methods})

    section(_("II. KẾT QUẢ THEO VĂN BẢN"))
    rows = [(d.code or d.subject[:80], c) for d, c in summary.by_directive]
    blocks.append(
        ("table", _counts_table(_("Văn bản"), rows, total)) if rows else ("paragraph", _("Không có số liệu."))
    )

    section(_("III. KẾT QUẢ THEO ĐƠN VỊ"))
    rows = [(u.name, c) for u, c in summary.by_unit]
    blocks.append(("table", _counts_table(_("Đơn vị"), rows)) if rows else ("paragraph", _("Không có số liệu.")))

    section(_("IV. PHẢN ÁNH VI PHẠM"))
    categories = summary.violations_by.get("category", [])
    if categories:
        body = [[str(i), label, str(n)] for i, (label, n) in enumerate(categories, 1)]
        blocks.append(("table", Table([_("STT"), _("Loại vi phạm"), _("Số hồ sơ")], body, (10, 128, 22), (2,))))
        for name, title in (("platform", _("Theo nền tảng")), ("outcome", _("Hình thức xử lý"))):
            parts = [f"{label}: {n}" for label, n in summary.violations_by.get(name, [])]
            if parts:
                paragraph(f"{title}: " + "; ".join(parts) + ".")
    else:
        paragraph(_("Không có phản ánh vi phạm."))
    paragraph(_("Số hồ sơ quá hạn xem xét: %(n)d.") % {"n": summary.overdue_cases})

    section(_("V. ĐƠN VỊ CHƯA BÁO CÁO TRIỂN KHAI"))
    if summary.missing_reports:
        body = [[str(i), u.name, d.code or d.subject[:80]] for i, (d, u) in enumerate(summary.missing_reports, 1)]
        blocks.append(("table", Table([_("STT"), _("Đơn vị"), _("Văn bản")], body, (10, 88, 62))))
    else:
        paragraph(_("Tất cả đơn vị được giao đã báo cáo việc triển khai."))

    paragraph(
        _(
            "Trên đây là báo cáo tình hình thực hiện quán triệt văn bản về quy tắc ứng xử "
            "trên mạng xã hội của %(unit)s./."
        )
        % {"unit": filters.unit.name}
    )
    return document(
        title=_("Báo cáo tình hình quán triệt – %(unit)s") % {"unit": filters.unit.name},
        unit=filters.unit,
        parent=parent,
        number=_("Số:      /BC-%(code)s") % {"code": filters.unit.code},
        place_date=f"{place}, {vn_date(today)}",
        title_lines=[
            (_("BÁO CÁO"), True),
            (_("Tình hình thực hiện quán triệt văn bản về quy tắc ứng xử trên mạng xã hội"), True),
            (scope, False),
            (period_text(filters, today), False),
        ],
        blocks=blocks,
        recipients=_recipients(parent),
        signer_title=(signer_title or _("THỦ TRƯỞNG ĐƠN VỊ")).upper(),
        signer_name=signer_name,
    )
