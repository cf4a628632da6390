from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from organization import permissions
from organization.models import Role
from social import selectors


@login_required
def home(request):
    """The social page: what the person can do, and for deciders the pending
    requests with their age."""
    user = request.user
    context = {
        "awaiting": selectors.with_age(selectors.awaiting_decision_by(user)[:20]),
        "open_mine": selectors.open_requests_of(user).count(),
        "is_head": permissions.has_role(user, Role.UNIT_HEAD),
        "is_inspector": permissions.has_role(user, Role.INSPECTOR),
        "is_admin": permissions.has_role(user, Role.ADMINISTRATOR),
    }
    return render(request, "social/home.html", context)
