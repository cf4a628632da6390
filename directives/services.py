"""Business actions on directives: import, edit a draft, publish, add questions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.importer import load_catalogue, parse, read_document
from directives.importer.cleaning import fold
from directives.models import Directive, DocType, Obligation, Question, Reference, Status, Version
from directives.signals import version_published
from organization.models import Person, Unit

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


def known_documents() -> dict[str, dict]:
    """The national catalogue merged with every directive stored here, by code."""
    known = load_catalogue()
    for directive in Directive.objects.exclude(number="").only(
        "id", "number", "symbol", "subject", "doc_type", "issued_on"
    ):
        known[directive.code] = {
            "code": directive.code,
            "kind": directive.get_doc_type_display(),
            "title": directive.subject,
            "issued_on": directive.issued_on,
            "directive_id": directive.pk,
        }
    return known


def doc_type_value(label: str | None) -> str:
    return DOC_TYPE_BY_LABEL.get(fold(label or ""), DocType.OTHER)


def draft_from_text(text: str) -> tuple[Draft, dict]:
    """Run the importer on `text`; returns the pre-filled draft and the raw result
    (with references and warnings) for the review form."""
    result = parse(text, known=known_documents())
    fields = {name: result.get(name) for name in METADATA_FIELDS}
    fields["doc_type"] = doc_type_value(result.get("doc_type"))
    return Draft(fields=fields, text=text, obligations=result["obligations"]), result


def draft_from_file(*, data: bytes, filename: str, max_bytes: int) -> tuple[Draft, dict]:
    """Read and parse an uploaded file; raises importer.DocumentError with a message."""
    return draft_from_text(read_document(data, filename, max_bytes=max_bytes))


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


def _fill_version(version: Version, draft: Draft) -> None:
    """Store the text, its digest, obligations and resolved references."""
    version.text = draft.text
    version.sha256 = Version.digest(draft.text)
    version.save()
    version.obligations.all().delete()
    Obligation.objects.bulk_create(
        Obligation(version=version, position=i, label=item.get("label") or str(i + 1), text=item["text"])
        for i, item in enumerate(draft.obligations)
    )
    version.references.all().delete()
    known = known_documents()
    own_code = version.directive.code
    references = [ref for ref in parse(draft.text, known=known)["references"] if ref.get("code") != own_code]
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
    _fill_version(Version(directive=directive, number=1), draft)
    return directive


@transaction.atomic
def directive_update(*, directive: Directive, draft: Draft) -> Directive:
    """Change a directive's metadata and the text of its draft version. A published
    version is never edited: without a draft version this raises ValidationError."""
    version = directive.versions.select_for_update().filter(published_at__isnull=True).first()
    if version is None:
        raise ValidationError(_("Văn bản đã ban hành không được sửa; hãy tạo phiên bản mới."))
    _apply_fields(directive, draft.fields)
    directive.search_document = _search_document(directive, draft.text)
    _validate(directive)
    directive.save()
    _fill_version(version, draft)
    return directive


@transaction.atomic
def version_create(*, directive: Directive, text: str, change_note: str, is_material: bool) -> Version:
    """Open a new draft version of a published directive, with its obligations re-read."""
    if directive.versions.filter(published_at__isnull=True).exists():
        raise ValidationError(_("Văn bản đã có một phiên bản nháp chưa ban hành."))
    if not change_note.strip():
        raise ValidationError(_("Hãy ghi rõ nội dung thay đổi."))
    last = directive.versions.order_by("-number").first()
    if last is not None and last.sha256 == Version.digest(text):
        raise ValidationError(_("Nội dung mới giống hệt phiên bản trước."))
    version = Version(
        directive=directive,
        number=(last.number + 1) if last else 1,
        change_note=change_note.strip(),
        is_material=is_material,
    )
    result = parse(text)
    _fill_version(version, Draft(fields={}, text=text, obligations=result["obligations"]))
    return version


def version_publish(*, version: Version, by: Person) -> bool:
    """Publish a draft version. Safe to call twice: only the call that flips the
    row publishes, and the function says whether it was that call."""
    with transaction.atomic():
        claimed = Version.objects.filter(pk=version.pk, published_at__isnull=True).update(
            published_at=timezone.now(), published_by=by
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
