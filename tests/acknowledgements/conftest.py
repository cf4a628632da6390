"""Shared fixtures (campaign, due_on, quiz_directive) live in tests/conftest.py; these
are the acknowledgements app's own."""

import pytest
from django.db import connection

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment
from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory

META = {"REMOTE_ADDR": "10.0.0.7", "HTTP_USER_AGENT": "Firefox thử nghiệm"}
TABLE = "acknowledgements_acknowledgement"
TRIGGER = "acknowledgements_acknowledgement_append_only"
KEY_1 = b"k1-secret-for-tests-only-0123456789abcdef"
KEY_2 = b"k2-secret-for-tests-only-0123456789abcdef"


def tamper(sql: str, params: list | None = None) -> None:
    """Run SQL against the records as someone with database access would, with the
    append-only trigger switched off for the statement (PostgreSQL only has one)."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # ALTER TABLE refuses while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params or [])
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture(autouse=True)
def chain_settings(settings, tmp_path):
    """A known key, and checkpoints and attachments in this test's own directory."""
    settings.ACK_CHAIN_KEYS = {"k2": KEY_2}
    settings.ACK_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings


@pytest.fixture
def two_records(cast, campaign):
    """The staff member's record, then the unit head's."""
    for person in (cast.staff, cast.unit_head):
        services.acknowledgement_record(assignment=Assignment.objects.get(person=person), by=person, request_meta=META)
    return list(Acknowledgement.objects.order_by("id"))


@pytest.fixture
def office_head(org):
    head = PersonFactory(email="chanhvanphong@example.gov.vn", full_name="Ngô Chánh Văn", unit=org.office)
    RoleGrantFactory(person=head, role=Role.UNIT_HEAD, unit=org.office)
    return head
