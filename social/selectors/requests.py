"""Who decides, and who sees, a request for permission to post."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from organization import permissions
from organization.models import Person, Role, RoleGrant, Unit
from organization.selectors import ancestor_paths, holders_over
from social.models import OPEN_REQUEST_STATES, PostingDelegate, PostRequest, RequestState


def delegates_over(unit: Unit) -> QuerySet[Person]:
    """Active people named by a head to decide for `unit` (a delegation on it or above)."""
    return Person.objects.filter(
        is_active=True,
        posting_delegations__revoked_at__isnull=True,
        posting_delegations__unit__path__in=ancestor_paths(unit),
    ).distinct()


def deciders_over(unit: Unit, *, author_id: int | None = None) -> QuerySet[Person]:
    """The heads over `unit` and their delegates, never the author of the request."""
    ids = set(holders_over(unit, Role.UNIT_HEAD).values_list("pk", flat=True))
    ids |= set(delegates_over(unit).values_list("pk", flat=True))
    ids.discard(author_id)
    return Person.objects.filter(pk__in=ids).order_by("email")


def deciders_of(request: PostRequest) -> QuerySet[Person]:
    return deciders_over(request.decider_unit, author_id=request.author_id)


def _has_own_decider(unit: Unit, author_id: int | None) -> bool:
    """Someone other than the author heads this very unit or is delegated for it."""
    heads = RoleGrant.objects.filter(unit=unit, role=Role.UNIT_HEAD, person__is_active=True)
    named = PostingDelegate.objects.filter(unit=unit, revoked_at__isnull=True, person__is_active=True)
    return heads.exclude(person_id=author_id).exists() or named.exclude(person_id=author_id).exists()


def decider_unit_for(author: Person, *, start: Unit | None = None) -> Unit:
    """The first unit from `start` (the author's unit) upwards that someone other
    than the author heads, or decides for as a delegate: a team without a head goes
    to its department, a head's own request to the unit above. The starting unit
    when there is nobody (then only a superuser can decide; the request waits)."""
    first = start or author.unit
    unit = first
    while unit is not None:
        if _has_own_decider(unit, author.pk):
            return unit
        unit = next_unit_up(unit)
    return first


def next_unit_up(unit: Unit) -> Unit | None:
    return Unit.objects.filter(path=unit.path[: -unit.steplen]).first() if unit.depth > 1 else None


def escalation_target(request: PostRequest) -> Unit | None:
    """Where an unanswered request goes: the next unit above with its own decider."""
    unit = next_unit_up(request.decider_unit)
    while unit is not None:
        if _has_own_decider(unit, request.author_id):
            return unit
        unit = next_unit_up(unit)
    return None


def is_delegate_over(user, unit: Unit) -> bool:
    if not user.is_authenticated:
        return False
    return PostingDelegate.objects.filter(
        person=user, revoked_at__isnull=True, unit__path__in=ancestor_paths(unit)
    ).exists()


def may_decide(user, request: PostRequest) -> bool:
    if not user.is_authenticated or user.pk == request.author_id:
        return False
    return permissions.covers(user, request.decider_unit, Role.UNIT_HEAD) or is_delegate_over(
        user, request.decider_unit
    )


def _delegate_q(user, path_field: str) -> Q:
    paths = list(
        PostingDelegate.objects.filter(person=user, revoked_at__isnull=True).values_list("unit__path", flat=True)
    )
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{path_field}__startswith": path})
    return query


def requests_visible_to(user) -> QuerySet[PostRequest]:
    """The user's own requests; those they decide (heads and delegates over the
    deciding unit); those of their staff (heads over the author's unit); read-only,
    those under their inspector grants."""
    if not user.is_authenticated:
        return PostRequest.objects.none()
    if permissions.is_superuser(user):  # scope_q gives Q() for them, which an OR would drop
        return PostRequest.objects.select_related("author", "unit", "decider_unit")
    scope = (
        Q(author=user)
        | permissions.scope_q(user, Role.UNIT_HEAD, path_field="decider_unit__path")
        | permissions.scope_q(user, Role.UNIT_HEAD, Role.INSPECTOR, path_field="unit__path")
        | _delegate_q(user, "decider_unit__path")
    )
    return PostRequest.objects.filter(scope).select_related("author", "unit", "decider_unit")


def get_request_for(user, pk: int) -> PostRequest:
    """The request if the user may see it; 404 otherwise."""
    request = requests_visible_to(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def awaiting_decision_by(user) -> QuerySet[PostRequest]:
    """Pending requests the user may decide now, oldest first."""
    if not user.is_authenticated:
        return PostRequest.objects.none()
    scope = permissions.scope_q(user, Role.UNIT_HEAD, path_field="decider_unit__path") | _delegate_q(
        user, "decider_unit__path"
    )
    if permissions.is_superuser(user):
        scope = Q()
    return (
        PostRequest.objects.filter(scope, state=RequestState.PENDING)
        .exclude(author=user)
        .select_related("author", "unit", "decider_unit")
        .order_by("waiting_since")
    )


def with_age(requests, *, now: datetime.datetime | None = None) -> list[PostRequest]:
    """The requests with `age_days`, whole days since they reached their deciders."""
    now = now or timezone.now()
    items = list(requests)
    for item in items:
        item.age_days = (now - item.waiting_since).days
    return items


def open_requests_of(user) -> QuerySet[PostRequest]:
    return PostRequest.objects.filter(author=user, state__in=OPEN_REQUEST_STATES)


def approval_by_reference(*, user, reference: str) -> PostRequest | None:
    """The approved request with this reference, if the user may see it. For a case
    about a post (the violations app, later) to show the approval it was given."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return requests_visible_to(user).filter(reference=reference, state=RequestState.APPROVED).first()


def history_of(request: PostRequest):
    return request.events.select_related("actor", "unit").order_by("id")
