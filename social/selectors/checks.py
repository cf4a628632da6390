"""Which self-check rules apply to a person.

"The directives assigned to the person" are the acknowledgements app's assignments,
which this app may not import (DESIGN.md: acknowledgements, violations and social
sit side by side). We use the rule the directives app already applies to what a
person may read (directives.selectors.directives_visible_to): a published directive
issued by the person's unit or any unit above it governs them. Campaigns target a
subset of those, so a question may show for someone not (yet) asked to acknowledge
its directive; a self-check that asks one question too many is the safe side."""

from django.db.models import QuerySet

from directives.models import Status
from organization.selectors import ancestor_paths
from social.models import CheckQuestion, FlagTerm


def questions_for(person) -> QuerySet[CheckQuestion]:
    """Active questions on obligations of published versions of published directives
    issued by the person's unit or a unit above."""
    questions = CheckQuestion.objects.filter(
        active=True,
        obligation__version__published_at__isnull=False,
        obligation__version__directive__status=Status.PUBLISHED,
    ).select_related("obligation__version__directive")
    if person.unit_id is None:
        return questions if person.is_superuser else questions.none()
    return questions.filter(obligation__version__directive__owner_unit__path__in=ancestor_paths(person.unit))


def terms_for(person) -> list[tuple[str, str]]:
    """(term, kind) for the person's unit and the units above."""
    terms = FlagTerm.objects.filter(active=True)
    if person.unit_id is not None:
        terms = terms.filter(unit__path__in=ancestor_paths(person.unit))
    elif not person.is_superuser:
        return []
    return list(terms.values_list("term", "kind"))
