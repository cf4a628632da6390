"""The URLs of the deadline-day rush's gunicorn (bench/bench_scale.py; with
DJANGO_SETTINGS_MODULE=bench_settings): the portal's own, and /bench/bare/, a Django
view behind the portal's whole middleware (session, CSRF, log-in required, POST only)
that does no work: what the framework costs per request. bench/bench_wsgi.py answers
/bench/wsgi/ before Django sees it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from conduct_portal.urls import urlpatterns as portal


@require_POST
@login_required
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal]
