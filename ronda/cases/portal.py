"""The children's entry in the portal's menu (``portal.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.cases import figures, policies, policies_cases, selectors_supervision

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ronda.core.tenancy import Actor
    from ronda.portal.registry import HomePanel, NavEntry

NAVIGATION: list[NavEntry] = [
    {
        "url_name": "cases:child_list",
        "label": _("Children and adolescents"),
        "short_label": _("Children"),
        "visible": policies.can_read_children,
        "order": 76,
    },
    {
        "url_name": "cases:case_list",
        "label": _("Cases"),
        "short_label": _("Cases"),
        "visible": policies_cases.can_read_cases,
        "order": 77,
    },
    {
        "url_name": "cases:supervision",
        "label": _("Supervision of cases"),
        "short_label": _("Supervision"),
        "visible": policies_cases.can_supervise,
        "order": 78,
    },
    {
        "url_name": "cases:figures",
        # The visible short label is part of the accessible name (WCAG 2.5.3).
        "label": _("Case figures of the community route"),
        "short_label": _("Case figures"),
        "visible": figures.can_view_figures,
        "order": 79,
    },
]


def _home(actor: Actor) -> Mapping[str, Any]:
    return {"cases_home": selectors_supervision.home_summary(actor, today=timezone.localdate())}


HOME_PANELS: list[HomePanel] = [
    {
        "template": "cases/supervision/_home.html",
        "visible": selectors_supervision.shows_home_panel,
        "context": _home,
        "order": 24,
    },
]
