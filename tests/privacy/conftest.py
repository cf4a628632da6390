import pytest

from tests.violations.conftest import case, colleague  # noqa: F401  (the cases' cast)
from violations.models import RuleSet
from violations.rule_data import load_rule_sets


@pytest.fixture(autouse=True)
def rule_sets(db):
    """The rule sets the data migration ships (a transactional test elsewhere may
    have flushed them)."""
    if not RuleSet.objects.exists():
        load_rule_sets()
