from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organization.directory import DirectoryError, directory_sync


class Command(BaseCommand):
    help = "Bring the roster in line with the LDAP directory (LDAP_* settings); --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")

    def handle(self, *args, dry_run=False, **options):
        try:
            report = directory_sync(dry_run=dry_run)
        except DirectoryError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        counts = report.as_dict()
        prefix = _("Chạy thử, không thay đổi gì: ") if dry_run else ""
        summary = _(
            "%(created)d tạo mới, %(moved)d chuyển đơn vị, %(updated)d cập nhật, %(reactivated)d kích hoạt lại, "
            "%(deactivated)d ngừng hoạt động, %(problems)d bỏ qua, %(invited)d thư mời."
        )
        self.stdout.write(prefix + summary % counts)
