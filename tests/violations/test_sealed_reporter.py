"""A staff member who reports confidentially is sealed like a named denouncer: the
case holds no link to them, only their sealed identity and a keyed tag with which
they follow their own case; their name and address reach the designated handlers
and nobody else, in no page, export or e-mail."""

import hashlib
import importlib
import io
import zipfile

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent, OutboxMessage
from tests.factories import PersonFactory
from tests.violations.conftest import png_upload
from violations import identity, services, workflow
from violations.models import Event, IdentityHandler, Report, SealedIdentity, State

NAME, EMAIL = "Ngô Đồng Nghiệp", "dongnghiep@example.gov.vn"


@pytest.fixture
def handler(cast, org):
    """The person the administrator designated to handle denunciations for the department."""
    person = PersonFactory(email="giaiquyet@example.gov.vn", full_name="Bùi Giải Quyết", unit=org.office)
    IdentityHandler.objects.create(unit=org.department, person=person, granted_by=cast.administrator)
    return person


@pytest.fixture
def heard_case(cast, colleague, case, django_capture_on_commit_callbacks):
    """The confidential case moved to the hearing, its e-mails sent."""
    with django_capture_on_commit_callbacks(execute=True):
        for to in (State.UNDER_REVIEW, State.HEARING):
            services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    return case


def test_a_confidential_report_keeps_no_link_to_its_reporter(colleague, case):
    case.refresh_from_db()

    assert case.reporter_id is None and case.confidential
    # An HMAC under a key outside the database, not a plain hash of the account id.
    assert len(case.reporter_tag) == 64
    assert case.reporter_tag != hashlib.sha256(f"person:{colleague.pk}".encode()).hexdigest()
    assert SealedIdentity.objects.filter(report=case).count() == 1
    assert NAME not in SealedIdentity.objects.get(report=case).token
    # Their lines (the case, the screenshot) link to nobody.
    assert not Event.objects.filter(actor=colleague).exists()
    assert set(case.events.values_list("kind", "by_reporter")) == {("created", True), ("file", True)}


def test_the_database_refuses_a_confidential_staff_report_that_names_its_reporter(colleague, case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=case.pk).update(reporter=colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=case.pk).update(reporter_tag="")


def test_the_reporter_follows_their_own_case_by_its_tag(client, cast, colleague, case):
    client.force_login(colleague)

    listed = client.get(reverse("violations:list")).content.decode()
    page = client.get(reverse("violations:detail", args=[case.pk])).content.decode()
    own_file = client.get(reverse("violations:file", args=[case.evidence.get().pk]))

    assert f'href="{reverse("violations:detail", args=[case.pk])}"' in listed
    assert "Bạn <em>(danh tính của bạn được giữ bí mật)</em>" in page
    assert own_file.status_code == 200
    # …and answers the reviewer, which sends the case back to review.
    for to in (State.UNDER_REVIEW, State.NEEDS_INFORMATION):
        services.report_transition(report=case, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    client.post(reverse("violations:post", args=[case.pk, "message"]), {"text": "Ảnh chụp lúc 9 giờ."})
    case.refresh_from_db()
    assert case.state == "under_review"


def test_a_rotated_key_still_finds_the_reporters_cases(settings, colleague, case):
    old = dict(settings.REPORTER_IDENTITY_KEYS)
    settings.REPORTER_IDENTITY_KEYS = {"s1": b"OfKkYVPPbE7Kby92LUkc5zW8Xr9VVlWeMTqyNZ_pj9s=", **old}

    assert identity.reporter_tag(colleague) != case.reporter_tag  # new cases get the new key's tag
    assert identity.is_sealed_reporter(colleague, case)


def test_only_the_designated_handler_opens_the_identity_and_each_view_is_recorded(client, cast, handler, heard_case):
    client.force_login(handler)

    page = client.get(reverse("violations:detail", args=[heard_case.pk])).content.decode()

    assert f"{NAME} &lt;{EMAIL}&gt; – Văn phòng Sở" in page
    rows = AuditEvent.objects.filter(action="reporter_viewed", target=f"violations.report:{heard_case.pk}")
    assert list(rows.values_list("actor__email", flat=True)) == ["giaiquyet@example.gov.vn"]


ROLES = ["staff", "unit_head", "inspector", "administrator", "outsider", "superuser", "handler", "anonymous"]


def _pages(case) -> list[str]:
    return [
        reverse("home"),
        reverse("violations:list"),
        reverse("violations:list") + "?q=Zalo",
        reverse("violations:detail", args=[case.pk]),
        reverse("violations:identity", args=[case.pk]),
        reverse("violations:inspection_queue"),
        reverse("reports:dashboard"),
        reverse("reports:export", args=["cases", "csv"]),
        reverse("reports:export", args=["summary", "json"]),
        reverse("audit_log"),
        reverse("privacy:my_data"),
        reverse("privacy:my_data_download"),
        "/admin/",
        "/admin/violations/",
    ]


@pytest.mark.parametrize("who", ROLES)
def test_no_page_export_or_email_shows_the_reporter_but_to_the_handler(client, cast, handler, heard_case, who):
    user = handler if who == "handler" else getattr(cast, who, None)
    if user is not None:
        client.force_login(user)

    rendered = []
    for url in _pages(heard_case):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Type") == "application/zip":  # the my-data download: its JSON files
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"".join(archive.read(name) for name in archive.namelist())
        rendered.append((url, body.decode("utf-8", "replace")))
    shown = [url for url, body in rendered if NAME in body or EMAIL in body]

    expected = [
        reverse("violations:detail", args=[heard_case.pk]),
        reverse("violations:identity", args=[heard_case.pk]),
    ]
    assert shown == (expected if who == "handler" else [])


def test_no_email_of_the_case_names_the_reporter(cast, colleague, handler, heard_case):
    assert mail.outbox  # the new-case and hearing e-mails went out
    for message in mail.outbox:
        texts = [message.subject, message.body, *(content for content, _type in message.alternatives)]
        assert all(NAME not in text and EMAIL not in text for text in texts)
        assert EMAIL not in message.to
    assert not OutboxMessage.objects.filter(recipient=colleague).exists()


@pytest.mark.postgres
def test_the_migration_seals_the_confidential_reporters_already_stored(cast, colleague, django_assert_num_queries):
    with connection.cursor() as cursor:  # the test's transaction rolls this back
        cursor.execute("ALTER TABLE violations_report DROP CONSTRAINT report_confidential_reporter_sealed")
    # A case as the portal stored it before: the reporter in clear.
    legacy = services.report_create(
        by=colleague, subject=cast.staff, category="insult", platform="facebook",
        seen_at=heard_seen(), description="Bình luận xúc phạm.", confidential=False, files=[png_upload()],
    )  # fmt: skip
    Report.objects.filter(pk=legacy.pk).update(confidential=True)
    migration = importlib.import_module("violations.migrations.0008_sealed_confidential_reporter")

    migration.seal_reporters(apps, None)

    legacy.refresh_from_db()
    assert (legacy.reporter_id, legacy.reporter_tag) == (None, identity.reporter_tag(colleague))
    assert not Event.objects.filter(report=legacy, actor=colleague).exists()
    assert legacy.events.filter(by_reporter=True).count() == 2
    IdentityHandler.objects.create(unit=cast.staff.unit, person=cast.inspector, granted_by=cast.administrator)
    opened = identity.identity_open(report=legacy, by=cast.inspector)
    assert (opened["name"], opened["email"], opened["person"]) == (NAME, EMAIL, colleague.pk)

    migration.unseal_reporters(apps, None)

    legacy.refresh_from_db()
    assert (legacy.reporter_id, legacy.reporter_tag) == (colleague.pk, "")
    assert legacy.events.filter(actor=colleague).count() == 2


def heard_seen():
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(hours=2)
