import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")

app = Celery("conduct_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


HEARTBEAT_KEY = "conduct_portal:worker-heartbeat"


@app.task(name="conduct_portal.heartbeat")
def heartbeat() -> str:
    """Run by a worker every few minutes (beat): records when a worker last took a
    task, which /healthz?worker=1 reads instead of waiting on a round trip."""
    import time

    import redis
    from django.conf import settings

    if settings.REDIS_URL:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).set(HEARTBEAT_KEY, str(time.time()))
    return "pong"
