"""Named denunciations (tố cáo, Luật Tố cáo 2018): recorded by a designated handler
or a head from the letter, the denouncer's identity sealed (violations/identity.py),
accepted or declined within the statutory period (Art. 24(1)), the denouncer told
(Art. 29), resolved within 30 days of acceptance plus the extensions decided in
writing (Art. 30). Anonymous reports are not denunciations (Art. 25): they stay
anonymous cases, listed for inspectors (selectors.inspection_queue)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Person, Role
from violations import identity, notices, rules, selectors, workflow
from violations.models import Channel, Event, Report, State
from violations.services import event_append


@transaction.atomic
def denunciation_create(
    *,
    by: Person,
    subject: Person,
    denouncer_name: str,
    denouncer_address: str,
    received_on: datetime.date,
    category: str,
    platform: str,
    description: str,
    seen_at: datetime.datetime | None = None,
    denouncer_contact: str = "",
    url: str = "",
) -> Report:
    """Record a named denunciation about `subject`, received on `received_on`. Only a
    designated handler or a head over the person's review unit records it; the
    denouncer's name and address are sealed, never in a column, history line or
    e-mail. The acceptance clock starts on the day of receipt."""
    if subject.unit is None or not subject.is_active or subject.pk == by.pk:
        raise ValidationError(_("Không thể ghi tố cáo về người này."))
    if not denouncer_name.strip() or not denouncer_address.strip():
        raise ValidationError(_("Tố cáo phải có họ tên, địa chỉ của người tố cáo; nếu không, đây là phản ánh ẩn danh."))
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày nhận không được ở tương lai."))
    review_unit = selectors.review_unit_for(unit=subject.unit, subject=subject)
    may = identity.is_handler_of_unit(by, subject.unit) or (
        review_unit is not None and permissions.covers(by, review_unit, Role.UNIT_HEAD)
    )
    if not may:
        raise ValidationError(_("Chỉ người được giao giải quyết tố cáo hoặc thủ trưởng đơn vị ghi được tố cáo."))
    seen_at = seen_at or timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(8)))
    violated_on = timezone.localtime(seen_at).date()
    report = Report.objects.create(
        unit=subject.unit, review_unit=review_unit, subject=subject, channel=Channel.DENUNCIATION, confidential=True,
        category=category, platform=platform, url=url, seen_at=seen_at, description=description,
        review_due_on=received_on, received_on=received_on, staff_kind=subject.staff_kind, violated_on=violated_on,
        rule_set=rules.rule_set_for(staff_kind=subject.staff_kind, violated_on=violated_on),
    )  # fmt: skip
    identity.seal(
        report=report,
        identity={"name": denouncer_name.strip(), "address": denouncer_address.strip(), "contact": denouncer_contact},
    )
    event_append(report=report, kind=Event.Kind.CREATED, by=by, to_state=report.state)
    notices.claim_new_case(report)
    return report


@transaction.atomic
def denouncer_notified(*, report: Report, by: Person, role: str, notified_on: datetime.date) -> Report:
    """The denouncer was told, in writing, that the denunciation was accepted."""
    if role != workflow.REVIEWER or report.channel != Channel.DENUNCIATION or report.accepted_on is None:
        raise ValidationError(_("Chỉ thông báo cho người tố cáo sau khi đã thụ lý."))
    if notified_on < report.accepted_on or notified_on > timezone.localdate():
        raise ValidationError(_("Ngày thông báo phải từ ngày thụ lý đến hôm nay."))
    updated = Report.objects.filter(pk=report.pk, denouncer_notified_on__isnull=True).update(
        denouncer_notified_on=notified_on
    )
    if updated:
        text = _("Đã thông báo thụ lý cho người tố cáo ngày %(day)s.") % {
            "day": date_format(notified_on, "SHORT_DATE_FORMAT")
        }
        event_append(report=report, kind=Event.Kind.NOTIFIED, by=by, text=text)
    report.refresh_from_db()
    return report


def is_open_denunciation(report: Report) -> bool:
    return (
        report.channel == Channel.DENUNCIATION and report.state in workflow.OPEN_STATES and report.state != State.CLOSED
    )
