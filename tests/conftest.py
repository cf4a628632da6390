"""The cast every test can use, and the rules for tests that need real services.

The organisation: an agency with a department (which has a team below it) and an
office, plus another agency that the cast's outsider works in.
"""

import datetime
import os
from dataclasses import dataclass

import pytest

from conduct_portal.celery import app as celery_app
from organization.models import Person, Role, Unit
from tests.factories import DEFAULT_PASSWORD, PersonFactory, RoleGrantFactory, UnitFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# to run beside one unless told this thread is not serving async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_runtest_setup(item):
    """Skip service tests when the service is not configured, except under CI, where
    a missing service must fail the run rather than quietly skip."""
    from django.conf import settings

    missing = []
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        missing.append("Redis (REDIS_URL is not set)")
    if (
        item.get_closest_marker("postgres")
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        missing.append("PostgreSQL (DATABASE_URL does not point at it)")
    if missing:
        message = "needs " + ", ".join(missing)
        if IN_CI:
            pytest.fail(f"CI=true but this test {message}")
        pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Under --nomigrations (the mutation run, tests/MUTATION.md) the tables come from
    the models, without the rule sets the data migration ships and without the trigger
    that queues acknowledgement records for the chain's linker: add them as the
    migrations do."""
    if request.config.getoption("nomigrations", False):
        import importlib

        from django.db import connection

        from violations.rule_data import load_rule_sets

        chain_links = importlib.import_module("acknowledgements.migrations.0006_chain_links")
        with django_db_blocker.unblock():
            load_rule_sets()
            with connection.cursor() as cursor:
                cursor.execute(chain_links.QUEUE[connection.vendor])


@pytest.fixture(autouse=True)
def test_settings(settings):
    # PBKDF2 is slow on purpose; the tests check behaviour, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not collected for tests; the MFA tests turn the requirement on.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MFA_REQUIRED_ROLES = []
    # A fresh cache per test, so one test's rate-limit counters never reach another.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    # A request that switched to English must not leak into the next test.
    from django.utils import translation

    translation.activate("vi")
    # Tasks run in-process unless a test starts a real worker (celery_worker below).
    # A worker that stopped in an earlier test may have closed the app's connection
    # and producer pools: drop them, so this test's first publish opens new ones.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.update(broker_url=settings.CELERY_BROKER_URL, result_backend=settings.CELERY_RESULT_BACKEND)
    celery_app.conf.task_always_eager = True


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker, in a thread of this process, consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.update(broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL, task_always_eager=False)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield celery_app
    celery_app.conf.task_always_eager = True


@dataclass
class Organisation:
    agency: Unit
    department: Unit
    team: Unit
    office: Unit
    other_agency: Unit


@dataclass
class Cast:
    staff: Person
    unit_head: Person
    inspector: Person
    administrator: Person
    outsider: Person
    superuser: Person | None = None
    password: str = DEFAULT_PASSWORD


@pytest.fixture
def org(db) -> Organisation:
    agency = UnitFactory(name="Sở Thông tin và Truyền thông", code="STTTT")
    department = UnitFactory(name="Phòng Bưu chính", code="PBC", parent=agency)
    team = UnitFactory(name="Tổ Báo chí", code="TBC", parent=department)
    office = UnitFactory(name="Văn phòng Sở", code="VPS", parent=agency)
    other = UnitFactory(name="Sở Tư pháp", code="STP")
    return Organisation(agency, department, team, office, other)


@pytest.fixture
def cast(org) -> Cast:
    staff = PersonFactory(email="canbo@example.gov.vn", full_name="Lê Thị Cán Bộ", unit=org.team)
    head = PersonFactory(email="truongphong@example.gov.vn", full_name="Trần Văn Trưởng", unit=org.department)
    inspector = PersonFactory(email="thanhtra@example.gov.vn", full_name="Phạm Thanh Tra", unit=org.office)
    admin = PersonFactory(email="quantri@example.gov.vn", full_name="Đỗ Quản Trị", unit=org.office)
    outsider = PersonFactory(email="nguoingoai@example.gov.vn", full_name="Vũ Người Ngoài", unit=org.other_agency)
    RoleGrantFactory(person=head, role=Role.UNIT_HEAD, unit=org.department)
    RoleGrantFactory(person=inspector, role=Role.INSPECTOR, unit=org.agency)
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR, unit=org.agency)
    RoleGrantFactory(person=outsider, role=Role.UNIT_HEAD, unit=org.other_agency)
    superuser = Person.objects.create_superuser(
        email="sieuquantri@example.gov.vn", password=DEFAULT_PASSWORD, full_name="Hồ Siêu Quản Trị"
    )
    return Cast(staff, head, inspector, admin, outsider, superuser)


@pytest.fixture
def tax_letter(cast, org):
    """The tax letter 3821/TCT-KTNB, published by the agency."""
    from tests.directives.seeds import TAX_LETTER, import_seed

    return import_seed(TAX_LETTER, owner_unit=org.agency, by=cast.administrator)


@pytest.fixture
def due_on():
    return datetime.date.today() + datetime.timedelta(days=10)


@pytest.fixture
def campaign(cast, org, tax_letter, due_on):
    """The tax letter targeted at the department and everything below it."""
    from acknowledgements import services

    return services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=due_on, by=cast.administrator
    )


@pytest.fixture
def quiz_directive(cast, org):
    """The Hà Tĩnh letter with one question, published."""
    from directives import services as directive_services
    from tests.directives.seeds import HA_TINH, import_seed

    directive = import_seed(HA_TINH, owner_unit=org.agency, by=cast.administrator, publish=False)
    directive_services.question_add(
        version=directive.versions.get(),
        prompt="Được đăng bí mật nhà nước lên mạng xã hội không?",
        choices=["Có", "Không"],
        answer=1,
    )
    directive_services.version_publish(version=directive.versions.get(), by=cast.administrator)
    return directive


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) in this process, and Django's e-mail pointed at it
    through the portal's backend; the server's inbox."""
    from tests.acknowledgements.smtp import smtp_server

    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        settings.EMAIL_TIMEOUT = 5
        yield inbox
