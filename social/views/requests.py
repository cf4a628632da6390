from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organization import permissions
from organization.models import Role
from organization.selectors import units_visible_to
from social import selectors, services
from social.forms.requests import DecisionForm, DelegateForm, PostRequestForm
from social.models import PostingDelegate, PostRequestImage, RequestState
from social.views.common import errors_to, no_store, posted


@login_required
def request_list(request):
    user = request.user
    visible = selectors.requests_visible_to(user)
    reference = request.GET.get("ref", "").replace("\x00", "").strip().upper()[:32]
    awaiting = selectors.with_age(selectors.awaiting_decision_by(user)[:100])
    context = {
        "mine": visible.filter(author=user)[:50],
        "awaiting": awaiting,
        "others": visible.exclude(author=user).exclude(pk__in=[item.pk for item in awaiting])[:100],
        "reference": reference,
        "found": selectors.approval_by_reference(user=user, reference=reference) if reference else None,
        "is_head": permissions.has_role(user, Role.UNIT_HEAD),
    }
    return no_store(render(request, "social/request_list.html", context))


@login_required
def request_new(request):
    # "Turn the draft into a request" from the self-check posts only the text, to
    # prefill the form: nothing is saved until the person submits this form.
    if request.method == "POST" and request.POST.get("from_check"):
        form = PostRequestForm(initial={"text": request.POST.get("text", "")})
        return no_store(render(request, "social/request_new.html", {"form": form}))
    form = PostRequestForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            post_request = services.post_request_submit(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị. Thủ trưởng đơn vị sẽ xem xét và bạn sẽ nhận e-mail."))
            return redirect("social:request", pk=post_request.pk)
    return no_store(render(request, "social/request_new.html", {"form": form}))


def _detail(request, post_request, *, decision_form=None, resubmit_form=None, status=200):
    user = request.user
    may_decide = post_request.state == RequestState.PENDING and selectors.may_decide(user, post_request)
    may_resubmit = post_request.state == RequestState.CHANGES_REQUESTED and post_request.author_id == user.pk
    if may_resubmit and resubmit_form is None:
        resubmit_form = PostRequestForm(initial={
            "text": post_request.text, "platform": post_request.platform, "account": post_request.account,
            "planned_at": post_request.planned_at,
        })  # fmt: skip
    context = {
        "req": post_request,
        "images": post_request.images.order_by("pk"),
        "history": selectors.history_of(post_request),
        "may_decide": may_decide,
        "decision_form": decision_form or (DecisionForm() if may_decide else None),
        "may_resubmit": may_resubmit,
        "resubmit_form": resubmit_form,
    }
    return no_store(render(request, "social/request_detail.html", context, status=status))


@login_required
def request_detail(request, pk):
    return _detail(request, selectors.get_request_for(request.user, pk))


@login_required
@require_POST
def request_decide(request, pk):
    post_request = selectors.get_request_for(request.user, pk)
    if not selectors.may_decide(request.user, post_request):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.post_request_decide(request=post_request, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã ghi quyết định và báo cho người xin phép."))
            return redirect("social:request", pk=pk)
    return _detail(request, post_request, decision_form=form, status=400)


@login_required
@require_POST
def request_resubmit(request, pk):
    post_request = selectors.get_request_for(request.user, pk)
    if post_request.author_id != request.user.pk:
        raise PermissionDenied
    form = PostRequestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_request_resubmit(request=post_request, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã gửi lại đề nghị."))
            return redirect("social:request", pk=pk)
    return _detail(request, post_request, resubmit_form=form, status=400)


@login_required
def request_image(request, pk):
    image = PostRequestImage.objects.filter(pk=pk).first()
    if image is None:
        raise Http404
    selectors.get_request_for(request.user, image.request_id)  # 404 outside scope
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Content-Disposition"] = "inline"
    return no_store(response)


def _headed_units(user):
    if not permissions.has_role(user, Role.UNIT_HEAD):
        raise PermissionDenied
    return units_visible_to(user, Role.UNIT_HEAD)


@login_required
def delegates(request):
    units = _headed_units(request.user)
    form = DelegateForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate_add(unit=form.cleaned_data["unit"], person=form.person, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(
                None, exc.messages[0] if isinstance(exc, ValidationError) else _("Bạn không phụ trách đơn vị này.")
            )
        else:
            messages.success(request, _("Đã ủy quyền."))
            return redirect("social:delegates")
    active = (
        PostingDelegate.objects.filter(permissions.scope_q(request.user, Role.UNIT_HEAD, path_field="unit__path"))
        .select_related("unit", "person", "granted_by", "revoked_by")
        .order_by("revoked_at", "unit__path", "person__full_name")
    )
    return render(request, "social/delegates.html", {"form": form, "delegates": active})


@login_required
@require_POST
def delegate_revoke(request, pk):
    units = _headed_units(request.user)
    delegate = PostingDelegate.objects.filter(pk=pk, unit__in=units).first()
    if delegate is None:
        raise Http404
    services.delegate_revoke(delegate=delegate, by=request.user)
    messages.success(request, _("Đã thu hồi ủy quyền."))
    return redirect("social:delegates")
