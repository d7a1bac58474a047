"""Sign-in and sign-out enter the audit trail.

Django reports these only through signals; the receivers just call the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from ronda.accounts import selectors, services
from ronda.accounts.middleware import mark_session_start
from ronda.accounts.models import User
from ronda.core.http import client_ip
from ronda.core.models import AuditAction
from ronda.core.tenancy import actor_for


def _actor(request: HttpRequest | None, user: User) -> Any:
    memberships = selectors.active_memberships(user)
    ip = client_ip(request) if request is not None else None
    return actor_for(user, memberships[0] if memberships else None, ip)


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_session_start(request)
    services.record_auth_event(actor=_actor(request, user), action=AuditAction.LOGIN)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        services.record_auth_event(actor=_actor(request, user), action=AuditAction.LOGOUT)
