"""With a streaming replica configured, the inspector's dashboard and exports read
the standby while every write, and the pages that show a person what they just did,
use the primary. Proved by pausing the standby's replay: the dashboard keeps the
older figure and says how far behind it is (the standby's own measure of its lag),
while the person who just acknowledged sees their acknowledgement at once.

The cast (tests/conftest.py): the tax letter is launched for the department and
its team, so two people are targeted: the staff member (team) and the unit head
(department). The staff member acknowledges first; the head acknowledges while the
standby is paused."""

import csv
import io
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connections
from django.urls import reverse

from acknowledgements import services as ack_services
from acknowledgements.models import Assignment
from tests.reports.replica.conftest import replay_paused, wait_for_replay

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def one_of_two(cast, campaign):
    """The staff member has acknowledged, the head not yet; the standby has it all."""
    ack_services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )
    wait_for_replay()


def standby_lag() -> float:
    """The standby's lag as PostgreSQL measures it: time since the commit it replayed last."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
        return float(cursor.fetchone()[0])


def dashboard_total(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    total = response.context["summary"].total
    return (total.acknowledged, total.targeted), response


def statuses_in_export(client) -> dict[str, str]:
    response = client.get(reverse("reports:export", args=["assignments", "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["E-mail"]: row["Trạng thái"] for row in csv.DictReader(io.StringIO(text))}


def test_the_dashboard_and_the_export_read_the_standby_and_show_its_lag(client, cast, one_of_two):
    inspector, head = cast.inspector, cast.unit_head
    client.force_login(inspector)
    assert dashboard_total(client)[0] == (1, 2)
    page = dashboard_total(client)[1].content.decode()
    assert "Số liệu đọc từ máy chủ bản sao, chậm khoảng 0 giây so với máy chủ chính." in page

    with replay_paused():
        # The head acknowledges on the primary and sees it on the next page at once.
        client.force_login(head)
        assignment = Assignment.objects.get(person=head)
        response = client.post(
            reverse("acknowledgements:read", args=[assignment.pk]), {"commitment": "on"}, follow=True
        )
        assert "Bạn đã xác nhận văn bản này" in response.content.decode()
        time.sleep(1.2)  # so that the lag is more than a rounding away from zero

        client.force_login(inspector)
        lag_before = standby_lag()
        total, response = dashboard_total(client)
        lag_after = standby_lag()
        shown = response.context["replication_lag"]
        exported = statuses_in_export(client)

    assert total == (1, 2)  # the standby has not applied the head's acknowledgement
    assert lag_before <= shown <= lag_after and shown > 1
    seconds = Decimal(shown).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as |floatformat:0 rounds
    assert f"chậm khoảng {seconds} giây" in response.content.decode()
    assert exported == {"canbo@example.gov.vn": "Đúng hạn", "truongphong@example.gov.vn": "Chưa xác nhận"}

    wait_for_replay()
    total, response = dashboard_total(client)
    assert total == (2, 2)
    assert response.context["replication_lag"] == 0
    assert statuses_in_export(client) == {
        "canbo@example.gov.vn": "Đúng hạn", "truongphong@example.gov.vn": "Đúng hạn",
    }  # fmt: skip


def test_a_background_export_is_written_from_the_standby(client, cast, one_of_two, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0  # every export becomes a job (run at once: tasks are eager here)
    client.force_login(cast.inspector)
    with replay_paused():
        ack_services.acknowledgement_record(
            assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
        )
        response = client.get(reverse("reports:export", args=["assignments", "csv"]), follow=True)
        job = response.context["job"]
        assert job.state == "done"
        download = client.get(reverse("reports:job_download", args=[job.pk]))
        text = b"".join(download.streaming_content).decode("utf-8-sig")

    statuses = {row["E-mail"]: row["Trạng thái"] for row in csv.DictReader(io.StringIO(text))}
    assert statuses == {"canbo@example.gov.vn": "Đúng hạn", "truongphong@example.gov.vn": "Chưa xác nhận"}


def test_without_a_replica_the_dashboard_reads_the_primary_and_shows_no_lag(client, cast, one_of_two):
    with replay_paused():
        ack_services.acknowledgement_record(
            assignment=Assignment.objects.get(person=cast.unit_head), by=cast.unit_head, request_meta={}
        )
        replica = connections.settings.pop("replica")  # as when DATABASE_REPLICA_URL is not set
        try:
            client.force_login(cast.inspector)
            total, response = dashboard_total(client)
        finally:
            connections.settings["replica"] = replica
    assert total == (2, 2)
    assert response.context["replication_lag"] is None
    assert "máy chủ bản sao" not in response.content.decode()
