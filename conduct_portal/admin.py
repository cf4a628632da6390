"""The outbox in the admin: administrators see the e-mails to people of their subtree
that could not be sent, and send them again. Here, at the top, because the outbox
(core) knows no units and the organisation app knows no outbox."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import OutboxMessage
from core.outbox import outbox_resend
from organization import permissions
from organization.models import Role


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "state", "attempts", "error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__full_name", "recipient__email", "key"]
    list_select_related = ["recipient"]
    ordering = ["-created_at"]
    actions = ["resend"]
    fields = readonly_fields = [
        "kind",
        "recipient",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "error",
    ]

    def get_queryset(self, request):
        scope = permissions.scope_q(request.user, Role.ADMINISTRATOR, path_field="recipient__unit__path")
        return super().get_queryset(request).filter(scope)

    def has_module_permission(self, request):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # rows change only through the outbox and the resend action

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Django offers actions only with change rights; resend is ours, checked here.
        actions = super().get_actions(request)
        if permissions.has_role(request.user, Role.ADMINISTRATOR):
            actions["resend"] = (type(self).resend, "resend", type(self).resend.short_description)
        return actions

    @admin.action(description=gettext_lazy("Gửi lại các thư không gửi được"))
    def resend(self, request, queryset):
        count = outbox_resend(ids=queryset.filter(state=OutboxMessage.State.FAILED).values_list("pk", flat=True))
        messages.success(request, _("Đã đưa %(count)d thư vào hàng đợi gửi lại.") % {"count": count})
