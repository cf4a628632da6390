"""Directory sync: the roster follows an LDAP directory (Active Directory, OpenLDAP).

Entries matching LDAP_USER_FILTER under LDAP_BASE_DN are read with ldap3 (pure
Python: no C library to build, works against AD and OpenLDAP alike). Each entry maps
to a unit by LDAP_UNIT_ATTRIBUTE (its value is a Unit.code) or, when that setting is
empty, by the nearest ``ou=`` of its DN; and to a person by its e-mail address (the
portal's log-in identity), with name, position and staff kind from the configured
attributes. The sync then creates, updates, moves, reactivates and deactivates
people through services.person_create / person_update (which check nothing here,
as the directory is trusted, but audit every change) and invites the people it
created. It never deletes anyone.

People the sync manages: the active, non-superuser people with an address in the
LDAP_SYNC_UNITS subtrees (every unit when empty). People without an address (drivers,
guards who have no account) are never touched. An empty answer from the directory
is an error, not "everyone left"."""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.periodic import run_daily
from organization import services
from organization.models import Person, StaffKind, Unit

DIRECTORY_SYNC = "directory-sync"
PAGE_SIZE = 500


class DirectoryError(Exception):
    """The directory could not be read, or gave an answer the sync refuses to act on."""


@dataclass(frozen=True)
class Entry:
    dn: str
    email: str
    full_name: str
    position: str
    staff_kind: str  # the raw value; "" when the entry has none
    unit_code: str


@dataclass
class SyncReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    invited: int = 0

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            **{
                name: len(getattr(self, name)) for name in ("created", "updated", "moved", "reactivated", "deactivated")
            },
            "problems": len(self.problems),
            "invited": self.invited,
        }

    def lines(self) -> list[str]:
        labels = {
            "created": _("Tạo mới"), "moved": _("Chuyển đơn vị"), "updated": _("Cập nhật"),
            "reactivated": _("Kích hoạt lại"), "deactivated": _("Ngừng hoạt động"), "problems": _("Bỏ qua"),
        }  # fmt: skip
        return [f"{labels[name]}: {line}" for name in labels for line in getattr(self, name)]


def _first(attributes: dict, name: str) -> str:
    if not name:
        return ""
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return unicodedata.normalize("NFC", " ".join(str(value or "").split()))


def _ou_of(dn: str) -> str:
    from ldap3.utils.dn import parse_dn

    for attribute, value, _separator in parse_dn(dn, escape=False):
        if attribute.lower() == "ou":
            return value
    return ""


def entry_from(dn: str, attributes: dict) -> Entry:
    """One directory entry as the sync sees it, under the configured attribute names."""
    unit_code = _first(attributes, settings.LDAP_UNIT_ATTRIBUTE) if settings.LDAP_UNIT_ATTRIBUTE else _ou_of(dn)
    return Entry(
        dn=dn,
        email=_first(attributes, settings.LDAP_EMAIL_ATTRIBUTE).lower(),
        full_name=_first(attributes, settings.LDAP_NAME_ATTRIBUTE),
        position=_first(attributes, settings.LDAP_POSITION_ATTRIBUTE),
        staff_kind=_first(attributes, settings.LDAP_STAFF_KIND_ATTRIBUTE),
        unit_code=unit_code,
    )


def directory_entries() -> list[Entry]:
    """Every person entry of the directory, read in pages of PAGE_SIZE over one
    read-only connection. Raises DirectoryError when the directory cannot be read."""
    import ldap3
    from ldap3.core.exceptions import LDAPException

    if not settings.LDAP_URL:
        raise DirectoryError(_("Chưa cấu hình thư mục (LDAP_URL)."))
    attributes = [
        name
        for name in (
            settings.LDAP_EMAIL_ATTRIBUTE,
            settings.LDAP_NAME_ATTRIBUTE,
            settings.LDAP_POSITION_ATTRIBUTE,
            settings.LDAP_STAFF_KIND_ATTRIBUTE,
            settings.LDAP_UNIT_ATTRIBUTE,
        )  # fmt: skip
        if name
    ]
    server = ldap3.Server(settings.LDAP_URL, connect_timeout=settings.LDAP_TIMEOUT_S, get_info=ldap3.NONE)
    try:
        with ldap3.Connection(
            server, user=settings.LDAP_BIND_DN or None, password=settings.LDAP_BIND_PASSWORD or None,
            auto_bind=True, read_only=True, receive_timeout=settings.LDAP_TIMEOUT_S, raise_exceptions=True,
        ) as connection:  # fmt: skip
            results = connection.extend.standard.paged_search(
                search_base=settings.LDAP_BASE_DN, search_filter=settings.LDAP_USER_FILTER,
                search_scope=ldap3.SUBTREE, attributes=attributes, paged_size=PAGE_SIZE, generator=True,
            )  # fmt: skip
            return [
                entry_from(item["dn"], item.get("raw_attributes") or {})
                for item in results
                if item.get("type") == "searchResEntry"
            ]
    except LDAPException as exc:
        # The bind password never appears in ldap3's messages; the URL and DN may.
        raise DirectoryError(
            _("Không đọc được thư mục %(url)s: %(error)s") % {"url": settings.LDAP_URL, "error": type(exc).__name__}
        ) from exc


def _scope() -> tuple[dict[str, Unit], Q]:
    """The units the directory is the source for, by code, and the filter for their people."""
    units = Unit.objects.all()
    if settings.LDAP_SYNC_UNITS:
        roots = list(Unit.objects.filter(code__in=settings.LDAP_SYNC_UNITS).values_list("path", flat=True))
        if len(roots) != len(set(settings.LDAP_SYNC_UNITS)):
            raise DirectoryError(_("LDAP_SYNC_UNITS có mã đơn vị không tồn tại."))
        query = Q()
        for path in roots:
            query |= Q(path__startswith=path)
        units = units.filter(query)
    by_code = {unit.code: unit for unit in units}
    return by_code, Q(unit__in=list(by_code.values()))


def _kind(entry: Entry, report: SyncReport) -> str | None:
    if not entry.staff_kind:
        return None
    kind = services._KIND_ALIASES.get(entry.staff_kind.lower())
    if kind is None:
        report.problems.append(
            _("%(email)s: loại cán bộ “%(kind)s” không nhận ra, giữ nguyên.")
            % {"email": entry.email, "kind": entry.staff_kind}
        )
    return kind


def directory_sync(*, entries: list[Entry] | None = None, dry_run: bool = False) -> SyncReport:
    """Bring the roster in line with the directory (`entries`, read from it when not
    given). Guarantees: every person created or changed goes through person_create /
    person_update, so each change is audited; nobody is deleted; superusers, people
    outside the LDAP_SYNC_UNITS subtrees and people without an address are never
    changed; an entry with no address, no known unit or an address used twice is
    skipped and reported; with `dry_run` nothing is written and the report says what
    would be done. The whole sync is one transaction: all of it or nothing. The
    people created are invited after commit, in one outbox claim."""
    entries = directory_entries() if entries is None else entries
    if not entries:
        raise DirectoryError(
            _("Thư mục không trả về ai: kiểm tra LDAP_BASE_DN và LDAP_USER_FILTER. Không ai bị ngừng hoạt động.")
        )
    report = SyncReport(dry_run=dry_run)
    units, in_scope = _scope()
    seen: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda entry: (entry.email, entry.dn)):
        if not entry.email:
            report.problems.append(_("%(dn)s: không có e-mail.") % {"dn": entry.dn})
        elif entry.email in seen:
            report.problems.append(
                _("%(dn)s: e-mail %(email)s trùng với %(other)s.")
                % {"dn": entry.dn, "email": entry.email, "other": seen[entry.email].dn}
            )
        elif entry.unit_code not in units:
            report.problems.append(
                _("%(email)s: không có đơn vị mã “%(code)s” trong phạm vi đồng bộ.")
                % {"email": entry.email, "code": entry.unit_code}
            )
        else:
            seen[entry.email] = entry
    existing = {
        person.email.lower(): person for person in Person.objects.filter(email__in=list(seen)).select_related("unit")
    }
    managed = set(Person.objects.filter(in_scope, is_superuser=False).values_list("pk", flat=True))
    with transaction.atomic():
        created = []
        for email, entry in seen.items():
            person, kind, unit = existing.get(email), _kind(entry, report), units[entry.unit_code]
            if person is None:
                report.created.append(f"{email} ({entry.full_name}, {unit.code})")
                if not dry_run:
                    created.append(
                        services.person_create(
                            email=email,
                            full_name=entry.full_name or email,
                            unit=unit,
                            position=entry.position,
                            staff_kind=kind or StaffKind.CIVIL_SERVANT,
                            invite=False,
                        )  # fmt: skip
                    )
                continue
            if person.pk not in managed:
                report.problems.append(
                    _("%(email)s: tài khoản thuộc đơn vị ngoài phạm vi đồng bộ, không thay đổi.") % {"email": email}
                )
                continue
            values = {"full_name": entry.full_name or person.full_name, "position": entry.position, "unit": unit,
                      "is_active": True, **({"staff_kind": kind} if kind else {})}  # fmt: skip
            changes = {name: value for name, value in values.items() if getattr(person, name) != value}
            if not changes:
                continue
            if "unit" in changes:
                report.moved.append(f"{email}: {person.unit.code} → {unit.code}")
            elif "is_active" in changes:
                report.reactivated.append(email)
            else:
                report.updated.append(f"{email}: {', '.join(sorted(changes))}")
            if not dry_run:
                services.person_update(person=person, **changes)
        gone = (
            Person.objects.filter(in_scope, is_active=True, is_superuser=False)
            .exclude(Q(email__isnull=True) | Q(email=""))
            .exclude(email__in=list(seen))
            .select_related("unit")
            .order_by("email")
        )
        for person in gone:
            if person.email.lower() in seen:
                continue  # stored with capitals: the entry above is this person
            report.deactivated.append(f"{person.email} ({person.unit.code})")
            if not dry_run:
                services.person_update(person=person, is_active=False)
        if not dry_run:
            report.invited = len(services.invitations_send(people=created).queued)
    return report


def directory_sync_daily(*, now=None) -> dict | None:
    """The beat's entry, every 15 minutes: the day's sync once, at the first tick
    after LDAP_SYNC_HOUR; nothing when no directory is configured. A sync that fails
    (directory down) leaves no PeriodicRun row, so the next tick tries again."""
    if not settings.LDAP_URL:
        return None
    return run_daily(
        name=DIRECTORY_SYNC, hour=settings.LDAP_SYNC_HOUR, job=lambda day: directory_sync().as_dict(), now=now
    )
