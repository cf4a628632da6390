from django.core.management.base import BaseCommand, CommandError

from organization import services


class Command(BaseCommand):
    help = (
        "Import staff from a CSV file (email, full_name, position, staff_kind, unit_code[, active]): all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="apply rows whose e-mail belongs to an account with another name or unit (checked by a person)",
        )

    def handle(self, *args, path, confirm, **options):
        try:
            with open(path, "rb") as handle:
                content = handle.read()
        except OSError as exc:
            raise CommandError(f"Không mở được tệp {path}: {exc.strerror}") from None
        result = services.staff_import_csv(content=content, confirm=confirm)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Không nhập được: {len(result.errors)} lỗi, chưa lưu dòng nào.")
        self.stdout.write(f"Đã nhập: {result.created} cán bộ mới, {result.updated} cập nhật.")
