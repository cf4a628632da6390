from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organization import permissions
from organization.models import Role


class PortalAdminSite(admin.AdminSite):
    """The admin is for administrators; which objects each one reaches is decided by
    organization.permissions in every ModelAdmin, not by Django's model permissions."""

    index_title = _("Trang quản trị")

    # The portal's own name (PORTAL_NAME), in the header and in every admin page title.
    @property
    def site_header(self) -> str:
        return _("Quản trị %(portal)s") % {"portal": settings.PORTAL_NAME}

    @property
    def site_title(self) -> str:
        return settings.PORTAL_NAME

    def has_permission(self, request) -> bool:
        return request.user.is_active and permissions.has_role(request.user, Role.ADMINISTRATOR)
