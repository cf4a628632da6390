"""Compromised or impersonated accounts: report, record the steps, resolve."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Person, Role
from social import notices, selectors
from social.models import (
    OFFICIAL_KINDS,
    AccountIncident,
    IncidentEvent,
    IncidentKind,
    IncidentState,
    IncidentStep,
    OfficialAccount,
    Platform,
)
from social.services.common import clean_text, required


@transaction.atomic
def incident_report(
    *, by: Person, kind: str, platform: str, account_name: str, what_happened: str,
    noticed_at: datetime.datetime, links: str = "", breaks_law: bool = False,
    official_account: OfficialAccount | None = None,
) -> AccountIncident:  # fmt: skip
    """A quick report, by anyone about their own account or a fake in their name, or
    by a head about one of their units' official accounts. Guarantees: the heads and
    inspectors over the unit are each owed one e-mail at once (claimed in this
    transaction, sent after commit); it is not a violation case and names no one
    but the reporter."""
    if kind not in IncidentKind.values:
        raise ValidationError(_("Hãy chọn sự việc."))
    if platform not in Platform.values:
        raise ValidationError(_("Hãy chọn nền tảng."))
    if kind in OFFICIAL_KINDS:
        if official_account is None:
            raise ValidationError(_("Hãy chọn tài khoản chính thức của đơn vị."))
        if not permissions.covers(by, official_account.unit, Role.UNIT_HEAD):
            raise PermissionDenied
        unit = official_account.unit
    else:
        official_account = None
        unit = by.unit
    if unit is None:
        raise ValidationError(_("Tài khoản của bạn chưa thuộc đơn vị nào."))
    if noticed_at > timezone.now():
        raise ValidationError(_("Thời điểm phát hiện không được ở tương lai."))
    incident = AccountIncident.objects.create(
        reporter=by, unit=unit, kind=kind, official_account=official_account, platform=platform,
        account_name=required(account_name, _("Hãy ghi tên hoặc đường dẫn của tài khoản.")),
        what_happened=required(what_happened, _("Hãy kể ngắn gọn chuyện gì đã xảy ra.")),
        noticed_at=noticed_at, links=clean_text(links), breaks_law=breaks_law,
    )  # fmt: skip
    IncidentEvent.objects.create(incident=incident, kind=IncidentEvent.Kind.REPORTED, actor=by, to_state=incident.state)
    notices.claim_incident_new(incident)
    return incident


def incident_step_done(*, incident: AccountIncident, by: Person, step: str, note: str = "") -> IncidentEvent:
    """Record that a step of the checklist was done, with its time; once per step."""
    if not selectors.may_act_on_incident(by, incident):
        raise PermissionDenied
    if step not in IncidentStep.values:
        raise ValidationError(_("Bước này không có trong danh sách."))
    try:
        with transaction.atomic():
            return IncidentEvent.objects.create(
                incident=incident, kind=IncidentEvent.Kind.STEP, step=step, actor=by, note=clean_text(note)
            )
    except IntegrityError:
        raise ValidationError(_("Bước này đã được ghi nhận.")) from None


@transaction.atomic
def incident_resolve(*, incident: AccountIncident, by: Person, to: str, note: str = "") -> AccountIncident:
    """Close the report: recovered, fake account removed, or closed without
    recovery (which needs a note). Only from open; a concurrent close loses."""
    if not selectors.may_act_on_incident(by, incident):
        raise PermissionDenied
    if to not in (IncidentState.RECOVERED, IncidentState.REMOVED, IncidentState.CLOSED):
        raise ValidationError(_("Hãy chọn kết quả."))
    note = clean_text(note)
    if to == IncidentState.CLOSED and not note:
        raise ValidationError(_("Hãy ghi lý do kết thúc khi chưa lấy lại được tài khoản."))
    now = timezone.now()
    if not AccountIncident.objects.filter(pk=incident.pk, state=IncidentState.OPEN).update(state=to, resolved_at=now):
        raise ValidationError(_("Báo cáo này đã kết thúc."))
    IncidentEvent.objects.create(
        incident=incident, kind=IncidentEvent.Kind.RESOLVED, actor=by, from_state=IncidentState.OPEN, to_state=to,
        note=note,
    )  # fmt: skip
    incident.refresh_from_db()
    return incident
