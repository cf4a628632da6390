"""The steps of discipline after the conclusion, each taken by recording it: the
review meeting, the Disciplinary Council, the decision and its notification; and
the deferrals and written extensions that move the clocks. Each service checks the
workflow table, writes its record, the case's move and its Event in one
transaction (violations/services.py `move`), and refuses a step the rule set does
not provide for."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.uploads import DOCUMENT_TYPES, check_upload
from organization.models import Person
from violations import clocks, rules, workflow
from violations.models import (
    CouncilSession,
    Decision,
    Deferral,
    DeferralCase,
    Event,
    Extension,
    Measure,
    Report,
    ReviewMeeting,
    State,
)
from violations.services import event_append, move, refuse_unconfirmed, refuse_while_deferred


def _document(upload, record, prefix: str) -> None:
    """Check the uploaded minutes or decision and attach it to the unsaved record."""
    if upload is None:
        raise ValidationError(_("Hãy tải lên biên bản hoặc văn bản đã ký."))
    checked = check_upload(upload, max_bytes=settings.VIOLATION_DOCUMENT_MAX_MB * 1024 * 1024, kinds=DOCUMENT_TYPES)
    record.minutes_name, record.minutes_sha256 = checked.name, checked.sha256
    content = ContentFile(checked.display) if checked.display is not None else upload
    record.minutes.save(f"{prefix}-{record.report_id}-{checked.sha256[:16]}{checked.extension}", content, save=False)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("rule_set", "unit").get(pk=report.pk)


def _step(*, report: Report, by: Person, role: str, to: str, text: str, **fields) -> None:
    refuse_while_deferred(report, to)
    if not move(report=report, from_state=report.state, to=to, by=by, role=role, text=text, **fields):
        raise ValidationError(_("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang."))


def _not_future(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("Ngày không được ở tương lai."))


@transaction.atomic
def meeting_record(
    *,
    report: Report,
    by: Person,
    role: str,
    held_on: datetime.date,
    chair: str,
    attendees: str,
    conclusion: str = "",
    minutes=None,
) -> ReviewMeeting:
    """The review meeting (họp kiểm điểm), held after the person was heard and the
    violation concluded; its minutes uploaded (Word, PDF or an image)."""  # fmt: skip
    report = _locked(report)
    if not workflow.may_move(role, report.state, State.MEETING, workflow.track_of(report)):
        raise ValidationError(_("Chỉ họp kiểm điểm sau khi đã kết luận có vi phạm."))
    if not chair.strip() or not attendees.strip():
        raise ValidationError(_("Hãy ghi người chủ trì và thành phần tham dự."))
    _not_future(held_on)
    meeting = ReviewMeeting(
        report=report, recorded_by=by, held_on=held_on, chair=chair.strip(), attendees=attendees.strip(),
        conclusion=conclusion.strip(),
    )  # fmt: skip
    _document(minutes, meeting, "hop-kiem-diem")
    meeting.save()
    text = _("Họp kiểm điểm ngày %(day)s, chủ trì: %(chair)s.") % {
        "day": date_format(held_on, "SHORT_DATE_FORMAT"), "chair": meeting.chair,
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.MEETING, by=by, text=text)
    _step(report=report, by=by, role=role, to=State.MEETING, text="")
    return meeting


@transaction.atomic
def council_record(
    *,
    report: Report,
    by: Person,
    role: str,
    held_on: datetime.date,
    members: str,
    recommendation: Measure,
    votes_for: int,
    votes_against: int,
    minutes=None,
) -> CouncilSession:
    """The Disciplinary Council's session, only where the case's rule set requires
    one; it recommends one of the measures the case may take."""  # fmt: skip
    report = _locked(report)
    if not workflow.may_move(role, report.state, State.COUNCIL, workflow.track_of(report)):
        raise ValidationError(_("Hội đồng kỷ luật họp sau cuộc họp kiểm điểm."))
    if report.rule_set is None or not report.rule_set.council_required:
        raise ValidationError(_("Bộ quy tắc áp dụng không quy định Hội đồng kỷ luật."))
    allowed, _general = rules.measures_for(report)
    if recommendation.pk not in {m.pk for m in allowed}:
        raise ValidationError(_("Hình thức kiến nghị không thuộc bộ quy tắc áp dụng."))
    if not members.strip():
        raise ValidationError(_("Hãy ghi thành viên Hội đồng."))
    _not_future(held_on)
    session = CouncilSession(
        report=report, recorded_by=by, held_on=held_on, members=members.strip(), recommendation=recommendation,
        votes_for=votes_for, votes_against=votes_against,
    )  # fmt: skip
    _document(minutes, session, "hoi-dong")
    session.save()
    text = _("Hội đồng kỷ luật họp ngày %(day)s, kiến nghị: %(measure)s (%(yes)s đồng ý, %(no)s không đồng ý).") % {
        "day": date_format(held_on, "SHORT_DATE_FORMAT"), "measure": recommendation.label, "yes": votes_for, "no": votes_against,
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.COUNCIL, by=by, text=text)
    _step(report=report, by=by, role=role, to=State.COUNCIL, text="")
    return session


@transaction.atomic
def decision_record(
    *,
    report: Report,
    by: Person,
    role: str,
    number: str,
    signed_on: datetime.date,
    signer: str,
    measure: Measure,
    document=None,
) -> Decision:
    """The disciplinary decision: a measure of the case's rule set (in force on the
    day of the violation, for its kind of staff, cách chức only for a management
    post), under a confirmed rule set, after the council where one is required."""  # fmt: skip
    report = _locked(report)
    if not workflow.may_move(role, report.state, State.DECIDED, workflow.track_of(report)):
        raise ValidationError(_("Quyết định kỷ luật được ghi sau cuộc họp kiểm điểm."))
    refuse_unconfirmed(report)
    if report.state == State.MEETING and report.rule_set.council_required:
        raise ValidationError(_("Bộ quy tắc áp dụng yêu cầu Hội đồng kỷ luật họp trước khi ra quyết định."))
    allowed, _general = rules.measures_for(report)
    if measure.pk not in {m.pk for m in allowed}:
        raise ValidationError(_("Hình thức kỷ luật này không có trong bộ quy tắc áp dụng cho hồ sơ."))
    if not number.strip() or not signer.strip():
        raise ValidationError(_("Hãy ghi số quyết định và người ký."))
    _not_future(signed_on)
    decision = Decision(
        report=report, recorded_by=by, number=number.strip(), signed_on=signed_on, signer=signer.strip(),
        measure=measure,
    )  # fmt: skip
    _document(document, decision, "quyet-dinh")
    decision.save()
    text = _("Quyết định số %(number)s ngày %(day)s (%(signer)s): %(measure)s.") % {
        "number": decision.number, "day": date_format(signed_on, "SHORT_DATE_FORMAT"), "signer": decision.signer,
        "measure": measure.basis_label(),
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.DECISION, by=by, text=text)
    _step(report=report, by=by, role=role, to=State.DECIDED, text="", measure=measure)
    return decision


@transaction.atomic
def decision_notify(*, report: Report, by: Person, role: str, notified_on: datetime.date) -> Report:
    """The decision handed to the person disciplined: the case closes with its measure."""
    report = _locked(report)
    if (
        not workflow.may_move(role, report.state, State.CLOSED, workflow.track_of(report))
        or report.state != State.DECIDED
    ):
        raise ValidationError(_("Chỉ thông báo sau khi đã có quyết định kỷ luật."))
    _not_future(notified_on)
    decision = Decision.objects.get(report=report)
    Decision.objects.filter(pk=decision.pk).update(notified_on=notified_on)
    text = _("Đã thông báo quyết định ngày %(day)s.") % {"day": date_format(notified_on, "SHORT_DATE_FORMAT")}
    event_append(report=report, kind=Event.Kind.NOTIFIED, by=by, text=text)
    _step(report=report, by=by, role=role, to=State.CLOSED, text="", outcome=decision.measure.code)
    return report


@transaction.atomic
def deferral_start(
    *, report: Report, by: Person, role: str, case: DeferralCase, started_on: datetime.date, note: str = ""
) -> Deferral:
    """A deferral case applies (Decree 172/2025: serious illness, maternity, being
    prosecuted or detained): discipline is not considered and its time limit stops
    from `started_on` until the deferral ends."""
    report = _locked(report)
    if role != workflow.REVIEWER or report.state not in workflow.OPEN_STATES or report.state == State.DECIDED:
        raise ValidationError(_("Không thể ghi trường hợp chưa xem xét kỷ luật ở bước này."))
    if report.rule_set_id is None or case.rule_set_id != report.rule_set_id:
        raise ValidationError(_("Trường hợp này không thuộc bộ quy tắc áp dụng cho hồ sơ."))
    if report.deferrals.filter(ended_on__isnull=True).exists():
        raise ValidationError(_("Hồ sơ đang trong thời gian chưa xem xét kỷ luật."))
    _not_future(started_on)
    deferral = Deferral.objects.create(report=report, case=case, started_on=started_on, note=note, recorded_by=by)
    text = _("Chưa xem xét kỷ luật từ ngày %(day)s: %(case)s (%(article)s)") % {
        "day": date_format(started_on, "SHORT_DATE_FORMAT"), "case": case.label, "article": case.article,
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.DEFERRAL, by=by, text=text)
    return deferral


@transaction.atomic
def deferral_end(*, report: Report, by: Person, role: str, ended_on: datetime.date) -> Deferral:
    """The deferral case no longer applies; the time limit runs again from `ended_on`."""
    if role != workflow.REVIEWER:
        raise ValidationError(_("Chỉ thủ trưởng xem xét ghi được."))
    deferral = Deferral.objects.select_for_update().filter(report=report, ended_on__isnull=True).first()
    if deferral is None:
        raise ValidationError(_("Hồ sơ không có trường hợp chưa xem xét kỷ luật nào đang áp dụng."))
    if ended_on < deferral.started_on:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    _not_future(ended_on)
    Deferral.objects.filter(pk=deferral.pk).update(ended_on=ended_on)
    text = _("Tiếp tục xem xét kỷ luật từ ngày %(day)s.") % {"day": date_format(ended_on, "SHORT_DATE_FORMAT")}
    event_append(report=report, kind=Event.Kind.DEFERRAL, by=by, text=text)
    deferral.ended_on = ended_on
    return deferral


# How many written extensions each clock takes.
_EXTENSIONS_ALLOWED = {
    Extension.Clock.DISCIPLINE: 1,  # 90 → 150 days (Decree 172/2025)
    Extension.Clock.ACCEPT: 1,  # 7 → 10 working days (Luật Tố cáo 2018, Art. 24(1))
    Extension.Clock.RESOLVE: clocks.MAX_RESOLVE_EXTENSIONS,  # Art. 30(1)
}


@transaction.atomic
def extension_record(
    *, report: Report, by: Person, role: str, clock: str, decided_on: datetime.date, document: str, reason: str
) -> Extension:
    """A time limit extended by a written decision (its number recorded): the
    discipline limit once, to the extended limit; a denunciation's acceptance once;
    its resolution once for a complex case and twice for a very complex one."""
    report = _locked(report)
    if role != workflow.REVIEWER or report.state not in workflow.OPEN_STATES:
        raise ValidationError(_("Chỉ thủ trưởng xem xét gia hạn được, khi hồ sơ đang xử lý."))
    if clock not in _EXTENSIONS_ALLOWED:
        raise ValidationError(_("Không có thời hạn này."))
    if clock != Extension.Clock.DISCIPLINE and report.channel != "denunciation":
        raise ValidationError(_("Thời hạn này chỉ áp dụng với tố cáo."))
    if clock == Extension.Clock.DISCIPLINE and rules.clock(report.rule_set, "limit_extended") is None:
        raise ValidationError(_("Bộ quy tắc áp dụng không cho gia hạn thời hạn xử lý kỷ luật."))
    if report.extensions.filter(clock=clock).count() >= _EXTENSIONS_ALLOWED[clock]:
        raise ValidationError(_("Đã gia hạn tối đa số lần luật cho phép."))
    if not document.strip() or not reason.strip():
        raise ValidationError(_("Việc gia hạn phải được quyết định bằng văn bản: hãy ghi số văn bản và lý do."))
    _not_future(decided_on)
    extension = Extension.objects.create(
        report=report, clock=clock, decided_on=decided_on, document=document.strip(), reason=reason.strip(),
        recorded_by=by,
    )  # fmt: skip
    text = _("%(clock)s được gia hạn theo văn bản số %(document)s ngày %(day)s: %(reason)s") % {
        "clock": Extension.Clock(clock).label, "document": extension.document,
        "day": date_format(decided_on, "SHORT_DATE_FORMAT"), "reason": extension.reason,
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.EXTENSION, by=by, text=text)
    return extension
