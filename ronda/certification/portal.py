"""Certification in the portal (``portal.registry``): a menu entry for the secretariat, whose work it
is, and one for the independent evaluator's assignments; on the home page of the others who read
cycles (the municipality's coordinator, analysts, supervisors) a panel with their cycles — the
menu of the municipal roles is full already — and on the evaluator's what waits for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from ronda.certification import policies
from ronda.core.tenancy import Actor
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel, NavEntry

HOME_ASSIGNMENTS = 5
HOME_CYCLES = 3


def _open_assignments(actor: Actor) -> Any:
    return (
        policies.visible_assignments(actor)
        .filter(withdrawn_at=None, submitted_at=None)
        .select_related("cycle__org_unit", "cycle__framework")
        .defer(*large_columns("cycle__org_unit"))
        .order_by("due_on", "created_at")
    )


def _assignments_panel(actor: Actor) -> Mapping[str, Any]:
    return {"certification_assignments": list(_open_assignments(actor)[:HOME_ASSIGNMENTS])}


def _reads_cycles_from_home(actor: Actor) -> bool:
    return policies.can_read_certification(actor) and not policies.is_secretariat(actor)


def _cycles_panel(actor: Actor) -> Mapping[str, Any]:
    cycles = policies.visible_cycles(actor).order_by("-created_at", "-id")
    return {"certification_cycles": list(cycles[:HOME_CYCLES])}


NAVIGATION: list[NavEntry] = [
    {
        "url_name": "certification:home",
        "label": _("Certification"),
        "visible": policies.is_secretariat,
        "order": 115,
    },
    {
        "url_name": "certification:assignments",
        "label": _("My evaluations"),
        "visible": policies.is_evaluator,
        "order": 116,
    },
]

HOME_PANELS: list[HomePanel] = [
    {
        "template": "certification/_home_assignments.html",
        "visible": policies.is_evaluator,
        "context": _assignments_panel,
        "order": 15,
    },
    {
        "template": "certification/_home_cycles.html",
        "visible": _reads_cycles_from_home,
        "context": _cycles_panel,
        "order": 90,
    },
]
