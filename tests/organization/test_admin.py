"""Administrators manage units, people and roles in the admin, within their subtree."""

from django.urls import reverse


def test_the_people_list_shows_only_the_administrators_subtree(client, cast):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_person_changelist")).content.decode()

    assert "Lê Thị Cán Bộ" in page
    assert "Vũ Người Ngoài" not in page


def test_a_person_outside_the_subtree_cannot_be_opened_by_guessing_the_url(client, cast):
    client.force_login(cast.administrator)

    response = client.get(reverse("admin:organization_person_change", args=[cast.outsider.pk]), follow=True)

    assert cast.outsider.full_name not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")


def test_an_administrator_moves_a_person_and_grants_a_role(client, cast, org):
    client.force_login(cast.administrator)
    url = reverse("admin:organization_person_change", args=[cast.staff.pk])
    form = {
        "email": cast.staff.email,
        "full_name": cast.staff.full_name,
        "position": "Tổ trưởng",
        "staff_kind": "cc",
        "unit": org.office.pk,
        "is_active": "on",
        "grants-TOTAL_FORMS": "1",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
        "grants-0-role": "unit_head",
        "grants-0-unit": org.office.pk,
        "grants-0-granted_at_0": "01/01/2026",
        "grants-0-granted_at_1": "08:00:00",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    cast.staff.refresh_from_db()
    assert cast.staff.unit == org.office
    assert list(cast.staff.grants.values_list("role", "unit__code")) == [("unit_head", "VPS")]


def test_an_administrator_cannot_place_a_person_in_another_agency(client, cast, org):
    client.force_login(cast.administrator)
    url = reverse("admin:organization_person_change", args=[cast.staff.pk])
    form = {
        "email": cast.staff.email,
        "full_name": cast.staff.full_name,
        "position": "",
        "staff_kind": "cc",
        "unit": org.other_agency.pk,
        "is_active": "on",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }

    response = client.post(url, form)

    assert response.status_code == 200
    cast.staff.refresh_from_db()
    assert cast.staff.unit == org.team


def test_people_are_deactivated_never_deleted(client, cast):
    client.force_login(cast.administrator)

    response = client.get(reverse("admin:organization_person_delete", args=[cast.staff.pk]))

    assert response.status_code == 403
    assert type(cast.staff).objects.filter(pk=cast.staff.pk).exists()


def test_staff_and_unit_heads_have_no_admin(client, cast):
    for person in (cast.staff, cast.unit_head, cast.inspector):
        client.force_login(person)
        assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")


def test_the_unit_tree_lists_only_the_subtree(client, cast):
    client.force_login(cast.administrator)

    page = client.get(reverse("admin:organization_unit_changelist")).content.decode()

    assert "Tổ Báo chí" in page and "Sở Tư pháp" not in page


def test_an_administrator_adds_a_unit_and_moves_it_with_its_people(client, cast, org):
    from organization import selectors
    from organization.models import Unit

    client.force_login(cast.administrator)
    client.post(reverse("admin:organization_unit_add"), {"name": "Tổ Xuất bản", "code": "TXB", "parent": org.office.pk})
    new = Unit.objects.get(code="TXB")
    assert Unit.objects.get_parent(new) == org.office

    client.post(
        reverse("admin:organization_unit_change", args=[org.team.pk]),
        {"name": "Tổ Báo chí", "code": "TBC", "parent": org.office.pk},
    )

    assert set(selectors.subtree(org.office).values_list("code", flat=True)) == {"VPS", "TXB", "TBC"}
    assert cast.staff in selectors.people_in_subtree(org.office)
    assert cast.staff not in selectors.people_in_subtree(org.department)


def test_an_administrator_cannot_add_a_unit_outside_the_subtree(client, cast, org):
    from organization.models import Unit

    client.force_login(cast.administrator)
    response = client.post(
        reverse("admin:organization_unit_add"), {"name": "Phòng lạ", "code": "PL", "parent": org.other_agency.pk}
    )

    assert response.status_code == 200 and not Unit.objects.filter(code="PL").exists()
