from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolationsConfig(AppConfig):
    name = "violations"
    verbose_name = _("Vi phạm")

    def ready(self) -> None:
        from violations import notices

        notices.register()
