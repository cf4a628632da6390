from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.models import AuditAction
from organization import permissions, selectors
from organization.models import Role


@login_required
def audit_log(request):
    """The security trail of the viewer's subtree, for administrators and inspectors.
    Read-only: nothing on this page (or anywhere) edits or deletes a row."""
    if not permissions.has_role(request.user, Role.ADMINISTRATOR, Role.INSPECTOR):
        raise Http404
    action = request.GET.get("action", "")
    action = action if action in AuditAction.values else ""
    events = selectors.audit_events_visible_to(request.user, action=action, who=request.GET.get("q", ""))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "organization/audit_log.html", {"page": page, "actions": AuditAction.choices, "action": action}
    )
