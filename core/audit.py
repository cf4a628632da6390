"""The audit trail: one function to write it. The address comes from the request
being served (set by AuditContextMiddleware), so services need not carry it."""

import contextvars

from core.http import client_ip
from core.models import AuditAction, AuditEvent

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


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
        ip=client_ip(request) if request is not None else _current_ip.get(),
        data=data or {},
    )


class AuditContextMiddleware:
    """Remembers the client address of the request being served for audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)
