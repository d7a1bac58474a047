"""What a new domain writes to appear in the menu and on the home page: plain data, and the portal's
types for mypy only (a domain imports nothing from the portal at run time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ronda.core.roles import Role

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel, NavEntry

NAVIGATION: list[NavEntry] = [
    {"url_name": "core:healthz", "label": "Fake domain", "visible": lambda a: a.has_role(Role.ANALYST), "order": 15},
]

HOME_PANELS: list[HomePanel] = [
    {
        "template": "fake_domain/panel.html",
        "visible": lambda a: a.has_role(Role.ANALYST),
        "context": lambda a: {"fake_domain_greeting": f"Hola {a.user.username}"},
        "order": 5,
    },
]
