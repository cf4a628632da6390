"""The legal clocks of a case, computed from its dates, the rule data and the
working-day calendar (core/calendar.py); nothing here writes.

- discipline: the rule set's `limit` (90 days from detection, Decree 172/2025 for
  cán bộ, công chức), `limit_extended` (150) once an extension is recorded; the days
  in which a deferral case applied are added (the clock stops while it applies);
- hearing: VIOLATION_HEARING_WORKING_DAYS working days for the explanation (a
  setting: the period is the agency's, to be confirmed by its legal staff);
- denunciations (Luật Tố cáo 2018): acceptance within `accept` working days of
  receipt (`accept_extended` once extended), the denouncer told of the acceptance
  within DENUNCIATION_NOTIFY_WORKING_DAYS (a setting), resolution within `resolve`
  days of acceptance plus one `resolve_extension` per extension decided in writing.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import calendar
from violations import rules, workflow
from violations.models import Clock, Event, Extension, Report, State

# Extensions of the resolution of a denunciation: once for a complex case, twice for
# a very complex one (Luật Tố cáo 2018, Art. 30(1)).
MAX_RESOLVE_EXTENSIONS = 2


@dataclass
class ClockView:
    code: str
    label: str
    due_on: datetime.date
    article: str
    today: datetime.date
    paused: bool = False

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on


def detected_on(report: Report) -> datetime.date:
    return timezone.localtime(report.seen_at).date()


def _paused_days(report: Report, start: datetime.date, today: datetime.date) -> tuple[int, bool]:
    """Days from `start` on in which a deferral case applied, and whether one applies now."""
    days, open_now = 0, False
    for deferral in report.deferrals.all():
        begin = max(deferral.started_on, start)
        end = deferral.ended_on or today
        open_now = open_now or deferral.ended_on is None
        if end > begin:
            days += (end - begin).days
    return days, open_now


def _extensions(report: Report, clock: str) -> int:
    return sum(1 for e in report.extensions.all() if e.clock == clock)


def discipline_clock(report: Report, today: datetime.date) -> ClockView | None:
    if report.state not in workflow.OPEN_STATES or report.state == State.DECIDED:
        return None
    extended = _extensions(report, Extension.Clock.DISCIPLINE) > 0
    rule = rules.clock(report.rule_set, "limit_extended" if extended else "limit")
    if rule is None:
        return None
    start = detected_on(report)
    paused, open_now = _paused_days(report, start, today)
    due = calendar.deadline(start + datetime.timedelta(days=paused), rule.days, rule.unit)
    label = _("Thời hạn xử lý kỷ luật (%(days)s ngày)") % {"days": rule.days}
    return ClockView("discipline", label, due, rule.article, today, paused=open_now)


def _hearing_started(report: Report) -> datetime.date | None:
    event = report.events.filter(kind=Event.Kind.TRANSITION, to_state=State.HEARING).order_by("-id").first()
    return timezone.localtime(event.created_at).date() if event else None


def hearing_clock(report: Report, today: datetime.date) -> ClockView | None:
    if report.state != State.HEARING:
        return None
    started = _hearing_started(report) or today
    due = calendar.add_working_days(started, settings.VIOLATION_HEARING_WORKING_DAYS)
    label = _("Thời hạn giải trình (%(days)s ngày làm việc)") % {"days": settings.VIOLATION_HEARING_WORKING_DAYS}
    return ClockView("hearing", label, due, _("Quy định của cơ quan (VIOLATION_HEARING_WORKING_DAYS)"), today)


def denunciation_clocks(report: Report, today: datetime.date, rules_by_code: dict | None = None) -> list[ClockView]:
    """`rules_by_code` (code → Clock of the denunciation rules) spares a list its lookups."""
    if report.channel != "denunciation":
        return []
    rule_of = rules_by_code.get if rules_by_code is not None else rules.denunciation_clock
    views = []
    if report.state == State.SUBMITTED and report.received_on:
        extended = _extensions(report, Extension.Clock.ACCEPT) > 0
        rule = rule_of("accept_extended" if extended else "accept")
        if rule:
            due = calendar.deadline(report.received_on, rule.days, rule.unit)
            views.append(ClockView("accept", _("Thời hạn thụ lý tố cáo"), due, rule.article, today))
    if report.accepted_on and report.denouncer_notified_on is None and report.state in workflow.OPEN_STATES:
        due = calendar.add_working_days(report.accepted_on, settings.DENUNCIATION_NOTIFY_WORKING_DAYS)
        views.append(
            ClockView("notify", _("Thông báo thụ lý cho người tố cáo"), due,
                      _("Luật Tố cáo 2018, Điều 29 (DENUNCIATION_NOTIFY_WORKING_DAYS)"), today)
        )  # fmt: skip
    if report.accepted_on and report.concluded_on is None and report.state in workflow.OPEN_STATES:
        base = rule_of("resolve")
        extension = rule_of("resolve_extension")
        if base:
            days = base.days + _extensions(report, Extension.Clock.RESOLVE) * (extension.days if extension else 0)
            due = calendar.deadline(report.accepted_on, days, base.unit)
            label = _("Thời hạn giải quyết tố cáo (%(days)s ngày)") % {"days": days}
            views.append(ClockView("resolve", label, due, base.article, today))
    return views


def clocks_for(report: Report, today: datetime.date | None = None) -> list[ClockView]:
    """Every clock running on the case today, soonest first."""
    today = today or timezone.localdate()
    views = [*denunciation_clocks(report, today)]
    for view in (hearing_clock(report, today), discipline_clock(report, today)):
        if view is not None:
            views.append(view)
    return sorted(views, key=lambda v: v.due_on)


def legal_clocks(report: Report, today: datetime.date, rules_by_code: dict | None = None) -> list[ClockView]:
    """The clocks the law sets (discipline, denunciation), not the agency's hearing period."""
    views = denunciation_clocks(report, today, rules_by_code)
    discipline = discipline_clock(report, today)
    return [*views, discipline] if discipline else views


def denunciation_rules() -> dict:
    return {c.code: c for c in Clock.objects.filter(rule_set__code=rules.DENUNCIATIONS)}


@dataclass
class NextStep:
    label: str
    due_on: datetime.date | None


_NEXT = {
    State.SUBMITTED: gettext_lazy("Xác minh ban đầu"),
    State.UNDER_REVIEW: gettext_lazy("Xác minh; chuyển người bị phản ánh giải trình"),
    State.NEEDS_INFORMATION: gettext_lazy("Chờ người phản ánh bổ sung thông tin"),
    State.HEARING: gettext_lazy("Nghe giải trình, rồi kết luận"),
    State.CONFIRMED: gettext_lazy("Họp kiểm điểm (hoặc áp dụng biện pháp không phải kỷ luật)"),
    State.COUNCIL: gettext_lazy("Ra quyết định kỷ luật"),
    State.DECIDED: gettext_lazy("Thông báo quyết định cho người bị kỷ luật"),
}


def next_step(report: Report, today: datetime.date | None = None) -> NextStep | None:
    """What the reviewer does next and by when (the soonest running clock)."""
    today = today or timezone.localdate()
    if report.state not in workflow.OPEN_STATES:
        return None
    if report.state == State.SUBMITTED and report.channel == "denunciation":
        label = _("Quyết định thụ lý hoặc không thụ lý tố cáo")
    elif report.state == State.ACCEPTED:
        label = _("Thông báo thụ lý cho người tố cáo; xác minh nội dung tố cáo")
    elif report.state == State.MEETING:
        council = report.rule_set is not None and report.rule_set.council_required
        label = _("Họp Hội đồng kỷ luật") if council else _("Ra quyết định kỷ luật")
    else:
        label = str(_NEXT.get(report.state, ""))
    clocks = clocks_for(report, today)
    if report.state in workflow.REVIEW_STATES and not clocks:
        return NextStep(label, report.review_due_on)
    return NextStep(label, clocks[0].due_on if clocks else None)
