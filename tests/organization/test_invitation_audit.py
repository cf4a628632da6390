"""Each invitation request leaves an audit row: the first one as sent, every later
one as resent, naming who asked and for whom, in the person's unit."""

from django.urls import reverse

from core.models import AuditEvent
from organization import services
from organization.models import Person


def invitation_rows():
    return list(
        AuditEvent.objects.filter(action__in=["invitation_sent", "invitation_resent"])
        .order_by("id")
        .values_list("action", "actor__email", "target", "unit_path", "data")
    )


def test_creating_a_person_audits_the_invitation_sent(org):
    services.person_create(email="moi@example.gov.vn", full_name="Ngô Văn Mới", unit=org.team)

    assert invitation_rows() == [("invitation_sent", None, "moi@example.gov.vn", org.team.path, {"invitation": 1})]


def test_a_resend_from_the_people_list_is_audited_as_resent(client, cast, org):
    client.force_login(cast.administrator)
    for _ in range(2):
        client.post(
            reverse("admin:organization_person_changelist"),
            {"action": "send_invitations", "_selected_action": [cast.staff.pk]},
        )

    assert invitation_rows() == [
        ("invitation_sent", "quantri@example.gov.vn", "canbo@example.gov.vn", org.team.path, {"invitation": 1}),
        ("invitation_resent", "quantri@example.gov.vn", "canbo@example.gov.vn", org.team.path, {"invitation": 2}),
    ]


def test_nobody_invited_means_no_audit_row(cast, org):
    driver = Person.objects.create_user(email=None, full_name="Lái Xe Không Thư", unit=org.department)

    result = services.invitations_send(people=[driver], by=cast.administrator)

    assert (result.not_needed, invitation_rows()) == ([driver], [])
