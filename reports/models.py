from django.conf import settings
from django.db import models
from django.db.models import Q


class ExportLog(models.Model):
    """Who exported what, when, with which filters."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20)  # summary, assignments, cases
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["csv", "xlsx", "pdf", "json"]), name="exportlog_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} {self.created_at:%Y-%m-%d %H:%M}"
