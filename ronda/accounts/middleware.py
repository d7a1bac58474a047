from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from ronda.accounts import selectors
from ronda.accounts.otp import needs_otp_verification, session_second_factor
from ronda.core.http import client_ip
from ronda.core.tenancy import Actor, actor_for

SESSION_KEY = "ronda_membership_id"

# Paths a signed-in user may reach before the second factor is verified.
OTP_EXEMPT_PREFIXES = (
    "/cuentas/entrar/",
    "/cuentas/salir/",
    "/cuentas/verificacion/",
    "/cuentas/contrasena/recuperar/",
    "/static/",
    "/i18n/",
    "/api/",  # the API checks the second factor itself, when a token is issued
    "/dhis2/",  # the DHIS2-compatible API: credentials on every request, never the session
    "/salud",
    "/publico/",  # public pages show nothing personal
)


class ActiveMembershipMiddleware:
    """Attach ``request.actor``: the user with the membership they currently act in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        if request.path.startswith(("/static/", "/api/", "/dhis2/")):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            memberships = selectors.active_memberships(user)  # type: ignore[arg-type]
            request.memberships = memberships  # type: ignore[attr-defined]
            chosen = selectors.pick_membership(memberships, request.session.get(SESSION_KEY))
            if chosen is not None and request.session.get(SESSION_KEY) != chosen.pk:
                request.session[SESSION_KEY] = chosen.pk
            actor: Actor = actor_for(
                user,  # type: ignore[arg-type]
                chosen,
                client_ip(request),
                second_factor=session_second_factor(request, user),  # type: ignore[arg-type]
                break_glass_paths=selectors.open_break_glass_paths(user) if chosen and chosen.role == "admin" else (),  # type: ignore[arg-type]
            )
            request.actor = actor  # type: ignore[attr-defined]
            if needs_otp_verification(request, actor) and not request.path.startswith(OTP_EXEMPT_PREFIXES):
                return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Sliding idle expiry without a session write on every request.

    A signed-in session expires after ``SESSION_COOKIE_AGE`` seconds without activity. Rather than
    save the session on every request (``SESSION_SAVE_EVERY_REQUEST``: one UPDATE and one commit per
    page), the session is saved again only when it was last saved more than
    ``RONDA_SESSION_TOUCH_SECONDS`` ago; the idle limit is therefore exact to within that interval.
    """

    TOUCH_KEY = "_ronda_touched"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            touched = session.get(self.TOUCH_KEY)
            if not isinstance(touched, int) or now - touched >= settings.RONDA_SESSION_TOUCH_SECONDS:
                session[self.TOUCH_KEY] = now  # marks the session modified: saved with a new expiry
        return response


SESSION_STARTED_KEY = "_ronda_started"
SESSION_ENDED_KEY = "_ronda_session_ended"


def mark_session_start(request: HttpRequest) -> None:
    """Called at sign-in: the session's absolute lifetime counts from here."""
    request.session[SESSION_STARTED_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """End a signed-in session ``RONDA_SESSION_MAX_HOURS`` after sign-in, however active it is.

    The idle limit alone lets a session that is used every few minutes live for ever (a stolen
    cookie too). Past the absolute limit the session is flushed and the request goes on signed
    out, so pages send the person to the sign-in form with a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY)
            if not isinstance(started, int):
                request.session[SESSION_STARTED_KEY] = now  # a session from before this rule: count from now
            elif now - started >= settings.RONDA_SESSION_MAX_HOURS * 3600:
                logout(request)
                # Messages are not set up yet this early: the sign-in page tells the person why.
                request.session[SESSION_ENDED_KEY] = True
        return self.get_response(request)
