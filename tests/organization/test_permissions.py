"""Who may see and change what: every role, in and out of its scope."""

import pytest

from organization import permissions, selectors
from organization.models import Person

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
