"""The receipt a person downloads for what they acknowledged (PDF, DejaVu font so
every Vietnamese glyph prints)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from acknowledgements.models import Acknowledgement, Method
from core.pdfdoc import describe


def receipt_pdf(ack: Acknowledgement) -> bytes:
    directive = ack.version.directive
    pdf = FPDF(format="A4")
    describe(pdf, title=_("Biên nhận xác nhận quán triệt: %(code)s") % {"code": directive.code or directive.subject})
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(settings.PDF_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, _("BIÊN NHẬN XÁC NHẬN QUÁN TRIỆT VĂN BẢN"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    local = timezone.localtime(ack.acknowledged_at)
    lines = [
        (
            _("Người xác nhận"),
            f"{ack.person.full_name} ({ack.person.email})" if ack.person.email else ack.person.full_name,
        ),
        (_("Hình thức xác nhận"), ack.get_method_display()),
        (_("Văn bản"), f"{directive.get_doc_type_display()} {directive.code or ''} – {directive.subject}"),
        (_("Phiên bản"), str(ack.version.number)),
        (_("Thời điểm"), local.strftime("%H:%M:%S %d/%m/%Y")),
        (_("Địa chỉ IP"), ack.ip_address or "—"),
        (_("Mã băm SHA-256 của văn bản"), ack.text_sha256),
        *[
            (_("Tài liệu gửi kèm: %(title)s") % {"title": attachment.title}, attachment.sha256)
            for attachment in ack.version.attachments.order_by("position")
        ],
        (_("Mã băm của bản ghi"), ack.record_hash),
        (_("Mã băm của bản ghi trước"), ack.previous_hash),
    ]
    if ack.method == Method.MEETING:
        local_session = timezone.localtime(ack.session.held_at)
        lines += [
            (_("Buổi quán triệt"), f"{local_session:%H:%M %d/%m/%Y}, {ack.session.place} (#{ack.session_id})"),
            (_("Người ghi nhận"), ack.recorded_by.full_name),
            (_("Mã băm SHA-256 của danh sách ký tên"), ack.sheet_sha256),
        ]
    elif ack.method == Method.ON_BEHALF:
        lines += [
            (_("Người xác nhận thay"), ack.recorded_by.full_name),
            (_("Lý do"), ack.reason),
            (_("Mã băm SHA-256 của giấy xác nhận"), ack.sheet_sha256),
        ]
    for label, value in lines:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(4)
    pdf.multi_cell(
        0, 6,
        _("Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc các nội dung của văn bản này khi sử dụng mạng xã hội."),
    )  # fmt: skip
    return bytes(pdf.output())
