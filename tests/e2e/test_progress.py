"""The progress component in a browser, for a bulk send: a head nudges every late
person and watches the e-mails go out."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from acknowledgements.models import Assignment
from core import outbox
from core.models import OutboxMessage
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_nudges_every_late_person_and_sees_the_emails_counted_until_all_are_sent(
    page, cast, campaign, monkeypatch
):
    Assignment.objects.update(due_on=datetime.date.today() - datetime.timedelta(days=2))
    monkeypatch.setattr(outbox, "outbox_enqueue", lambda ids: 0)  # no worker yet: the e-mails wait
    log_in(page, cast.unit_head.email, cast.password)
    page.wait_for_url("**/")
    page.goto("/acknowledgements/unit/")

    page.get_by_role("button", name="Nhắc tất cả người quá hạn").click()

    page.wait_for_url(re.compile(r"/sends/[0-9a-f-]{36}/\?next="))
    bar = page.get_by_role("progressbar", name="Tiến độ gửi thư")
    expect(bar).to_have_attribute("value", "0")
    assert page.get_by_text("Đã gửi 0 / 2 thư; đang chờ gửi: 2; không gửi được: 0; không cần gửi nữa: 0.").is_visible()

    outbox.outbox_send(list(OutboxMessage.objects.values_list("pk", flat=True)))  # the worker

    expect(bar).to_have_attribute("value", "100")
    notice = page.locator("[data-progress-notice]")
    expect(notice).to_have_text("Đã gửi 2 / 2 thư; đang chờ gửi: 0; không gửi được: 0; không cần gửi nữa: 0.")
    assert notice.get_attribute("role") == "status"
    assert not page.get_by_role("link", name="Tải lại").is_visible()
    page.get_by_role("link", name="Quay lại").click()
    page.wait_for_url("**/acknowledgements/unit/")
