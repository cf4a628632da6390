from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("<uuid:run>/", views.outbox_run, name="outbox_run"),
    path("<uuid:run>/status.json", views.outbox_run_status, name="outbox_run_status"),
]
