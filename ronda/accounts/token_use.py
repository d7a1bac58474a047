"""What every entry point that accepts Ronda's API tokens does once the token is valid: remember
when it was last used (the JSON API, ``accounts.api_auth``, and the DHIS2-compatible API,
``tablero.dhis2.auth``).

Not a service: it is bookkeeping of the authentication itself, not an audited change (like the
sign-in counts of ``accounts.throttle``), and it must be reachable from the layers above accounts,
which may not import ``accounts.services`` (``.importlinter``, contract "base").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ronda.accounts.models import ApiToken

# "Last used" is shown to the nearest ten minutes: at most one write per token in that time,
# however many requests it carries.
RESOLUTION = dt.timedelta(minutes=10)


def touch_api_token(token: ApiToken) -> None:
    """Remember when a token was last used, to the nearest ten minutes (no write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
