"""The navigation and home-page panels of today's apps, each asking that app's own policy.

Declared exactly as a domain's own ``portal.py`` would declare them (see ``registry``), so that each
block can move to ``ronda/<app>/portal.py`` unchanged. A new domain should do that from the start.

Where a menu entry is meant for some of the roles the page admits (a supervisor may open the list
of municipal areas, but it is not their work), the predicate is the page's policy **and** a role
filter: the filter only ever hides a link, the policy is what makes it openable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.accounts import policies as accounts_policies
from ronda.coordination import policies as coordination_policies
from ronda.coordination.selectors import overdue_agreements_panel
from ronda.core import policies as core_policies
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.council import policies as council_policies
from ronda.planning import policies as planning_policies
from ronda.territory import policies as territory_policies

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel, NavEntry


def _everyone(actor: Actor) -> bool:
    return True


def _own_measures_only(actor: Actor) -> bool:
    """An area focal point uses planning only through the measures of their area."""
    return planning_policies.can_use_planning(actor) and not planning_policies.can_read_plans(actor)


NAVIGATION: list[NavEntry] = [
    {"url_name": "core:home", "label": _("Home"), "visible": _everyone, "order": 10},
    # planning
    {"url_name": "planning:home", "label": _("Plan"), "visible": planning_policies.can_read_plans, "order": 20},
    {"url_name": "planning:my_measures", "label": _("My measures"), "visible": _own_measures_only, "order": 30},
    # coordination
    {
        "url_name": "coordination:overview",
        "label": _("Coordination body"),
        "short_label": _("Body"),
        "visible": coordination_policies.can_open_body,
        "order": 40,
    },
    {
        "url_name": "coordination:agreement_list",
        "label": _("Agreements"),
        # Readers of the whole body find the agreements inside it; an area focal point only has these.
        "visible": lambda a: (
            coordination_policies.can_view_agreements(a) and not coordination_policies.can_open_body(a)
        ),
        "order": 50,
    },
    # council
    {
        "url_name": "council:overview",
        "label": _("Children's council"),
        "short_label": _("Council"),
        "visible": council_policies.can_view_councils,
        "order": 60,
    },
    {
        "url_name": "council:request_list",
        "label": _("Children's requests"),
        "visible": lambda a: council_policies.can_view_requests(a) and not council_policies.can_view_councils(a),
        "order": 70,
    },
    # accountability: its reports are for whoever may read whole plans
    {
        "url_name": "accountability:report_list",
        "label": _("Reports"),
        "visible": planning_policies.can_read_plans,
        "order": 80,
    },
    # territory
    {
        "url_name": "territory:browse",
        "label": _("Territory"),
        "visible": territory_policies.can_view_territory,
        "order": 90,
    },
    {
        "url_name": "territory:area_list",
        "label": _("Areas"),
        "visible": lambda a: (
            territory_policies.can_view_territory(a)
            and not a.has_role(Role.DEFENDER, Role.PROTECTION_OFFICER, Role.SUPERVISOR)
        ),
        "order": 100,
    },
    {
        "url_name": "territory:institution_list",
        "label": _("Referral directory"),
        "short_label": pgettext_lazy("navigation", "Directory"),
        "visible": territory_policies.can_view_territory,
        "order": 110,
    },
    # accounts
    {
        "url_name": "accounts:user_list",
        "label": _("Users"),
        "visible": accounts_policies.can_manage_users,
        "order": 120,
    },
    # the kernel's audit trail
    {"url_name": "core:audit", "label": _("Audit trail"), "visible": core_policies.can_view_audit, "order": 130},
]


def _works_locally(actor: Actor) -> bool:
    """The coordinator and the area focal point follow the municipality's agreements and requests."""
    return actor.has_role(Role.COORDINATOR, Role.AREA_FOCAL)


HOME_PANELS: list[HomePanel] = [
    {
        "template": "coordination/partials/home_overdue.html",
        "visible": _works_locally,
        "context": overdue_agreements_panel,
        "order": 10,
    },
    # The council's partial asks council.policies.can_view_requests itself (council_tags).
    {"template": "council/partials/home_overdue.html", "visible": _works_locally, "order": 20},
]
