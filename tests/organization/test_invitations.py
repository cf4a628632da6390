"""Invitations: a person added by an administrator, a staff file or the directory
gets one e-mail, through a real SMTP server, whose link sets their password for
INVITATION_DAYS; administrators resend it from the people list, within their scope."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from organization import services
from organization.models import Person
from tests.organization.test_admin_matrix import people  # noqa: F401  (the matrix's cast)

SITE = "https://congquytac.example.gov.vn"
PASSWORD = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "congquytac.example.gov.vn"]
    settings.PORTAL_CONTACT = "Văn phòng Sở, điện thoại 0239 3855 000"


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:
    return re.search(rf"{re.escape(SITE)}/accounts/password/reset/key/\S+", text_of(message)).group(0)


def set_password(client, link: str, password: str = PASSWORD):
    page = client.get(link.removeprefix(SITE), follow=True)
    if not page.redirect_chain:
        return page
    return client.post(page.redirect_chain[-1][0], {"password1": password, "password2": password})


def add_in_admin(client, org, email="moi@example.gov.vn"):
    return client.post(
        reverse("admin:organization_person_add"),
        {"email": email, "full_name": "Ngô Văn Mới", "position": "Chuyên viên", "staff_kind": "cc",
         "unit": org.team.pk, "is_active": "on", "grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0",
         "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000"},
    )  # fmt: skip


def test_a_person_added_in_the_admin_is_invited_and_the_link_sets_their_password(
    client, cast, org, smtp, django_capture_on_commit_callbacks
):
    client.force_login(cast.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        add_in_admin(client, org)
    client.logout()

    [message] = smtp.wait_for(1)
    assert str(message["To"]) == "moi@example.gov.vn"
    assert str(message["Subject"]).strip() == "Mời bạn tham gia Cổng quy tắc ứng xử"
    body = text_of(message)
    assert "Kính gửi Ngô Văn Mới," in body
    assert "Bạn đã được thêm vào Cổng quy tắc ứng xử (Tổ Báo chí)." in body
    assert f"tại {SITE}" in body
    assert "Văn phòng Sở, điện thoại 0239 3855 000" in body
    assert "127.0.0.1" not in body

    set_password(client, link_in(message))

    person = Person.objects.get(email="moi@example.gov.vn")
    assert person.check_password(PASSWORD)
    client.post(reverse("account_login"), {"login": "moi@example.gov.vn", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_link_works_once(client, cast, org, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)
    link = link_in(smtp.wait_for(1)[0])
    set_password(client, link)

    page = set_password(client, link, "Mot-mat-khau-khac-2026!")

    assert Person.objects.get(email="moi@example.gov.vn").check_password(PASSWORD)
    assert "Mot-mat-khau-khac" not in page.content.decode()


def test_the_link_expires_after_invitation_days(client, cast, org, smtp, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)
    message = smtp.wait_for(1)[0]
    link = link_in(message)
    expected_until = timezone.localtime() + datetime.timedelta(days=3)
    day = f"{expected_until.day}/{expected_until.month}/{expected_until.year}"
    assert re.search(rf"đến \d\d:\d\d {day}\)", text_of(message))

    from organization.tokens import invitation_tokens

    later = datetime.datetime.now() + datetime.timedelta(days=3, hours=1)
    invitation_tokens._now = lambda: later
    try:
        set_password(client, link)
    finally:
        del invitation_tokens._now

    assert not Person.objects.get(email="moi@example.gov.vn").has_usable_password()


def test_an_invitation_link_does_not_outlive_a_change_of_address(
    client, cast, org, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)
    link = link_in(smtp.wait_for(1)[0])
    services.person_update(person=person, email="moi.khac@example.gov.vn")

    set_password(client, link)

    assert not Person.objects.get(pk=person.pk).has_usable_password()


def test_a_staff_file_invites_every_new_person_in_one_claim_and_nobody_twice(
    cast, org, smtp, django_capture_on_commit_callbacks
):
    content = (
        "email,full_name,position,staff_kind,unit_code\n"
        "a@example.gov.vn,Người A,Chuyên viên,cc,TBC\n"
        "b@example.gov.vn,Người B,Chuyên viên,vc,PBC\n"
        "canbo@example.gov.vn,Lê Thị Cán Bộ,Tổ trưởng,cc,TBC\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.staff_import_csv(content=content, by=cast.administrator)
    # The same rows again: both people exist now, so nobody is created or invited.
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_import_csv(content=content, by=cast.administrator)

    assert (result.created, result.updated) == (2, 1)
    smtp.wait_for(2)
    assert smtp.count_to() == {"a@example.gov.vn": 1, "b@example.gov.vn": 1}
    assert sorted(OutboxMessage.objects.filter(kind="invitation").values_list("key", "state")) == [
        (f"invitation:{Person.objects.get(email='a@example.gov.vn').pk}:1", "sent"),
        (f"invitation:{Person.objects.get(email='b@example.gov.vn').pk}:1", "sent"),
    ]


def test_an_invitation_claimed_twice_is_sent_once(cast, org, smtp, django_capture_on_commit_callbacks):
    from core.outbox import new_message, outbox_claim

    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)
        outbox_claim([new_message(kind="invitation", key=f"invitation:{person.pk}:1", recipient_id=person.pk)])

    smtp.wait_for(2, timeout=1)
    assert smtp.count_to() == {"moi@example.gov.vn": 1}


def test_someone_who_already_logged_in_or_left_is_not_invited_again(cast, org, django_capture_on_commit_callbacks):
    cast.staff.last_login = timezone.now()
    cast.staff.save()
    cast.inspector.is_active = False
    cast.inspector.save()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.invitations_send(people=[cast.staff, cast.inspector, cast.unit_head], by=cast.administrator)

    assert [p.email for p in result.queued] == ["truongphong@example.gov.vn"]
    assert sorted(p.email for p in result.not_needed) == ["canbo@example.gov.vn", "thanhtra@example.gov.vn"]
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]


def test_a_person_created_with_a_password_is_not_invited(org):
    services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team, password=PASSWORD)

    assert not OutboxMessage.objects.filter(kind="invitation").exists()


def test_the_invitation_row_stores_no_token(org):
    person = services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)

    row = OutboxMessage.objects.get(kind="invitation")
    assert (row.key, row.recipient_id, row.data) == (f"invitation:{person.pk}:1", person.pk, {"by": None})


# (actor, target) → does the resend action in the people list queue an invitation?
# Same as who may change the person: the link sets that account's password.
RESEND = {
    ("root_admin", "plain"): True,
    ("root_admin", "powerful"): True,
    ("subtree_admin", "plain"): True,
    ("subtree_admin", "powerful"): False,
    ("sibling_admin", "plain"): False,
    ("sibling_admin", "powerful"): False,
    ("superuser", "plain"): True,
    ("superuser", "powerful"): True,
}


@pytest.mark.parametrize(("actor", "target"), list(RESEND))
def test_resending_an_invitation_from_the_people_list(client, people, actor, target):  # noqa: F811
    person = people[target]
    client.force_login(people[actor])

    client.post(
        reverse("admin:organization_person_changelist"),
        {"action": "send_invitations", "_selected_action": [person.pk]},
    )

    queued = OutboxMessage.objects.filter(kind="invitation", recipient=person).exists()
    assert queued is RESEND[(actor, target)]


def test_each_resend_is_a_new_invitation(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            page = client.post(
                reverse("admin:organization_person_changelist"),
                {"action": "send_invitations", "_selected_action": [cast.staff.pk]},
                follow=True,
            )

    assert "Đã xếp lịch gửi thư mời cho 1 người." in page.content.decode()
    assert sorted(OutboxMessage.objects.filter(kind="invitation").values_list("key", flat=True)) == [
        f"invitation:{cast.staff.pk}:1",
        f"invitation:{cast.staff.pk}:2",
    ]
    assert [m.to for m in mail.outbox] == [["canbo@example.gov.vn"], ["canbo@example.gov.vn"]]


def test_the_log_in_page_has_no_sign_up_link_and_says_whom_to_ask(client, db, settings):
    page = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") not in page
    assert "Cổng quy tắc ứng xử là nơi cán bộ" in page
    assert "Hãy liên hệ Văn phòng Sở, điện thoại 0239 3855 000." in page


def test_the_password_reset_email_greets_with_the_portals_name_and_gives_a_contact(client, cast):
    client.post(reverse("account_reset_password"), {"email": cast.staff.email})

    [message] = mail.outbox
    assert message.subject == "[Cổng quy tắc ứng xử] Đặt lại mật khẩu"
    assert message.body.startswith("Xin chào, đây là thư từ Cổng quy tắc ứng xử.")
    assert "Cần hỗ trợ? Hãy liên hệ Văn phòng Sở, điện thoại 0239 3855 000." in message.body
    assert f"{SITE}/accounts/password/reset/key/" in message.body
