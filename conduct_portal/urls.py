from django.contrib import admin
from django.urls import include, path

from conduct_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("directives/", include("directives.urls")),
    path("acknowledgements/", include("acknowledgements.urls")),
    path("violations/", include("violations.urls")),
    path("reports/", include("reports.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
