"""Demo campaigns: two published directives assigned to the whole tax administration,
some already acknowledged. Idempotent."""

import datetime

from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import Assignment, Campaign
from directives.models import Directive
from organization.models import Person, Unit


def seed_campaigns(*, root: Unit, by: Person, directives: list[Directive]) -> int:
    today = timezone.localdate()
    for directive, days in zip(directives[:2], (14, -2), strict=False):
        if Campaign.objects.filter(directive=directive).exists():
            continue
        campaign = services.campaign_launch(
            directive=directive, targets=[(root, True)], due_on=today + datetime.timedelta(days=days), by=by
        )
        # About a third of the people have already acknowledged.
        for assignment in campaign.assignments.select_related("person").order_by("id")[::3]:
            if assignment.person.email != "canbo@demo.gov.vn":
                services.acknowledgement_record(assignment=assignment, by=assignment.person, request_meta={})
    return Assignment.objects.count()
