"""The benchmark's data generator builds a valid tree, people and assignments."""

from django.core.management import call_command

from acknowledgements.models import Assignment
from directives.models import Directive
from organization.models import Person, Unit


def test_a_small_load_builds_a_valid_organisation_with_assignments(db, capsys):
    call_command("generate_load_data", "--people", "200", "--units", "20", "--directives", "3", "--assignments")

    assert Person.objects.filter(email__endswith="@load.example").count() == 200
    assert Unit.objects.filter(code__startswith="LOAD").count() == 20
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert Directive.objects.filter(symbol__startswith="LOAD-", status="published").count() == 3
    assert Assignment.objects.count() == 600
    assert 0 < Assignment.objects.filter(acknowledged_at__isnull=False).count() < 600


def test_it_refuses_to_run_twice_without_reset(db):
    import pytest
    from django.core.management import CommandError

    call_command("generate_load_data", "--people", "20", "--units", "5", "--directives", "1")

    with pytest.raises(CommandError):
        call_command("generate_load_data", "--people", "20", "--units", "5", "--directives", "1")
