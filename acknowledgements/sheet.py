"""The attendance sheet of a session (danh sách ký tên), printed before it is held:
the administrative layout of Decree 30/2020/NĐ-CP (agency name at the top left, the
national title and motto at the top right), the directives read out, the roster with
an empty signature column, and a QR code to the session's check-in page. DejaVu, so
every Vietnamese glyph prints."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from acknowledgements.models import Meeting
from core.pdfdoc import describe
from organization.models import Unit

COLUMNS = (12, 52, 38, 42, 26)  # STT, name, position, unit, signature (mm, A4 portrait)


def checkin_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("acknowledgements:meeting_checkin", args=[meeting.pk])


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def _agency(meeting: Meeting) -> tuple[str, str]:
    """The governing body and the issuing unit, as the header's two lines."""
    unit = min(meeting.units.all(), key=lambda u: (u.depth, u.path))
    parent = Unit.objects.get_parent(unit)
    return (parent.name.upper() if parent else ""), unit.name.upper()


def sheet_pdf(meeting: Meeting, attendees: list) -> bytes:
    pdf = FPDF(format="A4")
    describe(
        pdf,
        title=_("Danh sách ký xác nhận buổi quán triệt %(when)s")
        % {"when": timezone.localtime(meeting.held_at).strftime("%H:%M %d/%m/%Y")},
    )
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()

    governing, agency = _agency(meeting)
    top = pdf.get_y()
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(15, top)
    if governing:
        pdf.multi_cell(75, 5, governing, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_x(15)
    pdf.multi_cell(75, 5, agency, align="C", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.line(37, left_bottom + 1, 68, left_bottom + 1)

    pdf.set_xy(92, top)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(103, 5, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(103, 5, _("Độc lập - Tự do - Hạnh phúc"), align="C", new_x="LEFT", new_y="NEXT")
    right_bottom = pdf.get_y()
    pdf.line(122, right_bottom + 1, 165, right_bottom + 1)

    pdf.image(io.BytesIO(qr_png(checkin_url(meeting))), x=170, y=max(left_bottom, right_bottom) + 4, w=25)
    pdf.set_xy(15, max(left_bottom, right_bottom) + 8)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(150, 7, _("DANH SÁCH CÁN BỘ DỰ HỘI NGHỊ QUÁN TRIỆT"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font("DejaVu", "", 10)
    for campaign in meeting.campaigns.all():
        directive = campaign.directive
        line = _("%(kind)s số %(code)s: %(subject)s") % {
            "kind": directive.get_doc_type_display(),
            "code": directive.code or "…",
            "subject": directive.subject,
        }
        pdf.set_x(15)
        pdf.multi_cell(150, 5, "- " + line, new_x="LMARGIN", new_y="NEXT")
    local = timezone.localtime(meeting.held_at)
    for label, value in (
        (_("Thời gian"), local.strftime("%H giờ %M, ngày %d/%m/%Y")),
        (_("Địa điểm"), meeting.place),
        (_("Chủ trì"), meeting.chair),
    ):
        pdf.multi_cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, _("Mã buổi quán triệt: %(id)d. Quét mã QR để điểm danh.") % {"id": meeting.pk})
    pdf.ln(3)

    pdf.set_font("DejaVu", "", 9)
    heading = FontFace(emphasis="BOLD")
    with pdf.table(col_widths=COLUMNS, text_align=("CENTER", "LEFT", "LEFT", "LEFT", "CENTER"), line_height=8,
                   headings_style=heading) as table:  # fmt: skip
        row = table.row()
        for title in (_("STT"), _("Họ và tên"), _("Chức vụ"), _("Đơn vị"), _("Ký tên")):
            row.cell(title)
        for number, attendee in enumerate(attendees, start=1):
            row = table.row()
            row.cell(str(number))
            if attendee.person_id:
                row.cell(attendee.person.full_name)
                row.cell(attendee.person.position or "")
                row.cell(attendee.person.unit.name if attendee.person.unit else "")
            else:
                row.cell(attendee.guest_name)
                row.cell(attendee.guest_title)
                row.cell(_("Khách mời"))
            row.cell("")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(95, 6, "")
    pdf.cell(85, 6, _("NGƯỜI CHỦ TRÌ"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(95, 5, "")
    pdf.cell(85, 5, _("(Ký, ghi rõ họ tên)"), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
