from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from organization.models import Person, Unit
from social import selectors
from social.models import CONTACT_FIELDS, ContactsChange, UnitContacts
from social.services.common import clean_text


@transaction.atomic
def contacts_set(*, unit: Unit, by: Person, hotline: str = "", email: str = "", inspectorate: str = "") -> UnitContacts:
    """Set a unit's reporting contacts; a blank field inherits from the unit above.
    Heads and administrators over the unit; every change keeps before and after."""
    if not selectors.may_edit_contacts(by, unit):
        raise PermissionDenied
    values = {
        "hotline": clean_text(hotline),
        "email": clean_text(email).lower(),
        "inspectorate": clean_text(inspectorate),
    }
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise ValidationError(_("E-mail chưa đúng; hãy kiểm tra lại.")) from None
    row = UnitContacts.objects.select_for_update().filter(unit=unit).first()
    before = {name: getattr(row, name) for name in CONTACT_FIELDS} if row else {name: "" for name in CONTACT_FIELDS}
    if row is None:
        row = UnitContacts(unit=unit)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = by
    row.save()
    if before != values:
        ContactsChange.objects.create(unit=unit, actor=by, before=before, after=values)
    return row
