"""The staff trainings' entry in the portal's menu (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.training import policies

if TYPE_CHECKING:
    from ronda.portal.registry import NavEntry

NAVIGATION: list[NavEntry] = [
    {
        "url_name": "training:index",
        "label": _("Staff training"),
        "short_label": pgettext_lazy("staff training", "Training"),
        "visible": policies.can_view_trainings,
        "order": 74,
    },
]
