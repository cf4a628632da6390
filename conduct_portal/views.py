from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acknowledgements import selectors as ack_selectors
from core.models import OutboxMessage
from directives import selectors as directive_selectors
from organization import permissions, selectors
from organization.models import Role
from violations import selectors as violation_selectors


def server_error(request):
    """handler500: a database outage met outside a view (the session, the log-in
    check) is a 503 asking to try again; anything else a plain 500 page. Neither
    touches the database."""
    import sys

    from django.template.loader import render_to_string

    from conduct_portal.middleware import DATABASE_DOWN, unavailable

    if isinstance(sys.exception(), DATABASE_DOWN):
        return unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


def not_found(request, *args, **kwargs):
    raise Http404


def admin_login(request):
    """The admin's log-in is allauth's, with its second factor and rate limits."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


@login_required
def home(request):
    """Each role's pending work: the person's own directives, and for unit heads and
    inspectors the overdue people and missing reports under them; for heads the new
    cases and those near or past their review deadline."""
    user = request.user
    context = {
        "grants": selectors.grants_of(user),
        "pending": ack_selectors.pending_count(user),
        # A person reported, at the hearing: the explanation asked of them.
        "explanations": list(violation_selectors.explanations_owed(user).select_related("unit")),
    }
    if permissions.has_role(user, Role.UNIT_HEAD, Role.INSPECTOR):
        context["overdue"] = (
            ack_selectors.assignments_visible_to(user).open().filter(due_on__lt=ack_selectors.today()).count()
        )
        context["missing_reports"] = len(ack_selectors.units_without_report(user))
        # Cases near or past their legal time limit (violations/clocks.py).
        context["legal_clocks"] = violation_selectors.attention_clocks(user, timezone.localdate())
    if permissions.has_role(user, Role.UNIT_HEAD):
        context["new_cases"] = violation_selectors.awaiting_review(user).count()
        context["review_due"] = list(
            violation_selectors.review_due_soon(user, timezone.localdate()).select_related("unit")[:10]
        )
        context["today"] = timezone.localdate()
    if permissions.has_role(user, Role.ADMINISTRATOR):
        context["failed_emails"] = OutboxMessage.objects.filter(
            permissions.scope_q(user, Role.ADMINISTRATOR, path_field="recipient__unit__path"),
            state=OutboxMessage.State.FAILED,
        ).count()
        context["drafts"] = list(directive_selectors.drafts_to_publish(user).order_by("-updated_at")[:10])
        context["may_import"] = True
    return render(request, "home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any failure is the answer, not a crash
        return f"error: {exc.__class__.__name__}"


def _redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


def _worker_status() -> str:
    """How long ago a worker last ran the beat's heartbeat task: one Redis read,
    never a wait on the queue."""
    if not settings.REDIS_URL:
        return "not configured"
    import time

    import redis

    from conduct_portal.celery import HEARTBEAT_KEY

    try:
        beat = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).get(HEARTBEAT_KEY)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    if beat is None:
        return "error: no heartbeat"
    age = time.time() - float(beat)
    return "ok" if age <= settings.WORKER_HEARTBEAT_MAX_AGE else f"error: last heartbeat {int(age)} s ago"


@never_cache
@require_GET
def healthz(request):
    """Database and Redis reachability; with ?worker=1 also the age of the workers' heartbeat."""
    checks = {"database": _database_status(), "redis": _redis_status()}
    if request.GET.get("worker"):
        checks["worker"] = _worker_status()
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
