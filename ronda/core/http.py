"""Request helpers that depend on the deployment, not on a domain."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind ``RONDA_PROXY_HOPS`` trusted proxies, read X-Forwarded-For.

    Only the right-most entries added by our own proxies are trusted; anything the client
    wrote to the left of them is ignored, so the address cannot be spoofed.
    """
    hops = settings.RONDA_PROXY_HOPS
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None
