"""The security trail: who sees which rows, and nobody rewrites them."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent


@pytest.fixture
def trail(cast, org):
    audit_record(
        action="role_granted", actor=cast.administrator, target="to-bao-chi@example.gov.vn", unit_path=org.team.path
    )
    audit_record(
        action="role_granted", actor=cast.outsider, target="tu-phap@example.gov.vn", unit_path=org.other_agency.path
    )
    audit_record(action="login_failed", target="khong-ai@example.com")


# viewer → (status, sees the team's row, sees the other agency's row, sees the unit-less row)
AUDIT_PAGE = {
    "staff": (404, False, False, False),
    "unit_head": (404, False, False, False),
    "inspector": (200, True, False, False),
    "administrator": (200, True, False, False),
    "outsider": (404, False, False, False),
    "superuser": (200, True, True, True),
}


@pytest.mark.parametrize("viewer", list(AUDIT_PAGE))
def test_the_audit_page_shows_each_viewer_their_subtree_only(client, cast, trail, viewer):
    client.force_login(getattr(cast, viewer))

    response = client.get(reverse("audit_log"))
    page = response.content.decode()

    status, team, other, unitless = AUDIT_PAGE[viewer]
    assert response.status_code == status
    assert ("to-bao-chi@example.gov.vn" in page) is team
    assert ("tu-phap@example.gov.vn" in page) is other
    assert ("khong-ai@example.com" in page) is unitless


def test_bad_filter_values_are_ignored_not_errors(client, cast, trail):
    client.force_login(cast.administrator)

    response = client.get(reverse("audit_log"), {"action": "drop table", "q": "to-bao\x00", "page": "x"})

    assert response.status_code == 200
    assert "to-bao-chi@example.gov.vn" in response.content.decode()


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_models(trail):
    event = AuditEvent.objects.filter(action="login_failed").get()

    event.target = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_audit_rows_even_in_raw_sql(trail):
    for sql in ("UPDATE core_auditevent SET target = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    assert AuditEvent.objects.filter(target="x").count() == 0
    assert AuditEvent.objects.count() >= 3


def test_the_audit_page_names_its_filter_in_the_title(client, cast, trail):
    client.force_login(cast.inspector)

    page = client.get(reverse("audit_log"), {"action": "role_granted", "q": "to-bao"}).content.decode()

    assert "<title>Nhật ký bảo mật: Cấp vai trò – “to-bao” · " in page
