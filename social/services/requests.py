"""Permission to post agency work: submit, decide, resubmit, escalate, delegate.
Every change appends a PostRequestEvent; e-mails are claimed on the outbox in the
same transaction (social/notices.py) and go out after commit."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditAction
from core.uploads import check_upload
from organization import permissions
from organization.models import Person, Role, Unit
from social import notices, selectors
from social.models import PostingDelegate, PostRequest, PostRequestEvent, PostRequestImage
from social.models import RequestState as S
from social.services.common import clean_text, required

IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}

APPROVE, CHANGES, DECLINE = "approve", "changes", "decline"
DECISIONS = {APPROVE: S.APPROVED, CHANGES: S.CHANGES_REQUESTED, DECLINE: S.DECLINED}


def _event(*, request: PostRequest, kind: str, by: Person | None, **fields) -> PostRequestEvent:
    return PostRequestEvent.objects.create(request=request, kind=kind, actor=by, **fields)


def _attach_images(request: PostRequest, images: list) -> None:
    """Check each image and store its re-encoded copy before reading the next; a
    refused one raises ValidationError and removes what this call stored."""
    if len(images) + request.images.count() > settings.SOCIAL_IMAGE_MAX_FILES:
        raise ValidationError(_("Mỗi đề nghị kèm tối đa %(limit)s ảnh.") % {"limit": settings.SOCIAL_IMAGE_MAX_FILES})
    written = []
    try:
        for upload in images:
            checked = check_upload(upload, max_bytes=settings.SOCIAL_IMAGE_MAX_MB * 1024 * 1024)
            if checked.content_type not in IMAGE_TYPES or checked.display is None:
                raise ValidationError(
                    _("Tệp %(name)s không phải ảnh. Chỉ gửi kèm ảnh PNG, JPEG hoặc WebP.") % {"name": checked.name}
                )
            image = PostRequestImage(
                request=request, name=checked.name, content_type=checked.content_type,
                size=len(checked.display), sha256=checked.sha256,
            )  # fmt: skip
            image.file.save(
                f"{request.pk}-{checked.sha256[:16]}{checked.extension}", ContentFile(checked.display), save=False
            )
            written.append(image.file.name)
            image.save()
    except BaseException:
        for name in written:
            PostRequestImage.file.field.storage.delete(name)
        raise


def _fields(*, text: str, platform: str, account: str, planned_at: datetime.datetime) -> dict:
    from social.models import Platform

    if platform not in Platform.values:
        raise ValidationError(_("Hãy chọn nền tảng sẽ đăng."))
    return {
        "text": required(text, _("Hãy nhập nội dung dự kiến đăng.")),
        "platform": platform,
        "account": required(account, _("Hãy ghi tài khoản hoặc trang sẽ đăng.")),
        "planned_at": planned_at,
    }


@transaction.atomic
def post_request_submit(
    *, by: Person, text: str, platform: str, account: str, planned_at: datetime.datetime, images=()
) -> PostRequest:
    """Ask for permission to post. Guarantees: the request goes to the heads (and
    delegates) of the author's unit, or of the first unit above with someone other
    than the author to decide; images are checked (core.uploads) and stored without
    metadata, a refused one saves nothing; each decider is owed one e-mail, claimed
    in this transaction and sent after commit."""
    if by.unit is None:
        raise ValidationError(_("Tài khoản của bạn chưa thuộc đơn vị nào nên chưa thể xin phép."))
    now = timezone.now()
    request = PostRequest.objects.create(
        author=by, unit=by.unit, decider_unit=selectors.decider_unit_for(by), waiting_since=now,
        **_fields(text=text, platform=platform, account=account, planned_at=planned_at),
    )  # fmt: skip
    _attach_images(request, list(images or []))
    event = _event(
        request=request, kind=PostRequestEvent.Kind.SUBMITTED, by=by, to_state=S.PENDING, unit=request.decider_unit
    )
    notices.claim_request_new(request, event=event)
    return request


@transaction.atomic
def post_request_decide(
    *, request: PostRequest, by: Person, decision: str, note: str = "", edited_text: str = ""
) -> PostRequest:
    """Approve (optionally with an edited text), ask for changes, or decline. Only a
    head or delegate over the deciding unit, never the author, and only while the
    request is pending; asking for changes and declining need a note. Approval
    gives the reference XP-<year>-<number>. A concurrent decision makes this one
    fail. The author is owed one e-mail, claimed in this transaction."""
    if decision not in DECISIONS:
        raise ValidationError(_("Hãy chọn một quyết định."))
    if not selectors.may_decide(by, request):
        raise PermissionDenied
    note = clean_text(note)
    if decision in (CHANGES, DECLINE) and not note:
        raise ValidationError(_("Hãy ghi ý kiến: cần sửa gì, hoặc vì sao không cho phép."))
    edited = clean_text(edited_text)
    to = DECISIONS[decision]
    now = timezone.now()
    approved_text = (edited or request.text) if to == S.APPROVED else ""
    reference = f"XP-{timezone.localdate(now).year}-{request.pk:06d}" if to == S.APPROVED else None
    moved = PostRequest.objects.filter(pk=request.pk, state=S.PENDING).update(
        state=to, decided_by=by, decided_at=now, decision_note=note, approved_text=approved_text, reference=reference
    )
    if not moved:
        raise ValidationError(_("Đề nghị này vừa được người khác xử lý; hãy tải lại trang."))
    event = _event(
        request=request, kind=PostRequestEvent.Kind.DECIDED, by=by, from_state=S.PENDING, to_state=to,
        unit=request.decider_unit, note=note,
        edited_text=edited if to == S.APPROVED and edited and edited != request.text else "",
    )  # fmt: skip
    request.refresh_from_db()
    notices.claim_request_decided(request, event=event)
    return request


@transaction.atomic
def post_request_resubmit(
    *, request: PostRequest, by: Person, text: str, platform: str, account: str, planned_at, images=()
) -> PostRequest:
    """The author sends the request back after the changes asked for. It returns
    to pending with the deciders of the author's unit (as a new request would) and
    they are e-mailed again."""
    if by.pk != request.author_id:
        raise PermissionDenied
    fields = _fields(text=text, platform=platform, account=account, planned_at=planned_at)
    now = timezone.now()
    decider_unit = selectors.decider_unit_for(by, start=request.unit)
    moved = PostRequest.objects.filter(pk=request.pk, state=S.CHANGES_REQUESTED).update(
        state=S.PENDING, decided_by=None, decided_at=None, decision_note="", waiting_since=now,
        decider_unit=decider_unit, **fields,
    )  # fmt: skip
    if not moved:
        raise ValidationError(_("Chỉ gửi lại được đề nghị đang ở trạng thái “Cần chỉnh sửa”."))
    request.refresh_from_db()
    _attach_images(request, list(images or []))
    event = _event(
        request=request, kind=PostRequestEvent.Kind.RESUBMITTED, by=by, from_state=S.CHANGES_REQUESTED,
        to_state=S.PENDING, unit=decider_unit,
    )  # fmt: skip
    notices.claim_request_new(request, event=event)
    return request


def post_request_escalate_pass(*, now: datetime.datetime | None = None) -> dict:
    """Move each request pending for SOCIAL_REQUEST_ESCALATE_DAYS with its deciders
    to the next unit above that has someone to decide, and e-mail them. Guarantees:
    a request moves once per period (a conditional update on `waiting_since`), so two
    passes at once move it once; a request at the top stays where it is."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SOCIAL_REQUEST_ESCALATE_DAYS)
    moved = 0
    waiting = PostRequest.objects.filter(state=S.PENDING, waiting_since__lte=cutoff).select_related("decider_unit")
    for request in waiting.order_by("pk"):
        target = selectors.escalation_target(request)
        if target is None:
            continue
        with transaction.atomic():
            claimed = PostRequest.objects.filter(
                pk=request.pk, state=S.PENDING, waiting_since=request.waiting_since
            ).update(decider_unit=target, waiting_since=now)
            if not claimed:
                continue
            days = (now - request.waiting_since).days
            event = _event(
                request=request, kind=PostRequestEvent.Kind.ESCALATED, by=None, from_state=S.PENDING,
                to_state=S.PENDING, unit=target,
                note=_("Chưa được trả lời sau %(days)s ngày tại %(unit)s.") % {"days": days, "unit": request.decider_unit},
            )  # fmt: skip
            request.decider_unit = target
            notices.claim_request_new(request, event=event)
            moved += 1
    return {"escalated": moved}


def _check_may_delegate(by: Person, unit: Unit) -> None:
    if not permissions.covers(by, unit, Role.UNIT_HEAD):
        raise PermissionDenied


@transaction.atomic
def delegate_add(*, unit: Unit, person: Person, by: Person) -> PostingDelegate:
    """A head names someone of their subtree to decide requests for `unit` and the
    units below. Written in the audit trail (a grant of authority)."""
    _check_may_delegate(by, unit)
    if not person.is_active or person.unit is None or not permissions.covers(by, person.unit, Role.UNIT_HEAD):
        raise ValidationError(_("Chỉ ủy quyền được cho cán bộ đang công tác trong đơn vị bạn phụ trách."))
    if PostingDelegate.objects.filter(unit=unit, person=person, revoked_at__isnull=True).exists():
        raise ValidationError(_("Người này đã được ủy quyền cho đơn vị này."))
    delegate = PostingDelegate.objects.create(unit=unit, person=person, granted_by=by)
    audit_record(
        action=AuditAction.ROLE_GRANTED, actor=by, target=person.email, unit_path=unit.path,
        data={"role": "posting_delegate", "unit": unit.code},
    )  # fmt: skip
    return delegate


@transaction.atomic
def delegate_revoke(*, delegate: PostingDelegate, by: Person) -> None:
    """End a delegation; the row stays, with who ended it and when."""
    _check_may_delegate(by, delegate.unit)
    ended = PostingDelegate.objects.filter(pk=delegate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if ended:
        audit_record(
            action=AuditAction.ROLE_REVOKED, actor=by, target=delegate.person.email, unit_path=delegate.unit.path,
            data={"role": "posting_delegate", "unit": delegate.unit.code},
        )  # fmt: skip
