"""One shape for the status of long work (exports, imports, bulk e-mail sends),
drawn by templates/core/_progress.html and kept fresh by static/js/progress.js.

A job's JSON status is `Progress.as_json()`: state (queued, running, done, failed,
cancelled), done and total (total None when the work has no count, as reading a
file), percent (None then), seconds_left (None when unknown), message (one line for
the user, in their language) and result_url (where the finished work is, or "")."""

import datetime
from dataclasses import dataclass

from django.http import JsonResponse
from django.utils import timezone

ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Progress:
    state: str
    done: int = 0
    total: int | None = None
    seconds_left: int | None = None
    message: str = ""
    result_url: str = ""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        if not self.total:
            return None if self.total is None else 0
        return min(100, self.done * 100 // self.total)

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "seconds_left": self.seconds_left,
            "message": str(self.message),
            "result_url": self.result_url,
        }


def seconds_left(*, started_at: datetime.datetime | None, done: int, total: int | None) -> int | None:
    """Time left at the pace so far; None before the first unit of work is done."""
    if started_at is None or not done or total is None:
        return None
    elapsed = (timezone.now() - started_at).total_seconds()
    return round(elapsed * max(total - done, 0) / done)


def progress_response(progress: Progress) -> JsonResponse:
    response = JsonResponse(progress.as_json())
    response["Cache-Control"] = "no-store"
    return response
