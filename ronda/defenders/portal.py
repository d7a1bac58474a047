"""The defensorías' entry in the portal's menu (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.defenders import policies, selectors

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ronda.core.tenancy import Actor
    from ronda.portal.registry import HomePanel, NavEntry

NAVIGATION: list[NavEntry] = [
    {
        "url_name": "defenders:index",
        "label": _("Community defensorías"),
        "short_label": _("Defensorías"),
        "visible": policies.can_view_figures,
        "order": 72,
    },
]


def _home(actor: Actor) -> Mapping[str, Any]:
    return {"defenders_home": selectors.home_summary(actor, today=timezone.localdate())}


HOME_PANELS: list[HomePanel] = [
    {
        "template": "defenders/partials/home.html",
        "visible": policies.works_in_a_community,
        "context": _home,
        "order": 25,
    },
]
