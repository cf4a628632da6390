from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from acknowledgements import linker


class Command(BaseCommand):
    help = "Link sealed acknowledgement records into the chain as their commits arrive (the Procfile's linker)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, help="stop after this many seconds (default: run until stopped)")

    def handle(self, *args, **options):
        linked = linker.run(seconds=options["seconds"])
        self.stdout.write(_("Đã nối %(count)d bản ghi vào chuỗi xác nhận.") % {"count": linked})
