"""Business actions on directives: import, edit a draft, publish, add questions."""

import datetime
import hashlib
import logging
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.uploads import DOCUMENT_TYPES, CheckedFile, check_upload
from directives import selectors
from directives.importer import DocumentError, parse
from directives.importer.cleaning import fold
from directives.importer.isolated import read_and_parse_isolated
from directives.importer.reading import Limits, read_document_with_notes
from directives.importer.references import find_references, resolve_references
from directives.models import (
    Attachment,
    Directive,
    DocType,
    ImportJob,
    ImportState,
    Obligation,
    Question,
    Reference,
    Status,
    Version,
)
from directives.signals import version_published
from organization import permissions
from organization.models import Person, Role, Unit

logger = logging.getLogger(__name__)
_MEGABYTE = 1024 * 1024

DOC_TYPE_BY_LABEL = {fold(str(label)): value for value, label in DocType.choices}
METADATA_FIELDS = (
    "doc_type", "number", "symbol", "issuer", "place", "issued_on", "subject",
    "recipients", "distribution", "signer_title", "signer_name",
)  # fmt: skip


@dataclass
class Draft:
    """What an administrator checked in the review form: the metadata, the text and
    its obligations (as {"label", "text"} dicts)."""

    fields: dict
    text: str
    obligations: list[dict]


def known_documents(*, user: Person | None = None) -> dict[str, dict]:
    """The national catalogue merged with the directives `user` may cite (see
    selectors.directives_citable_by), by code."""
    return selectors.known_documents(user=user)


def doc_type_value(label: str | None) -> str:
    return DOC_TYPE_BY_LABEL.get(fold(label or ""), DocType.OTHER)


def draft_from_result(text: str, result: dict) -> Draft:
    """The review form's draft from an importer result."""
    fields = {name: result.get(name) for name in METADATA_FIELDS}
    fields["doc_type"] = doc_type_value(result.get("doc_type"))
    return Draft(fields=fields, text=text, obligations=result["obligations"])


def draft_from_text(text: str, *, by: Person | None = None) -> tuple[Draft, dict]:
    """Run the importer on `text` in this process; returns the pre-filled draft and
    the raw result (with references and warnings) for the review form. Citations
    resolve only to what `by` may cite (published ones only without a person)."""
    result = parse(text, known=known_documents(user=by))
    return draft_from_result(text, result), result


def draft_from_file(*, data: bytes, filename: str, max_bytes: int, by: Person | None = None) -> tuple[Draft, dict]:
    """Read and parse a file in this process (the demo, commands, tests); raises
    importer.DocumentError with a message. Uploads go through import_job_create."""
    text, notes = read_document_with_notes(data, filename, max_bytes=max_bytes)
    draft, result = draft_from_text(text, by=by)
    result["warnings"] = notes + result["warnings"]
    return draft, result


def import_job_create(*, upload, by: Person) -> ImportJob:
    """Store an uploaded file privately and queue its reading.

    The file lands under PRIVATE_STORAGE_ROOT/imports with a generated name; the
    Celery task is enqueued only after the job row is committed, so a worker never
    looks for a job that does not exist yet. Nothing is parsed here."""
    with transaction.atomic():
        job = ImportJob(
            created_by=by,
            unit_id=by.unit_id,
            filename=os.path.basename(upload.name or "")[:255],
            language=(get_language() or settings.LANGUAGE_CODE)[:10],
        )
        job.file.save(job.filename, upload, save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _enqueue_import(job_id) -> None:
    from directives.tasks import import_job_run

    try:
        import_job_run.delay(str(job_id))
    except Exception:  # the broker is down: the job stays queued for import_jobs_sweep
        logger.warning("import job %s not handed to a worker; the sweep retries", job_id, exc_info=True)


def import_jobs_sweep() -> int:
    """Hand again to a worker the jobs whose message was lost (queued for a minute, as
    when the broker was down at upload) or whose worker died (running past the stale
    time), and delete the files of reviews left unsaved for IMPORT_KEEP_READ_FILE.
    Safe at any moment: import_job_run claims each job once."""
    now = timezone.now()
    left = ImportJob.objects.filter(state=ImportState.DONE, finished_at__lt=now - IMPORT_KEEP_READ_FILE).exclude(
        file=""
    )
    for job in left[:500]:
        import_job_close(job=job)
    lost = ImportJob.objects.filter(
        Q(state=ImportState.QUEUED, created_at__lt=now - datetime.timedelta(minutes=1))
        | Q(state=ImportState.RUNNING, started_at__lt=now - _stale_after())
    ).values_list("pk", flat=True)
    ids = list(lost[:500])
    for job_id in ids:
        _enqueue_import(job_id)
    return len(ids)


def _stale_after() -> datetime.timedelta:
    # A running job older than this lost its worker (the child is killed long before).
    return datetime.timedelta(seconds=2 * settings.DIRECTIVE_IMPORT_TIMEOUT_S + 60)


# An upload read but whose review was neither saved nor abandoned: the person left.
IMPORT_KEEP_READ_FILE = datetime.timedelta(days=7)


def import_job_close(*, job: ImportJob) -> None:
    """The review of this upload was saved or abandoned: delete the stored file (the
    text read stays on the job). Safe to call twice."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def import_job_run(*, job_id) -> bool:
    """Read a queued job's file in a child process under the time and memory limits
    and store the outcome: DONE with the text and fields, or FAILED with a message
    for the user. Safe to run twice or on two workers: only the call that claims
    the queued row (or a running one whose worker died) reads the file; it returns
    whether it was that call. The stored file is kept until the review is saved or
    abandoned (import_job_close); a file that could not be read is deleted at once."""
    now = timezone.now()
    claimable = Q(state=ImportState.QUEUED) | Q(state=ImportState.RUNNING, started_at__lt=now - _stale_after())
    if not ImportJob.objects.filter(claimable, pk=job_id).update(state=ImportState.RUNNING, started_at=now):
        return False
    job = ImportJob.objects.get(pk=job_id)
    outcome: dict = {"state": ImportState.FAILED}
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        text, parsed = read_and_parse_isolated(
            data,
            job.filename,
            max_bytes=settings.DIRECTIVE_MAX_UPLOAD_MB * _MEGABYTE,
            limits=Limits.from_settings(),
            timeout_s=settings.DIRECTIVE_IMPORT_TIMEOUT_S,
            memory_mb=settings.DIRECTIVE_IMPORT_MEMORY_MB,
            language=job.language,
        )
    except DocumentError as exc:
        outcome["error"] = str(exc)
    except Exception:
        logger.exception("Import job %s failed", job_id)
        outcome["error"] = _("Lỗi nội bộ khi đọc tệp; hãy thử lại hoặc dán nội dung văn bản.")
    else:
        outcome = {"state": ImportState.DONE, "result": {"text": text, "parsed": parsed}}
    if outcome["state"] == ImportState.FAILED:
        job.file.delete(save=False)
        outcome["file"] = ""
    ImportJob.objects.filter(pk=job_id, state=ImportState.RUNNING).update(**outcome, finished_at=timezone.now())
    return True


def _search_document(directive: Directive, text: str) -> str:
    parts = [directive.code, directive.issuer, directive.subject, directive.signer_name, text]
    # A leading space lets a search match word starts (" ha" does not match "chanh").
    return " " + fold(" ".join(part for part in parts if part))


def _apply_fields(directive: Directive, fields: dict) -> None:
    for name in METADATA_FIELDS:
        value = fields.get(name)
        if name in ("recipients", "distribution"):
            value = [item for item in (value or []) if item]
        setattr(directive, name, value if value is not None else "")


def _too_long(label, value: str, limit: int) -> str:
    return _("%(field)s dài %(length)s ký tự, vượt quá giới hạn %(limit)s ký tự: “%(value)s”.") % {
        "field": label,
        "length": len(value),
        "limit": limit,
        "value": value[:60] + ("…" if len(value) > 60 else ""),
    }


def _check_reference_lengths(references: list[dict]) -> None:
    """What a letter cites must fit the columns; a code too long for them is a
    mistake in the text, so the person is told where, instead of a database error."""
    columns = {"code": "code", "kind": "kind", "date": "date", "resolved_to": "resolved_code"}
    errors = []
    for reference in references:
        for key, column in columns.items():
            field = Reference._meta.get_field(column)
            value = reference.get(key) or ""
            if len(value) > field.max_length:
                errors.append(_too_long(field.verbose_name.capitalize(), value, field.max_length))
    if errors:
        raise ValidationError({"text": errors})


def _fill_version(version: Version, draft: Draft, by: Person | None) -> None:
    """Store the text, its digest, obligations and resolved references."""
    version.text = draft.text
    version.sha256 = Version.digest(draft.text, version.attachment_digests() if version.pk else [])
    version.save()
    version.obligations.all().delete()
    Obligation.objects.bulk_create(
        Obligation(version=version, position=i, label=item.get("label") or str(i + 1), text=item["text"])
        for i, item in enumerate(draft.obligations)
    )
    version.references.all().delete()
    known = known_documents(user=by)
    own_code = version.directive.code or None
    references, _warnings = resolve_references(find_references(draft.text, own_code), known)
    _check_reference_lengths(references)
    Reference.objects.bulk_create(
        Reference(
            version=version,
            position=i,
            code=ref.get("code") or "",
            kind=ref.get("kind") or "",
            date=ref.get("date") or "",
            title=ref.get("title") or "",
            text=ref.get("text") or "",
            resolved_code=ref.get("resolved_to") or "",
            resolved_directive_id=known.get(ref.get("resolved_to") or "", {}).get("directive_id"),
            suggestion=ref.get("suggestion") or "",
        )
        for i, ref in enumerate(references)
    )


def _validate(directive: Directive) -> None:
    try:
        directive.full_clean(exclude=["created_by", "owner_unit"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


@transaction.atomic
def directive_create(*, draft: Draft, owner_unit: Unit, by: Person | None) -> Directive:
    """Save a reviewed import as a draft directive with its first (draft) version."""
    directive = Directive(owner_unit=owner_unit, created_by=by)
    _apply_fields(directive, draft.fields)
    directive.search_document = _search_document(directive, draft.text)
    _validate(directive)
    directive.save()
    _fill_version(Version(directive=directive, number=1), draft, by)
    return directive


@transaction.atomic
def directive_update(*, directive: Directive, draft: Draft, by: Person | None = None) -> Directive:
    """Change a directive's metadata and the text of its draft version. A published
    version is never edited: without a draft version this raises ValidationError.
    Citations link only to what `by` may cite."""
    version = directive.versions.select_for_update().filter(published_at__isnull=True).first()
    if version is None:
        raise ValidationError(_("Văn bản đã ban hành không được sửa; hãy tạo phiên bản mới."))
    _apply_fields(directive, draft.fields)
    directive.search_document = _search_document(directive, draft.text)
    _validate(directive)
    directive.save()
    _fill_version(version, draft, by)
    return directive


def version_create(
    *,
    directive: Directive,
    text: str,
    change_note: str,
    is_material: bool,
    by: Person | None = None,
    attachment=None,
    attachment_title: str = "",
    drop: tuple[int, ...] | list[int] = (),
) -> Version:
    """Open a new draft version of a published directive, with its obligations re-read.
    It keeps the attachments of the version before except those in `drop` (ids),
    and adds `attachment` (an upload checked by core.uploads) if given; a change of
    attachments is material whatever `is_material` says. A version identical to the
    one before (text and attachments) is refused. Citations link only to what `by`
    may cite."""
    if directive.versions.filter(published_at__isnull=True).exists():
        raise ValidationError(_("Văn bản đã có một phiên bản nháp chưa ban hành."))
    if not change_note.strip():
        raise ValidationError(_("Hãy ghi rõ nội dung thay đổi."))
    last = directive.versions.order_by("-number").first()
    kept = list(last.attachments.exclude(pk__in=list(drop)).order_by("position")) if last else []
    checked = _check_attachment(attachment) if attachment else None
    added = [(_kept_sha256(checked), _attachment_title(attachment_title, checked))] if checked else []
    if last is not None and last.sha256 == Version.digest(text, [(a.sha256, a.title) for a in kept] + added):
        raise ValidationError(_("Nội dung mới giống hệt phiên bản trước."))
    with transaction.atomic():
        version = Version(
            directive=directive,
            number=(last.number + 1) if last else 1,
            change_note=change_note.strip(),
            is_material=is_material,
        )
        result = parse(text, known={})  # only the obligations are used; _fill_version resolves citations
        _fill_version(version, Draft(fields={}, text=text, obligations=result["obligations"]), by)
        Attachment.objects.bulk_create(
            Attachment(
                version=version,
                position=i,
                title=a.title,
                file=a.file.name,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
            )  # fmt: skip
            for i, a in enumerate(kept)
        )
        if checked:
            _attach(version, checked, attachment_title)
        _refresh_digest(version)
    return version


# Attachments (annexes, handbooks sent along)


def _check_attachment(upload) -> CheckedFile:
    return check_upload(upload, max_bytes=settings.DIRECTIVE_MAX_UPLOAD_MB * _MEGABYTE, kinds=DOCUMENT_TYPES)


def _kept_sha256(checked: CheckedFile) -> str:
    # The hash of the bytes stored and served (a PNG with markup keeps only its pixels).
    return hashlib.sha256(checked.data).hexdigest()


def _attachment_title(title: str, checked: CheckedFile) -> str:
    return (title or "").strip()[:255] or os.path.splitext(checked.name)[0] or checked.name


def _attach(version: Version, checked: CheckedFile, title: str) -> Attachment:
    sha256 = _kept_sha256(checked)
    if version.attachments.filter(sha256=sha256).exists():
        raise ValidationError(_("Tệp %(name)s đã được gửi kèm phiên bản này.") % {"name": checked.name})
    last = version.attachments.aggregate(last=Max("position"))["last"]
    attachment = Attachment(
        version=version,
        position=0 if last is None else last + 1,
        title=_attachment_title(title, checked),
        name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=sha256,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data), save=False)
    attachment.save()
    return attachment


def _previous_published(version: Version) -> Version | None:
    return (
        Version.objects.filter(directive_id=version.directive_id, published_at__isnull=False, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def _attachments_changed(version: Version) -> bool:
    previous = _previous_published(version)
    return previous is not None and previous.attachment_digests() != version.attachment_digests()


def _refresh_digest(version: Version) -> None:
    """The draft's digest after its attachments changed; attachments other than the
    published version's make the change material."""
    version.sha256 = Version.digest(version.text, version.attachment_digests())
    version.is_material = version.is_material or _attachments_changed(version)
    version.save(update_fields=["sha256", "is_material"])


def _draft_for_change(version: Version, by: Person | None) -> Version:
    version = Version.objects.select_for_update().select_related("directive__owner_unit").get(pk=version.pk)
    if by is not None and not permissions.covers(by, version.directive.owner_unit, Role.ADMINISTRATOR):
        raise PermissionDenied
    if version.is_published:
        raise ValidationError(_("Phiên bản đã ban hành không được thay đổi tài liệu gửi kèm; hãy tạo phiên bản mới."))
    return version


def attachment_add(*, version: Version, upload, title: str = "", by: Person | None = None) -> Attachment:
    """Send a document along with a draft version. Guarantees: only an administrator
    over the owner unit (with `by`), only on a draft; the file passes core.uploads
    (DOCUMENT_TYPES, at most DIRECTIVE_MAX_UPLOAD_MB) before anything is stored, under
    a random name; the same file twice is refused; the version's digest covers it,
    and on a new version a change of attachments is material."""
    if not upload:
        raise ValidationError(_("Hãy chọn tệp tài liệu gửi kèm."))
    checked = _check_attachment(upload)
    with transaction.atomic():
        version = _draft_for_change(version, by)
        attachment = _attach(version, checked, title)
        _refresh_digest(version)
    return attachment


def attachment_remove(*, attachment: Attachment, by: Person | None = None) -> None:
    """Take a document off a draft version (same guarantees as attachment_add). The
    file is deleted after commit unless a published version still sends it."""
    with transaction.atomic():
        version = _draft_for_change(attachment.version, by)
        name = attachment.file.name
        Attachment.objects.filter(pk=attachment.pk, version=version).delete()
        _refresh_digest(version)
        if not Attachment.objects.filter(file=name).exists():
            transaction.on_commit(lambda: Attachment._meta.get_field("file").storage.delete(name))


def version_publish(*, version: Version, by: Person) -> bool:
    """Publish a draft version. Safe to call twice: only the call that flips the
    row publishes, and the function says whether it was that call. A draft identical
    to the version before (text and attachments) is refused; one whose attachments
    differ from it is published as a material change."""
    previous = _previous_published(version)
    if previous is not None and previous.sha256 == version.sha256:
        raise ValidationError(_("Phiên bản nháp giống hệt phiên bản trước; hãy sửa nội dung hoặc tài liệu gửi kèm."))
    material = {"is_material": True} if _attachments_changed(version) else {}
    with transaction.atomic():
        claimed = Version.objects.filter(pk=version.pk, published_at__isnull=True).update(
            published_at=timezone.now(), published_by=by, **material
        )
        if claimed:
            Directive.objects.filter(pk=version.directive_id).update(status=Status.PUBLISHED, updated_at=timezone.now())
            version.refresh_from_db()
            version_published.send(sender=Version, version=version)
    version.refresh_from_db()
    return bool(claimed)


def question_add(*, version: Version, prompt: str, choices: list[str], answer: int) -> Question:
    """Attach a multiple-choice question to a draft version."""
    if version.is_published:
        raise ValidationError(_("Không thể thêm câu hỏi vào phiên bản đã ban hành."))
    choices = [choice.strip() for choice in choices if choice.strip()]
    if not prompt.strip() or len(choices) < 2:
        raise ValidationError(_("Câu hỏi cần nội dung và ít nhất hai phương án."))
    if not 0 <= answer < len(choices):
        raise ValidationError(_("Phương án đúng phải là một trong các phương án đã nhập."))
    position = version.questions.count()
    return Question.objects.create(
        version=version, position=position, prompt=prompt.strip(), choices=choices, answer=answer
    )
