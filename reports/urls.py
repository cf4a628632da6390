from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
