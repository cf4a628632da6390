"""The register of official accounts, its reviews, reminders and the inspectors' view."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from social import passes, selectors, services
from social.models import AccountEvent, OfficialAccount
from tests.social.conftest import subject


def test_a_never_reviewed_account_without_two_step_shows_to_the_inspectors(client, cast, official_account):
    client.force_login(cast.inspector)

    page = client.get(reverse("social:oversight")).content.decode()

    assert "Phòng Bưu chính" in page and "chưa rà soát lần nào" in page and "chưa bật xác thực hai lớp" in page


def test_a_review_restarts_the_quarterly_cadence_and_clears_the_unit(cast, official_account, settings):
    settings.SOCIAL_ACCOUNT_REVIEW_MONTHS = 3
    services.account_review(
        account=official_account, by=cast.unit_head, two_factor=True, admins_checked=True, recovery_checked=True,
        on=datetime.date(2026, 1, 31),
    )  # fmt: skip

    official_account.refresh_from_db()
    assert selectors.next_review_on(official_account) == datetime.date(2026, 4, 30)
    assert selectors.oversight_for(cast.inspector, today=datetime.date(2026, 4, 29)) == []
    [entry] = selectors.oversight_for(cast.inspector, today=datetime.date(2026, 4, 30))
    assert entry["unit"].code == "PBC"
    assert list(official_account.events.values_list("kind", flat=True)) == ["created", "reviewed"]


@pytest.mark.parametrize("who", ["staff", "inspector", "administrator", "outsider"])
def test_only_a_head_over_the_unit_reviews(cast, official_account, who):
    with pytest.raises(PermissionDenied):
        services.account_review(
            account=official_account, by=getattr(cast, who), two_factor=True, admins_checked=True,
            recovery_checked=True,
        )  # fmt: skip


def test_heads_are_reminded_before_and_on_the_due_day_once_each(
    cast, official_account, smtp, settings, django_capture_on_commit_callbacks
):
    settings.SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE = 7
    services.account_review(
        account=official_account, by=cast.unit_head, two_factor=True, admins_checked=True, recovery_checked=True,
        on=timezone.localdate() - datetime.timedelta(days=100),
    )  # fmt: skip
    official_account.refresh_from_db()
    due = selectors.next_review_on(official_account)

    with django_capture_on_commit_callbacks(execute=True):
        soon = services.account_review_pass(today=due - datetime.timedelta(days=7))
        again = services.account_review_pass(today=due - datetime.timedelta(days=6))
        on_the_day = services.account_review_pass(today=due)

    assert (soon, again, on_the_day) == ({"reminders": 1}, {"reminders": 0}, {"reminders": 1})
    messages = smtp.wait_for(2)
    assert [(m["To"], subject(m)) for m in messages] == [
        ("truongphong@example.gov.vn", "Sắp đến hạn rà soát bảo mật tài khoản “Phòng Bưu chính”"),
        ("truongphong@example.gov.vn", "Đã đến hạn rà soát bảo mật tài khoản “Phòng Bưu chính”"),
    ]


def test_the_daily_tick_runs_the_review_pass_once_a_day(cast, official_account, settings):
    settings.REMINDER_HOUR = 8
    nine = timezone.localtime().replace(hour=9, minute=0)

    first = passes.daily_tick(now=nine)
    second = passes.daily_tick(now=nine + datetime.timedelta(minutes=15))

    assert first["social-account-review"] == {"reminders": 1}
    assert second["social-account-review"] is None


def test_a_head_registers_and_edits_an_account_and_the_history_keeps_the_change(client, cast, org, official_account):
    client.force_login(cast.unit_head)

    response = client.post(reverse("social:account", args=[official_account.pk]), {
        "platform": "facebook", "name": "Phòng Bưu chính – Sở TT&TT", "url": "https://www.facebook.com/phongbuuchinh",
        "purpose": "Thông tin hoạt động", "admins": "canbo@example.gov.vn\ntruongphong@example.gov.vn",
        "two_factor": "yes", "recovery_contacts": "buuchinh@example.gov.vn", "active": "on",
    })  # fmt: skip

    assert response.status_code == 302
    event = AccountEvent.objects.get(kind="changed")
    assert event.changes["name"] == ["Phòng Bưu chính", "Phòng Bưu chính – Sở TT&TT"]
    assert event.changes["two_factor"] == ["False", "True"]


def test_the_register_form_requires_every_choice_in_vietnamese(client, cast):
    client.force_login(cast.unit_head)

    page = client.post(reverse("social:account_new"), {}).content.decode()

    for message in ("Hãy chọn đơn vị sở hữu tài khoản.", "Hãy chọn nền tảng.", "Hãy chọn Có hoặc Không.",
                    "Hãy ghi e-mail của ít nhất một người quản trị tài khoản."):  # fmt: skip
        assert message in page
    assert not OfficialAccount.objects.exists()
