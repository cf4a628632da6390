import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.http import client_ip
from organization.models import Unit
from violations import clocks, denunciations, identity, procedure, rules, selectors, services, workflow
from violations.forms import (
    AnonymousReportForm,
    ClassifyForm,
    CouncilForm,
    DecisionForm,
    DeferralEndForm,
    DeferralForm,
    DenouncerNotifyForm,
    DenunciationForm,
    ExtensionForm,
    FollowUpForm,
    MeetingForm,
    MonitoringForm,
    MoveForm,
    NotifyForm,
    ReportForm,
    TextForm,
)
from violations.models import Category, Evidence, State


def _errors_to(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def rate_limited(request) -> bool:
    return getattr(request, "limited", False)


def case_create_rate(group, request) -> str:
    return settings.CASE_CREATE_RATE


@login_required
@never_cache
def case_list(request):
    # ?monitoring=mine: the monitoring cases the inspector opened.
    mine = request.GET.get("monitoring") == "mine"
    cases = selectors.monitoring_opened_by(request.user) if mine else selectors.reports_visible_to(request.user)
    cases = cases.select_related("unit", "subject")
    # Filters are taken only when they are one of the choices; PostgreSQL refuses NUL
    # in a string, so it is dropped from the search text rather than raising a 500.
    state, category = request.GET.get("state", ""), request.GET.get("category", "")
    state = state if state in State.values else ""
    category = category if category in Category.values else ""
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if state:
        cases = cases.filter(state=state)
    if category:
        cases = cases.filter(category=category)
    if query:
        cases = cases.filter(description__icontains=query)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "states": State.choices,
        "categories": Category.choices,
        "state": state,
        "category": category,
        "may_monitor": selectors.may_monitor(request.user),
        "monitoring_mine": mine,
    }
    return render(request, "violations/list.html", context)


def _intake(request, *, form_class, template: str, create, success: str):
    """A signed-in intake page: the rate limit decided before the form reads a file
    (a flood costs no checking), then the form's fields — the subject's e-mail aside,
    which the form resolves to `form.subject` — passed straight to the service."""
    if request.method == "POST" and rate_limited(request):
        error = _("Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Hãy thử lại sau.")
        context = {"form": form_class(user=request.user), "limited_error": error}
        return render(request, template, context, status=429)
    form = form_class(*_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "subject_email"}
        try:
            report = create(by=request.user, subject=form.subject, **fields)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, success)
            return redirect("violations:detail", pk=report.pk)
    return render(request, template, {"form": form})


@login_required
@never_cache
@ratelimit(key="user", rate=case_create_rate, method="POST", block=False)
def case_new(request):
    return _intake(
        request, form_class=ReportForm, template="violations/new.html", create=services.report_create,
        success=_("Đã gửi phản ánh. Thủ trưởng đơn vị sẽ xem xét."),
    )  # fmt: skip


@login_required
@never_cache
@ratelimit(key="user", rate=case_create_rate, method="POST", block=False)
def monitoring_new(request):
    """An inspector opens a case from their monitoring; only inspectors see the page,
    and only units under their grants can be chosen (the service checks again)."""
    if not selectors.may_monitor(request.user):
        raise Http404
    return _intake(
        request, form_class=MonitoringForm, template="violations/monitoring_new.html",
        create=services.report_create_monitoring, success=_("Đã mở hồ sơ giám sát. Thủ trưởng đơn vị sẽ xem xét."),
    )  # fmt: skip


# The case page's text boxes, each with ids of its own (the posted names stay "text"
# and "files"), so each label focuses its own box.
TEXT_LABELS = {
    "note": _lazy("Ghi chú nội bộ (người phản ánh không xem được)"),
    "message": _lazy("Tin nhắn gửi người phản ánh"),
    "explanation": _lazy("Nội dung giải trình"),
}


def _text_form(kind, data=None, files=None) -> TextForm:
    return TextForm(data, files, auto_id=f"id_{kind}_%s", label=TEXT_LABELS[kind])


@login_required
@never_cache
def case_detail(request, pk):
    report, role = selectors.get_report_for(request.user, pk)
    return _case_page(request, report, role)


def _case_page(request, report, role, sent=None):
    """The case page; `sent` is a form sent back with its errors ({"meeting_form":
    form}), shown in place of the empty one with its error summary."""
    moves = workflow.moves_for(role, report.state, workflow.track_of(report)) if role == workflow.REVIEWER else []
    shows_reporter = selectors.shows_reporter(report, role, request.user)
    sealed_reporter = None
    if shows_reporter and report.confidential and report.reporter_tag and role != workflow.REPORTER:
        # A designated handler: opening the seal writes the audit row.
        sealed_reporter = identity.identity_open(report=report, by=request.user, request=request)
    elif shows_reporter and report.confidential and report.reporter_id and role != workflow.REPORTER:
        services.report_reporter_shown(report=report, to=request.user, role=role, request=request)
    discipline, general = rules.measures_for(report)
    reviewer = role == workflow.REVIEWER
    context = {
        "report": report,
        "role": role,
        "history": selectors.history_for(report, role, request.user),
        "shows_reporter": shows_reporter,
        "sealed_reporter": sealed_reporter,
        "may_open_identity": reviewer
        and report.channel == "denunciation"
        and identity.is_handler(request.user, report),
        "moves": _move_forms(_offered(moves), general, (sent or {}).get("move_form")),
        **{f"{kind}_form": _text_form(kind) for kind in TEXT_LABELS},
        "clocks": clocks.clocks_for(report),
        "next_step": clocks.next_step(report) if role in (workflow.REVIEWER, workflow.INSPECTOR) else None,
        "deferrals": list(report.deferrals.select_related("case")),
        "extensions": list(report.extensions.all()),
        "may_explain": role == workflow.SUBJECT and report.state in services.EXPLAIN_STATES,
        "may_message": role in (workflow.REVIEWER, workflow.REPORTER) and report.state in workflow.MESSAGE_STATES,
        "is_reviewer": reviewer,
        "is_inspector": role == workflow.INSPECTOR,
    }
    if reviewer:
        context.update(_step_forms(report, moves, discipline))
    context.update(sent or {})
    return render(request, "violations/detail.html", context)


def _offered(moves) -> list[str]:
    """The moves taken with a button; the others are steps recorded with their form."""
    return [state for state in moves if state not in services.RECORDED_MOVES]


def _move_forms(states, measures, sent=None) -> list:
    """(state, label, form) for each move, the one sent back with its errors in place."""
    return [
        (state, State(state).label, sent if sent and sent.state == state else MoveForm(state=state, measures=measures))
        for state in states
    ]


def _step_forms(report, moves, discipline) -> dict:
    """The forms of the steps the reviewer can take from here, each with ids of its
    own (two dates or two documents on one page must not share an id)."""
    forms = {}
    if report.state in (*workflow.REVIEW_STATES, State.HEARING):
        forms["classify_form"] = ClassifyForm(
            report=report,
            initial={
                "staff_kind": report.staff_kind, "violated_on": report.violated_on,
                "holds_management_post": report.holds_management_post, "severity": report.severity_id,
            },
        )  # fmt: skip
    if State.MEETING in moves:
        forms["meeting_form"] = MeetingForm()
    if State.COUNCIL in moves and report.rule_set and report.rule_set.council_required:
        forms["council_form"] = CouncilForm(measures=discipline)
    council_first = report.state == State.MEETING and report.rule_set and report.rule_set.council_required
    if State.DECIDED in moves and not council_first:
        forms["decision_form"] = DecisionForm(measures=discipline)
    if report.state == State.DECIDED:
        forms["notify_form"] = NotifyForm()
    if report.state in workflow.OPEN_STATES and report.state != State.DECIDED and report.rule_set_id:
        open_deferral = any(d.ended_on is None for d in report.deferrals.all())
        forms["deferral_form"] = None if open_deferral else DeferralForm(report=report)
        forms["deferral_end_form"] = DeferralEndForm() if open_deferral else None
    if report.state in workflow.OPEN_STATES:
        forms["extension_form"] = ExtensionForm()
    if report.channel == "denunciation" and report.accepted_on and report.denouncer_notified_on is None:
        forms["denouncer_form"] = DenouncerNotifyForm()
    for name, form in forms.items():
        if form is not None:
            form.auto_id = f"id_{name.removesuffix('_form')}_%s"
    return forms


def _run_step(request, report, role, step):
    """Bind the step's form, call its service; returns None, or the form with its
    errors (the service's too) to show again."""
    by = {"report": report, "by": request.user, "role": role}
    discipline, _general = rules.measures_for(report)
    post, files = request.POST, request.FILES
    if step == "classify":
        form = ClassifyForm(post, report=report)
        action = lambda d: services.report_classify(**by, **d)  # noqa: E731
    elif step == "meeting":
        form = MeetingForm(post, files)
        action = lambda d: procedure.meeting_record(**by, **d)  # noqa: E731
    elif step == "council":
        form = CouncilForm(post, files, measures=discipline)
        action = lambda d: procedure.council_record(**by, **d)  # noqa: E731
    elif step == "decision":
        form = DecisionForm(post, files, measures=discipline)
        action = lambda d: procedure.decision_record(**by, **d)  # noqa: E731
    elif step == "notify":
        form = NotifyForm(post)
        action = lambda d: procedure.decision_notify(**by, **d)  # noqa: E731
    elif step == "deferral":
        form = DeferralForm(post, report=report)
        action = lambda d: procedure.deferral_start(**by, **d)  # noqa: E731
    elif step == "deferral_end":
        form = DeferralEndForm(post)
        action = lambda d: procedure.deferral_end(**by, **d)  # noqa: E731
    elif step == "extension":
        form = ExtensionForm(post)
        action = lambda d: procedure.extension_record(**by, **d)  # noqa: E731
    elif step == "denouncer":
        form = DenouncerNotifyForm(post)
        action = lambda d: denunciations.denouncer_notified(**by, **d)  # noqa: E731
    else:
        raise Http404
    form.auto_id = f"id_{step}_%s"
    if not form.is_valid():
        return form
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        _errors_to(form, exc)
        return form
    return None


@login_required
@require_POST
def case_step(request, pk, step):
    """One step of the procedure, recorded with its documents (reviewers only)."""
    report, role = selectors.get_report_for(request.user, pk, write=True)
    if role != workflow.REVIEWER:
        raise Http404
    sent = _run_step(request, report, role, step)
    if sent is not None:
        return _case_page(request, report, role, sent={f"{step}_form": sent})
    messages.success(request, _("Đã ghi vào hồ sơ."))
    return redirect("violations:detail", pk=pk)


@login_required
@never_cache
def case_identity(request, pk):
    """The denouncer's identity, for a designated handler only; each opening is a row
    in the audit trail."""
    report, role = selectors.get_report_for(request.user, pk, write=True)
    if role != workflow.REVIEWER or not identity.is_handler(request.user, report):
        raise Http404
    opened = identity.identity_open(report=report, by=request.user, request=request)
    return render(request, "violations/identity.html", {"report": report, "identity": opened})


@login_required
@never_cache
def denunciation_new(request):
    form = DenunciationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "subject_email"}
        try:
            report = denunciations.denunciation_create(by=request.user, subject=form.subject, **fields)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Đã ghi tố cáo. Thời hạn thụ lý được tính từ ngày nhận."))
            return redirect("violations:detail", pk=report.pk)
    return render(request, "violations/denunciation_new.html", {"form": form})


@login_required
@never_cache
def inspection_queue(request):
    cases = selectors.inspection_queue(request.user)
    return render(request, "violations/inspection_queue.html", {"cases": cases})


@login_required
@require_POST
def case_transition(request, pk):
    """A move of the case. One the page no longer offers (someone moved the case
    meanwhile) is refused with a message; a move with its reason or measure missing
    comes back as its form, with what was typed and the errors."""
    report, role = selectors.get_report_for(request.user, pk, write=True)
    to = request.POST.get("to", "")
    offered = workflow.moves_for(role, report.state, workflow.track_of(report)) if role == workflow.REVIEWER else []
    if to not in _offered(offered):
        messages.error(request, _("Hồ sơ không chuyển được sang bước này; hãy xem lại trạng thái hiện tại của hồ sơ."))
        return redirect("violations:detail", pk=pk)
    _discipline, general = rules.measures_for(report)
    form = MoveForm(request.POST, state=to, measures=general)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_transition(
                report=report, to=to, by=request.user, role=role, note=data["note"], outcome=data.get("outcome", "")
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Đã cập nhật trạng thái hồ sơ."))
            return redirect("violations:detail", pk=pk)
    return _case_page(request, report, role, sent={"move_form": form})


@login_required
@require_POST
def case_post(request, pk, kind):
    """A note (reviewers), a message (reviewer ↔ reporter), an explanation (the
    person reported) or more evidence (reviewers and the reporter)."""
    report, role = selectors.get_report_for(request.user, pk, write=True)
    allowed = {
        "note": role == workflow.REVIEWER,
        "message": role in (workflow.REVIEWER, workflow.REPORTER) and report.state in workflow.MESSAGE_STATES,
        "explanation": role == workflow.SUBJECT and report.state in services.EXPLAIN_STATES,
    }
    if not allowed.get(kind):
        raise Http404
    form = _text_form(kind, request.POST, request.FILES)
    if form.is_valid():
        text, files = form.cleaned_data["text"], form.cleaned_data["files"]
        try:
            if kind == "note":
                services.report_note(report=report, by=request.user, text=text)
                if files:
                    services.evidence_add(report=report, by=request.user, files=files)
            elif kind == "message":
                services.report_message(report=report, by=request.user, text=text, files=files)
            else:
                services.report_explain(report=report, by=request.user, text=text, files=files)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Đã ghi vào hồ sơ."))
            return redirect("violations:detail", pk=pk)
    return _case_page(request, report, role, sent={f"{kind}_form": form})


@login_required
@never_cache
def evidence_file(request, pk):
    """A case file, only for those who may see it. Images come as the copy without
    metadata; inspectors alone may ask for the original (?original=1), and each time
    they do it is written in the case history and the audit trail."""
    evidence = Evidence.objects.select_related("event", "report__unit").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    report, role = selectors.get_report_for(request.user, evidence.report_id)
    seen_by_subject = role == workflow.SUBJECT and selectors.subject_may_see_file(report, evidence.event)
    own = selectors.own_event(request.user, report, evidence.event)
    if role not in (workflow.REVIEWER, workflow.INSPECTOR) and not own and not seen_by_subject:
        raise Http404
    if evidence.display and request.GET.get("original") and role == workflow.INSPECTOR:
        opened = services.evidence_open_original(evidence=evidence, by=request.user, role=role, request=request)
    elif evidence.display:
        opened = evidence.display.open("rb")
    else:  # PDF and video: one stored file, which is what everyone gets
        opened = evidence.original.open("rb")
    response = FileResponse(opened, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def anonymous_rate(group, request) -> str:
    return settings.ANONYMOUS_RATE


def anonymous_client_key(group, request) -> str:
    """The rate-limit key: an HMAC of the client address (behind the trusted proxy)
    under SECRET_KEY, so the cache never holds an address or a plain hash of one,
    which anyone could reverse by trying the 2³² IPv4 addresses."""
    address = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@never_cache
@ratelimit(key=anonymous_client_key, rate=anonymous_rate, method="POST", block=False)
def anonymous_new(request):
    """The public channel: no login, no address stored, a receipt code and a secret
    once. The rate limit is decided before the form (and its files) is read."""
    # The reporting contacts (hotline, e-mail, inspectorate) of the top of the
    # organisation, for those who would rather call or write.
    contacts_unit = Unit.get_first_root_node()
    if request.method == "POST" and rate_limited(request):
        context = {
            "form": AnonymousReportForm(), "contacts_unit": contacts_unit,
            "limited_error": _("Bạn đã gửi quá nhiều lần. Hãy thử lại sau."),
        }  # fmt: skip
        return render(request, "violations/anonymous_new.html", context, status=429)
    form = AnonymousReportForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _report, code, secret = services.report_create_anonymous(**form.cleaned_data)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            context = {"code": code, "code_shown": services.grouped(code, 5), "secret": secret}
            return render(request, "violations/anonymous_receipt.html", context)
    return render(request, "violations/anonymous_new.html", {"form": form, "contacts_unit": contacts_unit})


@never_cache
@ratelimit(key=anonymous_client_key, rate=anonymous_rate, method="POST", block=False)
def anonymous_follow_up(request):
    if request.method == "POST" and rate_limited(request):
        context = {"form": FollowUpForm(), "limited_error": _("Bạn đã thử quá nhiều lần. Hãy thử lại sau.")}
        return render(request, "violations/anonymous_follow_up.html", context, status=429)
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.anonymous_lookup(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
        if report is None:
            form.add_error(None, _("Mã tiếp nhận hoặc mã bí mật không đúng."))
        elif form.sends():
            try:
                services.report_message(report=report, by=None, text=form.cleaned_data["text"])
            except ValidationError as exc:
                _errors_to(form, exc)
            else:
                messages.success(request, _("Đã gửi thông tin bổ sung."))
    history = selectors.history_for(report, "anonymous") if report else []
    return render(request, "violations/anonymous_follow_up.html", {"form": form, "report": report, "history": history})
