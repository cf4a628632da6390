"""Demo data: the five real source directives, imported and published through the
importer exactly as an administrator would, a letter that sends a document along
("Tài liệu gửi kèm theo: …") with a stand-in for it attached. Idempotent."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from core import pdfdoc
from directives import services
from directives.models import Directive
from organization.models import Person, Unit

SEED_DIR = Path(__file__).resolve().parent / "seed_documents"
SENT_ALONG = re.compile(r"Tài liệu gửi kèm theo:\s*([^)\n]+)")


def stand_in_pdf(title: str) -> bytes:
    """A one-page PDF naming the document a letter sends along (the demo has no copy)."""
    title = title.strip().rstrip(".")
    return pdfdoc.render("directives/pdf/stand_in.html", {}, title=title)


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
        for title in SENT_ALONG.findall(draft.text):
            upload = SimpleUploadedFile("tai-lieu-gui-kem.pdf", stand_in_pdf(title))
            services.attachment_add(version=directive.versions.get(), upload=upload, title=title.strip(), by=by)
        services.version_publish(version=directive.versions.get(), by=by)
        directives.append(directive)
    return directives
