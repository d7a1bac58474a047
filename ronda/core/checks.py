"""Production refuses demo users: ``manage.py check`` and the WSGI start-up both ask this."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def demo_users_present() -> bool:
    from ronda.accounts.models import User

    try:
        return User.objects.filter(is_demo=True, is_active=True).exists()
    except DatabaseError:
        # No tables yet (before the first migrate): nothing to refuse.
        return False


@register(deploy=True)
def check_no_demo_users(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if getattr(settings, "PRODUCTION", False) and demo_users_present():
        return [
            Error(
                "Demo users exist in a production database.",
                hint="Deactivate them (User.is_demo) or use a fresh database; demo data never belongs in production.",
                id="ronda.E001",
            )
        ]
    return []


def assert_production_safe() -> None:
    if getattr(settings, "PRODUCTION", False) and demo_users_present():
        raise ImproperlyConfigured("RONDA_ENV=production refuses to start while demo users exist")
