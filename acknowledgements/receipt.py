"""The receipt a person downloads for what they acknowledged: a tagged PDF
(core.pdfdoc) with who, which text, when against the due date, and the hashes that
prove it."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acknowledgements import chain
from acknowledgements.models import Acknowledgement, Method
from core import pdfdoc
from core.pdfdoc import moment


def punctuality(ack: Acknowledgement) -> str:
    """ "đúng hạn", or "quá hạn 3 ngày" when the local day of acknowledging is past the due day."""
    days = (timezone.localtime(ack.acknowledged_at).date() - ack.assignment.due_on).days
    if days <= 0:
        return _("đúng hạn")
    return ngettext("quá hạn %(days)d ngày", "quá hạn %(days)d ngày", days) % {"days": days}


def _chain_lines(ack: Acknowledgement) -> list[tuple[str, str]]:
    """The record's MAC and its place in the chain, each with what it proves."""
    lines = [
        (_("Mã xác thực của bản ghi"), ack.record_hash),
        (
            _("Mã xác thực chứng minh điều gì"),
            _(
                "Mã HMAC-SHA256 của mọi trường của bản ghi này (người, văn bản, phiên bản, thời điểm, "
                "địa chỉ, hình thức), tạo bằng khóa không lưu trong cơ sở dữ liệu: sửa một trường bất kỳ "
                "thì mã không còn khớp."
            ),
        ),
    ]
    place = chain.place(ack)
    if place is None:
        return [*lines, (_("Vị trí trong chuỗi xác nhận"), _("đang được nối vào chuỗi"))]
    seq, previous, chain_mac = place
    return [
        *lines,
        (_("Vị trí trong chuỗi xác nhận"), f"{seq:,}".replace(",", ".")),
        (_("Mã xác thực của mắt nối trước"), previous),
        (_("Mã xác thực của mắt nối"), chain_mac),
        (
            _("Chuỗi xác nhận chứng minh điều gì"),
            _(
                "Mỗi mắt nối mang mã của mắt nối trước nó, nên không xóa, chèn hay đổi thứ tự được bản ghi "
                "nào mà không làm hỏng mọi mắt nối sau; các mốc kiểm tra gửi ra ngoài hằng ngày giữ lại "
                "đầu chuỗi."
            ),
        ),
    ]


def receipt_pdf(ack: Acknowledgement) -> bytes:
    directive = ack.version.directive
    title = _("Biên nhận xác nhận quán triệt: %(code)s") % {"code": directive.code or directive.subject}
    lines = [
        (
            _("Người xác nhận"),
            f"{ack.person.full_name} ({ack.person.email})" if ack.person.email else ack.person.full_name,
        ),
        (_("Đơn vị"), ack.person.unit.name if ack.person.unit else "—"),
        (_("Hình thức xác nhận"), ack.get_method_display()),
        (_("Văn bản"), f"{directive.get_doc_type_display()} {directive.code or ''} – {directive.subject}"),
        (_("Phiên bản"), str(ack.version.number)),
        (_("Thời điểm"), moment(ack.acknowledged_at)),
        (_("Hạn xác nhận"), pdfdoc.short_date(ack.assignment.due_on)),
        (_("So với hạn"), punctuality(ack)),
        (_("Địa chỉ IP"), ack.ip_address or "—"),
        (_("Mã băm SHA-256 của văn bản"), ack.text_sha256),
        (
            _("Mã băm chứng minh điều gì"),
            _(
                "Đây là mã SHA-256 của đúng văn bản (phiên bản %(number)s) hiển thị cho người xác nhận đọc. "
                "Văn bản khác đi dù chỉ một ký tự sẽ cho mã khác, nên mã này chứng minh nội dung đã được xác nhận."
            )
            % {"number": ack.version.number},
        ),
        *[
            (_("Tài liệu gửi kèm: %(title)s") % {"title": attachment.title}, attachment.sha256)
            for attachment in ack.version.attachments.order_by("position")
        ],
        *_chain_lines(ack),
    ]
    if ack.method == Method.MEETING:
        lines += [
            (
                _("Buổi quán triệt"),
                f"{moment(ack.session.held_at, seconds=False)}, {ack.session.place} (#{ack.session_id})",
            ),
            (_("Người ghi nhận"), ack.recorded_by.full_name),
            (_("Mã băm SHA-256 của danh sách ký tên"), ack.sheet_sha256),
        ]
    elif ack.method == Method.ON_BEHALF:
        lines += [
            (_("Người xác nhận thay"), ack.recorded_by.full_name),
            (_("Lý do"), ack.reason),
            (_("Mã băm SHA-256 của giấy xác nhận"), ack.sheet_sha256),
        ]
    closing = _(
        "Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc các nội dung của văn bản này khi sử dụng mạng xã hội."
    )
    return pdfdoc.render("acknowledgements/pdf/receipt.html", {"lines": lines, "closing": closing}, title=title)
