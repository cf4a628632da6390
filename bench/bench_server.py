"""The bare views of the deadline-day rush (bench/bench_scale.py), served by the same
gunicorn as the portal (DJANGO_SETTINGS_MODULE=bench_settings, bench/ on the path):

- /bench/bare/: a Django view behind the portal's whole middleware (session, CSRF,
  log-in required, POST only) that does no work: what the framework costs per request.
- /bench/wsgi/: answered by `application` before Django sees it: what gunicorn
  itself costs per request.
Everything else goes to the portal's own URLs."""

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

_django = None


def application(environ, start_response):
    global _django
    if environ.get("PATH_INFO") == "/bench/wsgi/":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    if _django is None:
        from django.core.wsgi import get_wsgi_application

        _django = get_wsgi_application()
    return _django(environ, start_response)
