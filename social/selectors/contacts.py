from django.http import Http404

from organization import permissions
from organization.models import Role, Unit
from organization.selectors import ancestor_paths
from social.models import CONTACT_FIELDS, UnitContacts


def effective_contacts(unit: Unit | None) -> dict:
    """The unit's contacts, each field from the unit itself or, when it leaves the
    field blank, the nearest unit above that sets it. One query.
    Returns {"hotline": …, "email": …, "inspectorate": …, "sources": {field: Unit}}."""
    result = {name: "" for name in CONTACT_FIELDS}
    result["sources"] = {}
    if unit is None:
        return result
    rows = {
        row.unit.path: row
        for row in UnitContacts.objects.filter(unit__path__in=ancestor_paths(unit)).select_related("unit")
    }
    for path in reversed(ancestor_paths(unit)):  # nearest first
        row = rows.get(path)
        if row is None:
            continue
        for name in CONTACT_FIELDS:
            if not result[name] and getattr(row, name):
                result[name] = getattr(row, name)
                result["sources"][name] = row.unit
    return result


def may_edit_contacts(user, unit: Unit) -> bool:
    return permissions.covers(user, unit, Role.ADMINISTRATOR, Role.UNIT_HEAD)


def get_contacts_unit_for(user, pk: int) -> Unit:
    """A unit whose contacts the user may set; 404 otherwise."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not may_edit_contacts(user, unit):
        raise Http404
    return unit
