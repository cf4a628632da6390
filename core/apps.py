from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from core import signals  # noqa: F401  (log-in and MFA events into the audit trail)
