from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = _("Mạng xã hội")

    def ready(self) -> None:
        # What the outbox sends for this app's kinds, re-checked at send time.
        from social import notices

        notices.register()
