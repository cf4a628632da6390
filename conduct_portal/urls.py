from django.contrib import admin
from django.urls import include, path

from conduct_portal import views
from organization import views as organization_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", organization_views.audit_log, name="audit_log"),
    path("directives/", include("directives.urls")),
    path("acknowledgements/", include("acknowledgements.urls")),
    path("violations/", include("violations.urls")),
    path("social/", include("social.urls")),
    path("reports/", include("reports.urls")),
    path("sends/", include("core.urls")),
    path("privacy/", include("privacy.urls")),
    # The login e-mail is the organisation's identity: nobody changes their own.
    path("accounts/email/", views.not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Django's own admin log-in form knows no second factor: send it to allauth's.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

handler500 = "conduct_portal.views.server_error"
