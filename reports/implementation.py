"""The periodic implementation report (báo cáo kết quả triển khai) of one unit over a
period, rolled up over its subtree: the directives its people received, the
dissemination sessions held, the acknowledged share of each child unit, the
violation cases and the measures taken, and the head's own assessment.

`implementation_data` reads the figures (through reports.selectors, so the counts are
the dashboard's, from the rollup on PostgreSQL); `report_blocks` turns them into what
the report says, in order (sections, paragraphs, tables), so that the .docx
(reports/implementation_docx.py) and the PDF (reports/implementation_pdf.py) say the
same words and only lay them out differently, both in the Decree 30/2020/NĐ-CP form.

The period: directives whose campaign was launched in it, sessions held and
dissemination reports dated in it, assignments made in it (the dashboard's period
filter) and cases received in it."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Assignment, ImplementationReport, Meeting
from core import pdfdoc
from directives.models import Directive
from organization.models import Unit
from reports import selectors
from reports.models import AssignmentRollup
from reports.selectors import Counts, Filters
from violations.models import State


@dataclass(frozen=True)
class Session:
    held_on: datetime.date
    place: str
    units: list[str]
    directives: list[str]
    invited: int
    present: int
    acknowledged: int


@dataclass(frozen=True)
class Dissemination:
    unit: str
    directive: str
    method: str
    held_on: datetime.date
    attendees: int | None


@dataclass
class Texts:
    """What the head writes on the form before downloading."""

    assessment: str = ""
    place: str = ""
    recipients: str = ""
    signer_title: str = ""
    signer_name: str = ""


@dataclass
class ImplementationData:
    unit: Unit
    parent: Unit | None
    start: datetime.date
    end: datetime.date
    directives: list[Directive] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    disseminations: list[Dissemination] = field(default_factory=list)
    by_unit: list[tuple[Unit, Counts]] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)
    cases: int = 0
    cases_closed: int = 0
    cases_overdue: int = 0
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)


def _directives_received(unit: Unit, start: datetime.date, end: datetime.date) -> list[Directive]:
    if selectors.uses_rollup():
        reached = AssignmentRollup.objects.filter(unit__path__startswith=unit.path, n_targeted__gt=0).values(
            "directive"
        )
    else:
        reached = Assignment.objects.filter(person__unit__path__startswith=unit.path).values("version__directive")
    return list(
        Directive.objects.filter(
            campaign__created_at__date__gte=start, campaign__created_at__date__lte=end, pk__in=reached
        ).order_by("issued_on", "number", "pk")
    )


def _sessions(unit: Unit, start: datetime.date, end: datetime.date) -> list[Session]:
    meetings = (
        Meeting.objects.filter(
            state=Meeting.State.RECORDED,
            held_at__date__gte=start,
            held_at__date__lte=end,
            pk__in=Meeting.objects.filter(units__path__startswith=unit.path).values("pk"),
        )
        .annotate(
            invited=Count("attendees", filter=Q(attendees__person__isnull=False), distinct=True),
            n_present=Count("attendees", filter=Q(attendees__present=True), distinct=True),
            n_acknowledged=Count("acknowledgements", distinct=True),
        )
        .prefetch_related("units", "campaigns__directive")
        .order_by("held_at", "pk")
    )
    return [
        Session(
            held_on=timezone.localtime(m.held_at).date(),
            place=m.place,
            units=[u.name for u in sorted(m.units.all(), key=lambda u: u.path)],
            directives=sorted(c.directive.code or c.directive.subject[:80] for c in m.campaigns.all()),
            invited=m.invited,
            present=m.n_present,
            acknowledged=m.n_acknowledged,
        )
        for m in meetings
    ]


def _disseminations(unit: Unit, start: datetime.date, end: datetime.date) -> list[Dissemination]:
    reports = (
        ImplementationReport.objects.filter(unit__path__startswith=unit.path, held_on__gte=start, held_on__lte=end)
        .select_related("unit", "directive")
        .order_by("held_on", "unit__path", "pk")
    )
    return [
        Dissemination(
            unit=r.unit.name,
            directive=r.directive.code or r.directive.subject[:80],
            method=r.get_method_display(),
            held_on=r.held_on,
            attendees=r.attendees,
        )
        for r in reports
    ]


def implementation_data(*, unit: Unit, start: datetime.date, end: datetime.date) -> ImplementationData:
    """The report's figures for `unit` and its subtree over [start, end] (both
    included). The caller checks that the viewer may see the unit."""
    filters = Filters(unit=unit, start=start, end=end)
    summary = selectors.summary(filters)
    cases = selectors.cases_for(filters)
    return ImplementationData(
        unit=unit,
        parent=Unit.objects.get_parent(unit),
        start=start,
        end=end,
        directives=_directives_received(unit, start, end),
        sessions=_sessions(unit, start, end),
        disseminations=_disseminations(unit, start, end),
        by_unit=summary.by_unit,
        total=summary.total,
        cases=cases.count(),
        cases_closed=cases.filter(state=State.CLOSED).count(),
        cases_overdue=summary.overdue_cases,
        outcomes=summary.violations_by.get("outcome", []),
        categories=summary.violations_by.get("category", []),
    )


# What the report says


def vn_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2024": a leading zero for days below 10 and for the
    months 1 and 2, as Decree 30 asks."""
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def percent(counts: Counts) -> str:
    return pdfdoc.percent(counts.acknowledged, counts.targeted)


def issued(value: str) -> str:
    """A directive's ISO date of issue, possibly partial ("2024-08-28", "2024-08"), as "28/8/2024"."""
    return "/".join(str(int(part)) for part in reversed(value.split("-")) if part)


def number_line(unit: Unit) -> str:
    return _("Số: …/BC-%(code)s") % {"code": unit.code}


def place_date_line(texts: Texts, today: datetime.date) -> str:
    """The place and date of signing; left as "…" to fill in by hand when the form
    gave no place."""
    if texts.place.strip():
        return f"{texts.place.strip()}, {vn_date(today)}"
    return _("…, ngày … tháng … năm …")


def title_lines(data: ImplementationData) -> list[str]:
    return [
        _("BÁO CÁO"),
        _("Kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội"),
        _("(Từ %(start)s đến %(end)s)") % {"start": vn_date(data.start), "end": vn_date(data.end)},
    ]


def recipient_lines(data: ImplementationData, texts: Texts) -> list[str]:
    if texts.recipients.strip():
        return [line.strip() for line in texts.recipients.splitlines() if line.strip()]
    return default_recipients(data.parent)


def default_recipients(parent: Unit | None) -> list[str]:
    lines = [_("- %(unit)s (để báo cáo);") % {"unit": parent.name}] if parent else []
    return [*lines, _("- Lưu: VT.")]


def signer_lines(texts: Texts) -> tuple[str, str]:
    return (texts.signer_title.strip() or _("THỦ TRƯỞNG ĐƠN VỊ")).upper(), texts.signer_name.strip()


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[list[str]]
    widths: tuple[int, ...]  # relative, in millimetres of the PDF's 165 mm text width
    numeric: tuple[int, ...] = ()  # columns aligned right
    total: list[str] | None = None


def report_blocks(data: ImplementationData, texts: Texts) -> list[tuple[str, object]]:
    """The body, in order: ("section", title), ("paragraph", text) and ("table", Table)."""
    blocks: list[tuple[str, object]] = []

    def section(title):
        blocks.append(("section", title))

    def paragraph(text):
        blocks.append(("paragraph", text))

    dmy = pdfdoc.short_date

    paragraph(
        _(
            "%(unit)s báo cáo kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội "
            "tại %(unit)s và các đơn vị trực thuộc từ %(start)s đến %(end)s như sau:"
        )
        % {"unit": data.unit.name, "start": vn_date(data.start), "end": vn_date(data.end)}
    )

    section(_("I. VĂN BẢN ĐÃ TIẾP NHẬN"))
    if data.directives:
        paragraph(_("Trong kỳ, đơn vị tiếp nhận %(n)d văn bản:") % {"n": len(data.directives)})
        rows = [
            [str(i), d.code, issued(d.issued_on), d.subject]  # ISO, possibly partial
            for i, d in enumerate(data.directives, 1)
        ]
        blocks.append(("table", Table([_("STT"), _("Số, ký hiệu"), _("Ngày ban hành"), _("Trích yếu")], rows,
                                      (12, 35, 25, 93), (0,))))  # fmt: skip
    else:
        paragraph(_("Trong kỳ, đơn vị không tiếp nhận văn bản mới."))

    section(_("II. TỔ CHỨC QUÁN TRIỆT"))
    if data.sessions:
        paragraph(
            _(
                "Đã tổ chức %(n)d buổi quán triệt, %(present)d lượt người có mặt, %(acknowledged)d lượt xác nhận tại buổi."
            )
            % {
                "n": len(data.sessions),
                "present": sum(s.present for s in data.sessions),
                "acknowledged": sum(s.acknowledged for s in data.sessions),
            }
        )
        rows = [
            [str(i), dmy(s.held_on), ", ".join(s.units), "; ".join(s.directives), f"{s.present}/{s.invited}",
             str(s.acknowledged)]
            for i, s in enumerate(data.sessions, 1)
        ]  # fmt: skip
        headings = [_("STT"), _("Ngày"), _("Đơn vị"), _("Văn bản"), _("Có mặt/triệu tập"), _("Xác nhận tại buổi")]
        blocks.append(("table", Table(headings, rows, (12, 22, 48, 38, 22, 23), (0, 4, 5))))
    else:
        paragraph(_("Trong kỳ, chưa có buổi quán triệt nào được ghi nhận trên Cổng."))
    if data.disseminations:
        paragraph(_("Các đơn vị đã báo cáo triển khai %(n)d lượt:") % {"n": len(data.disseminations)})
        rows = [
            [str(i), d.unit, d.directive, d.method, dmy(d.held_on), "" if d.attendees is None else str(d.attendees)]
            for i, d in enumerate(data.disseminations, 1)
        ]
        headings = [_("STT"), _("Đơn vị"), _("Văn bản"), _("Hình thức"), _("Ngày"), _("Số người")]
        blocks.append(("table", Table(headings, rows, (12, 43, 35, 35, 22, 18), (0, 5))))

    section(_("III. KẾT QUẢ XÁC NHẬN CỦA CÁN BỘ, CÔNG CHỨC"))
    total = data.total
    if total.targeted:
        paragraph(
            _(
                "Tổng số lượt giao: %(targeted)d; đã xác nhận: %(acknowledged)d (%(percent)s), trong đó đúng hạn: "
                "%(on_time)d, muộn: %(late)d; chưa xác nhận: %(pending)d, trong đó quá hạn: %(overdue)d."
            )
            % {**vars(total), "percent": percent(total)}
        )

        def numbers(c: Counts) -> list[str]:
            return [str(c.targeted), str(c.on_time), str(c.late), str(c.pending), percent(c)]

        rows = [[str(i), unit.name, *numbers(c)] for i, (unit, c) in enumerate(data.by_unit, 1)]
        headings = [_("STT"), _("Đơn vị"), _("Số lượt giao"), _("Đúng hạn"), _("Muộn"), _("Chưa xác nhận"),
                    _("Tỷ lệ đã xác nhận")]  # fmt: skip
        blocks.append(("table", Table(headings, rows, (12, 53, 20, 20, 16, 22, 22), (0, 2, 3, 4, 5, 6),
                                      ["", _("Tổng cộng"), *numbers(total)])))  # fmt: skip
    else:
        paragraph(_("Trong kỳ, không có lượt giao quán triệt nào."))

    section(_("IV. VI PHẠM VÀ BIỆN PHÁP XỬ LÝ"))
    if data.cases:
        paragraph(
            _(
                "Tiếp nhận %(cases)d hồ sơ phản ánh vi phạm; đã xử lý xong %(closed)d, đang giải quyết %(open)d, "
                "trong đó quá hạn xem xét %(overdue)d."
            )
            % {
                "cases": data.cases,
                "closed": data.cases_closed,
                "open": data.cases - data.cases_closed,
                "overdue": data.cases_overdue,
            }
        )
        rows = [[str(i), label, str(n)] for i, (label, n) in enumerate(data.categories, 1)]
        blocks.append(("table", Table([_("STT"), _("Loại vi phạm"), _("Số hồ sơ")], rows, (12, 128, 25), (0, 2))))
        if data.outcomes:
            rows = [[str(i), label, str(n)] for i, (label, n) in enumerate(data.outcomes, 1)]
            headings = [_("STT"), _("Hình thức xử lý"), _("Số hồ sơ")]
            blocks.append(("table", Table(headings, rows, (12, 128, 25), (0, 2))))
    else:
        paragraph(_("Trong kỳ, không có hồ sơ phản ánh vi phạm."))

    section(_("V. ĐÁNH GIÁ, KIẾN NGHỊ"))
    assessment = [line.strip() for line in texts.assessment.splitlines() if line.strip()]
    for line in assessment or ["…"]:
        paragraph(line)

    paragraph(
        _(
            "Trên đây là báo cáo kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội của %(unit)s./."
        )
        % {"unit": data.unit.name}
    )
    return blocks
