"""The chain head serialises every acknowledgement from its `SELECT … FOR UPDATE` to
COMMIT, so each way of acknowledging locks it last: after the claim of the
assignment and every other write, right before the record's INSERT and the head's
UPDATE. Pinned by the statements each one sends, in order."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acknowledgements import chain, meetings, services
from acknowledgements.models import Assignment
from tests.acknowledgements.conftest import META
from tests.acknowledgements.test_meetings import attendee_ids, scan
from tests.factories import PersonFactory

LOCK = "SELECT acknowledgements_chainhead FOR UPDATE"
CLAIM = "UPDATE acknowledgements_assignment"
INSERT = "INSERT acknowledgements_acknowledgement"
MOVE_HEAD = "UPDATE acknowledgements_chainhead"


@pytest.fixture(autouse=True)
def head(db):
    """The head row of an empty chain, made beforehand: the first record creates it otherwise."""
    with transaction.atomic():
        return chain.lock_head()


def statements(queries) -> list[str]:
    """Each statement as its verb and first table (with FOR UPDATE when it locks),
    savepoints left out."""
    shown = []
    for query in queries:
        sql = query["sql"]
        if re.match(r"(RELEASE )?SAVEPOINT|ROLLBACK TO", sql):
            continue
        verb = re.match(r"\s*(\w+)", sql).group(1)
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql).group(1)
        shown.append(f"{verb} {table}" + (" FOR UPDATE" if "FOR UPDATE" in sql else ""))
    return shown


def from_first(shown: list[str], statement: str) -> list[str]:
    return shown[shown.index(statement) :]


def test_an_acknowledgement_locks_the_head_after_claiming_the_assignment(cast, campaign):
    assignment = Assignment.objects.select_related("version", "campaign").get(person=cast.staff)

    with CaptureQueriesContext(connection) as queries:
        ack = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)

    assert from_first(statements(queries), CLAIM) == [CLAIM, LOCK, INSERT, MOVE_HEAD]
    assert services.acknowledgements_verify().problems == []
    assert ack.seq == 1


@pytest.fixture
def three(cast, org, campaign):
    """The staff member, the unit head and one more, each with the campaign's assignment."""
    newcomer = PersonFactory(email="phongmoi@example.gov.vn", full_name="Cán Bộ Mới", unit=org.department)
    services.assignments_sync_person(person=newcomer)
    return [cast.staff, cast.unit_head, newcomer]


def test_a_meeting_claims_audits_then_locks_the_head_once_for_all_its_records(cast, org, campaign, three):
    planned = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
        place="Phòng họp tầng 3", chair="Trần Văn Trưởng", people=three, guests=[],
    )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        records = meetings.meeting_record(
            meeting=planned, by=cast.unit_head, present=attendee_ids(planned, three), sheet=scan(), request_meta=META
        )

    shown = from_first(statements(queries), "UPDATE acknowledgements_meeting")
    assert len(records) == 3
    assert shown[: shown.index(LOCK) + 1] == [
        "UPDATE acknowledgements_meeting",
        "UPDATE acknowledgements_attendee",
        "UPDATE acknowledgements_attendee",
        "SELECT acknowledgements_assignment",
        CLAIM,
        CLAIM,
        CLAIM,
        "SELECT organization_unit",
        "INSERT core_auditevent",
        LOCK,
    ]
    assert shown[shown.index(LOCK) + 1 : shown.index(LOCK) + 7] == [INSERT, MOVE_HEAD] * 3
    assert [ack.seq for ack in records] == [1, 2, 3]
    assert services.acknowledgements_verify().problems == []


def test_on_behalf_claims_and_keeps_the_paper_before_the_head_and_audits_the_record_after(cast, campaign):
    assignment = Assignment.objects.select_related("version", "person__unit").get(person=cast.staff)

    with CaptureQueriesContext(connection) as queries:
        ack = meetings.acknowledgement_on_behalf(
            assignment=assignment, by=cast.unit_head, reason="Đi công tác", paper=scan("giay.jpg")
        )

    assert from_first(statements(queries), CLAIM) == [CLAIM, LOCK, INSERT, MOVE_HEAD, "INSERT core_auditevent"]
    assert ack.paper.storage.exists(ack.paper.name)
    assert services.acknowledgements_verify().problems == []
