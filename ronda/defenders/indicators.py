"""The defensorías' computed indicators for the Tablero (``tablero.computed``), from their read
contracts (counts only: nobody is named)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ronda.defenders import contracts
from ronda.planning.choices import GoalArea
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import Period
from ronda.territory.models import OrgUnit


def events_held(unit: OrgUnit, period: Period) -> Ratio | None:
    return Ratio(Decimal(contracts.event_figures(unit, period.start, period.end).events_held))


def people_reached(unit: OrgUnit, period: Period) -> Ratio | None:
    return Ratio(Decimal(contracts.event_figures(unit, period.start, period.end).people_reached))


def plan_execution(unit: OrgUnit, period: Period) -> Ratio | None:
    """PTA activities planned in the period and done, over those planned and not cancelled."""
    total = contracts.plan_figures(unit, period.start, period.end).total
    if not total.planned:
        return None
    return Ratio(Decimal(total.done), Decimal(total.planned), Decimal(100))


COMPUTED = [
    Computed(
        code="RONDA_DEFENSORIAS_EVENTOS",
        goal_area=GoalArea.PARTICIPATION,
        name=_("Community defensoría events held"),
        compute=events_held,
        direction=Direction.HIGHER_IS_BETTER,
    ),
    Computed(
        code="RONDA_DEFENSORIAS_PERSONAS_ALCANZADAS",
        goal_area=GoalArea.PARTICIPATION,
        name=_("People reached by community defensoría events"),
        compute=people_reached,
        direction=Direction.HIGHER_IS_BETTER,
    ),
    Computed(
        code="RONDA_DEFENSORIAS_EJECUCION_PTA",
        goal_area=GoalArea.PARTICIPATION,
        name=_("Execution of the defensorías' annual work plans"),
        compute=plan_execution,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
    ),
]
