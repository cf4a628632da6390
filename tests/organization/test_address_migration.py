"""The migration that makes the organisation's address the only, verified one."""

import importlib

from allauth.account.models import EmailAddress
from django.apps import apps

from tests.factories import PersonFactory

migration = importlib.import_module("organization.migrations.0002_organisation_addresses_verified")


def test_self_added_addresses_go_and_the_organisation_address_is_verified(org):
    person = PersonFactory(email="canbo2@example.gov.vn", unit=org.team)
    EmailAddress.objects.create(user=person, email="ca-nhan@gmail.com", primary=True, verified=False)

    migration.forwards(apps, None)

    assert list(EmailAddress.objects.filter(user=person).values_list("email", "primary", "verified")) == [
        ("canbo2@example.gov.vn", True, True)
    ]
