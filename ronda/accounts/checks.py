"""The production checks. Production refuses demo users: ``manage.py check``, the WSGI/ASGI start-up and
every sign-in ask this. It warns while ``RONDA_SITE_URL`` is unset (the links of e-mails sent by jobs).

The check fails closed: when the database cannot be asked (unreachable, wrong credentials), a
production server refuses to start rather than assume there are no demo users. Only a database
without the users table yet (before the first ``migrate``) holds no demo users for certain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection


class DemoCheckUnavailable(Exception):
    """The database could not be asked whether demo users exist."""


def demo_users_present() -> bool:
    """Whether any demo user exists, active or not (an inactive one can be reactivated)."""
    from ronda.accounts.models import User

    try:
        if User._meta.db_table not in connection.introspection.table_names():
            return False  # not migrated yet: no users at all
        return User.objects.filter(is_demo=True).exists()
    except DatabaseError as exc:
        raise DemoCheckUnavailable(str(exc)) from exc


@register(deploy=True)
def check_no_demo_users(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    try:
        present = demo_users_present()
    except DemoCheckUnavailable as exc:
        return [
            Error(
                "Cannot check for demo users: the database did not answer.",
                hint=f"Production refuses to run unchecked. Database error: {exc}",
                id="ronda.E002",
            )
        ]
    if present:
        return [
            Error(
                "Demo users exist in a production database.",
                hint="Delete them (User.is_demo, active or not) or use a fresh database; demo data never belongs "
                "in production.",
                id="ronda.E001",
            )
        ]
    return []


@register()
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """On every start of a production command: without its public address, the e-mails that background
    jobs build (reminders, weekly digests) carry links that work nowhere."""
    if not getattr(settings, "PRODUCTION", False) or settings.RONDA_SITE_URL:
        return []
    return [
        Warning(
            "RONDA_SITE_URL is not set: e-mails sent by background jobs cannot link to Ronda.",
            hint="Set RONDA_SITE_URL to the public address of this installation, e.g. https://ronda.example.org.",
            id="ronda.W002",
        )
    ]


def assert_production_safe() -> None:
    if not getattr(settings, "PRODUCTION", False):
        return
    try:
        present = demo_users_present()
    except DemoCheckUnavailable as exc:
        raise ImproperlyConfigured(
            f"RONDA_ENV=production refuses to start: cannot check for demo users ({exc})"
        ) from exc
    if present:
        raise ImproperlyConfigured("RONDA_ENV=production refuses to start while demo users exist")
