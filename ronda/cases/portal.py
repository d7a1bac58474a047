"""The children's entry in the portal's menu (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ronda.cases import policies

if TYPE_CHECKING:
    from ronda.portal.registry import NavEntry

NAVIGATION: list[NavEntry] = [
    {
        "url_name": "cases:child_list",
        "label": _("Children and adolescents"),
        "short_label": _("Children"),
        "visible": policies.can_read_children,
        "order": 76,
    },
]
