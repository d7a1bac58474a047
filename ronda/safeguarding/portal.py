"""Safeguarding's entry in the portal's menu (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ronda.safeguarding import policies

if TYPE_CHECKING:
    from ronda.portal.registry import NavEntry

NAVIGATION: list[NavEntry] = [
    {
        "url_name": "safeguarding:index",
        "label": _("Safeguarding of children"),
        "short_label": _("Safeguarding"),
        "visible": policies.can_view_documents,
        "order": 73,
    },
]
