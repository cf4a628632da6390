"""Read settings from the environment, failing loudly on values that make no sense.

A typo such as DEBUG=ture must stop the process at start-up, not silently pick a
default, so every helper raises ImproperlyConfigured on a value it cannot read.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    value = env_str(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


def env_choices(name: str, default: str, choices: set[str]) -> list[str]:
    """A comma-separated list whose every item must be one of `choices`: a typo such
    as MFA_REQUIRED_ROLES=admin must stop the start-up, not silently match nobody."""
    values = env_list(name, default)
    unknown = [value for value in values if value not in choices]
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown {unknown}; allowed: {sorted(choices)}")
    return values


def parse_keys(
    raw: str | None,
    *,
    name: str,
    secret_key: str,
    derive: bytes,
    min_bytes: int = 32,
    exact: bool = False,
    reserved: tuple[str, ...] = (),
) -> dict[str, bytes]:
    """Keys kept out of the database, as "id:base64secret,id:base64secret" (the first
    signs or seals, all verify or open: rotation). The plain id "s0" — the default — is
    a key derived from SECRET_KEY with `derive`, so `make run` needs nothing; production
    sets its own. A malformed value stops the start-up."""
    keys: dict[str, bytes] = {}
    for item in [part.strip() for part in (raw or "s0").split(",")]:
        key_id, _sep, secret = item.partition(":")
        key_id = key_id.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id) or key_id in reserved:
            taken = f"; {', '.join(repr(r) for r in reserved)} reserved" if reserved else ""
            raise ImproperlyConfigured(f"{name}: {key_id!r} is not a key id (1-16 letters, digits, - or _{taken})")
        if key_id in keys:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice")
        if key_id == "s0":
            if secret:
                raise ImproperlyConfigured(f"{name}: 's0' is derived from SECRET_KEY and takes no secret")
            keys[key_id] = hmac.new(secret_key.encode(), derive, hashlib.sha256).digest()
            continue
        try:
            decoded = base64.b64decode(secret.strip().replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name}: the secret of {key_id!r} is not base64") from None
        if len(decoded) < min_bytes or (exact and len(decoded) != min_bytes):
            size = f"{min_bytes} bytes" if exact else f"at least {min_bytes} bytes"
            raise ImproperlyConfigured(f"{name}: the secret of {key_id!r} must be {size}")
        keys[key_id] = decoded
    return keys
