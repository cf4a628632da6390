import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from social import selfcheck
from social.models import SelfCheckTally
from social.selectors.checks import questions_for, terms_for


def selfcheck_run(*, person, text: str, at: datetime.datetime | None = None) -> selfcheck.Result:
    """Check a draft for `person`. Guarantees: nothing of the draft, its flags or the
    person is written anywhere (database, logs, e-mail, session); the one write is
    +1 on today's SelfCheckTally."""
    result = selfcheck.check(text=text, terms=terms_for(person), questions=questions_for(person), at=at)
    _count(timezone.localdate())
    return result


def _count(day: datetime.date) -> None:
    with transaction.atomic():
        if SelfCheckTally.objects.filter(day=day).update(checks=F("checks") + 1):
            return
        try:
            with transaction.atomic():
                SelfCheckTally.objects.create(day=day, checks=1)
        except IntegrityError:  # another check created today's row first
            SelfCheckTally.objects.filter(day=day).update(checks=F("checks") + 1)
