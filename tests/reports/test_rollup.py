"""The dashboards' rollup (PostgreSQL triggers) always equals a recount from the
assignments, whatever the services do to them."""

import contextlib
import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acknowledgements import services as ack_services
from acknowledgements.models import Assignment
from directives import services as directive_services
from organization import services as org_services
from organization.models import Person
from reports import rollup
from reports.models import AcknowledgementDaily, AcknowledgementUnitDay, AssignmentRollup

pytestmark = pytest.mark.postgres

TZ = datetime.timezone(datetime.timedelta(hours=7))


def recount() -> tuple[dict, dict, dict]:
    counts, daily, unit_day = Counter(), Counter(), Counter()
    for a in Assignment.objects.filter(closed_at__isnull=True).select_related("person", "version"):
        if a.person.unit_id is None:
            continue
        key = (a.person.unit_id, a.version.directive_id, a.assigned_at.astimezone(TZ).date(), a.due_on)
        counts[key + ("targeted",)] += 1
        if a.acknowledged_at is None:
            counts[key + ("open",)] += 1
        else:
            done = a.acknowledged_at.astimezone(TZ).date()
            counts[key + ("on_time" if done <= a.due_on else "late",)] += 1
            daily[key[:3] + (done,)] += 1
            unit_day[(key[0], done)] += 1
    return +counts, +daily, +unit_day


def stored() -> tuple[dict, dict, dict]:
    counts, daily, unit_day = Counter(), Counter(), Counter()
    for r in AssignmentRollup.objects.all():
        key = (r.unit_id, r.directive_id, r.assigned_on, r.due_on)
        for name in ("targeted", "on_time", "late", "open"):
            counts[key + (name,)] += getattr(r, f"n_{name}")
    for r in AcknowledgementDaily.objects.all():
        daily[(r.unit_id, r.directive_id, r.assigned_on, r.acknowledged_on)] += r.n_acknowledged
    for r in AcknowledgementUnitDay.objects.all():
        unit_day[(r.unit_id, r.acknowledged_on)] += r.n_acknowledged
    return +counts, +daily, +unit_day


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["launch", "acknowledge", "move", "deactivate", "new_version", "due_moved", "join"]),
        st.integers(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_rollup_equals_a_recount_after_any_sequence_of_operations(cast, org, tax_letter, operations):
    from django.db import transaction

    with transaction.atomic():
        sid = transaction.savepoint()
        _apply(cast, org, tax_letter, operations)
        assert stored() == recount()
        transaction.savepoint_rollback(sid)


def _apply(cast, org, tax_letter, operations):
    units = [org.agency, org.department, org.team, org.office, org.other_agency]
    for name, n in operations:
        people = list(Person.objects.filter(is_active=True, unit__isnull=False).order_by("pk"))
        person = people[n % len(people)]
        if name == "launch":
            with contextlib.suppress(ack_services.CampaignAlreadyLaunched):
                ack_services.campaign_launch(
                    directive=tax_letter, targets=[(units[n % 4], True)],
                    due_on=timezone.localdate() + datetime.timedelta(days=n % 7 - 3), by=cast.administrator,
                )  # fmt: skip
        elif name == "acknowledge":
            open_ = list(Assignment.objects.open().order_by("pk"))
            if open_:
                a = open_[n % len(open_)]
                ack_services.acknowledgement_record(assignment=a, by=a.person, request_meta={})
        elif name == "move":
            org_services.person_update(person=person, unit=units[n % len(units)])
        elif name == "deactivate" and person != cast.administrator:
            org_services.person_update(person=person, is_active=False)
        elif name == "new_version":
            try:
                version = directive_services.version_create(
                    directive=tax_letter, text=f"Nội dung sửa đổi lần {n}.\n1. Nghĩa vụ mới {n}.",
                    change_note="Sửa đổi", is_material=bool(n % 2),
                )  # fmt: skip
            except ValidationError:  # the same text again
                continue
            version.save()
            directive_services.version_publish(version=version, by=cast.administrator)
            ack_services.campaign_follow_version(version=version)
        elif name == "due_moved":
            Assignment.objects.filter(pk__in=Assignment.objects.open().values("pk")[:2]).update(
                due_on=timezone.localdate() - datetime.timedelta(days=n % 5)
            )
        elif name == "join":
            new = org_services.person_create(
                email=f"moi{n}-{Person.objects.count()}@example.gov.vn", full_name="Người Mới",
                unit=units[n % len(units)],
            )  # fmt: skip
            ack_services.assignments_sync_person(person=new)


def test_a_rebuild_gives_what_the_triggers_kept(cast, org, campaign):
    before = stored()
    rollup.rollup_rebuild()

    assert stored() == before == recount() and before[0]


def test_the_dashboard_reads_no_assignment_on_postgresql(client, cast, campaign, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(cast.inspector)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:dashboard"))

    assert not [q["sql"] for q in queries if "acknowledgements_assignment" in q["sql"]]
    assert [q["sql"] for q in queries if "reports_assignmentrollup" in q["sql"]]


@pytest.mark.parametrize("filtered", [False, True])
def test_the_dashboard_from_the_rollup_gives_the_recounts_numbers(cast, org, tax_letter, filtered, monkeypatch):
    from reports import selectors

    _apply(cast, org, tax_letter, [("launch", 0), ("acknowledge", 1), ("acknowledge", 2), ("move", 3)])
    for unit in (org.agency, org.department):
        filters = selectors.Filters(unit=unit, directive=tax_letter if filtered else None)
        from_rollup = selectors.summary(filters)
        monkeypatch.setattr(selectors, "uses_rollup", lambda: False)
        recounted = selectors.summary(filters)
        monkeypatch.undo()

        assert from_rollup.progress == recounted.progress and from_rollup.progress
        assert from_rollup.total == recounted.total and from_rollup.total.acknowledged
        assert from_rollup.by_directive == recounted.by_directive
        assert from_rollup.by_unit == recounted.by_unit
