"""Who is calling the DHIS2-compatible API: HTTP Basic (a Ronda username and password, under the
same sign-in throttling as the web and the token exchange), ``Authorization: ApiToken <key>`` or
``Authorization: Bearer <key>`` (Ronda's API tokens). Sessions are not accepted: the routes are
CSRF-exempt, as DHIS2 clients need, so a browser's cookie must not act here.

A token's use is remembered as on the JSON API (``accounts.token_use``: its "last used", at most one
write per ten minutes), once the token and the membership it acts in are accepted.

Basic carries no second factor (``Actor.second_factor`` is False): the API serves aggregate figures,
not personal records. A token issued after a valid TOTP code carries it, as on the JSON API.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth import authenticate as django_authenticate
from django.http import HttpRequest

from ronda.accounts import selectors, throttle
from ronda.accounts.models import User
from ronda.accounts.otp import user_exempt
from ronda.accounts.token_use import touch_api_token
from ronda.core.http import client_ip
from ronda.core.tenancy import Actor, actor_for

MEMBERSHIP_HEADER = "HTTP_X_RONDA_MEMBERSHIP"


class Unauthorized(Exception):
    """Credentials were sent and are wrong (or the user is inactive)."""


class Throttled(Exception):
    def __init__(self, verdict: throttle.Verdict) -> None:
        super().__init__("throttled")
        self.verdict = verdict


def _actor(request: HttpRequest, user: User, memberships: list, *, second_factor: bool) -> Actor:
    wanted = request.META.get(MEMBERSHIP_HEADER)
    membership = selectors.pick_membership(memberships, wanted)
    if wanted and (membership is None or str(membership.pk) != wanted):
        raise Unauthorized
    break_glass = (
        selectors.open_break_glass_paths(user) if membership is not None and membership.role == "admin" else ()
    )
    return actor_for(user, membership, client_ip(request), second_factor=second_factor, break_glass_paths=break_glass)


def _basic(request: HttpRequest, encoded: str) -> Actor:
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Unauthorized from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise Unauthorized
    verdict = throttle.sign_in_verdict(request, username)
    if not verdict.allowed:
        raise Throttled(verdict)
    user = django_authenticate(request, username=username, password=password)
    if not isinstance(user, User) or not user.is_active:
        throttle.record_sign_in_failure(request, username)
        raise Unauthorized
    throttle.record_sign_in_success(request, username)
    return _actor(request, user, selectors.active_memberships(user), second_factor=user_exempt(user))


def _token(request: HttpRequest, raw: str) -> Actor:
    found = selectors.token_and_memberships(raw.strip())
    if found is None:
        raise Unauthorized
    token, memberships = found
    second_factor = bool(token.otp_verified) or user_exempt(token.user)
    actor = _actor(request, token.user, memberships, second_factor=second_factor)
    touch_api_token(token)
    return actor


def authenticate(request: HttpRequest) -> Actor | None:
    """The actor of the request; None when no credentials were sent (the public scope).

    Raises Unauthorized for wrong credentials and Throttled while the account or address is locked out.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.strip():
        return None
    scheme, _sep, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        return _basic(request, value)
    if scheme in ("apitoken", "bearer") and value.strip():
        return _token(request, value)
    raise Unauthorized
