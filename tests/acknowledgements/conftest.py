"""Shared fixtures (campaign, due_on, quiz_directive) live in tests/conftest.py; these
are the acknowledgements app's own."""

import pytest
from django.db import connection
from django.utils import timezone

from acknowledgements import chain, services
from acknowledgements.models import Acknowledgement, Assignment, ChainHead
from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory

META = {"REMOTE_ADDR": "10.0.0.7", "HTTP_USER_AGENT": "Firefox thử nghiệm"}
TABLE = "acknowledgements_acknowledgement"
LINK_TABLE = "acknowledgements_chainlink"
KEY_1 = b"k1-secret-for-tests-only-0123456789abcdef"
KEY_2 = b"k2-secret-for-tests-only-0123456789abcdef"


def tamper(sql: str, params: list | None = None) -> None:
    """Run SQL against the records and their links as someone with database access
    would, with the append-only triggers switched off for the statement (PostgreSQL
    only has them)."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # ALTER TABLE refuses while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in (TABLE, LINK_TABLE):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params or [])
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in (TABLE, LINK_TABLE):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def in_row(person, *, version: int, **fields) -> Acknowledgement:
    """The person's record made as the portal made them before record version 4: its
    place (seq, previous MAC) in the row, under the head's lock, linked at once; the
    way the records kept from then look."""
    assignment = Assignment.objects.open().get(person=person)
    now = timezone.now()
    Assignment.objects.filter(pk=assignment.pk).update(acknowledged_at=now)
    ack = services.chain_record_new(assignment=assignment, at=now, request_meta=META, **fields)
    head = chain.lock_head()
    key_id, key = chain.current_key()
    ack.key_id, ack.record_version = key_id, version
    ack.seq, ack.previous_hash = head.count + 1, head.last_hash
    ack.record_hash = chain._mac(key, chain.record_fields(ack))
    ack.save()
    ChainHead.objects.filter(pk=1).update(
        count=ack.seq, last_hash=ack.record_hash, key_id=key_id,
        mac=chain.head_mac(count=ack.seq, last_hash=ack.record_hash, key_id=key_id, key=key),
    )  # fmt: skip
    return ack


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
