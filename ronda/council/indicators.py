"""The children's council's computed indicators for the Tablero (``tablero.computed``), from the
council's read contracts (counts only: no child is named)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ronda.council import contracts
from ronda.planning.choices import GoalArea
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import Period
from ronda.territory.models import OrgUnit


def answered_on_time(unit: OrgUnit, period: Period) -> Ratio | None:
    """Requests of the children answered in the period within the council's term, over all answered."""
    stats = contracts.request_figures(unit, period.start, period.end)
    if not stats.answered:
        return None
    return Ratio(Decimal(stats.answered_on_time), Decimal(stats.answered), Decimal(100))


COMPUTED = [
    Computed(
        code="RONDA_CONSEJO_RESPUESTAS_A_TIEMPO",
        name=_("Children's council requests answered on time"),
        compute=answered_on_time,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        decimals=0,
        goal_area=GoalArea.PARTICIPATION,
    ),
]
