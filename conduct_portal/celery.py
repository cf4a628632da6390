import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")

app = Celery("conduct_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="conduct_portal.heartbeat")
def heartbeat() -> str:
    """Answers from a worker: /healthz?worker=1 and beat use it to show the queue moves."""
    return "pong"
