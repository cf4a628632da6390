"""No acknowledgement waits for the chain: each way of acknowledging claims the
assignment, seals its records and queues them, and commits, without touching the
chain head; the linker then, in its own transaction, takes its lock, empties the
queue, writes the links and moves the head. Pinned by the statements each one
sends, in order."""

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

CLAIM = "UPDATE acknowledgements_assignment"
INSERT = "INSERT acknowledgements_acknowledgement"  # a trigger queues it for the linker
# The linker's transaction, whoever runs it:
LINKER = [
    "SELECT pg_try_advisory_xact_lock",
    "SELECT acknowledgements_chainhead FOR UPDATE",
    "DELETE acknowledgements_chainpending",  # … RETURNING the queued records
    "INSERT acknowledgements_chainlink",
    "UPDATE acknowledgements_chainhead",
    "SELECT acknowledgements_chainpending",  # anything committed meanwhile?
]


@pytest.fixture(autouse=True)
def head(db):
    """The head row of an empty chain, made beforehand: the first record creates it otherwise."""
    with transaction.atomic():
        return chain.lock_head()


def statements(queries) -> list[str]:
    """Each statement as its verb and first table (with FOR UPDATE when it locks), or
    the function it calls; savepoints left out."""
    shown = []
    for query in queries:
        sql = query["sql"]
        if re.match(r"(RELEASE )?SAVEPOINT|ROLLBACK TO", sql):
            continue
        verb = re.match(r"\s*(\w+)", sql).group(1)
        call = re.match(r"\s*SELECT (\w+)\(", sql)
        name = call.group(1) if call else re.search(r'(?:FROM|INTO|UPDATE) "?(\w+)', sql).group(1)
        shown.append(f"{verb} {name}" + (" FOR UPDATE" if "FOR UPDATE" in sql else ""))
    return shown


def from_first(shown: list[str], statement: str) -> list[str]:
    return shown[shown.index(statement) :]


def test_an_acknowledgement_seals_and_queues_its_record_then_links_it_in_the_linkers_transaction(cast, campaign):
    assignment = Assignment.objects.select_related("version", "campaign").get(person=cast.staff)

    with CaptureQueriesContext(connection) as queries:
        ack = services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta=META)

    assert from_first(statements(queries), CLAIM) == [CLAIM, INSERT, *LINKER]
    assert services.acknowledgements_verify().problems == []
    assert ack.place == 1


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
    assert shown == [
        "UPDATE acknowledgements_meeting",
        "UPDATE acknowledgements_attendee",
        "UPDATE acknowledgements_attendee",
        "SELECT acknowledgements_assignment",
        CLAIM,
        CLAIM,
        CLAIM,
        "SELECT organization_unit",
        "INSERT core_auditevent",
        INSERT,
        INSERT,
        INSERT,
        *LINKER,
        "SELECT acknowledgements_meeting",
    ]
    assert [ack.place for ack in records] == [1, 2, 3]
    assert services.acknowledgements_verify().problems == []


def test_on_behalf_claims_keeps_the_paper_seals_audits_and_then_links(cast, campaign):
    assignment = Assignment.objects.select_related("version", "person__unit").get(person=cast.staff)

    with CaptureQueriesContext(connection) as queries:
        ack = meetings.acknowledgement_on_behalf(
            assignment=assignment, by=cast.unit_head, reason="Đi công tác", paper=scan("giay.jpg")
        )

    assert from_first(statements(queries), CLAIM) == [CLAIM, INSERT, "INSERT core_auditevent", *LINKER]
    assert ack.paper.storage.exists(ack.paper.name)
    assert services.acknowledgements_verify().problems == []
