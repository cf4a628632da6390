"""Campaigns, assignments and acknowledgements."""

import datetime
import hashlib
import json

import filetype
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Acknowledgement, Assignment, Campaign, ChainHead, ImplementationReport, Target
from directives.models import Directive, Version
from organization import permissions
from organization.models import Person, Role, Unit

GENESIS = "0" * 64


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


@transaction.atomic
def campaign_launch(
    *,
    directive: Directive,
    targets: list[tuple[Unit, bool]],
    due_on: datetime.date,
    by: Person,
    requires_password: bool = False,
) -> Campaign:
    """Target a published directive at units (with or without their subtrees) and
    give every active person there an assignment of its current version."""
    version = current_version(directive)
    if version is None:
        raise ValidationError(_("Chỉ phát động quán triệt cho văn bản đã ban hành."))
    if not targets:
        raise ValidationError(_("Hãy chọn ít nhất một đơn vị."))
    if hasattr(directive, "campaign"):
        raise ValidationError(_("Văn bản này đã được phát động quán triệt."))
    campaign = Campaign.objects.create(
        directive=directive, due_on=due_on, requires_password=requires_password, created_by=by
    )
    Target.objects.bulk_create(Target(campaign=campaign, unit=unit, include_subtree=sub) for unit, sub in targets)
    _insert_assignments(campaign, version, _people_in_scope(campaign))
    return campaign


@transaction.atomic
def campaign_follow_version(*, version: Version) -> None:
    """A new published version: a material one re-opens acknowledgement for everyone
    targeted; an editorial one moves the open assignments to the new text."""
    campaign = Campaign.objects.filter(directive_id=version.directive_id).first()
    if campaign is None:
        return
    still_open = campaign.assignments.filter(acknowledged_at__isnull=True, closed_at__isnull=True).exclude(
        version=version
    )
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
    open_ones = Assignment.objects.filter(person=person, acknowledged_at__isnull=True, closed_at__isnull=True)
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


def _record_hash(previous: str, *, person_id, version_id, text_sha256, at, ip, user_agent) -> str:
    payload = json.dumps(
        [previous, person_id, version_id, text_sha256, at.isoformat(), ip or "", user_agent],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_hash_of(ack: Acknowledgement) -> str:
    return _record_hash(
        ack.previous_hash,
        person_id=ack.person_id,
        version_id=ack.version_id,
        text_sha256=ack.text_sha256,
        at=ack.acknowledged_at,
        ip=ack.ip_address,
        user_agent=ack.user_agent,
    )


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
    exact text shown, and a link to the previous record's hash."""
    if assignment.person_id != by.pk:
        raise ValidationError(_("Bạn chỉ xác nhận được văn bản giao cho chính mình."))
    existing = Acknowledgement.objects.filter(assignment=assignment).first()
    if existing:
        return existing
    if assignment.closed_at is not None:
        raise ValidationError(_("Văn bản này đã có phiên bản mới; hãy đọc và xác nhận phiên bản mới."))
    version = assignment.version
    if check_answers(version, answers or {}):
        raise ValidationError(_("Một số câu trả lời chưa đúng. Hãy đọc lại văn bản và trả lời lại."))
    if assignment.campaign.requires_password and not check_password(password or "", by.password):
        raise ValidationError(_("Mật khẩu không đúng."))

    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(pk=1)
        now = timezone.now()
        claimed = Assignment.objects.filter(
            pk=assignment.pk, acknowledged_at__isnull=True, closed_at__isnull=True
        ).update(acknowledged_at=now)
        if not claimed:
            existing = Acknowledgement.objects.filter(assignment=assignment).first()
            if existing:
                return existing
            raise ValidationError(_("Văn bản này không còn chờ xác nhận."))
        ack = Acknowledgement(
            assignment=assignment,
            person=by,
            version=version,
            text_sha256=version.sha256,
            acknowledged_at=now,
            ip_address=request_meta.get("REMOTE_ADDR") or None,
            user_agent=(request_meta.get("HTTP_USER_AGENT") or "")[:400],
            confirmed_with_password=assignment.campaign.requires_password,
            previous_hash=head.last_hash,
        )
        ack.record_hash = record_hash_of(ack)
        ack.save()
        ChainHead.objects.filter(pk=1).update(last_hash=ack.record_hash)
    return ack


def acknowledgements_verify() -> list[str]:
    """Walk the chain in order; every broken link or altered record is one line."""
    problems = []
    previous = GENESIS
    versions = dict(Version.objects.values_list("id", "sha256"))
    for ack in Acknowledgement.objects.order_by("id").iterator(chunk_size=2000):
        if ack.previous_hash != previous:
            problems.append(_("Bản ghi #%(id)d: liên kết với bản ghi trước bị đứt.") % {"id": ack.pk})
        if record_hash_of(ack) != ack.record_hash:
            problems.append(_("Bản ghi #%(id)d: nội dung đã bị thay đổi.") % {"id": ack.pk})
        if versions.get(ack.version_id) != ack.text_sha256:
            problems.append(_("Bản ghi #%(id)d: mã băm văn bản không khớp phiên bản.") % {"id": ack.pk})
        previous = ack.record_hash
    head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != previous:
        problems.append(_("Bản ghi cuối của chuỗi đã bị xóa hoặc thay đổi."))
    return problems


ATTACHMENT_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def implementation_report_submit(*, directive: Directive, unit: Unit, by: Person, **values) -> ImplementationReport:
    """Record (or correct) how a unit head disseminated a directive in their unit;
    the attachment's type is checked from its content."""
    if not permissions.covers(by, unit, Role.UNIT_HEAD):
        raise ValidationError(_("Bạn không phụ trách đơn vị này."))
    attachment = values.get("attachment")
    if attachment:
        kind = filetype.guess(attachment.read(2048))
        attachment.seek(0)
        if kind is None or kind.mime not in ATTACHMENT_TYPES:
            raise ValidationError(_("Tệp đính kèm phải là PDF, ảnh PNG/JPEG hoặc tệp Word (.docx)."))
    report, _created = ImplementationReport.objects.update_or_create(
        directive=directive, unit=unit, defaults={**values, "reported_by": by}
    )
    return report
