"""Who may change a person, grant a role or remove one in the admin: every
administrator position × every kind of target, written out as the requirement says.

The cast: the agency's administrator (the root here), a subtree administrator over
the department, a sibling administrator over the office, and a superuser. The
targets: a plain member of the team, and a team member who holds the inspector
role over the whole agency (the account a subtree administrator must never take)."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from organization.models import Person, RoleGrant
from tests.factories import PersonFactory, RoleGrantFactory

ACTORS = ("root_admin", "subtree_admin", "sibling_admin", "superuser")


@pytest.fixture
def people(cast, org):
    subtree_admin = PersonFactory(email="qt-phong@example.gov.vn", full_name="Quản Trị Phòng", unit=org.department)
    RoleGrantFactory(person=subtree_admin, role="administrator", unit=org.department)
    sibling_admin = PersonFactory(email="qt-vanphong@example.gov.vn", full_name="Quản Trị Văn Phòng", unit=org.office)
    RoleGrantFactory(person=sibling_admin, role="administrator", unit=org.office)
    powerful = PersonFactory(email="thanhtra-to@example.gov.vn", full_name="Thanh Tra Ở Tổ", unit=org.team)
    RoleGrantFactory(person=powerful, role="inspector", unit=org.agency)
    return {
        "root_admin": cast.administrator,
        "subtree_admin": subtree_admin,
        "sibling_admin": sibling_admin,
        "superuser": cast.superuser,
        "plain": cast.staff,
        "powerful": powerful,
    }


def person_form(person: Person, **changes) -> dict:
    form = {
        "email": person.email,
        "full_name": person.full_name,
        "position": person.position,
        "staff_kind": person.staff_kind,
        "unit": person.unit_id,
        "is_active": "on",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    form.update(changes)
    return form


# (actor, target) → may the actor change the target's e-mail?
CHANGE_EMAIL = {
    ("root_admin", "plain"): True,
    ("root_admin", "powerful"): True,
    ("subtree_admin", "plain"): True,
    ("subtree_admin", "powerful"): False,
    ("sibling_admin", "plain"): False,
    ("sibling_admin", "powerful"): False,
    ("superuser", "plain"): True,
    ("superuser", "powerful"): True,
}


@pytest.mark.parametrize(("actor", "target"), list(CHANGE_EMAIL))
def test_changing_a_persons_email_in_the_admin(client, people, actor, target):
    person = people[target]
    client.force_login(people[actor])

    client.post(
        reverse("admin:organization_person_change", args=[person.pk]),
        person_form(person, email="ke-tan-cong@example.com"),
    )

    person.refresh_from_db()
    assert (person.email == "ke-tan-cong@example.com") is CHANGE_EMAIL[(actor, target)]


def test_a_tampered_inline_cannot_hide_the_grant_that_blocks_the_change(client, people):
    """The attack of the review: the subtree administrator posts the form without the
    root grant in the inline, hoping only the grants they cover are checked."""
    person = people["powerful"]
    client.force_login(people["subtree_admin"])

    response = client.post(
        reverse("admin:organization_person_change", args=[person.pk]),
        person_form(person, email="ke-tan-cong@example.com"),
    )

    person.refresh_from_db()
    assert response.status_code in (302, 403)
    assert person.email == "thanhtra-to@example.gov.vn"
    assert list(person.grants.values_list("role", "unit__code")) == [("inspector", "STTTT")]


# actor → may they grant the unit-head role over the team to the plain member?
GRANT_OVER_TEAM = {"root_admin": True, "subtree_admin": True, "sibling_admin": False, "superuser": True}


@pytest.mark.parametrize("actor", ACTORS)
def test_granting_a_role_over_the_team_in_the_admin(client, people, org, actor):
    client.force_login(people[actor])

    client.post(
        reverse("admin:organization_rolegrant_add"),
        {"person": people["plain"].pk, "role": "unit_head", "unit": org.team.pk, "granted_at_0": "01/01/2026",
         "granted_at_1": "08:00:00"},
    )  # fmt: skip

    exists = RoleGrant.objects.filter(person=people["plain"], role="unit_head", unit=org.team).exists()
    assert exists is GRANT_OVER_TEAM[actor]


def test_a_sibling_administrator_cannot_grant_a_role_to_someone_outside_their_scope(client, people, org):
    client.force_login(people["sibling_admin"])

    client.post(
        reverse("admin:organization_rolegrant_add"),
        {"person": people["plain"].pk, "role": "unit_head", "unit": org.office.pk, "granted_at_0": "01/01/2026",
         "granted_at_1": "08:00:00"},
    )  # fmt: skip

    assert not RoleGrant.objects.filter(person=people["plain"], unit=org.office).exists()


# actor → may they delete the powerful member's inspector grant over the agency?
DELETE_ROOT_GRANT = {"root_admin": True, "subtree_admin": False, "sibling_admin": False, "superuser": True}


@pytest.mark.parametrize("actor", ACTORS)
def test_deleting_a_grant_over_the_root_in_the_admin(client, people, actor):
    grant = people["powerful"].grants.get()
    client.force_login(people[actor])

    client.post(reverse("admin:organization_rolegrant_delete", args=[grant.pk]), {"post": "yes"})
    client.post(
        reverse("admin:organization_rolegrant_changelist"),
        {"action": "delete_selected", "_selected_action": [grant.pk], "post": "yes"},
    )

    assert RoleGrant.objects.filter(pk=grant.pk).exists() is not DELETE_ROOT_GRANT[actor]


def test_a_subtree_administrator_cannot_remove_the_root_grant_through_the_person_inline(client, people):
    person, grant = people["powerful"], people["powerful"].grants.get()
    client.force_login(people["subtree_admin"])

    client.post(
        reverse("admin:organization_person_change", args=[person.pk]),
        person_form(
            person,
            **{"grants-TOTAL_FORMS": "1", "grants-INITIAL_FORMS": "1", "grants-0-id": grant.pk,
               "grants-0-person": person.pk, "grants-0-role": "inspector", "grants-0-unit": grant.unit_id,
               "grants-0-DELETE": "on"},
        ),
    )  # fmt: skip

    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_the_inline_shows_only_the_grants_the_editor_covers(client, people, org):
    RoleGrantFactory(person=people["plain"], role="unit_head", unit=org.team)
    client.force_login(people["root_admin"])

    page = client.get(reverse("admin:organization_person_change", args=[people["plain"].pk])).content.decode()

    assert 'name="grants-INITIAL_FORMS" value="1"' in page


def test_only_a_superuser_sees_a_superuser_in_the_people_list(client, people):
    client.force_login(people["root_admin"])
    root_page = client.get(reverse("admin:organization_person_changelist")).content.decode()
    client.force_login(people["superuser"])
    super_page = client.get(reverse("admin:organization_person_changelist")).content.decode()

    assert "Hồ Siêu Quản Trị" not in root_page
    assert "Hồ Siêu Quản Trị" in super_page


def test_every_grant_and_change_made_in_the_admin_is_in_the_audit_trail(client, people, org):
    client.force_login(people["subtree_admin"])
    client.post(
        reverse("admin:organization_person_change", args=[people["plain"].pk]),
        person_form(people["plain"], position="Tổ phó"),
    )
    client.post(
        reverse("admin:organization_rolegrant_add"),
        {"person": people["plain"].pk, "role": "unit_head", "unit": org.team.pk, "granted_at_0": "01/01/2026",
         "granted_at_1": "08:00:00"},
    )  # fmt: skip

    rows = list(
        AuditEvent.objects.filter(actor=people["subtree_admin"])
        .exclude(action="login")
        .order_by("id")
        .values_list("action", "target", "data")
    )
    assert rows == [
        ("person_changed", "canbo@example.gov.vn", {"changes": {"position": ["Chuyên viên", "Tổ phó"]}}),
        ("role_granted", "canbo@example.gov.vn", {"role": "unit_head", "unit": "TBC"}),
    ]
