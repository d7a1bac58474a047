"""Request helpers that depend on the deployment, not on a domain."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_ip(value: str | None) -> str | None:
    """``value`` as a canonical IP address, or None when it is not one (never stored as typed)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, always a valid IP or None.

    ``X-Forwarded-For`` is read only when ``RONDA_PROXY_HOPS`` says how many trusted reverse proxies
    stand in front of Ronda (0, the default, trusts no header). Then only the entry our own
    right-most proxy added is taken; anything the client wrote to the left of it is ignored, and an
    entry that is not an IP address falls back to the connecting address.
    """
    hops = settings.RONDA_PROXY_HOPS
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = valid_ip(forwarded[-hops])
            if address is not None:
                return address
    return valid_ip(request.META.get("REMOTE_ADDR"))
