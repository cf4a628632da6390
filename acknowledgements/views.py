from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acknowledgements import selectors, services
from acknowledgements.forms import AcknowledgeForm, ImplementationReportForm, LaunchForm
from acknowledgements.models import Acknowledgement, ImplementationReport
from acknowledgements.receipt import receipt_pdf
from acknowledgements.reminders import claims
from core import sends
from core.http import client_ip
from directives.selectors import get_directive_for
from directives.views import attachment_response, with_download_urls
from organization import permissions
from organization.models import Person, Role, Unit
from organization.selectors import units_visible_to

# The largest id PostgreSQL's bigint holds: a longer one would be a 500, not a miss.
_MAX_ID = 2**63 - 1


def _id(value: str | None) -> int | None:
    """An id from the query string or a form, or None for anything that is not one
    (letters, NUL bytes, signs, out of range)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _no_store(response):
    # Receipts and attachments hold personal data: no browser or proxy keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_assignments(request):
    assignments = list(selectors.assignments_of(request.user))
    today = selectors.today()
    # A material new version adds a row for the same directive: each row names its
    # version, and the older one says which version replaced it.
    latest: dict[int, int] = {}
    for assignment in assignments:
        latest[assignment.campaign_id] = max(latest.get(assignment.campaign_id, 0), assignment.version.number)
    for assignment in assignments:
        assignment.status = selectors.status_of(assignment, today)
        newer = latest[assignment.campaign_id]
        assignment.superseded_by = newer if newer > assignment.version.number else None
    return render(request, "acknowledgements/mine.html", {"assignments": assignments})


@login_required
def read(request, pk):
    """The directive's text, and the commitment to acknowledge it."""
    form = None
    if request.method == "POST":
        # Acknowledging reads only what the record needs; the page, shown again
        # only when the form has errors, reads the rest.
        assignment = selectors.get_assignment_to_acknowledge(request.user, pk)
        form = AcknowledgeForm(
            request.POST, version=assignment.version, requires_password=assignment.campaign.requires_password
        )
        if form.is_valid() and _acknowledge(request, assignment, form):
            messages.success(request, _("Đã ghi nhận xác nhận của bạn."))
            return redirect("acknowledgements:read", pk=pk)
    assignment = selectors.get_assignment_for(request.user, pk)
    version = assignment.version
    if form is None:
        form = AcknowledgeForm(version=version, requires_password=assignment.campaign.requires_password)
    previous = None
    if assignment.is_open:
        previous = (
            Acknowledgement.objects.filter(person=request.user, version__directive=version.directive)
            .select_related("version")
            .order_by("-acknowledged_at")
            .first()
        )
    context = {
        "assignment": assignment,
        "version": version,
        "directive": version.directive,
        "attachments": with_download_urls(
            version.attachments.all(),
            url=lambda attachment: reverse("acknowledgements:attachment", args=[assignment.pk, attachment.pk]),
        ),
        "days_left": (assignment.due_on - selectors.today()).days,
        "form": form,
        "acknowledgement": Acknowledgement.objects.filter(assignment=assignment).first(),
        "previous": previous,
    }
    return render(request, "acknowledgements/read.html", context)


def _acknowledge(request, assignment, form) -> bool:
    """Record the acknowledgement; False with the reasons on the form if it cannot be."""
    try:
        services.acknowledgement_record(
            assignment=assignment,
            by=request.user,
            request_meta={
                "REMOTE_ADDR": client_ip(request) or "",
                "HTTP_USER_AGENT": request.META.get("HTTP_USER_AGENT", ""),
            },
            answers=form.answers(),
            password=form.cleaned_data.get("password"),
        )
    except services.WrongAnswers as exc:
        form.mark_wrong(exc.positions)
    except ValidationError as exc:
        # A wrong or locked signature belongs to the password box.
        on_password = getattr(exc, "code", None) in ("signature_wrong", "signature_locked")
        for message in exc.messages:
            form.add_error("password" if on_password and "password" in form.fields else None, message)
    else:
        return True
    return False


@login_required
def read_attachment(request, pk, attachment_pk):
    """A document sent along with the version the person is asked to acknowledge:
    their own assignment only (404 for anyone else's)."""
    assignment = selectors.get_assignment_for(request.user, pk)
    attachment = assignment.version.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@login_required
def receipt(request, pk):
    assignment = selectors.get_assignment_for(request.user, pk)
    ack = Acknowledgement.objects.filter(assignment=assignment).select_related("version__directive", "person").first()
    if ack is None:
        raise Http404
    response = HttpResponse(receipt_pdf(ack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{ack.pk}.pdf"'
    return _no_store(response)


@login_required
def launch(request, directive_pk):
    directive = get_directive_for(request.user, directive_pk, manage=True)
    units = units_visible_to(request.user, Role.ADMINISTRATOR)
    form = LaunchForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        data = form.cleaned_data
        targets = [(unit, data["include_subtree"]) for unit in data["units"]]
        if "confirm" not in request.POST and not hasattr(directive, "campaign"):
            # Launching cannot be undone: say first what it will do ("edit" goes back).
            context = {"form": form, "directive": directive, **selectors.launch_reach(targets)}
            return render(request, "acknowledgements/launch_confirm.html", context)
        try:
            campaign = services.campaign_launch(
                directive=directive,
                targets=targets,
                due_on=data["due_on"],
                requires_password=data["requires_password"],
                by=request.user,
            )
        except services.CampaignAlreadyLaunched as exc:
            # Launched by someone else, maybe a moment ago: show that campaign.
            messages.info(request, exc.messages[0])
            return _launched(request, directive, exc.campaign)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            count = campaign.assignments.count()
            messages.success(request, _("Đã giao văn bản cho %(count)d người.") % {"count": count})
            return redirect("directives:detail", pk=directive.pk)
    if hasattr(directive, "campaign"):
        return _launched(request, directive, directive.campaign)
    return render(request, "acknowledgements/launch.html", {"form": form, "directive": directive})


def _launched(request, directive, campaign):
    context = {"directive": directive, "campaign": campaign, **selectors.campaign_summary(campaign)}
    return render(request, "acknowledgements/launched.html", context)


def _head_units(user):
    units = units_visible_to(user, Role.UNIT_HEAD, Role.INSPECTOR)
    if not units.exists():
        raise PermissionDenied
    return units


@login_required
def unit_compliance(request):
    units = _head_units(request.user)
    # A malformed unit or directive is a 404 like an unknown one; an unknown status
    # is ignored (the list is unfiltered).
    if request.GET.get("unit"):
        unit_id = _id(request.GET["unit"])
        unit = units.filter(pk=unit_id).first() if unit_id else None
    else:
        unit = units.first()
    if unit is None:
        raise Http404
    status = request.GET.get("status", "")
    if status not in ("overdue", "pending", "done"):
        status = ""
    directive_id = None
    if request.GET.get("directive"):
        directive_id = _id(request.GET["directive"])
        if directive_id is None:
            raise Http404
    rows = selectors.unit_compliance(unit, directive_id=directive_id, status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = selectors.today()
    # An acknowledged row of an older version stays beside the new version's row: it
    # says which version replaced it.
    latest = selectors.latest_version_numbers(row.version.directive_id for row in page)
    for row in page:
        row.status = selectors.status_of(row, today)
        newer = latest.get(row.version.directive_id, 0)
        row.superseded_by = newer if newer > row.version.number else None
        # The reverse one-to-one raises when absent; the template wants None.
        row.acknowledgement_or_none = getattr(row, "acknowledgement", None) if row.acknowledged_at else None
    context = {
        "unit": unit,
        "units": units,
        "page": page,
        "counts": selectors.compliance_counts(selectors.unit_compliance(unit, directive_id=directive_id)),
        "status": status,
        "directive_id": str(directive_id) if directive_id else "",
        "directives": selectors.campaign_directives(unit),
        "missing_reports": selectors.units_without_report(request.user),
        "reports": selectors.implementation_reports_visible_to(request.user)
        .filter(unit__path__startswith=unit.path)
        .order_by("-reported_at"),
        "may_report": permissions.covers(request.user, unit, Role.UNIT_HEAD),
        "meetings": selectors.meetings_of_unit(unit)[:20],
    }
    return render(request, "acknowledgements/unit.html", context)


@login_required
def implementation_report(request, directive_pk, unit_pk):
    directive = get_directive_for(request.user, directive_pk)
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None or not permissions.covers(request.user, unit, Role.UNIT_HEAD):
        raise Http404
    existing = ImplementationReport.objects.filter(directive=directive, unit=unit).first()
    form = ImplementationReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=existing,
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if not values["attachment"] and existing:
            values.pop("attachment")
        try:
            services.implementation_report_submit(directive=directive, unit=unit, by=request.user, **values)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu báo cáo triển khai."))
            return redirect(f"{reverse('acknowledgements:unit')}?unit={unit.pk}")
    context = {"form": form, "directive": directive, "unit": unit, "report": existing}
    return render(request, "acknowledgements/report.html", context)


@login_required
def report_attachment(request, pk):
    """An implementation report's attachment, for the heads, inspectors and
    administrators whose scope covers the reporting unit; 404 for anyone else."""
    report = selectors.get_report_attachment_for(request.user, pk)
    response = FileResponse(
        report.attachment.open("rb"),
        as_attachment=True,
        filename=report.attachment_name or f"bao-cao-trien-khai-{report.pk}",
        content_type=report.attachment_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


@login_required
@require_POST
def nudge(request):
    """A unit head nudges one person, or every overdue person under them."""
    if not permissions.has_role(request.user, Role.UNIT_HEAD):
        raise PermissionDenied
    if request.POST.get("person"):
        person_id = _id(request.POST["person"])
        if person_id is None:
            return HttpResponseBadRequest(_("Mã cán bộ không hợp lệ."))
        people = list(Person.objects.filter(pk=person_id))
    else:
        people = list(selectors.overdue_people(head=request.user, today=selectors.today()))
    count = 0
    try:
        if request.POST.get("person") and not people:
            # An unknown id reads like one outside the scope: ids are not probed here.
            raise ValidationError(services.OUTSIDE_SCOPE)
        count = services.assignments_nudge(by=request.user, people=people)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã nhắc %(count)d người (mỗi người tối đa một lần mỗi ngày).") % {"count": count})
    following = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        following = reverse("acknowledgements:unit")
    if count and not request.POST.get("person"):
        # Many people at once: the page that counts the e-mails as they go out.
        run = sends.latest_run_of(kind=claims.NUDGE, by=request.user)
        return redirect(f"{reverse('core:outbox_run', args=[run])}?{urlencode({'next': following})}")
    return redirect(following)
