import csv
import io
import unicodedata
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditAction, OutboxMessage
from core.outbox import new_message, outbox_claim
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


def _unit_path(person: Person) -> str:
    return person.unit.path if person.unit_id else ""


def _check_may_change(by: Person | None, person: Person) -> None:
    if by is not None and not permissions.may_change_person(by, person):
        raise PermissionDenied(_("Bạn không có quyền thay đổi thông tin người này."))


def _verified_address(person: Person) -> None:
    """The organisation's address is the person's only one, and counts as verified:
    it came from the organisation, and required MFA can be enrolled at once. A person
    without an address has none."""
    if not person.email:
        EmailAddress.objects.filter(user=person).delete()
        return
    EmailAddress.objects.filter(user=person).exclude(email__iexact=person.email).delete()
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"primary": True, "verified": True})


def person_create(
    *,
    email: str | None,
    full_name: str,
    unit: Unit,
    position: str = "",
    staff_kind: str = StaffKind.CIVIL_SERVANT,
    password: str | None = None,
    is_active: bool = True,
    by: Person | None = None,
    invite: bool = True,
) -> Person:
    """Add a person in `unit`. With `by`, only an administrator over that unit may;
    the row is audited. Their address is recorded as verified. Without a password,
    an active person with an address is sent an invitation (`invitations_send`)
    after commit, unless `invite` is False (bulk callers invite in one claim)."""
    if by is not None and not permissions.covers(by, unit, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))
    with transaction.atomic():
        person = Person.objects.create_user(
            email=email or None,
            password=password,
            full_name=full_name,
            unit=unit,
            position=position,
            staff_kind=staff_kind,
            is_active=is_active,
        )
        _verified_address(person)
        audit_record(
            action=AuditAction.PERSON_CREATED, actor=by, target=person.email or person.full_name, unit_path=unit.path
        )
        if invite and not password:
            invitations_send(people=[person])
    membership_changed.send(sender=Person, person=person)
    return person


@dataclass
class InvitationResult:
    queued: list[Person] = field(default_factory=list)
    # Already got in, inactive or without an address: "forgot password" is their way.
    not_needed: list[Person] = field(default_factory=list)
    # People `by` may not change (permissions.may_change_person).
    refused: list[Person] = field(default_factory=list)


def invitations_send(*, people, by: Person | None = None) -> InvitationResult:
    """Claim one invitation e-mail per person who needs one, all in one outbox claim
    (sent after commit, in batches of core.outbox.GROUPS_PER_TASK per task). Each
    call is one request: its key is `invitation:<person>:<n>`, n counting the
    person's invitations, so the same request claimed twice (a retried task, two
    workers) is sent once, and a resend is a new request. With `by`, people they may
    not change are refused, never invited: the link sets the account's password.
    The rows carry no token; the link is made when the e-mail is rendered. Each
    request is audited: the first as sent, the next ones as resent."""
    from organization.invitations import INVITATION, needs_invitation

    result = InvitationResult()
    for person in people:
        if by is not None and not permissions.may_change_person(by, person):
            result.refused.append(person)
        elif needs_invitation(person):
            result.queued.append(person)
        else:
            result.not_needed.append(person)
    if not result.queued:
        return result
    sent_before = dict(
        OutboxMessage.objects.filter(kind=INVITATION, recipient_id__in=[p.pk for p in result.queued])
        .values("recipient_id")
        .annotate(count=models.Count("pk"))
        .values_list("recipient_id", "count")
    )
    with transaction.atomic():
        outbox_claim(
            new_message(
                kind=INVITATION,
                key=f"invitation:{person.pk}:{sent_before.get(person.pk, 0) + 1}",
                recipient_id=person.pk,
                data={"by": by.pk if by else None},
            )  # fmt: skip
            for person in result.queued
        )
        for person in result.queued:
            number = sent_before.get(person.pk, 0) + 1
            audit_record(
                action=AuditAction.INVITATION_SENT if number == 1 else AuditAction.INVITATION_RESENT,
                actor=by,
                target=person.email,
                unit_path=person.unit.path if person.unit_id else "",
                data={"invitation": number},
            )
    return result


_AUDITED_FIELDS = ("email", "full_name", "position", "staff_kind", "unit", "is_active")


def person_update(*, person: Person, by: Person | None = None, **values) -> Person:
    """Change a person's details. With `by`, only someone who covers the person and
    every grant they hold may (organization.permissions.may_change_person), and the
    new unit must be theirs too. Every change is audited with before and after; a
    move or (de)activation is announced so open assignments follow."""
    _check_may_change(by, person)
    if by is not None and "unit" in values and not permissions.covers(by, values["unit"], Role.ADMINISTRATOR):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))
    if "email" in values:
        values["email"] = Person.objects.normalize_email(values["email"]).lower() if values["email"] else None
    before = {name: getattr(person, name) for name in _AUDITED_FIELDS}
    for name, value in values.items():
        setattr(person, name, value)
    changes = {
        name: [str(before[name]), str(getattr(person, name))]
        for name in _AUDITED_FIELDS
        if before[name] != getattr(person, name)
    }
    with transaction.atomic():
        person.save()
        if "email" in changes:
            _verified_address(person)
        if changes:
            deactivated = changes.get("is_active") == ["True", "False"]
            audit_record(
                action=AuditAction.PERSON_DEACTIVATED if deactivated else AuditAction.PERSON_CHANGED,
                actor=by, target=person.email, unit_path=_unit_path(person), data={"changes": changes},
            )  # fmt: skip
    if "unit" in changes or "is_active" in changes:
        membership_changed.send(sender=Person, person=person)
    return person


def role_grant(*, person: Person, role: Role | str, unit: Unit, by: Person | None = None) -> RoleGrant:
    """Give `person` the role over `unit` and its subtree; granting twice is a no-op.
    With `by`, the unit must be under their administrator grants and the person
    someone they may change (never a person outside their scope). Audited."""
    if by is not None and not permissions.may_grant(by, person, unit):
        raise PermissionDenied(_("Bạn không thể cấp vai trò này: người hoặc đơn vị nằm ngoài phạm vi quản lý của bạn."))
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(person=person, role=role, unit=unit)
        if created:
            audit_record(
                action=AuditAction.ROLE_GRANTED, actor=by, target=person.email, unit_path=unit.path,
                data={"role": str(role), "unit": unit.code},
            )  # fmt: skip
    permissions.forget(person)
    return grant


def role_revoke(*, person: Person, role: Role | str, unit: Unit, by: Person | None = None) -> None:
    """Take the role back, with the same checks as granting it. Audited."""
    if by is not None and not permissions.may_grant(by, person, unit):
        raise PermissionDenied(
            _("Bạn không thể thu hồi vai trò này: người hoặc đơn vị nằm ngoài phạm vi quản lý của bạn.")
        )
    with transaction.atomic():
        deleted, _count = RoleGrant.objects.filter(person=person, role=role, unit=unit).delete()
        if deleted:
            audit_record(
                action=AuditAction.ROLE_REVOKED, actor=by, target=person.email, unit_path=unit.path,
                data={"role": str(role), "unit": unit.code},
            )  # fmt: skip
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
    # Rows that would turn an existing account into another person: also in errors.
    conflicts: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("Tệp CSV phải được lưu với mã hóa UTF-8.")) from None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _row_key(row: dict) -> str:
    """What identifies a row's person in the file: the address, or for a person
    without one (a driver, a guard) the name, position and unit together."""
    if row["email"]:
        return row["email"].lower()
    return "\x00".join(("", _fold(row["full_name"]), _fold(row["position"]), row["unit_code"]))


def _check_row(row: dict, line: int, units: dict[str, Unit], seen: dict[str, int]) -> list[RowError]:
    errors = []
    email = row["email"].lower()
    key = _row_key(row)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, _("e-mail “%(email)s” không hợp lệ.") % {"email": row["email"]}))
    if key in seen and email:
        errors.append(
            RowError(line, _("e-mail %(email)s trùng với dòng %(other)d.") % {"email": email, "other": seen[key]})
        )
    elif key in seen:
        errors.append(
            RowError(
                line,
                _("người không có e-mail trùng họ tên, chức vụ và đơn vị với dòng %(other)d.") % {"other": seen[key]},
            )
        )
    seen.setdefault(key, line)
    if not row["full_name"]:
        errors.append(RowError(line, _("thiếu họ và tên.")))
    for column, label in (("email", _("e-mail")), ("full_name", _("họ và tên")), ("position", _("chức vụ"))):
        limit = Person._meta.get_field(column).max_length
        if len(row[column]) > limit:
            errors.append(
                RowError(
                    line,
                    _("%(label)s dài %(length)d ký tự, tối đa %(limit)d.")
                    % {"label": label, "length": len(row[column]), "limit": limit},
                )
            )
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


def _same_name(a: str, b: str) -> bool:
    return _fold(a) == _fold(b)


def staff_import_csv(*, content: bytes, by: Person | None = None, confirm: bool = False) -> StaffImportResult:
    """Create or update people from CSV bytes. Guarantees: either every row is saved
    or none is, and the result lists every bad row with its line number. With `by`,
    only units and people that administrator may change can be touched. A row whose
    e-mail belongs to an account with another name or unit is never silently merged
    into it: it is listed for the administrator to confirm (`confirm=True`), since the
    address may have been taken over rather than the person moved. The people it
    creates are invited in one outbox claim after the commit."""
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
        for p in Person.objects.filter(email__in=[row["email"].lower() for row in rows if row["email"]]).select_related(
            "unit"
        )
    }
    # People without an address are never merged silently either: a row without one
    # creates a person, unless someone with the same name, position and unit (and no
    # address) exists, which is listed for confirmation like an address conflict.
    nameless = [row for row in rows if not row["email"]]
    if nameless:
        candidates: dict[str, list[Person]] = {}
        for person in Person.objects.filter(
            email__isnull=True, unit__in=[units[row["unit_code"]] for row in nameless]
        ).select_related("unit"):
            key = "\x00".join(("", _fold(person.full_name), _fold(person.position), person.unit.code))
            candidates.setdefault(key, []).append(person)
        for row in nameless:
            found = candidates.get(_row_key(row), [])
            if len(found) > 1:
                result.errors.append(
                    RowError(
                        seen[_row_key(row)],
                        _(
                            "có %(count)d người không có e-mail cùng họ tên, chức vụ và đơn vị; hãy sửa trong trang quản trị."
                        )
                        % {"count": len(found)},
                    )
                )
            elif found:
                existing[_row_key(row)] = found[0]
    if by is not None:
        for key, person in existing.items():
            if not permissions.may_change_person(by, person):
                result.errors.append(
                    RowError(
                        seen[key],
                        _("%(email)s thuộc đơn vị ngoài phạm vi quản lý của bạn.") % {"email": person.email or person},
                    )
                )
    out_of_scope = {error.line for error in result.errors}
    if not confirm:
        for row in nameless:
            person = existing.get(_row_key(row))
            if person and seen[_row_key(row)] not in out_of_scope:
                result.conflicts.append(
                    RowError(
                        seen[_row_key(row)],
                        _(
                            "đã có %(name)s (%(position)s, %(unit)s) không có e-mail. "
                            "Hãy kiểm tra rồi xác nhận nếu đúng là cùng một người."
                        )
                        % {"name": person.full_name, "position": person.position, "unit": person.unit},
                    )
                )
        for row in rows:
            if not row["email"]:
                continue
            person = existing.get(row["email"].lower())
            if (
                person
                and seen[row["email"].lower()] not in out_of_scope
                and (not _same_name(person.full_name, row["full_name"]) or person.unit != units[row["unit_code"]])
            ):
                result.conflicts.append(
                    RowError(
                        seen[row["email"].lower()],
                        _(
                            "%(email)s đang là tài khoản của %(name)s (%(unit)s); tệp ghi %(new_name)s (%(new_unit)s). "
                            "Hãy kiểm tra rồi xác nhận nếu đúng là cùng một người."
                        )
                        % {
                            "email": person.email, "name": person.full_name, "unit": person.unit,
                            "new_name": row["full_name"], "new_unit": units[row["unit_code"]],
                        },
                    )
                )  # fmt: skip
    if result.conflicts:
        result.errors.extend(result.conflicts)
    if result.errors:
        result.errors.sort(key=lambda error: error.line)
        return result

    with transaction.atomic():
        created = []
        for row in rows:
            values = {
                "full_name": row["full_name"],
                "position": row["position"],
                "staff_kind": _KIND_ALIASES[row["staff_kind"].lower()],
                "unit": units[row["unit_code"]],
                "is_active": _ACTIVE[row.get("active", "").lower()],
            }
            person = existing.get(_row_key(row))
            if person is None:
                created.append(person_create(email=row["email"] or None, by=by, invite=False, **values))
                result.created += 1
            else:
                person_update(person=person, by=by, **values)
                result.updated += 1
        audit_record(
            action=AuditAction.STAFF_IMPORTED, actor=by, unit_path=_common_path([units[row["unit_code"]] for row in rows]),
            data={"created": result.created, "updated": result.updated, "confirmed": confirm},
        )  # fmt: skip
        invitations_send(people=created)
    return result


def _common_path(units: list[Unit]) -> str:
    paths = [unit.path for unit in units]
    if not paths:
        return ""
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[: len(prefix) - Unit.steplen]
    return prefix
