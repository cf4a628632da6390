"""Campaigns, assignments and acknowledgements."""

import datetime
import ipaddress
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acknowledgements import chain
from acknowledgements.models import Acknowledgement, Assignment, Campaign, ImplementationReport, Target
from acknowledgements.reminders import claims
from acknowledgements.reminders.cadence import Cadence
from acknowledgements.signature import signature_check
from core.audit import audit_record
from core.models import AuditAction, PeriodicRun
from core.periodic import run_daily
from core.uploads import check_upload
from directives.models import Directive, Version
from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit

logger = logging.getLogger(__name__)

GENESIS = chain.GENESIS
REMINDER_PASS = "reminder-pass"
CHECKPOINT_PASS = "acknowledgement-checkpoint"
OUTSIDE_SCOPE = gettext_lazy("Một số người được chọn không thuộc phạm vi đơn vị đồng chí phụ trách.")
# The alert of a broken chain keeps this many problems (the e-mail lists 50 of them).
PROBLEMS_KEPT = 10_000


class WrongAnswers(ValidationError):
    """Some quiz questions were answered wrongly: `positions` says which."""

    def __init__(self, positions: list[int]):
        super().__init__(_("Một số câu trả lời chưa đúng. Hãy đọc lại văn bản và trả lời lại."), code="wrong_answers")
        self.positions = positions


class CampaignAlreadyLaunched(ValidationError):
    """The directive has its campaign already (maybe launched a moment ago by someone
    else): `campaign` is that one."""

    def __init__(self, campaign: Campaign):
        super().__init__(_("Văn bản này đã được phát động quán triệt."), code="campaign_exists")
        self.campaign = campaign


def _target_q(campaign: Campaign, path_field: str = "unit__path", id_field: str = "unit_id") -> Q:
    query = Q(pk__in=[])
    for target in campaign.targets.select_related("unit"):
        if target.include_subtree:
            query |= Q(**{f"{path_field}__startswith": target.unit.path})
        else:
            query |= Q(**{id_field: target.unit_id})
    return query


def _people_in_scope(campaign: Campaign):
    return Person.objects.filter(_target_q(campaign), is_active=True)


def _insert_assignments(campaign: Campaign, version: Version, people) -> int:
    """INSERT … SELECT of one assignment per person, skipping those who have one:
    one statement whatever the number of people."""
    # Ordered by id, not by Person's default (name): no sort, and rows go in in key order.
    select_sql, params = people.order_by("pk").values("id").query.sql_with_params()
    now = timezone.now()
    sql = (
        f"INSERT INTO {Assignment._meta.db_table} (campaign_id, version_id, person_id, due_on, assigned_at) "
        f"SELECT %s, %s, people.id, %s, %s FROM ({select_sql}) AS people WHERE true "
        "ON CONFLICT (person_id, version_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk, version.pk, campaign.due_on, now, *params])
        return cursor.rowcount


def current_version(directive: Directive) -> Version | None:
    return directive.versions.filter(published_at__isnull=False).order_by("-number").first()


def campaign_launch(
    *,
    directive: Directive,
    targets: list[tuple[Unit, bool]],
    due_on: datetime.date,
    by: Person,
    requires_password: bool = False,
) -> Campaign:
    """Target a published directive at units (with or without their subtrees) and
    give every active person there an assignment of its current version, all in one
    transaction. A directive has one campaign: launching it again, even at the same
    moment on another worker, saves nothing and raises CampaignAlreadyLaunched
    naming the campaign that exists."""
    version = current_version(directive)
    if version is None:
        raise ValidationError(_("Chỉ phát động quán triệt cho văn bản đã ban hành."))
    if not targets:
        raise ValidationError(_("Hãy chọn ít nhất một đơn vị."))
    existing = Campaign.objects.filter(directive=directive).first()
    if existing is not None:
        raise CampaignAlreadyLaunched(existing)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                directive=directive, due_on=due_on, requires_password=requires_password, created_by=by
            )
            Target.objects.bulk_create(
                Target(campaign=campaign, unit=unit, include_subtree=sub) for unit, sub in targets
            )
            _insert_assignments(campaign, version, _people_in_scope(campaign))
    except IntegrityError:
        # The unique directive of another launch that committed first: ours rolled back whole.
        existing = Campaign.objects.filter(directive=directive).first()
        if existing is None:
            raise
        raise CampaignAlreadyLaunched(existing) from None
    return campaign


@transaction.atomic
def campaign_follow_version(*, version: Version) -> None:
    """A new published version: a material one re-opens acknowledgement for everyone
    targeted; an editorial one moves the open assignments to the new text."""
    campaign = Campaign.objects.filter(directive_id=version.directive_id).first()
    if campaign is None:
        return
    still_open = campaign.assignments.open().exclude(version=version)
    if version.is_material:
        still_open.update(closed_at=timezone.now())
        _insert_assignments(campaign, version, _people_in_scope(campaign))
    else:
        still_open.update(version=version)


@transaction.atomic
def assignments_sync_person(*, person: Person) -> None:
    """After a person joins, moves or leaves: open assignments of campaigns that no
    longer cover them are closed (history kept); campaigns that cover them and have
    no assignment for their current version give them one."""
    now = timezone.now()
    open_ones = Assignment.objects.open().filter(person=person)
    covered_campaigns = []
    for campaign in Campaign.objects.prefetch_related("targets__unit"):
        covers = (
            person.is_active
            and person.unit is not None
            and any(
                person.unit.path.startswith(t.unit.path) if t.include_subtree else person.unit_id == t.unit_id
                for t in campaign.targets.all()
            )
        )
        if covers:
            covered_campaigns.append(campaign)
        else:
            open_ones.filter(campaign=campaign).update(closed_at=now)
    for campaign in covered_campaigns:
        version = current_version(campaign.directive)
        if version and not Assignment.objects.filter(person=person, version=version).exists():
            Assignment.objects.create(
                campaign=campaign, version=version, person=person, due_on=campaign.due_on, assigned_at=now
            )


def _address(value) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def check_answers(version: Version, answers: dict[int, int]) -> list[int]:
    """Positions of the questions answered wrongly (or not at all)."""
    return [q.position for q in version.questions.all() if answers.get(q.position) != q.answer]


def acknowledgement_record(
    *,
    assignment: Assignment,
    by: Person,
    request_meta: dict,
    answers: dict[int, int] | None = None,
    password: str | None = None,
) -> Acknowledgement:
    """Record that `by` read and committed to the assignment's version. Guarantees:
    one record per assignment (a double click returns the first), the SHA-256 of the
    exact text shown, the assignment marked acknowledged in the same transaction, and
    the record sealed with a keyed MAC over all its fields and linked into the chain
    right after the commit (acknowledgements/chain.py). A password signature is
    limited per account (acknowledgements/signature.py). `request_meta` gives REMOTE_ADDR (the client's
    address, already resolved behind a proxy: see core.http.client_ip) and
    HTTP_USER_AGENT."""
    if assignment.person_id != by.pk:
        raise ValidationError(_("Bạn chỉ xác nhận được văn bản giao cho chính mình."))
    if assignment.acknowledged_at is not None:  # a second click, or an old page
        existing = Acknowledgement.objects.filter(assignment=assignment).first()
        if existing:
            return existing
    if assignment.closed_at is not None:
        raise ValidationError(_("Văn bản này đã có phiên bản mới; hãy đọc và xác nhận phiên bản mới."))
    version = assignment.version
    if wrong := check_answers(version, answers or {}):
        raise WrongAnswers(wrong)
    if assignment.campaign.requires_password:
        signature_check(person=by, password=password or "")

    with transaction.atomic():
        now = timezone.now()
        # The claim comes first: it is what makes a second click wait (on this row)
        # and then find the record.
        if not _claim(assignment.pk, now):
            existing = Acknowledgement.objects.filter(assignment=assignment).first()
            if existing:
                return existing
            raise ValidationError(_("Văn bản này không còn chờ xác nhận."))
        ack = chain_record(
            assignment=assignment,
            at=now,
            request_meta=request_meta,
            confirmed_with_password=assignment.campaign.requires_password,
        )
    link_after_sealing()
    return ack


def _claim(assignment_id: int, at: datetime.datetime) -> bool:
    """Mark the assignment acknowledged at `at` if it is still open (the SQL of the
    models' OPEN). Written out once, not compiled by the ORM on every acknowledgement
    of the deadline-day rush (bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM, [connection.ops.adapt_datetimefield_value(at), assignment_id])
        return cursor.rowcount == 1


_CLAIM = (
    "UPDATE acknowledgements_assignment SET acknowledged_at = %s "
    "WHERE id = %s AND acknowledged_at IS NULL AND closed_at IS NULL"
)


def chain_record_new(
    *, assignment: Assignment, at: datetime.datetime, request_meta: dict | None = None, **fields
) -> Acknowledgement:
    """The record, not yet saved nor linked, of an assignment already claimed (marked
    acknowledged at `at`): chain_append links it."""
    meta = request_meta or {}
    return Acknowledgement(
        assignment=assignment,
        person_id=assignment.person_id,
        version=assignment.version,
        text_sha256=assignment.version.sha256,
        acknowledged_at=at,
        ip_address=_address(meta.get("REMOTE_ADDR")),
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:400],
        **fields,
    )


def chain_append(records: list[Acknowledgement]) -> list[Acknowledgement]:
    """Seal `records` (their MACs over their own fields), insert them and queue them
    for the chain, inside the caller's transaction: the one way every method
    (online, at a meeting, on behalf) writes records. No lock is taken: after its
    commit the caller runs link_after_sealing, and the linker gives them their place."""
    return chain.seal(records)


def chain_record(
    *, assignment: Assignment, at: datetime.datetime, request_meta: dict | None = None, **fields
) -> Acknowledgement:
    """Seal the record of an assignment already claimed (marked acknowledged at `at`)
    and queue it for the chain (chain_append)."""
    (ack,) = chain_append([chain_record_new(assignment=assignment, at=at, request_meta=request_meta, **fields)])
    return ack


def acknowledgements_link() -> int:
    """Link into the chain every sealed record waiting for it, in batches (chain.link):
    by the linker process, the beat every minute, and after each commit that sealed
    records (link_after_sealing)."""
    return chain.link()


def link_after_sealing() -> None:
    """Right after the commit that sealed records: link them here, unless a linker
    process does (ACK_LINK_IN_REQUEST off), woken by that commit."""
    if settings.ACK_LINK_IN_REQUEST:
        chain.link()


def acknowledgements_verify(*, checkpoint: dict | None = None) -> chain.Verification:
    """Check every record, the head and the assignments marked acknowledged, and, if
    given, that the chain still holds an earlier checkpoint. Reads only."""
    return chain.verify(checkpoint=checkpoint)


def acknowledgements_checkpoint(*, by: Person | None = None) -> tuple[dict, Path]:
    """Anchor the chain outside the database. Guarantees: the whole chain is verified
    first and a broken chain is never signed (ChainBroken lists its problems and
    nothing is written); otherwise the signed checkpoint (count, last record id, last
    MAC, time, key id) is written to a new file under ACK_CHECKPOINT_DIR and an audit
    row records it."""
    result = chain.verify()
    if result.problems:
        raise chain.ChainBroken([str(problem) for problem in result.problems])
    checkpoint = chain.checkpoint_of(result)
    path = chain.checkpoint_write(checkpoint)
    audit_record(
        action=AuditAction.CHECKPOINT,
        actor=by,
        target=_("Chuỗi xác nhận: %(count)d bản ghi") % {"count": checkpoint["count"]},
        data={**checkpoint, "file": str(path)},
    )
    return checkpoint, path


def acknowledgements_checkpoint_pass(*, today: datetime.date) -> dict:
    """The daily anchor: write a checkpoint (or find the chain broken) and claim its
    e-mail to each active inspector of the root units, in the outbox: once a day for
    a checkpoint and once for an alert, however many workers run it; sent after
    commit, retried until delivered."""
    try:
        checkpoint, path = acknowledgements_checkpoint()
        problems: list[str] = []
    except chain.ChainBroken as exc:
        checkpoint, path, problems = None, None, exc.messages
        logger.error("Acknowledgement chain broken: %d problems, no checkpoint written", len(problems))
    inspectors = RoleGrant.objects.filter(role=Role.INSPECTOR, unit__depth=1, person__is_active=True)
    claims.claim_checkpoints(
        inspector_ids=sorted(set(inspectors.values_list("person_id", flat=True))),
        today=today,
        checkpoint=checkpoint,
        problems=[str(problem) for problem in problems[:PROBLEMS_KEPT]],
    )
    return {"count": checkpoint["count"] if checkpoint else None, "file": str(path or ""), "problems": len(problems)}


def acknowledgements_checkpoint_daily(*, now: datetime.datetime | None = None) -> dict | None:
    """The beat's entry, every few minutes: the checkpoint pass once a day, at the
    first tick after ACK_CHECKPOINT_HOUR (core/periodic.py)."""
    return run_daily(
        name=CHECKPOINT_PASS,
        hour=settings.ACK_CHECKPOINT_HOUR,
        job=lambda day: acknowledgements_checkpoint_pass(today=day),
        now=now,
    )


# Reminders, digests and nudges (acknowledgements/reminders/)


@dataclass(frozen=True)
class PassResult:
    today: datetime.date
    reminder_ids: tuple[int, ...]  # outbox rows claimed: one per assignment reaching a step
    reminded: tuple[int, ...]  # the people reminded (one e-mail each)
    digest_ids: tuple[int, ...]
    escalated: tuple[int, ...]  # the unit heads sent a digest

    @property
    def reminders(self) -> int:
        return len(self.reminder_ids)

    @property
    def digests(self) -> int:
        return len(self.digest_ids)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "reminders": self.reminders,
            "reminded": len(self.reminded),
            "digests": self.digests,
        }


def reminder_pass(*, today: datetime.date, cadence: Cadence | None = None) -> PassResult:
    """Claim the day's reminders and digests in the outbox; they are sent after commit.

    Guarantees: only open assignments of active people are claimed, only active unit
    heads with someone late in their subtree; no step is claimed twice, however many
    passes run at once or again; the claims commit together, and the send tasks are
    queued only after that commit (a broker that is down leaves them to the sweep).
    A fixed number of queries whatever the number of assignments: the reminders are
    claimed by one INSERT … SELECT. At send time each e-mail is checked again
    (acknowledgements/reminders/renderers.py)."""
    cadence = cadence or Cadence.from_settings()
    with transaction.atomic():
        reminders = claims.claim_reminders(today=today, cadence=cadence)
        digests = claims.claim_digests(today=today, cadence=cadence)
    return PassResult(
        today=today,
        reminder_ids=tuple(pk for pk, _person in reminders),
        reminded=tuple(sorted({person for _pk, person in reminders})),
        digest_ids=tuple(pk for pk, _head in digests),
        escalated=tuple(sorted(head for _pk, head in digests)),
    )


def reminder_pass_daily(*, now: datetime.datetime | None = None) -> dict | None:
    """The beat's entry, every 15 minutes: the day's pass once, at the first tick
    after REMINDER_HOUR, so a tick missed at the hour is made up at the next one
    (core/periodic.py). Returns the pass's summary, or None when nothing ran."""
    return run_daily(
        name=REMINDER_PASS,
        hour=settings.REMINDER_HOUR,
        job=lambda day: reminder_pass(today=day).as_dict(),
        now=now,
    )


def reminder_pass_ran(*, day: datetime.date) -> PeriodicRun | None:
    """The record of the daily pass for `day`, if it ran."""
    return PeriodicRun.objects.filter(name=REMINDER_PASS, day=day).first()


def assignments_nudge(*, by: Person, people: Iterable[Person], today: datetime.date | None = None) -> int:
    """Unit head `by` nudges `people`: each gets one e-mail listing every directive
    they still have to acknowledge, at most once a day whoever nudges. Raises
    ValidationError, before claiming anything, if one of them is outside `by`'s
    unit-head scope. Inactive people and people with nothing pending are skipped.
    The nudges are claimed in the outbox and sent after commit: a broker that is
    down delays them, never loses them. Returns how many were nudged now."""
    today = today or timezone.localdate()
    ids = {person.pk for person in people}
    in_scope = set(
        Person.objects.filter(permissions.scope_q(by, Role.UNIT_HEAD, path_field="unit__path"), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if ids - in_scope:
        # Names (or how many) would tell a head who exists outside their scope.
        raise ValidationError(str(OUTSIDE_SCOPE))
    pending = Assignment.objects.open().filter(person_id__in=ids, person__is_active=True)
    with transaction.atomic():
        claimed = claims.claim_nudges(
            person_ids=sorted(set(pending.values_list("person_id", flat=True))), by_id=by.pk, today=today
        )
    return len(claimed)


def implementation_report_submit(*, directive: Directive, unit: Unit, by: Person, **values) -> ImplementationReport:
    """Record (or correct) how a unit head disseminated a directive in their unit.
    Guarantees: only a head covering the unit reports; an attachment is stored only
    after core.uploads.check_upload accepted its whole content (type, name, no hidden
    payload, at most REPORT_ATTACHMENT_MAX_MB), under a random name, with its checked
    display name and type kept for the download."""
    if not permissions.covers(by, unit, Role.UNIT_HEAD):
        raise ValidationError(_("Bạn không phụ trách đơn vị này."))
    attachment = values.get("attachment")
    if attachment:
        checked = check_upload(attachment, max_bytes=settings.REPORT_ATTACHMENT_MAX_MB * 1_048_576)
        values["attachment"] = ContentFile(checked.data, name=f"{uuid.uuid4().hex}{checked.extension}")
        values["attachment_name"] = checked.name
        values["attachment_type"] = checked.content_type
    report, _created = ImplementationReport.objects.update_or_create(
        directive=directive, unit=unit, defaults={**values, "reported_by": by}
    )
    return report
