"""Demo data for the whole site: every app's ``demo.load_demo()``, in ``INSTALLED_APPS`` order, in
one transaction (territory, then accounts, then the planning cycle …). Refused in production.

Each loader goes through its app's services with ``actor=SYSTEM`` and skips what already exists,
so running it again changes nothing. ``registry`` explains how an app provides one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ronda.portal import registry


class DemoRefused(Exception):
    pass


@transaction.atomic
def load_demo() -> list[str]:
    """Load every app's demo data; returns the demo logins created now (empty when all existed)."""
    if getattr(settings, "PRODUCTION", False):
        raise DemoRefused("demo data is refused in production")
    created: list[str] = []
    for _app, loader in registry.installed().demo_loaders:
        created.extend(loader() or ())
    return created
