from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organization import permissions
from organization.models import Role
from social import incident_help, selectors, services
from social.forms.accounts import IncidentForm, ResolveForm, StepForm
from social.models import IncidentState, IncidentStep, OfficialAccount
from social.views.common import errors_to, no_store


def _accounts_headed(user):
    return OfficialAccount.objects.filter(
        permissions.scope_q(user, Role.UNIT_HEAD, path_field="unit__path"), active=True
    ).order_by("name")


@login_required
def incident_list(request):
    incidents = selectors.incidents_visible_to(request.user)
    context = {"incidents": incidents[:200], "summary": selectors.incident_summary(user=request.user)}
    return no_store(render(request, "social/incident_list.html", context))


@login_required
def incident_new(request):
    form = IncidentForm(request.POST if request.method == "POST" else None, accounts=_accounts_headed(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(
                request, _("Đã báo. Thủ trưởng đơn vị và thanh tra đã được thông báo. Hãy làm ngay các bước dưới đây.")
            )
            return redirect("social:incident", pk=incident.pk)
    return no_store(render(request, "social/incident_new.html", {"form": form}))


def _checklist(incident):
    done = {e.step: e for e in incident.events.filter(kind="step").select_related("actor")}
    impersonation = incident.kind.endswith("impersonated")
    items = []
    for step, label in IncidentStep.choices:
        if step == IncidentStep.POLICE and not incident.breaks_law:
            label = _(
                "Nếu tài khoản đăng nội dung vi phạm pháp luật: báo Phòng An ninh mạng và phòng chống tội phạm sử dụng công nghệ cao (PA05)"
            )
        items.append({
            "step": step, "label": label, "done": done.get(step),
            "link": incident_help.form_for(incident.platform, impersonation) if step == IncidentStep.PLATFORM else "",
        })  # fmt: skip
    return items


def _detail(request, incident, *, resolve_form=None, step_form=None, status=200):
    checklist = _checklist(incident)
    # A step sent back with its errors shows under its own step, its note kept.
    for item in checklist:
        item["form"] = step_form if step_form and step_form.data.get("step") == item["step"] else None
    context = {
        "incident": incident,
        "checklist": checklist,
        "step_form": step_form,  # for the "Lỗi:" title and the notice at the top
        "stray_step_form": step_form if step_form and not any(item["form"] for item in checklist) else None,
        "events": incident.events.select_related("actor").order_by("id"),
        "may_act": selectors.may_act_on_incident(request.user, incident) and incident.state == IncidentState.OPEN,
        "resolve_form": resolve_form or ResolveForm(),
        "links": [line for line in incident.links.splitlines() if line.strip()],
        "fake_news_site": incident_help.FAKE_NEWS_SITE,
        "police_note": incident_help.POLICE_NOTE,
    }
    return no_store(render(request, "social/incident_detail.html", context, status=status))


@login_required
def incident_detail(request, pk):
    return _detail(request, selectors.get_incident_for(request.user, pk))


@login_required
@require_POST
def incident_step(request, pk):
    incident = selectors.get_incident_for(request.user, pk, act=True)
    # Its own ids: the resolve form on the same page has a note too.
    form = StepForm(request.POST, auto_id="id_step_%s")
    if form.is_valid():
        try:
            services.incident_step_done(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            # Done meanwhile by someone else: the note typed stays on the page.
            form.add_error(
                "note", [*exc.messages, _("Ghi chú của đồng chí chưa được lưu; nếu cần, hãy ghi vào phần Kết thúc.")]
            )
        else:
            return redirect("social:incident", pk=pk)
    return _detail(request, incident, step_form=form)


@login_required
@require_POST
def incident_resolve(request, pk):
    incident = selectors.get_incident_for(request.user, pk, act=True)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.incident_resolve(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả."))
            return redirect("social:incident", pk=pk)
    return _detail(request, incident, resolve_form=form, status=400)
