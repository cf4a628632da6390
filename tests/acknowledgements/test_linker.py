"""Records are sealed and committed without waiting for anyone, then linked into the
chain in batches by whoever comes next: the acknowledging request itself, another
one's linker, or the beat. Nothing is left unlinked, and what the verifier proves
does not change."""

import datetime
import threading
from unittest import mock

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from acknowledgements import chain, meetings, services, tasks
from acknowledgements.models import Acknowledgement, Assignment, ChainHead, ChainLink, ChainPending
from tests.acknowledgements.conftest import META, tamper
from tests.acknowledgements.test_meetings import scan
from tests.factories import PersonFactory


def problems() -> list[str]:
    return [str(problem) for problem in services.acknowledgements_verify().problems]


def acknowledge(person) -> Acknowledgement:
    return services.acknowledgement_record(
        assignment=Assignment.objects.get(person=person), by=person, request_meta=META
    )


@pytest.fixture
def linker_stopped(monkeypatch):
    """As if the process died between the record's commit and its linking."""
    monkeypatch.setattr(chain, "link", lambda: 0)


def test_a_record_whose_linker_never_ran_waits_sealed_and_verifies_within_the_grace(cast, campaign, linker_stopped):
    ack = acknowledge(cast.staff)

    result = services.acknowledgements_verify()
    assert (ack.place, result.count, result.waiting, result.problems) == (None, 0, 1, [])
    assert list(ChainPending.objects.values_list("acknowledgement_id", flat=True)) == [ack.pk]


def test_a_record_still_waiting_after_the_grace_is_a_problem(cast, campaign, linker_stopped):
    ack = acknowledge(cast.staff)
    later = ack.acknowledged_at + datetime.timedelta(minutes=11)

    with mock.patch("acknowledgements.chain.timezone.now", return_value=later):
        assert problems() == [f"Bản ghi #{ack.pk} (canbo@example.gov.vn): chưa được nối vào chuỗi sau 10 phút."]


def test_a_waiting_record_is_checked_like_a_linked_one(cast, campaign, linker_stopped):
    ack = acknowledge(cast.staff)
    tamper("UPDATE acknowledgements_acknowledgement SET user_agent = 'sửa lén' WHERE id = %s", [ack.pk])

    assert problems() == [
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
    ]


def test_the_beat_links_what_a_dead_process_left_waiting(cast, campaign, monkeypatch):
    real_link = chain.link
    monkeypatch.setattr(chain, "link", lambda: 0)
    acknowledge(cast.staff), acknowledge(cast.unit_head)
    monkeypatch.setattr(chain, "link", real_link)

    assert tasks.link.delay().get() == 2

    assert [(ack.place, ack.link.previous_hash) for ack in Acknowledgement.objects.order_by("pk")] == [
        (1, "0" * 64),
        (2, ChainLink.objects.get(seq=1).mac),
    ]
    assert (ChainHead.objects.get().count, ChainPending.objects.count(), problems()) == (2, 0, [])
    assert tasks.link.delay().get() == 0  # nothing left


def test_the_papers_name_and_type_are_under_the_records_mac(cast, campaign):
    ack = meetings.acknowledgement_on_behalf(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.unit_head, reason="Đi công tác",
        paper=scan("giay.jpg"),
    )  # fmt: skip
    tamper("UPDATE acknowledgements_acknowledgement SET paper_name = 'khac.jpg' WHERE id = %s", [ack.pk])
    assert problems() == [
        f"Bản ghi #{ack.pk} (canbo@example.gov.vn): mã xác thực không khớp: nội dung bản ghi đã bị sửa."
    ]


def test_a_record_waiting_exactly_the_grace_still_waits_and_a_moment_later_is_a_problem(cast, campaign, linker_stopped):
    ack = acknowledge(cast.staff)
    grace_over = ack.acknowledged_at + datetime.timedelta(minutes=10)

    with mock.patch("acknowledgements.chain.timezone.now", return_value=grace_over):
        result = services.acknowledgements_verify()
    with mock.patch(
        "acknowledgements.chain.timezone.now", return_value=grace_over + datetime.timedelta(microseconds=1)
    ):
        late = problems()

    assert (result.waiting, result.problems) == (1, [])
    assert late == [f"Bản ghi #{ack.pk} (canbo@example.gov.vn): chưa được nối vào chuỗi sau 10 phút."]


def test_every_record_waiting_for_the_linker_is_counted(cast, campaign, linker_stopped):
    acknowledge(cast.staff), acknowledge(cast.unit_head)

    result = services.acknowledgements_verify()

    assert (result.count, result.waiting, result.problems) == (0, 2, [])


def test_a_linker_that_finds_the_head_gone_logs_why_and_leaves_the_record_queued(cast, campaign, settings, caplog):
    acknowledge(cast.staff)
    settings.ACK_LINK_IN_REQUEST = False
    waiting = acknowledge(cast.unit_head)
    ChainHead.objects.all().delete()

    assert chain.link() == 0

    assert [
        (record.levelname, record.getMessage(), record.exc_info and record.exc_info[0])
        for record in caplog.records
        if record.name == "acknowledgements.chain"
    ] == [("ERROR", "acknowledgement chain: cannot link, the head is missing", chain.ChainBroken)]
    assert list(ChainPending.objects.values_list("acknowledgement_id", flat=True)) == [waiting.pk]


def acknowledging_during_each_batch(monkeypatch, people) -> None:
    """The next person acknowledges while each of the linker's batches runs (their
    own linker, off here, would find the lock taken): one record committed meanwhile
    per round, until nobody is left."""
    batch, coming = chain._link_batch, list(people)

    def batch_and_a_newcomer():
        linked = batch()
        if coming:
            acknowledge(coming.pop(0))
        return linked

    monkeypatch.setattr(chain, "_link_batch", batch_and_a_newcomer)


def test_a_record_committed_during_a_batch_is_linked_in_the_next_round_and_counted(
    cast, campaign, settings, monkeypatch
):
    settings.ACK_LINK_IN_REQUEST = False
    first = acknowledge(cast.staff)
    acknowledging_during_each_batch(monkeypatch, [cast.unit_head])

    assert chain.link() == 2

    assert [(ack.pk == first.pk, ack.place) for ack in Acknowledgement.objects.order_by("link__seq")] == [
        (True, 1),
        (False, 2),
    ]
    assert (ChainPending.objects.count(), problems()) == (0, [])


def test_the_linker_stops_after_ten_rounds_and_what_came_during_the_last_waits(
    cast, org, campaign, settings, monkeypatch
):
    settings.ACK_LINK_IN_REQUEST = False
    people = [PersonFactory(email=f"canbo{n:02d}@example.gov.vn", unit=org.team) for n in range(10)]
    for person in people:
        services.assignments_sync_person(person=person)
    acknowledge(cast.staff)
    acknowledging_during_each_batch(monkeypatch, people)

    assert chain.link() == 10  # LINK_ROUNDS

    last = Acknowledgement.objects.get(person=people[-1])
    assert list(ChainPending.objects.values_list("acknowledgement_id", flat=True)) == [last.pk]
    assert (last.place, ChainHead.objects.get().count) == (None, 10)
    monkeypatch.undo()
    assert chain.link() == 1  # the next acknowledgement's linker, or the beat's
    assert (Acknowledgement.objects.get(pk=last.pk).place, problems()) == (11, [])


# Between processes (PostgreSQL, each thread its own connection) ---------------------


def hold_linker_lock():
    """Another process's linker, mid-batch: a second session holding the linker's lock."""
    other = psycopg2.connect(**{k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"})
    other.autocommit = False
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chain.LINKER_LOCK])
    return other


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_linker_that_finds_the_lock_taken_leaves_at_once_and_its_record_waits(cast, campaign):
    other = hold_linker_lock()
    try:
        ack = acknowledge(cast.staff)
        assert (ack.place, ChainPending.objects.count()) == (None, 1)
    finally:
        other.rollback()
        other.close()

    assert chain.link() == 1
    assert (Acknowledgement.objects.get().place, problems()) == (1, [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_linker_holding_the_lock_links_what_was_committed_meanwhile(cast, org, campaign, monkeypatch):
    """The holder looks at the queue again after its commit, so a record whose own
    linker left because the lock was taken is linked without waiting for the beat."""
    other = hold_linker_lock()
    try:
        waiting = acknowledge(cast.staff)  # its linker left: the lock is taken
    finally:
        other.rollback()
        other.close()
    holding, go_on = threading.Event(), threading.Event()
    bulk_create = ChainLink.objects.bulk_create

    def slow_bulk_create(links, **kwargs):
        holding.set()
        assert go_on.wait(30)
        return bulk_create(links, **kwargs)

    monkeypatch.setattr(ChainLink.objects, "bulk_create", slow_bulk_create)
    linked = []
    holder = threading.Thread(target=lambda: (linked.append(chain.link()), connection.close()))
    holder.start()
    assert holding.wait(30)
    monkeypatch.setattr(ChainLink.objects, "bulk_create", bulk_create)
    meanwhile = acknowledge(cast.unit_head)  # committed while the holder is mid-batch
    assert meanwhile.place is None
    go_on.set()
    holder.join(30)

    assert linked == [2]
    assert [ack.place for ack in Acknowledgement.objects.order_by("pk")] == [1, 2]
    assert [waiting.pk, meanwhile.pk] == list(
        ChainLink.objects.order_by("seq").values_list("acknowledgement", flat=True)
    )
    assert (ChainPending.objects.count(), problems()) == (0, [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_of_acknowledgements_at_once_ends_in_one_whole_chain(cast, org, campaign):
    people = [
        PersonFactory(email=f"canbo{n:02d}@example.gov.vn", full_name=f"Cán Bộ Số {n}", unit=org.team)
        for n in range(12)
    ]
    for person in people:
        services.assignments_sync_person(person=person)
    start, errors = threading.Barrier(len(people)), []

    def rush(person):
        try:
            start.wait(30)
            acknowledge(person)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rush, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    chain.link()  # whatever the last round left (LINK_ROUNDS), as the beat would

    assert errors == []
    assert sorted(ChainLink.objects.values_list("seq", flat=True)) == list(range(1, 13))
    assert (ChainHead.objects.get().count, ChainPending.objects.count(), problems()) == (12, 0, [])
    assert settings.ACK_LINK_GRACE_MINUTES == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_linker_process_is_woken_by_the_commit_and_links_at_once(cast, campaign, settings):
    """In production the web workers leave linking to the Procfile's linker (ACK_LINK_IN_REQUEST
    off); the commit of a record wakes it, long before its WAIT of 5 s would."""
    from acknowledgements import linker

    settings.ACK_LINK_IN_REQUEST = False
    linked = []
    process = threading.Thread(target=lambda: (linked.append(linker.run(seconds=4, wait=5)), connection.close()))
    process.start()
    ack = acknowledge(cast.staff)
    waited = 0.0
    while waited < 3 and not ChainLink.objects.filter(acknowledgement=ack).exists():
        threading.Event().wait(0.05)
        waited += 0.05
    assert waited < 3
    process.join(10)

    assert linked == [1]  # the linker did, not the request
    assert (Acknowledgement.objects.get().place, ChainPending.objects.count(), problems()) == (1, 0, [])


def test_the_linker_command_says_how_many_it_linked(cast, campaign, settings, capsys):
    from django.core.management import call_command

    settings.ACK_LINK_IN_REQUEST = False
    acknowledge(cast.staff), acknowledge(cast.unit_head)

    call_command("link_acknowledgements", "--seconds", "0")

    assert capsys.readouterr().out == "Đã nối 2 bản ghi vào chuỗi xác nhận.\n"


def test_the_verify_command_counts_the_records_waiting_for_their_place(cast, campaign, linker_stopped, capsys):
    from django.core.management import call_command

    acknowledge(cast.staff)

    call_command("verify_acknowledgements")

    out = capsys.readouterr().out
    assert "Chuỗi xác nhận nguyên vẹn: 0 bản ghi." in out
    assert "Thêm 1 bản ghi mới đang chờ được nối vào chuỗi (đã kiểm tra mã xác thực của chúng)." in out


def test_a_linking_batch_that_fails_leaves_the_committed_record_queued_for_the_next_linker(
    cast, campaign, monkeypatch, caplog
):
    from django.db import OperationalError

    def locked():
        raise OperationalError("database is locked")

    monkeypatch.setattr(chain, "_link_batch", locked)
    ack = acknowledge(cast.staff)  # the acknowledgement itself is kept

    assert (ack.place, list(ChainPending.objects.values_list("acknowledgement_id", flat=True))) == (None, [ack.pk])
    assert [
        (r.levelname, r.getMessage(), r.exc_info[0]) for r in caplog.records if r.name == "acknowledgements.chain"
    ] == [("WARNING", "acknowledgement chain: this linking batch failed; the next linker retries", OperationalError)]
    monkeypatch.undo()
    assert chain.link() == 1
