"""The social app's daily pass: escalate unanswered requests for permission to post
and remind heads of account security reviews. Beat ticks every 15 minutes and
`daily_tick` runs each part once a day at the first tick after REMINDER_HOUR
(core/periodic.py): a tick lost while Redis was down is made up at the next one,
and two workers racing run it once."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.periodic import run_daily

ESCALATION_PASS = "social-request-escalation"
ACCOUNT_REVIEW_PASS = "social-account-review"


def daily_tick(*, now: datetime.datetime | None = None) -> dict:
    from social import services

    now = now or timezone.now()
    results = {
        ESCALATION_PASS: run_daily(
            name=ESCALATION_PASS, hour=settings.REMINDER_HOUR,
            job=lambda today: services.post_request_escalate_pass(now=now), now=now,
        ),
        ACCOUNT_REVIEW_PASS: run_daily(
            name=ACCOUNT_REVIEW_PASS, hour=settings.REMINDER_HOUR,
            job=lambda today: services.account_review_pass(today=today), now=now,
        ),
    }  # fmt: skip
    return results
