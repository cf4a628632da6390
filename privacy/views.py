import io
import json
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.audit import audit_record
from core.models import AuditAction
from organization import permissions
from organization.models import Role
from privacy import selectors, services
from privacy.forms import HoldForm
from privacy.models import LegalHold
from privacy.retention import RULES
from violations.models import Report


@login_required
@never_cache
def my_data(request):
    """ "What the portal holds about me": every signed-in person, their own records only."""
    return render(request, "privacy/my_data.html", {"rules": RULES})


@login_required
@never_cache
def my_data_download(request):
    """The same as a ZIP of JSON files, one per section; the download is audited."""
    data = selectors.my_data(request.user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, section in data.items():
            archive.writestr(f"{name}.json", json.dumps(section, ensure_ascii=False, indent=2, default=str))
    audit_record(action=AuditAction.EXPORT, actor=request.user, target="privacy.my_data", request=request)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-cua-toi-{timezone.localdate():%Y%m%d}.zip"'
    return response


def _may_see_holds(user) -> bool:
    return permissions.has_role(user, Role.INSPECTOR, Role.ADMINISTRATOR)


@login_required
@never_cache
def holds(request):
    """Open legal holds on the cases of the units the inspector or administrator covers."""
    if not _may_see_holds(request.user):
        raise Http404
    scope = permissions.scope_q(request.user, Role.INSPECTOR, Role.ADMINISTRATOR, path_field="report__unit__path")
    rows = LegalHold.objects.filter(scope, released_at__isnull=True).select_related("report", "placed_by")
    form = HoldForm(request.POST if request.method == "POST" else None, auto_id="id_hold_%s")
    if form.is_valid():
        report = Report.objects.select_related("unit").filter(pk=form.cleaned_data["report"]).first()
        if report is None or not services.may_hold(request.user, report):
            form.add_error("report", _("Không tìm thấy hồ sơ số này trong phạm vi của bạn."))
        else:
            try:
                services.hold_place(report=report, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, _("Đã giữ lại hồ sơ #%(id)s: không bị xóa khi hết hạn lưu.") % {"id": report.pk}
                )
                return redirect("privacy:holds")
    return render(request, "privacy/holds.html", {"holds": rows, "form": form})


@login_required
@require_POST
def hold_release(request, pk):
    hold = LegalHold.objects.select_related("report__unit").filter(pk=pk, released_at__isnull=True).first()
    if hold is None or hold.report is None or not services.may_hold(request.user, hold.report):
        raise Http404
    try:
        services.hold_release(hold=hold, by=request.user)
    except (ValidationError, PermissionDenied):
        raise Http404 from None
    messages.success(request, _("Đã gỡ lệnh giữ lại hồ sơ #%(id)s.") % {"id": hold.report_id})
    return redirect("privacy:holds")
