from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from acknowledgements.demo import seed_campaigns
from conduct_portal.env import env_str
from directives.demo import seed_directives
from organization.demo import seed_organization
from organization.models import Person, Unit
from social.demo import seed_social
from violations.demo import seed_cases


class Command(BaseCommand):
    help = "Load the demo organisation, accounts and directives (idempotent; development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo chỉ chạy khi DEBUG=true: tài khoản demo có mật khẩu công khai.")
        password = env_str("DEMO_PASSWORD", "Demo@2026")
        accounts = seed_organization(password=password)
        root = Unit.objects.get(code="TCT")
        directives = seed_directives(owner_unit=root, by=accounts[0])
        assignments = seed_campaigns(root=root, by=accounts[0], directives=directives)
        head = Person.objects.get(email="chicuctruong@demo.gov.vn")
        cases = seed_cases(
            head=head, reporter=Person.objects.get(email="canbo@demo.gov.vn"),
            subject=Person.objects.filter(unit=head.unit, grants__isnull=True).exclude(email="canbo@demo.gov.vn").first(),
            unit=head.unit,
        )  # fmt: skip
        seed_social()
        self.stdout.write(f"Tài khoản demo (mật khẩu: {password}):")
        for person in accounts:
            roles = ", ".join(sorted(str(g.get_role_display()) for g in person.grants.all())) or "Cán bộ"
            self.stdout.write(f"  {person.email:<28} {roles} – {person.unit}")
        self.stdout.write(
            f"Văn bản đã ban hành: {len(directives)}; lượt giao quán triệt: {assignments}; hồ sơ vi phạm: {cases}"
        )
