from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = _("Quán triệt")

    def ready(self):
        # The lower apps announce changes; the work is in services.
        from acknowledgements import services
        from acknowledgements.reminders import renderers
        from directives.signals import version_published
        from organization.signals import membership_changed

        version_published.connect(
            lambda sender, version, **kw: services.campaign_follow_version(version=version),
            weak=False,
            dispatch_uid="acknowledgements.follow_version",
        )
        membership_changed.connect(
            lambda sender, person, **kw: services.assignments_sync_person(person=person),
            weak=False,
            dispatch_uid="acknowledgements.sync_person",
        )
        # What the outbox sends for this app's kinds, re-checked at send time.
        renderers.register()
