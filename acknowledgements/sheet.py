"""The attendance sheet of a session (danh sách ký tên), printed before it is held:
the administrative layout of Decree 30/2020/NĐ-CP (agency name at the top left, the
national title and motto at the top right), the directives read out, the roster with
an empty signature column, and a QR code to the session's check-in page. A tagged PDF
(core.pdfdoc)."""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Meeting
from core import pdfdoc
from organization.models import Unit


def checkin_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("acknowledgements:meeting_checkin", args=[meeting.pk])


def _agency(meeting: Meeting) -> tuple[str, str]:
    """The governing body and the issuing unit, as the header's two lines."""
    unit = min(meeting.units.all(), key=lambda u: (u.depth, u.path))
    parent = Unit.objects.get_parent(unit)
    return (parent.name.upper() if parent else ""), unit.name.upper()


def _row(attendee) -> tuple[str, str, str]:
    if attendee.person_id:
        person = attendee.person
        return person.full_name, person.position or "", person.unit.name if person.unit else ""
    return attendee.guest_name, attendee.guest_title, _("Khách mời")


def sheet_pdf(meeting: Meeting, attendees: list) -> bytes:
    local = timezone.localtime(meeting.held_at)
    day = pdfdoc.short_date(local.date())
    governing, agency = _agency(meeting)
    url = checkin_url(meeting)
    directives = [
        _("%(kind)s số %(code)s: %(subject)s")
        % {"kind": d.get_doc_type_display(), "code": d.code or "…", "subject": d.subject}
        for d in (campaign.directive for campaign in meeting.campaigns.all())
    ]
    context = {
        "governing": governing,
        "agency": agency,
        "qr": segno.make(url, error="m").png_data_uri(scale=4, border=2),
        "checkin_url": url,
        "directives": directives,
        "details": [
            (
                _("Thời gian"),
                _("%(hour)s giờ %(minute)s, ngày %(date)s")
                % {"hour": f"{local:%H}", "minute": f"{local:%M}", "date": day},
            ),
            (_("Địa điểm"), meeting.place),
            (_("Chủ trì"), meeting.chair),
        ],
        "meeting": meeting,
        "rows": [_row(attendee) for attendee in attendees],
    }
    title = _("Danh sách ký xác nhận buổi quán triệt %(when)s") % {"when": f"{local:%H:%M} {day}"}
    return pdfdoc.render("acknowledgements/pdf/sheet.html", context, title=title)
