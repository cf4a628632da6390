from django.core.management.base import BaseCommand, CommandError

from acknowledgements.models import Acknowledgement
from acknowledgements.services import acknowledgements_verify


class Command(BaseCommand):
    help = "Check the chain of acknowledgement records; exit non-zero on any broken link or altered record."

    def handle(self, *args, **options):
        problems = acknowledgements_verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"Chuỗi xác nhận có {len(problems)} lỗi.")
        self.stdout.write(f"Chuỗi xác nhận nguyên vẹn: {Acknowledgement.objects.count()} bản ghi.")
