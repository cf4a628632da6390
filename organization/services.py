import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from organization import permissions, selectors
from organization.models import Person, Role, RoleGrant, StaffKind, Unit
from organization.signals import membership_changed


def unit_create(*, name: str, code: str, parent: Unit | None = None) -> Unit:
    """Add a unit under `parent` (or as a root); the tree path is kept by treebeard."""
    if parent is None:
        return Unit.objects.add_root({"name": name, "code": code})
    parent.refresh_from_db(fields=["path", "depth", "numchild"])
    return Unit.objects.add_child(parent, {"name": name, "code": code})


def unit_move(*, unit: Unit, parent: Unit) -> None:
    """Move `unit` with its whole subtree under `parent`; the paths below follow."""
    Unit.objects.move(unit, parent, pos="sorted-child")


def person_create(
    *,
    email: str,
    full_name: str,
    unit: Unit,
    position: str = "",
    staff_kind: str = StaffKind.CIVIL_SERVANT,
    password: str | None = None,
    is_active: bool = True,
) -> Person:
    person = Person.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        unit=unit,
        position=position,
        staff_kind=staff_kind,
        is_active=is_active,
    )
    membership_changed.send(sender=Person, person=person)
    return person


def person_update(*, person: Person, **values) -> Person:
    """Change a person's details; a move or (de)activation is announced so open
    assignments follow."""
    moved = any(name in values and values[name] != getattr(person, name) for name in ("unit", "is_active"))
    for name, value in values.items():
        setattr(person, name, value)
    person.save()
    if moved:
        membership_changed.send(sender=Person, person=person)
    return person


def role_grant(*, person: Person, role: Role | str, unit: Unit) -> RoleGrant:
    """Give `person` the role over `unit` and its subtree; granting twice is a no-op."""
    grant, _ = RoleGrant.objects.get_or_create(person=person, role=role, unit=unit)
    permissions.forget(person)
    return grant


@transaction.atomic
def role_revoke(*, person: Person, role: Role | str, unit: Unit) -> None:
    RoleGrant.objects.filter(person=person, role=role, unit=unit).delete()
    permissions.forget(person)


# Import staff from a CSV file: all rows or none.
#
# Columns: email, full_name, position, staff_kind, unit_code[, active]. A row whose
# e-mail already exists updates that person. Every bad row is reported with its line
# number, and nothing is written unless the whole file is good.

REQUIRED_COLUMNS = ("email", "full_name", "position", "staff_kind", "unit_code")
# The codes and the Vietnamese words, with and without accents, as people type them.
_KIND_ALIASES = {
    **{kind.value: kind.value for kind in StaffKind},
    "cán bộ": StaffKind.CADRE,
    "can bo": StaffKind.CADRE,
    "công chức": StaffKind.CIVIL_SERVANT,
    "cong chuc": StaffKind.CIVIL_SERVANT,
    "viên chức": StaffKind.PUBLIC_EMPLOYEE,
    "vien chuc": StaffKind.PUBLIC_EMPLOYEE,
    "người lao động": StaffKind.WORKER,
    "nguoi lao dong": StaffKind.WORKER,
}
_ACTIVE = {
    "": True,
    "1": True,
    "true": True,
    "có": True,
    "co": True,
    "0": False,
    "false": False,
    "không": False,
    "khong": False,
}


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class StaffImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("Tệp CSV phải được lưu với mã hóa UTF-8.")) from None


def _check_row(row: dict, line: int, units: dict[str, Unit], seen: dict[str, int]) -> list[RowError]:
    errors = []
    email = row["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(RowError(line, _("e-mail “%(email)s” không hợp lệ.") % {"email": row["email"]}))
    if email in seen:
        errors.append(
            RowError(line, _("e-mail %(email)s trùng với dòng %(other)d.") % {"email": email, "other": seen[email]})
        )
    seen.setdefault(email, line)
    if not row["full_name"]:
        errors.append(RowError(line, _("thiếu họ và tên.")))
    if row["staff_kind"].lower() not in _KIND_ALIASES:
        errors.append(
            RowError(
                line,
                _("loại cán bộ “%(kind)s” không hợp lệ (cán bộ, công chức, viên chức, người lao động).")
                % {"kind": row["staff_kind"]},
            )
        )
    if row["unit_code"] not in units:
        errors.append(
            RowError(line, _("không có đơn vị mã “%(code)s” trong phạm vi quản lý.") % {"code": row["unit_code"]})
        )
    if row.get("active", "").lower() not in _ACTIVE:
        errors.append(RowError(line, _("cột active phải là 1 hoặc 0.")))
    return errors


def staff_import_csv(*, content: bytes, by: Person | None = None) -> StaffImportResult:
    """Create or update people from CSV bytes. Guarantees: either every row is saved
    or none is, and the result lists every bad row with its line number. With `by`,
    only units and people under that administrator's grants can be touched."""
    result = StaffImportResult()
    try:
        reader = csv.DictReader(io.StringIO(_decode(content)))
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except (ValueError, csv.Error) as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        result.errors.append(RowError(1, _("thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}))
        return result
    reader.fieldnames = header

    unit_scope = selectors.units_visible_to(by, Role.ADMINISTRATOR) if by else Unit.objects.all()
    units = {unit.code: unit for unit in unit_scope}
    seen: dict[str, int] = {}
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            clean = {key: (value or "").strip() for key, value in row.items() if key}
            if not any(clean.values()):
                continue
            errors = _check_row(clean, line, units, seen)
            result.errors.extend(errors)
            if not errors:
                rows.append(clean)
    except csv.Error as exc:
        result.errors.append(RowError(reader.line_num, _("không đọc được dòng CSV (%(error)s).") % {"error": exc}))
    existing = {
        p.email.lower(): p
        for p in Person.objects.filter(email__in=[row["email"].lower() for row in rows]).select_related("unit")
    }
    if by is not None:
        for email, person in existing.items():
            if not permissions.covers(by, person.unit, Role.ADMINISTRATOR):
                result.errors.append(
                    RowError(seen[email], _("%(email)s thuộc đơn vị ngoài phạm vi quản lý của bạn.") % {"email": email})
                )
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result

    with transaction.atomic():
        for row in rows:
            values = {
                "full_name": row["full_name"],
                "position": row["position"],
                "staff_kind": _KIND_ALIASES[row["staff_kind"].lower()],
                "unit": units[row["unit_code"]],
                "is_active": _ACTIVE[row.get("active", "").lower()],
            }
            person = existing.get(row["email"].lower())
            if person is None:
                person_create(email=row["email"], **values)
                result.created += 1
            else:
                person_update(person=person, **values)
                result.updated += 1
    return result
