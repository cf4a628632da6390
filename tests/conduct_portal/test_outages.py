"""A database or cache that goes away: clear answers, never a crash, nothing counted
against anyone."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.urls import ResolverMatch, reverse

from conduct_portal.middleware import DatabaseErrorMiddleware


@pytest.fixture
def client(client):
    """The browser's view: a crash is a response, not an exception in the test."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def database_down():
    """Call it to make every new query fail as it does when PostgreSQL is unreachable;
    the test's own connection comes back for the teardown."""
    original = BaseDatabaseWrapper.ensure_connection

    def refuse(self):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    def down():
        BaseDatabaseWrapper.ensure_connection = refuse

    yield down
    BaseDatabaseWrapper.ensure_connection = original


def test_healthz_says_503_even_with_a_session_cookie(client, cast, database_down):
    client.force_login(cast.staff)
    database_down()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


def test_a_page_asks_to_try_again_when_the_database_is_down(client, cast, database_down):
    client.force_login(cast.staff)
    database_down()

    response = client.get(reverse("acknowledgements:mine"))

    assert response.status_code == 503
    assert "Cổng không kết nối được cơ sở dữ liệu. Thao tác vừa rồi chưa được lưu." in response.content.decode()


def test_a_read_that_loses_its_connection_once_is_retried_on_a_fresh_one(rf, db):
    calls = []

    def view(request):
        calls.append(request.method)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("ok")

    request = rf.get("/")
    request.resolver_match = ResolverMatch(view, (), {})
    middleware = DatabaseErrorMiddleware(lambda r: None)
    try:
        view(request)
    except OperationalError as exc:
        response = middleware.process_exception(request, exc)

    assert (response.status_code, response.content, calls) == (200, b"ok", ["GET", "GET"])


def test_a_write_that_loses_its_connection_is_not_retried(rf, db):
    request = rf.post("/")
    request.resolver_match = ResolverMatch(lambda r: HttpResponse("again"), (), {})

    response = DatabaseErrorMiddleware(lambda r: None).process_exception(request, OperationalError("gone"))

    assert response.status_code == 503
    assert "Thao tác vừa rồi chưa được lưu" in response.content.decode()


def test_log_in_attempts_that_met_an_outage_do_not_count_against_anyone(client, cast, monkeypatch):
    def outage(self, request, **credentials):
        raise OperationalError("the database went away")

    monkeypatch.setattr(ModelBackend, "authenticate", outage)
    for _ in range(40):  # more than the 30 a minute one address may fail
        client.post(reverse("account_login"), {"login": cast.staff.email, "password": cast.password})
    monkeypatch.undo()

    client.post(reverse("account_login"), {"login": cast.staff.email, "password": cast.password})

    assert client.session["_auth_user_id"] == str(cast.staff.pk)


def test_a_form_posted_during_an_outage_gets_the_try_again_page(client, cast, org, database_down):
    client.force_login(cast.administrator)
    database_down()

    response = client.post(
        reverse("admin:organization_unit_add"), {"name": "Tổ Mới", "code": "TMOI", "parent": org.office.pk}
    )

    assert response.status_code == 503
