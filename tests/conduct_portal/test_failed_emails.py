"""E-mails the outbox gave up on are shown to the administrators of their recipients,
who can send them again."""

import pytest
from django.urls import reverse

from core import outbox
from core.models import OutboxMessage


@pytest.fixture
def failed(cast):
    rows = [
        outbox.new_message(kind="ack_reminder", key="ack-reminder:1:d-7", recipient_id=cast.staff.pk),
        outbox.new_message(kind="ack_reminder", key="ack-reminder:2:d-7", recipient_id=cast.outsider.pk),
    ]
    OutboxMessage.objects.bulk_create(rows)
    OutboxMessage.objects.update(state="failed", attempts=13, error="SMTPServerDisconnected")
    return {row.recipient_id: OutboxMessage.objects.get(recipient_id=row.recipient_id) for row in rows}


def test_the_administrator_is_told_on_the_home_page(client, cast, failed):
    client.force_login(cast.administrator)

    page = client.get(reverse("home")).content.decode()

    assert "1 thư không gửi được: xem và gửi lại" in page


def test_the_administrator_sees_only_their_subtrees_failed_emails(client, cast, failed):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:core_outboxmessage_changelist"), {"state__exact": "failed"}).content.decode()

    assert "Lê Thị Cán Bộ" in page
    assert "Vũ Người Ngoài" not in page


def test_resending_puts_them_back_in_the_queue_with_a_new_day(client, cast, failed):
    client.force_login(cast.administrator)

    client.post(
        reverse("admin:core_outboxmessage_changelist"),
        {"action": "resend", "_selected_action": [failed[cast.staff.pk].pk, failed[cast.outsider.pk].pk]},
    )

    # The sweep sends them; the one outside the administrator's subtree is untouched.
    states = dict(OutboxMessage.objects.values_list("recipient_id", "state"))
    assert states == {cast.staff.pk: "queued", cast.outsider.pk: "failed"}


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 302), ("unit_head", 302), ("inspector", 302), ("superuser", 200)]
)
def test_only_administrators_open_the_outbox(client, cast, who, status):
    client.force_login(getattr(cast, who))

    assert client.get(reverse("admin:core_outboxmessage_changelist")).status_code == status
