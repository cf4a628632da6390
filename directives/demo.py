"""Demo data: the five real source directives, imported and published through the
importer exactly as an administrator would, a letter that sends a document along
("Tài liệu gửi kèm theo: …") with a stand-in for it attached. Idempotent."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from directives import services
from directives.models import Directive
from organization.models import Person, Unit

SEED_DIR = Path(__file__).resolve().parent / "seed_documents"
SENT_ALONG = re.compile(r"Tài liệu gửi kèm theo:\s*([^)\n]+)")


def stand_in_pdf(title: str) -> bytes:
    """A one-page PDF naming the document a letter sends along (the demo has no copy)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC))
    pdf.add_font("DejaVu", "", str(settings.PDF_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(0, 8, title.strip().rstrip("."), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, "Bản minh họa của dữ liệu mẫu: tài liệu gửi kèm văn bản.")
    return bytes(pdf.output())


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
