"""The protection files' entry in the portal's menu and the officer's home panel (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.core.roles import Role
from ronda.protection import alerts, policies, selectors

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ronda.core.tenancy import Actor
    from ronda.portal.registry import HomePanel, NavEntry

HOME_ALERTS = 10


def _sees_dashboard(actor: Actor) -> bool:
    from ronda.protection.views.dashboard import can_view_dashboard

    return can_view_dashboard(actor)


NAVIGATION: list[NavEntry] = [
    {
        "url_name": "protection:file_list",
        "label": _("Protection files"),
        "short_label": pgettext_lazy("menu", "Protection"),
        "visible": policies.can_read_files,
        "order": 81,
    },
    {
        # Centres, foster families and adopters: the state's care resources.
        "url_name": "protection:facility_list",
        "label": _("Care resources: centres, foster families and adopters"),
        "short_label": _("Care resources"),
        "visible": policies.can_read_files,
        "order": 82,
    },
    {
        "url_name": "protection:sector_actions",
        "label": _("Restitution-plan actions of my institution"),
        "short_label": _("Plan actions"),
        "visible": policies.is_sector_focal,
        "order": 83,
    },
    {
        "url_name": "protection:dashboard",
        "label": _("Figures of alternative care"),
        "short_label": _("Care figures"),
        "visible": _sees_dashboard,
        "order": 84,
    },
]


def _shows_panel(actor: Actor) -> bool:
    return actor.role in policies.FILE_WORKERS and policies.can_open_files(actor)


def _home(actor: Actor) -> Mapping[str, Any]:
    """The officer's alerts (the most serious first; each file shown is logged by ``alerts_for``) and
    the counts of their caseload."""
    from ronda.protection.views.files import transferred_cases

    caseload = selectors.caseload_queryset(actor)
    today = timezone.localdate()
    return {
        "protection_home": {
            "is_supervisor": actor.role == Role.SUPERVISOR,
            "open": caseload.count(),
            "overdue": caseload.filter(next_review__lt=today).count(),  # type: ignore[misc]
            "transferred": transferred_cases(actor).count(),
            "alerts": alerts.alerts_for(actor)[:HOME_ALERTS],
        }
    }


HOME_PANELS: list[HomePanel] = [
    {
        "template": "protection/files/_home.html",
        "visible": _shows_panel,
        "context": _home,
        "order": 26,
    },
]
