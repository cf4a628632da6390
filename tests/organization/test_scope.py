"""A superuser's scope is everything, also when a selector ORs it with another rule."""

from django.db.models import Q

from organization import permissions
from organization.models import Unit


def test_a_superusers_scope_survives_an_or_with_another_condition(cast, org):
    everything = permissions.scope_q(cast.superuser) | Q(code="KHONG-CO")

    assert Unit.objects.filter(everything).count() == 5


def test_an_administrators_scope_ored_with_another_unit_adds_that_unit(cast, org):
    scope = permissions.scope_q(cast.administrator, "administrator") | Q(code="STP")

    assert sorted(Unit.objects.filter(scope).values_list("code", flat=True)) == ["PBC", "STP", "STTTT", "TBC", "VPS"]
