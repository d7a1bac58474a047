"""The coordination body's computed indicators for the Tablero (``tablero.computed``), from
coordination's read contracts."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ronda.coordination import contracts
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import Period, PeriodType
from ronda.territory.models import OrgUnit

# The CFCI goal area (planning.choices.GoalArea.PARTICIPATION): coordination does not import planning.
PARTICIPATION = "participation"


def agreements_on_time(unit: OrgUnit, period: Period) -> Ratio | None:
    """Agreements due in the period and fulfilled by their due date, over all those due."""
    figures = contracts.agreement_figures(unit, period.start, period.end)
    if not figures.due:
        return None
    return Ratio(Decimal(figures.fulfilled_on_time), Decimal(figures.due), Decimal(100))


def meetings_held(unit: OrgUnit, period: Period) -> Ratio | None:
    return Ratio(Decimal(contracts.body_activity(unit, period.start, period.end).meetings_held))


COMPUTED = [
    Computed(
        code="RONDA_ACUERDOS_A_TIEMPO",
        name=_("Agreements of the coordination body fulfilled on time"),
        compute=agreements_on_time,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        decimals=0,
        goal_area=PARTICIPATION,
    ),
    Computed(
        code="RONDA_REUNIONES",
        name=_("Meetings of the coordination body held"),
        compute=meetings_held,
        direction=Direction.HIGHER_IS_BETTER,
        goal_area=PARTICIPATION,
        period_types=(PeriodType.QUARTERLY, PeriodType.SIX_MONTHLY, PeriodType.YEARLY),
    ),
]
