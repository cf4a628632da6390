"""Bulk e-mail sends (nudges, invitations) as seen by the person who started them:
the outbox rows of one claim (`OutboxMessage.run`) counted by state, in the shape
of the progress component (core/progress.py)."""

import uuid

from django.db.models import Count, Min
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.models import OutboxMessage
from core.progress import Progress, seconds_left

State = OutboxMessage.State


def latest_run_of(*, kind: str, by) -> uuid.UUID | None:
    """The last claim of e-mails of `kind` that `by` started (rows name their sender
    in data["by"]): the send just made, right after it."""
    return OutboxMessage.objects.filter(kind=kind, data__by=by.pk).order_by("-pk").values_list("run", flat=True).first()


def run_rows_for(user, run: uuid.UUID):
    """The rows of the claim `run` if `user` started it; 404 for anyone else (even
    whether it exists is nobody else's business)."""
    rows = OutboxMessage.objects.filter(run=run, data__by=user.pk)
    if not user.is_authenticated or not rows.exists():
        raise Http404
    return rows


def run_progress(rows) -> Progress:
    """How far the e-mails of one claim are: sent, failed or not needed any more
    count as done; queued and sending ones are what is left."""
    counts = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    sent, failed, skipped = (counts.get(state, 0) for state in (State.SENT, State.FAILED, State.SKIPPED))
    waiting = total - sent - failed - skipped
    done = total - waiting
    state = "done" if not waiting else ("running" if done or counts.get(State.SENDING) else "queued")
    message = _(
        "Đã gửi %(sent)s / %(total)s thư; đang chờ gửi: %(waiting)s; không gửi được: %(failed)s;"
        " không cần gửi nữa: %(skipped)s."
    ) % {
        "sent": _number(sent),
        "total": _number(total),
        "waiting": _number(waiting),
        "failed": _number(failed),
        "skipped": _number(skipped),
    }
    started = rows.aggregate(first=Min("created_at"))["first"]
    left = seconds_left(started_at=started, done=done, total=total) if waiting else None
    return Progress(state=state, done=done, total=total, seconds_left=left, message=message)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)
