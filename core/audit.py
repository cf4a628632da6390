"""The audit trail: one function to write it. Callers pass what they know; the
request, when given, supplies the address."""

from core.http import client_ip
from core.models import AuditAction, AuditEvent


def audit_record(
    *,
    action: AuditAction | str,
    actor=None,
    target: str = "",
    unit_path: str = "",
    request=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one row. Never updates or deletes; an actor that is not logged in is
    stored as nobody."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        target=str(target)[:255],
        unit_path=unit_path or "",
        ip=client_ip(request) if request is not None else None,
        data=data or {},
    )
