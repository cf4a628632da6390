from django.db.models import Q, QuerySet
from django.http import Http404

from directives.importer.cleaning import fold
from directives.models import Directive, Status
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


def get_directive_for(user, pk: int, *, manage: bool = False) -> Directive:
    """The directive if the user may see it (or manage it, with manage=True); 404 otherwise."""
    directive = directives_visible_to(user).select_related("owner_unit").filter(pk=pk).first()
    if directive is None or (manage and not permissions.covers(user, directive.owner_unit, Role.ADMINISTRATOR)):
        raise Http404
    return directive


def may_manage(user, directive: Directive) -> bool:
    return permissions.covers(user, directive.owner_unit, Role.ADMINISTRATOR)


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
