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
        # Not in the administrator's menu, the longest (one row at 1366 px): the body's page links it.
        "visible": lambda a: not a.is_admin and policies.can_view_trainings(a),
        "order": 74,
    },
]
