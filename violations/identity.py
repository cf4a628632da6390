"""Sealing and opening a reporter's identity.

The identity (name, address, e-mail, phone) is encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, `cryptography`) under REPORTER_IDENTITY_KEYS, which is
not in the database: "id:base64key,…", the first seals, all open; the default "s0"
is derived from SECRET_KEY so `make run` needs nothing (production sets its own,
as for ACK_CHAIN_KEYS). Only designated handlers of the case's unit (an
IdentityHandler row over it) may open it, and each opening is an audit row
(REPORTER_VIEWED). The identity appears in no e-mail, export, history line, search
or admin page: those never call `identity_open`.

A confidential staff reporter is not a column either: the case keeps their sealed
identity and `reporter_tag`, an HMAC-SHA256 of their account id under a key derived
from the same keys (so, like them, not in the database). A tag lets the reporter's
own queries find their cases with an index lookup, which a randomised Fernet token
cannot; it is keyed because account ids are small integers anyone with the database
could hash one by one. Every configured key is tried, so rotating keeps old tags
findable."""

import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied

from core.audit import audit_record
from core.models import AuditAction
from violations.models import IdentityHandler, Report, SealedIdentity


def _fernet(key_id: str) -> Fernet:
    return Fernet(settings.REPORTER_IDENTITY_KEYS[key_id])


def _tag(key: bytes, person_id: int) -> str:
    tag_key = hmac.new(key, b"violations.reporter-tag", hashlib.sha256).digest()
    return hmac.new(tag_key, f"person:{person_id}".encode(), hashlib.sha256).hexdigest()


def reporter_tag(person) -> str:
    """The tag a new confidential report stores for its reporter (first key)."""
    return _tag(next(iter(settings.REPORTER_IDENTITY_KEYS.values())), person.pk)


def reporter_tags(person) -> list[str]:
    """The person's tag under every configured key (old ones too, for rotation)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    return [_tag(key, person.pk) for key in settings.REPORTER_IDENTITY_KEYS.values()]


def is_sealed_reporter(person, report: Report) -> bool:
    return bool(report.reporter_tag) and report.reporter_tag in reporter_tags(person)


def person_identity(person) -> dict:
    """What a handler is shown of a confidential staff reporter."""
    unit = person.unit.name if person.unit_id else ""
    return {"name": person.full_name, "email": person.email, "position": person.position, "unit": unit,
            "person": person.pk}  # fmt: skip


def seal(*, report: Report, identity: dict) -> SealedIdentity:
    """Store the identity of the case's reporter, encrypted under the first key."""
    key_id = next(iter(settings.REPORTER_IDENTITY_KEYS))
    token = _fernet(key_id).encrypt(json.dumps(identity, ensure_ascii=False).encode()).decode()
    return SealedIdentity.objects.create(report=report, key_id=key_id, token=token)


def is_handler(user, report: Report) -> bool:
    """Designated for the case's unit or a unit above it, and not the person reported."""
    from violations.selectors import is_handler as designated

    return designated(user, report)


def identity_open(*, report: Report, by, request=None) -> dict | None:
    """The reporter's identity for a designated handler, recorded in the audit trail;
    PermissionDenied for anyone else. None when the case has no sealed identity."""
    if not is_handler(by, report):
        raise PermissionDenied
    sealed = SealedIdentity.objects.filter(report=report).first()
    if sealed is None:
        return None
    try:
        identity = json.loads(_fernet(sealed.key_id).decrypt(sealed.token.encode()))
    except (KeyError, InvalidToken):
        raise PermissionDenied("the identity key is not configured") from None
    audit_record(
        action=AuditAction.REPORTER_VIEWED, actor=by, target=f"violations.report:{report.pk}",
        unit_path=report.unit.path, request=request, data={"role": "handler"},
    )  # fmt: skip
    return identity


def is_handler_of_unit(user, unit) -> bool:
    if not user.is_authenticated:
        return False
    paths = IdentityHandler.objects.filter(person=user).values_list("unit__path", flat=True)
    return any(unit.path.startswith(path) for path in paths)
