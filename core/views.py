from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core import sends
from core.progress import progress_response


def _back(request) -> str:
    following = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        following, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return following
    return reverse("home")


@login_required
def outbox_run(request, run):
    """How far a bulk send is, for the person who started it."""
    rows = sends.run_rows_for(request.user, run)
    context = {"run": run, "progress": sends.run_progress(rows), "back": _back(request)}
    response = render(request, "core/outbox_run.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def outbox_run_status(request, run):
    return progress_response(sends.run_progress(sends.run_rows_for(request.user, run)))
