"""The nightly purge: delete exactly the records whose retention period ended
(privacy/retention.py), nothing a legal hold covers, and leave a tombstone for each
(kind, number, when its period began, when and why deleted) in the same transaction
as the deletion. Files go from disk after the commit, so a pass that fails leaves
rows and files as they were. Beat ticks every 15 minutes; core/periodic.run_daily
runs the pass once a day after PRIVACY_PURGE_HOUR."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from acknowledgements.models import Acknowledgement
from core.models import AuditEvent, OutboxMessage
from core.periodic import run_daily
from privacy.models import LegalHold, PurgeRun, RecordKind, Tombstone
from privacy.retention import BY_KIND, cutoff
from violations.models import (
    Channel,
    CouncilSession,
    Decision,
    Deferral,
    Event,
    Evidence,
    Extension,
    Report,
    ReviewMeeting,
    SealedIdentity,
    State,
)

PASS_NAME = "privacy-purge"
ENDED = (State.CLOSED, State.DISMISSED)


def _midnight_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def held_ids() -> set[int]:
    return set(LegalHold.objects.filter(released_at__isnull=True).values_list("report_id", flat=True))


def ended_cases():
    """Closed or dismissed cases with `ended_at`, the time of their last move into it."""
    last_move = Event.objects.filter(report=OuterRef("pk"), kind=Event.Kind.TRANSITION, to_state__in=ENDED)
    ended_at = Subquery(last_move.order_by("-id").values("created_at")[:1])
    return Report.objects.filter(state__in=ENDED).annotate(ended_at=ended_at).exclude(ended_at=None)


def kind_of(report: Report) -> str:
    discipline = report.state == State.CLOSED and report.measure is not None and report.measure.is_discipline
    if discipline:
        return RecordKind.CASE_DISCIPLINE
    if report.channel == Channel.ANONYMOUS:
        return RecordKind.ANONYMOUS
    if report.state == State.DISMISSED:
        return RecordKind.CASE_DISMISSED
    return RecordKind.CASE_OTHER


def _reason(kind: str, start: datetime.date) -> str:
    """Why it was deleted, in Vietnamese whatever the language of the pass."""
    rule = BY_KIND[kind]
    with translation.override("vi"):
        return _("Hết thời hạn lưu %(years)s năm (%(setting)s) tính từ %(day)s") % {
            "years": rule.years, "setting": rule.setting, "day": date_format(start, "SHORT_DATE_FORMAT"),
        }  # fmt: skip


def _files_after_commit(fields) -> None:
    names = [(field.storage, field.name) for field in fields if field]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _delete_case(report: Report) -> None:
    """The case and everything hanging from it; audit rows stay (their own period)."""
    evidence = list(Evidence.objects.filter(report=report))
    records = [
        *ReviewMeeting.objects.filter(report=report),
        *CouncilSession.objects.filter(report=report),
        *Decision.objects.filter(report=report),
    ]
    _files_after_commit([f for e in evidence for f in (e.original, e.display)] + [r.minutes for r in records])
    Evidence.objects.filter(report=report).delete()
    for model in (ReviewMeeting, CouncilSession, Decision, Deferral, Extension, SealedIdentity):
        model.objects.filter(report=report).delete()
    Event.objects.filter(report=report).delete()
    OutboxMessage.objects.filter(kind__startswith="violation_", ref=report.pk).delete()
    report.delete()  # released holds keep their `target`; the M2M rows go with it


def _purge_cases(stones: list, today: datetime.date, held: set[int], result: dict) -> None:
    for report in ended_cases().exclude(pk__in=held).select_related("measure").order_by("pk"):
        kind = kind_of(report)
        ended_on = timezone.localtime(report.ended_at).date()
        if ended_on > cutoff(kind, today):
            continue
        ref = f"violations.report:{report.pk}"
        _delete_case(report)
        stones.append(Tombstone(kind=kind, ref=ref, ended_on=ended_on, reason=_reason(kind, ended_on)))
        result[kind] = result.get(kind, 0) + 1


def _purge_evidence(stones: list, today: datetime.date, held: set[int], result: dict) -> None:
    """The files of cases that ended long enough ago, before the cases themselves."""
    ended = {
        r.pk: timezone.localtime(r.ended_at).date()
        for r in ended_cases().exclude(pk__in=held).filter(evidence__isnull=False).distinct()
    }
    limit = cutoff(RecordKind.EVIDENCE, today)
    expired = [pk for pk, day in ended.items() if day <= limit]
    for evidence in Evidence.objects.filter(report_id__in=expired).order_by("pk"):
        _files_after_commit([evidence.original, evidence.display])
        day = ended[evidence.report_id]
        stones.append(
            Tombstone(kind=RecordKind.EVIDENCE, ref=f"violations.evidence:{evidence.pk}", ended_on=day,
                      reason=_reason(RecordKind.EVIDENCE, day))
        )  # fmt: skip
        Evidence.objects.filter(pk=evidence.pk).delete()
        result[RecordKind.EVIDENCE] = result.get(RecordKind.EVIDENCE, 0) + 1


def _purge_audit(stones: list, today: datetime.date, held: set[int], result: dict) -> None:
    """Audit rows past their period, those about a held case aside. On PostgreSQL the
    append-only trigger lets this transaction delete rows older than a year only
    (privacy/migrations/0002)."""
    limit = cutoff(RecordKind.AUDIT, today)
    files = Evidence.objects.filter(report_id__in=held).values_list("pk", flat=True)
    about_held = [f"violations.report:{pk}" for pk in held] + [f"violations.evidence:{pk}" for pk in files]
    rows = AuditEvent.objects.filter(at__lt=_midnight_after(limit)).exclude(target__in=about_held)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.purge = 'on'")
    count, _detail = rows.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.purge = 'off'")
    if count:
        stones.append(
            Tombstone(kind=RecordKind.AUDIT, ref="core.auditevent", count=count, ended_on=limit,
                      reason=_reason(RecordKind.AUDIT, limit))
        )  # fmt: skip
        result[RecordKind.AUDIT] = count


@transaction.atomic
def purge_pass(*, today: datetime.date) -> dict:
    """Delete what expired on `today`; returns the counts per kind, and how many
    acknowledgement records are past their period but kept (the chain)."""
    held = held_ids()
    result: dict = {}
    stones: list[Tombstone] = []
    _purge_evidence(stones, today, held, result)
    _purge_cases(stones, today, held, result)
    _purge_audit(stones, today, held, result)
    past = cutoff(RecordKind.ACKNOWLEDGEMENT, today)
    result["acknowledgements_kept"] = Acknowledgement.objects.filter(acknowledged_at__lt=_midnight_after(past)).count()
    result["held"] = len(held)
    run = PurgeRun.objects.create(day=today, result=result)
    for stone in stones:
        stone.run = run
    Tombstone.objects.bulk_create(stones)
    return result


def purge_tick(now: datetime.datetime | None = None) -> dict | None:
    return run_daily(name=PASS_NAME, hour=settings.PRIVACY_PURGE_HOUR, job=lambda today: purge_pass(today=today),
                     now=now)  # fmt: skip
