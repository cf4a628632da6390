from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organization import permissions
from organization.models import Role


class PortalAdminSite(admin.AdminSite):
    """The admin is for administrators; which objects each one reaches is decided by
    organization.permissions in every ModelAdmin, not by Django's model permissions."""

    site_header = _("Quản trị Cổng quy tắc ứng xử")
    site_title = _("Quản trị")

    def has_permission(self, request) -> bool:
        return request.user.is_active and permissions.has_role(request.user, Role.ADMINISTRATOR)
