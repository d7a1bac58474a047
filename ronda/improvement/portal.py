"""The self-assessment in the portal (``portal.registry``). No menu entry: the top menu is full at
1366 px. The diagnosis page links it (``slots.py``), and the coordinator's home page shows a panel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.improvement import contracts, policies

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel


def _coordinates(actor: Actor) -> bool:
    return actor.has_role(Role.COORDINATOR) and actor.org_unit is not None and policies.can_use(actor)


def _latest(actor: Actor) -> Mapping[str, Any]:
    municipality = actor.org_unit
    assert municipality is not None
    return {
        "improvement_municipality": municipality,
        "improvement_facts": contracts.self_assessment_facts(municipality),
    }


HOME_PANELS: list[HomePanel] = [
    {"template": "improvement/_home_panel.html", "visible": _coordinates, "context": _latest, "order": 45},
]
