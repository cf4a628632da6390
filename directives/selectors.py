import copy
import re

from django.db.models import Q, QuerySet
from django.http import Http404

from directives.importer import load_catalogue
from directives.importer.cleaning import fold
from directives.importer.references import resolve_references
from directives.models import Attachment, Directive, DocType, ImportJob, Status
from organization import permissions
from organization.models import Role
from organization.selectors import ancestor_paths


def directives_visible_to(user) -> QuerySet[Directive]:
    """Published directives issued by the person's unit or any unit above it, or
    under one of their roles; drafts only for administrators over the owner unit."""
    if permissions.is_superuser(user):
        return Directive.objects.all()
    published = permissions.scope_q(user, path_field="owner_unit__path")
    if user.is_authenticated and user.unit_id:
        published |= Q(owner_unit__path__in=ancestor_paths(user.unit))
    drafts = permissions.scope_q(user, Role.ADMINISTRATOR, path_field="owner_unit__path")
    return Directive.objects.filter((Q(status=Status.PUBLISHED) & published) | drafts)


def drafts_to_publish(user) -> QuerySet[Directive]:
    """Directives the user administers that hold a version not yet published (a new
    directive, or a new version of a published one)."""
    scope = permissions.scope_q(user, Role.ADMINISTRATOR, path_field="owner_unit__path")
    return Directive.objects.filter(scope, versions__published_at__isnull=True).distinct()


def get_directive_for(user, pk: int, *, manage: bool = False) -> Directive:
    """The directive if the user may see it (or manage it, with manage=True); 404 otherwise."""
    directive = directives_visible_to(user).select_related("owner_unit").filter(pk=pk).first()
    if directive is None or (manage and not permissions.covers(user, directive.owner_unit, Role.ADMINISTRATOR)):
        raise Http404
    return directive


def may_manage(user, directive: Directive) -> bool:
    return permissions.covers(user, directive.owner_unit, Role.ADMINISTRATOR)


def get_attachment_for(user, pk: int) -> Attachment:
    """A document sent along with a version the user may read: of a published
    version of a directive they see, or of a draft they manage; 404 otherwise."""
    attachment = (
        Attachment.objects.filter(pk=pk, version__directive__in=directives_visible_to(user))
        .select_related("version__directive__owner_unit")
        .first()
    )
    if attachment is None or not (attachment.version.is_published or may_manage(user, attachment.version.directive)):
        raise Http404
    return attachment


def directives_citable_by(user) -> QuerySet[Directive]:
    """What an import by this person may resolve a citation to: published directives
    of any unit (their numbers are public) and drafts only in units the person
    administers. Without a person (a command, the demo), published ones only."""
    published = Q(status=Status.PUBLISHED)
    if user is None:
        return Directive.objects.filter(published)
    if permissions.is_superuser(user):
        return Directive.objects.all()
    drafts = permissions.scope_q(user, Role.ADMINISTRATOR, path_field="owner_unit__path")
    return Directive.objects.filter(published | drafts)


def known_documents(*, user=None) -> dict[str, dict]:
    """The national catalogue merged with the stored directives `user` may cite, by code."""
    known = load_catalogue()
    for directive in (
        directives_citable_by(user)
        .exclude(number="")
        .only("id", "number", "symbol", "subject", "doc_type", "issued_on")
    ):
        known[directive.code] = {
            "code": directive.code,
            "kind": directive.get_doc_type_display(),
            "title": directive.subject,
            "issued_on": directive.issued_on,
            "directive_id": directive.pk,
        }
    return known


def existing_directive(user, *, number: str, symbol: str) -> tuple[Directive | None, bool]:
    """The directive already in the portal with this number and symbol (they are
    unique), and whether `user` may see it; (None, False) when there is none."""
    number, symbol = (number or "").strip(), (symbol or "").strip()
    if not number:
        return None, False
    found = Directive.objects.filter(number=number, symbol=symbol).first()
    if found is None:
        return None, False
    return found, directives_visible_to(user).filter(pk=found.pk).exists()


def unit_named(units, issuer: str):
    """The unit among `units` whose name is the letter's issuer (case and spacing
    aside), or None: the review form pre-fills it as the owner."""
    wanted = " ".join(issuer.split()).casefold()
    if not wanted:
        return None
    return next((unit for unit in units if " ".join(unit.name.split()).casefold() == wanted), None)


def get_import_job_for(user, pk) -> ImportJob:
    """The import job if `user` started it or administers the unit it was started
    from; 404 otherwise (whether it exists is nobody else's business)."""
    job = ImportJob.objects.select_related("unit").filter(pk=pk).first()
    if job is None or not user.is_authenticated:
        raise Http404
    if job.created_by_id != user.pk and not (
        permissions.is_superuser(user) or (job.unit and permissions.covers(user, job.unit, Role.ADMINISTRATOR))
    ):
        raise Http404
    return job


def import_result_for(job: ImportJob, user) -> tuple[str, dict]:
    """The text and fields a finished job read, with cited documents resolved
    against what `user` may cite (the job stores them unresolved)."""
    parsed = copy.deepcopy(job.result["parsed"])
    references, warnings = resolve_references(parsed["references"], known_documents(user=user))
    parsed["references"] = references
    parsed["warnings"] = [*parsed["warnings"], *warnings]
    return job.result["text"], parsed


# Query-string values as they may arrive: a NUL byte (which PostgreSQL refuses in
# any text value), other control characters, or far more text than a filter needs.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_YEAR_RE = re.compile(r"^[0-9]{4}$")
_MAX_QUERY_CHARS = 200
_MAX_QUERY_WORDS = 10
_MAX_ISSUER_CHARS = 255


def _clean_text(value: str, limit: int) -> str:
    return _CONTROL_RE.sub(" ", value or "")[:limit].strip()


def clean_filters(params) -> dict[str, str]:
    """The list's filters from a query string, stripped of what the database cannot
    take and with unknown values dropped, so no query string can cause an error."""
    q = " ".join(_clean_text(params.get("q", ""), _MAX_QUERY_CHARS).split()[:_MAX_QUERY_WORDS])
    year = _clean_text(params.get("year", ""), 10)
    kind = params.get("kind", "")
    status = params.get("status", "")
    return {
        "q": q,
        "issuer": _clean_text(params.get("issuer", ""), _MAX_ISSUER_CHARS),
        "year": year if _YEAR_RE.match(year) else "",
        "kind": kind if kind in DocType.values else "",
        "status": status if status in Status.values else "",
    }


def search(queryset: QuerySet[Directive], text: str) -> QuerySet[Directive]:
    """Every word must start a word of the document, accents ignored ("mang xa hoi"
    finds "mạng xã hội"). The column is already folded, so a plain LIKE uses the
    trigram index on PostgreSQL."""
    for word in fold(text).split():
        queryset = queryset.filter(search_document__contains=" " + word)
    return queryset


def filter_list(queryset: QuerySet[Directive], *, q="", issuer="", year="", kind="", status="") -> QuerySet[Directive]:
    if q:
        queryset = search(queryset, q)
    if issuer:
        queryset = queryset.filter(issuer=issuer)
    if year:
        queryset = queryset.filter(issued_on__startswith=year)
    if kind:
        queryset = queryset.filter(doc_type=kind)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def citing(directive: Directive) -> QuerySet[Directive]:
    """Directives whose versions cite this one."""
    return Directive.objects.filter(versions__references__resolved_directive=directive).distinct()
