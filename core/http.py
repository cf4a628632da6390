"""Facts about the request that several apps need, decided once."""

import ipaddress

from django.conf import settings


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, REMOTE_ADDR is the proxy's, so the
    address comes from the header the operator says the proxy sets
    (TRUSTED_CLIENT_IP_HEADER), or from X-Forwarded-For counting TRUSTED_PROXY_COUNT
    hops from the right. Neither is read unless configured: a client can forge both."""
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        return _clean(request.headers.get(header, "").split(",")[0])
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return _clean(forwarded[-hops])
        return None
    return _clean(request.META.get("REMOTE_ADDR"))
