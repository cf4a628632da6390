"""Who may see and change what: every role, in and out of its scope."""

import pytest
from django.db.models import Q

from organization import permissions, selectors
from organization.models import Person, Role, Unit
from tests.factories import PersonFactory, RoleGrantFactory

# role, unit of the object, may view it, may change it (admin-level)
MATRIX = [
    ("staff", "team", False, False),
    ("staff", "other_agency", False, False),
    ("unit_head", "team", True, False),
    ("unit_head", "department", True, False),
    ("unit_head", "office", False, False),
    ("unit_head", "other_agency", False, False),
    ("inspector", "team", True, False),
    ("inspector", "office", True, False),
    ("inspector", "other_agency", False, False),
    ("administrator", "team", True, True),
    ("administrator", "agency", True, True),
    ("administrator", "other_agency", False, False),
    ("outsider", "other_agency", True, False),
    ("outsider", "team", False, False),
]


@pytest.mark.parametrize(("role", "unit_name", "may_view", "may_change"), MATRIX)
def test_each_role_sees_its_subtree_and_nothing_else(cast, org, role, unit_name, may_view, may_change):
    user = getattr(cast, role)
    unit = getattr(org, unit_name)

    assert permissions.may_view_unit(user, unit) is may_view
    assert permissions.may_manage_unit(user, unit) is may_change
    assert (unit in selectors.units_visible_to(user)) is may_view


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("staff", set()),
        ("unit_head", {"truongphong@example.gov.vn", "canbo@example.gov.vn"}),
        (
            "inspector",
            {"truongphong@example.gov.vn", "canbo@example.gov.vn", "thanhtra@example.gov.vn", "quantri@example.gov.vn"},
        ),
        ("outsider", {"nguoingoai@example.gov.vn"}),
    ],
)
def test_people_lists_hold_only_people_in_scope(cast, role, visible):
    user = getattr(cast, role)

    assert set(selectors.people_visible_to(user).values_list("email", flat=True)) == visible


def test_a_person_may_always_see_their_own_record(cast):
    assert permissions.may_view_person(cast.staff, cast.staff)
    assert not permissions.may_view_person(cast.staff, cast.unit_head)


def test_only_an_administrator_in_scope_may_change_a_person(cast):
    assert permissions.may_change_person(cast.administrator, cast.staff)
    assert not permissions.may_change_person(cast.unit_head, cast.staff)
    assert not permissions.may_change_person(cast.administrator, cast.outsider)


def test_a_deactivated_person_loses_their_roles(cast, org):
    cast.unit_head.is_active = False
    cast.unit_head.save()
    head = Person.objects.get(pk=cast.unit_head.pk)

    assert not permissions.may_view_unit(head, org.team)


def test_subtree_is_one_query(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = set(selectors.subtree(org.department).values_list("code", flat=True))
    assert codes == {"PBC", "TBC"}


def test_subtree_query_filters_on_the_indexed_path(org):
    sql = str(selectors.subtree(org.agency).query)
    assert "path" in sql and "LIKE" in sql.upper()


# What the mutation run (make mutation, tests/MUTATION.md) showed the tests above leave open.


def test_a_persons_grants_are_read_with_one_query_however_many_checks(cast, org, django_assert_num_queries):
    head = Person.objects.get(pk=cast.unit_head.pk)

    with django_assert_num_queries(1):
        assert permissions.covers(head, org.team)
        assert permissions.has_role(head, "unit_head")
        assert not permissions.covers(head, org.office)
        assert permissions.roles_of(head) == {"unit_head"}


def test_forgetting_a_person_makes_the_next_check_see_a_new_grant(cast, org):
    staff = Person.objects.get(pk=cast.staff.pk)
    assert not permissions.covers(staff, org.team)

    RoleGrantFactory(person=cast.staff, role=Role.INSPECTOR, unit=org.department)
    assert not permissions.covers(staff, org.team)  # this object still holds the answer read before
    permissions.forget(staff)

    assert permissions.covers(staff, org.team)


def test_forgetting_a_person_never_checked_is_harmless(cast):
    staff = Person.objects.get(pk=cast.staff.pk)

    permissions.forget(staff)
    permissions.forget(staff)

    assert not permissions.has_role(staff)


def test_nobody_but_a_superuser_covers_an_object_without_a_unit(cast):
    assert not permissions.covers(cast.inspector, None)
    assert not permissions.covers(cast.administrator, None, Role.ADMINISTRATOR)
    assert permissions.covers(cast.superuser, None)


def test_a_person_with_two_separate_grants_sees_both_subtrees(cast, org):
    RoleGrantFactory(person=cast.unit_head, role=Role.INSPECTOR, unit=org.other_agency)
    head = Person.objects.get(pk=cast.unit_head.pk)

    assert permissions.covers(head, org.team)
    assert permissions.covers(head, org.other_agency)
    assert not permissions.covers(head, org.office)
    assert {unit.code for unit in selectors.units_visible_to(head)} == {"PBC", "TBC", "STP"}


def test_a_grant_inside_another_adds_no_condition_to_the_filter(cast, org):
    RoleGrantFactory(person=cast.inspector, role=Role.UNIT_HEAD, unit=org.team)
    inspector = Person.objects.get(pk=cast.inspector.pk)

    assert permissions.scope_q(inspector) == Q(path__startswith=org.agency.path)
    assert permissions.scope_q(inspector, Role.UNIT_HEAD, path_field="unit__path") == Q(
        unit__path__startswith=org.team.path
    )


def test_a_person_without_grants_matches_nothing_and_a_superuser_everything(cast):
    assert permissions.scope_q(cast.staff) == Q(pk__in=[])
    assert Unit.objects.filter(permissions.scope_q(cast.superuser)).count() == 5


def test_a_unit_head_may_see_the_people_of_their_subtree_only(cast):
    assert permissions.may_view_person(cast.unit_head, cast.staff)
    assert not permissions.may_view_person(cast.unit_head, cast.inspector)
    assert permissions.may_view_person(cast.inspector, cast.administrator)


def test_granting_needs_the_unit_and_the_person_both_in_the_administrators_scope(cast, org):
    assert permissions.may_grant(cast.administrator, cast.staff, org.team)
    assert not permissions.may_grant(cast.administrator, cast.staff, org.other_agency)
    assert not permissions.may_grant(cast.administrator, cast.outsider, org.team)


def test_granting_over_a_unit_needs_the_administrator_role_there_not_just_any_role(cast, org):
    manager = PersonFactory(unit=org.department)
    RoleGrantFactory(person=manager, role=Role.ADMINISTRATOR, unit=org.department)
    RoleGrantFactory(person=manager, role=Role.INSPECTOR, unit=org.agency)

    assert permissions.may_grant(manager, cast.staff, org.team)
    assert not permissions.may_grant(manager, cast.staff, org.office)
