from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    default = True
    name = "organization"
    verbose_name = _("Tổ chức")

    def ready(self):
        # What the outbox sends for the invitation kind, re-checked at send time.
        from organization import invitations

        invitations.register()


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "organization.sites.PortalAdminSite"
