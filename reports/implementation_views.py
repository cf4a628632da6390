"""The periodic implementation report: a page with the period and the head's
paragraph, and one download view per format (.docx to edit, PDF to sign). The unit
comes through reports.selectors.units_for (organization.permissions): outside the
viewer's scope it is a 404; a person with no role that sees reports gets 403."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.routers import replica_reads
from organization.models import Unit
from reports import implementation, selectors, services
from reports.forms import ImplementationReportForm
from reports.implementation_docx import implementation_docx
from reports.implementation_pdf import implementation_pdf

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", implementation_docx),
    "pdf": ("application/pdf", implementation_pdf),
}


def get_unit_for(user, code: str | None) -> Unit:
    """The unit whose report the user asks for (their first one by default)."""
    units = selectors.units_for(user)
    if not units.exists():
        raise PermissionDenied
    unit = units.filter(code=code).first() if code else units.first()
    if unit is None:
        raise Http404
    return unit


def _initial(user, unit: Unit) -> dict:
    today = timezone.localdate()
    parent = Unit.objects.get_parent(unit)
    return {
        "start": today.replace(day=1) if today.day > 1 else (today - datetime.timedelta(days=1)).replace(day=1),
        "end": today,
        "recipients": "\n".join(implementation.default_recipients(parent)),
        "signer_title": user.position.upper(),
        "signer_name": user.full_name,
    }


def _page(request, unit: Unit, form, status: int = 200):
    context = {"unit": unit, "units": selectors.units_for(request.user), "form": form}
    return render(request, "reports/implementation.html", context, status=status)


@login_required
def implementation_form(request):
    unit = get_unit_for(request.user, request.GET.get("unit"))
    return _page(request, unit, ImplementationReportForm(initial=_initial(request.user, unit)))


def _download(request, fmt: str):
    unit = get_unit_for(request.user, request.POST.get("unit"))
    form = ImplementationReportForm(request.POST)
    if not form.is_valid():
        return _page(request, unit, form, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    with replica_reads():
        data = implementation.implementation_data(unit=unit, start=start, end=end)
    services.export_log_record(
        person=request.user, kind="implementation", format=fmt,
        filters=selectors.Filters(unit=unit, start=start, end=end),
    )  # fmt: skip
    content_type, render_report = FORMATS[fmt]
    response = HttpResponse(render_report(data, form.texts(), today=timezone.localdate()), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-trien-khai-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def implementation_docx_download(request):
    return _download(request, "docx")


@require_POST
@login_required
def implementation_pdf_download(request):
    return _download(request, "pdf")
