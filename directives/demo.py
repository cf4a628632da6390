"""Demo data: the five real source directives, imported and published through the
importer exactly as an administrator would. Idempotent."""

from pathlib import Path

from directives import services
from directives.models import Directive
from organization.models import Person, Unit

SEED_DIR = Path(__file__).resolve().parent / "seed_documents"


def seed_directives(*, owner_unit: Unit, by: Person) -> list[Directive]:
    directives = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        draft, _result = services.draft_from_file(data=path.read_bytes(), filename=path.name, max_bytes=10**7)
        existing = Directive.objects.filter(
            subject=draft.fields["subject"], symbol=draft.fields["symbol"] or ""
        ).first()
        if existing:
            directives.append(existing)
            continue
        directive = services.directive_create(draft=draft, owner_unit=owner_unit, by=by)
        services.version_publish(version=directive.versions.get(), by=by)
        directives.append(directive)
    return directives
