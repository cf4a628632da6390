"""The one place that decides what a person may see or change.

Every role is held over a unit and covers that unit's whole subtree, so a check is
"does one of the person's grant paths prefix the object's unit path". Views,
selectors, exports and the admin all ask here.
"""

from collections.abc import Iterable

from django.db.models import Q

from organization.models import Person, Role, RoleGrant, Unit

ALL_ROLES = tuple(Role)


def _grant_paths(user) -> dict[str, list[str]]:
    """The user's grant paths by role, loaded once per user object (one query)."""
    cached = getattr(user, "_grant_paths", None)
    if cached is None:
        cached = {}
        if user.is_authenticated and user.is_active:
            for role, path in RoleGrant.objects.filter(person=user).values_list("role", "unit__path"):
                cached.setdefault(role, []).append(path)
        user._grant_paths = cached
    return cached


def _paths(user, roles: Iterable[str]) -> list[str]:
    paths = sorted({path for role in roles for path in _grant_paths(user).get(role, [])})
    # Drop a path that a shorter one already covers, so the SQL stays small.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return kept


def forget(user) -> None:
    """Drop cached grants after they change (tests, services granting roles)."""
    user.__dict__.pop("_grant_paths", None)


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def has_role(user, *roles: str) -> bool:
    if is_superuser(user):
        return True
    grants = _grant_paths(user)
    return any(grants.get(role) for role in (roles or ALL_ROLES))


def roles_of(user) -> set[str]:
    if is_superuser(user):
        return set(Role.values)
    return set(_grant_paths(user))


def covers(user, unit: Unit | None, *roles: str) -> bool:
    """Does the user hold one of `roles` (any role if none given) over `unit`?"""
    if is_superuser(user):
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(prefix) for prefix in _paths(user, roles or ALL_ROLES))


def scope_q(user, *roles: str, path_field: str = "path") -> Q:
    """A filter for objects whose unit lies under one of the user's grants."""
    if is_superuser(user):
        # Everything, as a condition that survives an OR: Django drops an empty Q()
        # from `a | b`, so Q() | Q(reporter=user) would mean only the user's own.
        return ~Q(pk__in=[])
    paths = _paths(user, roles or ALL_ROLES)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{path_field}__startswith": path})
    return query


def may_view_unit(user, unit: Unit) -> bool:
    return covers(user, unit)


def may_manage_unit(user, unit: Unit) -> bool:
    return covers(user, unit, Role.ADMINISTRATOR)


def may_view_person(user, person: Person) -> bool:
    return (user.is_authenticated and user.pk == person.pk) or covers(user, person.unit)


def may_change_person(user, person: Person) -> bool:
    """An administrator may change a person only if they cover that person's unit and
    every unit over which the person holds a role: otherwise a subtree administrator
    could change the e-mail of someone with a grant above them, reset the password,
    and hold that grant. Only a superuser changes a superuser."""
    if is_superuser(user):
        return True
    if person.is_superuser or not covers(user, person.unit, Role.ADMINISTRATOR):
        return False
    paths = _paths(user, [Role.ADMINISTRATOR])
    granted = RoleGrant.objects.filter(person=person).values_list("unit__path", flat=True)
    return all(any(path.startswith(prefix) for prefix in paths) for path in granted)


def may_grant(user, person: Person, unit: Unit) -> bool:
    """Granting or revoking a role over `unit` to `person` needs both: the unit in the
    administrator's scope, and the person changeable by them."""
    return covers(user, unit, Role.ADMINISTRATOR) and may_change_person(user, person)
