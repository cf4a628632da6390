import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


class HealthCheckMiddleware:
    """Answers /healthz before sessions and log-in are looked at, so a browser's
    session cookie cannot turn "the database is down" (503) into a crash (500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from conduct_portal.views import healthz

            return healthz(request)
        return self.get_response(request)


class LanguageMiddleware:
    """Vietnamese unless the person chose another language on the page (set_language's
    cookie). Django's LocaleMiddleware would follow the browser's Accept-Language, and
    an official whose phone is set to English would get a half-translated portal
    without asking for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def unavailable() -> HttpResponse:
    """A page that needs no database: not the site layout, which asks who is logged in."""
    return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})


class DatabaseErrorMiddleware:
    """A lost database connection: a read (GET, HEAD) is tried once more on a fresh
    connection; anything else, or a second failure, gets a page asking to try again
    in a moment. Writes run in transactions, so nothing is half-saved. (Failures
    outside the view, such as saving the session, reach `views.server_error`.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("database unavailable during %s %s", request.method, request.path, exc_info=True)
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # a broken one is dropped; the retry opens a new one
                connection.close_if_unusable_or_obsolete()
        if request.method in ("GET", "HEAD") and not getattr(request, "_database_retried", False):
            request._database_retried = True
            match = request.resolver_match
            try:
                return match.func(request, *match.args, **match.kwargs)
            except DATABASE_DOWN:
                logger.warning("database still unavailable", exc_info=True)
        return unavailable()
