"""The Tablero in the portal (``portal.registry``): a menu entry for whoever reads its figures, and
on the home page the reader's saved dashboards (nothing when they have none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.tenancy import Actor
from ronda.tablero.policies_dashboards import shows_in_menu, visible_dashboards_of

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel, NavEntry

HOME_DASHBOARDS = 5


def _has_saved_dashboards(actor: Actor) -> bool:
    return shows_in_menu(actor) and visible_dashboards_of(actor).exists()


def _saved_dashboards(actor: Actor) -> Mapping[str, Any]:
    return {"tablero_dashboards": list(visible_dashboards_of(actor)[:HOME_DASHBOARDS])}


NAVIGATION: list[NavEntry] = [
    {
        "url_name": "tablero:index",
        "label": _("Social management dashboard"),
        "short_label": pgettext_lazy("navigation", "Dashboard"),
        "visible": shows_in_menu,
        "order": 85,
    },
]

HOME_PANELS: list[HomePanel] = [
    {
        "template": "tablero/dashboards/_home_panel.html",
        "visible": _has_saved_dashboards,
        "context": _saved_dashboards,
        "order": 30,
    },
]
