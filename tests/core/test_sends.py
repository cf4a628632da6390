"""A head who nudges every late person, or an administrator who resends invitations,
sees the e-mails of that send counted as they go out: sent, waiting, failed."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from acknowledgements.models import Assignment
from core.models import OutboxMessage
from organization.models import Role
from tests.factories import PersonFactory, RoleGrantFactory

STARTED = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def late(campaign):
    """The staff member and the head of the department are two days late."""
    Assignment.objects.update(due_on=datetime.date.today() - datetime.timedelta(days=2))


def nudge_everyone(client, head, django_capture_on_commit_callbacks):
    """The head presses "Nhắc tất cả"; the e-mails are queued, not sent yet."""
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=False) as sending:
        response = client.post(reverse("acknowledgements:nudge"), {"next": "/acknowledgements/unit/"})
    return response, sending


def test_nudging_every_late_person_opens_the_page_that_counts_the_emails(
    client, cast, late, django_capture_on_commit_callbacks
):
    response, sending = nudge_everyone(client, cast.unit_head, django_capture_on_commit_callbacks)

    run = OutboxMessage.objects.get(recipient=cast.staff).run
    assert response.status_code == 302
    assert response["Location"] == f"/sends/{run}/?next=%2Facknowledgements%2Funit%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhắc 2 người (mỗi người tối đa một lần mỗi ngày)." in page
    assert "Đã gửi 0 / 2 thư; đang chờ gửi: 2; không gửi được: 0; không cần gửi nữa: 0." in page
    assert '<a href="/acknowledgements/unit/">Quay lại</a>' in page
    # Without JavaScript: the refresh link shows the e-mails sent since.
    assert f'<a href="/sends/{run}/?next=%2Facknowledgements%2Funit%2F">Tải lại</a>' in page

    for send in sending:
        send()

    page = client.get(response["Location"]).content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["canbo@example.gov.vn", "truongphong@example.gov.vn"]
    assert '<progress id="progress-bar" max="100" value="100">100 %</progress>' in page
    assert "Đã gửi 2 / 2 thư; đang chờ gửi: 0; không gửi được: 0; không cần gửi nữa: 0." in page


def test_nudging_one_person_goes_back_to_the_page_it_came_from(client, cast, campaign):
    client.force_login(cast.unit_head)

    response = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk, "next": "/acknowledgements/"})

    assert response["Location"] == "/acknowledgements/"


def test_the_send_status_is_served_in_the_progress_components_shape(
    client, cast, late, django_capture_on_commit_callbacks, monkeypatch
):
    nudge_everyone(client, cast.unit_head, django_capture_on_commit_callbacks)
    rows = OutboxMessage.objects.filter(kind="ack_nudge")
    rows.update(created_at=STARTED)
    run = rows.first().run
    staff_row, head_row = rows.get(recipient=cast.staff), rows.get(recipient=cast.unit_head)
    status_url = reverse("core:outbox_run_status", args=[run])
    monkeypatch.setattr("django.utils.timezone.now", lambda: STARTED + datetime.timedelta(seconds=10))

    queued = client.get(status_url).json()
    OutboxMessage.objects.filter(pk=staff_row.pk).update(state="sent", sent_at=STARTED)
    running = client.get(status_url).json()
    OutboxMessage.objects.filter(pk=head_row.pk).update(state="failed")
    done = client.get(status_url).json()

    assert queued == {
        "state": "queued", "done": 0, "total": 2, "percent": 0, "seconds_left": None,
        "message": "Đã gửi 0 / 2 thư; đang chờ gửi: 2; không gửi được: 0; không cần gửi nữa: 0.",
        "result_url": "",
    }  # fmt: skip
    assert running == {
        "state": "running", "done": 1, "total": 2, "percent": 50, "seconds_left": 10,
        "message": "Đã gửi 1 / 2 thư; đang chờ gửi: 1; không gửi được: 0; không cần gửi nữa: 0.",
        "result_url": "",
    }  # fmt: skip
    assert done == {
        "state": "done", "done": 2, "total": 2, "percent": 100, "seconds_left": None,
        "message": "Đã gửi 1 / 2 thư; đang chờ gửi: 0; không gửi được: 1; không cần gửi nữa: 0.",
        "result_url": "",
    }  # fmt: skip


def test_resending_invitations_from_the_people_list_opens_the_same_page(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    changelist = reverse("admin:organization_person_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "send_invitations", "_selected_action": [cast.staff.pk]})

    run = OutboxMessage.objects.get(kind="invitation").run
    assert response["Location"] == f"/sends/{run}/?next=%2Fadmin%2Forganization%2Fperson%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Đã xếp lịch gửi thư mời cho 1 người." in page
    assert "Đã gửi 1 / 1 thư; đang chờ gửi: 0; không gửi được: 0; không cần gửi nữa: 0." in page
    assert '<a href="/admin/organization/person/">Quay lại</a>' in page


def test_a_back_link_off_the_site_goes_home_instead(client, cast, late, django_capture_on_commit_callbacks):
    nudge_everyone(client, cast.unit_head, django_capture_on_commit_callbacks)
    run = OutboxMessage.objects.filter(kind="ack_nudge").first().run

    page = client.get(reverse("core:outbox_run", args=[run]), {"next": "https://evil.example/"}).content.decode()

    assert '<a href="/">Quay lại</a>' in page and "evil.example" not in page.split("Tải lại")[1]


# The permission matrix: the send page and its status × who asks. Only the person
# who started the send sees it; for everyone else it does not exist.
MATRIX = {
    "the_head_who_sent": [200, 200],
    "another_head_of_the_same_unit": [404, 404],
    "staff_nudged": [404, 404],
    "administrator": [404, 404],
    "inspector": [404, 404],
    "superuser": [404, 404],
    "outsider": [404, 404],
    "anonymous": [302, 302],
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_a_send_is_shown_only_to_who_started_it(client, cast, org, late, django_capture_on_commit_callbacks, who):
    nudge_everyone(client, cast.unit_head, django_capture_on_commit_callbacks)
    run = OutboxMessage.objects.filter(kind="ack_nudge").first().run
    client.logout()
    people = {
        "the_head_who_sent": cast.unit_head,
        "staff_nudged": cast.staff,
        "administrator": cast.administrator,
        "inspector": cast.inspector,
        "superuser": cast.superuser,
        "outsider": cast.outsider,
    }
    if who == "another_head_of_the_same_unit":
        deputy = PersonFactory(email="phophong@example.gov.vn", unit=org.department)
        RoleGrantFactory(person=deputy, role=Role.UNIT_HEAD, unit=org.department)
        client.force_login(deputy)
    elif who in people:
        client.force_login(people[who])

    statuses = [
        client.get(reverse(name, args=[run])).status_code for name in ("core:outbox_run", "core:outbox_run_status")
    ]

    assert statuses == MATRIX[who]
