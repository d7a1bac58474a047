"""The planning cycle's computed indicators for the Tablero (``tablero.computed``): figures of the
Local Plan, computed from planning's own read contracts — never typed."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.planning import contracts
from ronda.planning.choices import GoalArea
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import Period, PeriodType
from ronda.territory.models import Level, OrgUnit

HUNDRED = Decimal(100)


def budget_execution(unit: OrgUnit, period: Period) -> Ratio | None:
    """Executed over planned in the year, by the published plans in the unit's subtree (a region's
    rate is its municipalities' executed over their planned)."""
    figure = contracts.budget_execution(unit, period.start.year)
    if not figure.planned:
        return None
    return Ratio(figure.executed, figure.planned, HUNDRED)


def plan_progress(unit: OrgUnit, period: Period) -> Ratio | None:
    """The rolled-up progress of the municipality's plan in force, for the period that holds today:
    progress is a state, not a history, so earlier periods have no figure (and levels above the
    municipality none either: a mean of plans of different weights would mean nothing)."""
    today = timezone.localdate()
    if unit.level != Level.MUNICIPALITY or not period.start <= today <= period.end:
        return None
    facts = contracts.plan_in_force(unit, today, today)
    if facts is None:
        return None
    progress = contracts.plan_progress(facts).progress
    return Ratio(progress) if progress is not None else None


COMPUTED = [
    Computed(
        code="RONDA_PLAN_EJECUCION_PRESUPUESTO",
        name=_("Budget execution of the Local Plan"),
        description=_("Executed over planned in the year, in the measures of the published plans."),
        compute=budget_execution,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        decimals=1,
        goal_area=GoalArea.SERVICES,
        period_types=(PeriodType.YEARLY,),
    ),
    Computed(
        code="RONDA_PLAN_AVANCE",
        name=_("Progress of the Local Plan"),
        description=_("The plan in force, its measures rolled up by their weights."),
        compute=plan_progress,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        decimals=0,
        goal_area=GoalArea.PARTICIPATION,
        period_types=(PeriodType.YEARLY,),
    ),
]
