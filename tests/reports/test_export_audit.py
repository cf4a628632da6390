"""Every export joins the security trail, scoped to the unit it covers."""

from core.models import AuditEvent
from reports.selectors import Filters
from reports.services import export_log_record


def test_an_export_is_recorded_in_the_audit_trail_with_its_unit(cast, org):
    export_log_record(person=cast.inspector, kind="assignments", format="csv", filters=Filters(unit=org.department))

    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.target, event.unit_path) == (cast.inspector, "assignments.csv", org.department.path)
    assert event.data == {"unit": "PBC", "directive": "", "from": "", "to": ""}
