import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directives import services
from directives.importer import DocumentError, parse, read_document
from organization.models import Unit


class Command(BaseCommand):
    help = "Parse a directive file (.txt, .docx, .pdf); with --dry-run save nothing, otherwise save a draft."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="parse only, save nothing")
        parser.add_argument("--json", action="store_true", help="print the parsed fields as one JSON object")
        parser.add_argument("--unit", help="code of the unit that owns the draft (default: the only root unit)")

    def handle(self, *args, path, dry_run, json: bool, unit, **options):
        try:
            text = read_document(
                Path(path).read_bytes(), path, max_bytes=settings.DIRECTIVE_MAX_UPLOAD_MB * 1024 * 1024
            )
        except OSError as exc:
            raise CommandError(f"Không mở được tệp {path}: {exc.strerror}") from None
        except DocumentError as exc:
            raise CommandError(str(exc)) from None

        if dry_run:
            result = parse(text, known=services.known_documents())
            self._print(result, as_json=json)
            return
        owner = self._owner(unit)
        draft, result = services.draft_from_text(text)
        try:
            directive = services.directive_create(draft=draft, owner_unit=owner, by=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self._print({**result, "id": directive.pk}, as_json=json)

    def _owner(self, code: str | None) -> Unit:
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {code}.")
            return unit
        roots = list(Unit.objects.filter(depth=1)[:2])
        if len(roots) != 1:
            raise CommandError("Hãy chọn đơn vị quản lý bằng --unit MÃ_ĐƠN_VỊ.")
        return roots[0]

    def _print(self, result: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
