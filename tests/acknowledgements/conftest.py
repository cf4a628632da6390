import datetime

import pytest

from acknowledgements import services
from tests.directives.seeds import HA_TINH, import_seed


@pytest.fixture
def due_on():
    return datetime.date.today() + datetime.timedelta(days=10)


@pytest.fixture
def campaign(cast, org, tax_letter, due_on):
    """The tax letter targeted at the department and everything below it."""
    return services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=due_on, by=cast.administrator
    )


@pytest.fixture
def quiz_directive(cast, org):
    """The Hà Tĩnh letter with one question, published."""
    from directives import services as directive_services

    directive = import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False)
    directive_services.question_add(
        version=directive.versions.get(),
        prompt="Được đăng bí mật nhà nước lên mạng xã hội không?",
        choices=["Có", "Không"],
        answer=1,
    )
    directive_services.version_publish(version=directive.versions.get(), by=cast.administrator)
    return directive
