"""The health check and a task's round trip through Redis to a real worker."""

import pytest
from django.urls import reverse

from conduct_portal.celery import heartbeat


@pytest.mark.django_db
def test_healthz_reports_the_database_and_redis(client, settings):
    body = client.get(reverse("healthz")).json()

    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not configured")
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_says_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["redis"] == "error: ConnectionError"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_real_worker_and_back(celery_worker, client):
    result = heartbeat.delay()

    assert result.get(timeout=20) == "pong"
    assert client.get(reverse("healthz"), {"worker": "1"}).json()["worker"] == "ok"


def test_the_beat_schedule_names_registered_tasks(settings):
    from conduct_portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
