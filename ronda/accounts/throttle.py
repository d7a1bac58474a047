"""Sign-in and password-reset throttling, on three keys at once.

* **account + address**: ``RONDA_SIGNIN_PAIR_LIMIT`` failures within the window pause that account
  from that address until the oldest of them leaves the window;
* **account, from any address**: from ``RONDA_SIGNIN_ACCOUNT_LIMIT`` failures in an hour the account
  is paused with exponential back-off (one minute, then doubling with each further failure, at most
  ``RONDA_SIGNIN_MAX_LOCK_MINUTES``), so rotating addresses does not help an attacker;
* **address, across accounts**: ``RONDA_SIGNIN_ADDRESS_LIMIT`` failures within the window pause the
  address (password spraying).

So that an attacker cannot lock a person out for long, the per-account and per-address pauses do
not apply to a browser that already signed in to that account successfully (a signed *device
cookie*, as OWASP recommends): the real user at their usual computer still gets in, limited only
by the account + address rule. A pause is short (minutes) and answered with 429 and ``Retry-After``.

Password-reset requests are limited per address and per e-mail within an hour.
Counts live in the database (``ThrottleEvent``), so every web and API worker shares them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ronda.accounts.models import ThrottleEvent
from ronda.core.http import client_ip

DEVICE_COOKIE = "ronda_device"
DEVICE_SALT = "ronda.accounts.throttle.device"
DEVICE_MAX_ACCOUNTS = 5
ACCOUNT_WINDOW = dt.timedelta(hours=1)
RESET_WINDOW = dt.timedelta(hours=1)
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


ALLOWED = Verdict(True)


def account_key(identifier: str) -> str:
    """A keyed hash of a username or e-mail: the same person whatever the case or spaces."""
    normalised = identifier.strip().casefold().encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"throttle:" + normalised, hashlib.sha256).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.RONDA_SIGNIN_WINDOW_MINUTES)


def _until_below(times: list[dt.datetime], limit: int, window: dt.timedelta, now: dt.datetime) -> int:
    """Seconds until fewer than ``limit`` of ``times`` (newest first) lie within ``window``."""
    if len(times) < limit:
        return 0
    return max(0, math.ceil((times[limit - 1] + window - now).total_seconds()))


def _recent(kind: str, since: dt.datetime, **match: object) -> list[dt.datetime]:
    return list(
        ThrottleEvent.objects.filter(kind=kind, created_at__gte=since, **match)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:500]
    )


def trusted_device(request: HttpRequest, key: str) -> bool:
    """This browser signed in to the account before (a signed cookie Ronda set at that sign-in)."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return False
    try:
        keys = signing.loads(raw, salt=DEVICE_SALT, max_age=settings.RONDA_DEVICE_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return False
    return isinstance(keys, list) and key[:32] in keys


def sign_in_verdict(request: HttpRequest, username: str) -> Verdict:
    """May this request try to sign in to ``username`` now?"""
    if not settings.RONDA_SIGNIN_THROTTLE:
        return ALLOWED
    now = timezone.now()
    key = account_key(username)
    ip = client_ip(request)
    kind = ThrottleEvent.Kind.SIGN_IN_FAILURE
    waits = [
        _until_below(
            _recent(kind, now - _window(), account_key=key, ip_address=ip),
            settings.RONDA_SIGNIN_PAIR_LIMIT,
            _window(),
            now,
        )
    ]
    if not trusted_device(request, key):
        by_account = _recent(kind, now - ACCOUNT_WINDOW, account_key=key)
        excess = len(by_account) - settings.RONDA_SIGNIN_ACCOUNT_LIMIT
        if excess >= 0:
            pause = min(dt.timedelta(minutes=2**excess), dt.timedelta(minutes=settings.RONDA_SIGNIN_MAX_LOCK_MINUTES))
            waits.append(max(0, math.ceil((by_account[0] + pause - now).total_seconds())))
        if ip is not None:
            waits.append(
                _until_below(
                    _recent(kind, now - _window(), ip_address=ip), settings.RONDA_SIGNIN_ADDRESS_LIMIT, _window(), now
                )
            )
    wait = max(waits)
    return Verdict(False, wait) if wait > 0 else ALLOWED


def _count(request: HttpRequest, kind: str, identifier: str) -> None:
    """Count one event, and forget those older than a day (so the table stays small)."""
    now = timezone.now()
    ThrottleEvent.objects.filter(created_at__lt=now - KEEP).delete()
    ThrottleEvent.objects.create(
        kind=kind, account_key=account_key(identifier), ip_address=client_ip(request), created_at=now
    )


def record_sign_in_failure(request: HttpRequest, username: str) -> None:
    _count(request, ThrottleEvent.Kind.SIGN_IN_FAILURE, username)


def record_sign_in_success(request: HttpRequest, username: str, response: HttpResponse | None = None) -> None:
    """Forget the account's failures (not the address's: a valid account must not reset a spray
    counter) and, on the web, remember this browser as a trusted device for the account."""
    key = account_key(username)
    ThrottleEvent.objects.filter(kind=ThrottleEvent.Kind.SIGN_IN_FAILURE, account_key=key).delete()
    if response is None:
        return
    keys: list[str] = []
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if raw:
        try:
            loaded = signing.loads(raw, salt=DEVICE_SALT, max_age=settings.RONDA_DEVICE_COOKIE_DAYS * 86400)
            keys = [k for k in loaded if isinstance(k, str)] if isinstance(loaded, list) else []
        except signing.BadSignature:
            keys = []
    keys = [key[:32], *(k for k in keys if k != key[:32])][:DEVICE_MAX_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(keys, salt=DEVICE_SALT),
        max_age=settings.RONDA_DEVICE_COOKIE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def reset_verdict(request: HttpRequest, email: str) -> Verdict:
    """May this request ask for another password-reset e-mail?"""
    if not settings.RONDA_SIGNIN_THROTTLE:
        return ALLOWED
    now = timezone.now()
    kind = ThrottleEvent.Kind.RESET_REQUEST
    waits = [
        _until_below(
            _recent(kind, now - RESET_WINDOW, account_key=account_key(email)),
            settings.RONDA_RESET_EMAIL_LIMIT,
            RESET_WINDOW,
            now,
        )
    ]
    ip = client_ip(request)
    if ip is not None:
        waits.append(
            _until_below(
                _recent(kind, now - RESET_WINDOW, ip_address=ip), settings.RONDA_RESET_ADDRESS_LIMIT, RESET_WINDOW, now
            )
        )
    wait = max(waits)
    return Verdict(False, wait) if wait > 0 else ALLOWED


def record_reset_request(request: HttpRequest, email: str) -> None:
    _count(request, ThrottleEvent.Kind.RESET_REQUEST, email)
