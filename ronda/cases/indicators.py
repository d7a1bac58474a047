"""The case route's computed indicators for the Tablero (``tablero.computed``), from its read
contracts (counts and medians only: no child is named). A unit's figure is its whole subtree's.

The CFCI goal area: the catalogue's areas (``planning.choices.GoalArea``) have no "protection" of
their own; protection from violence and neglect belongs to CFCI goal area 4, "every child lives in a
safe, secure and clean environment" (``GoalArea.ENVIRONMENT``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ronda.cases import contracts
from ronda.planning.choices import GoalArea
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import Period, PeriodType
from ronda.tablero.suppression import THRESHOLD, is_small
from ronda.territory.models import OrgUnit

PROTECTION = GoalArea.ENVIRONMENT

# The Tablero suppresses the counts of its data elements "from personal records"; a computed
# indicator carries no such mark yet, so these providers apply the rule themselves: a figure
# computed from 1 to 4 cases (or referrals) is no figure at all (None), on every page.


Counter = Callable[[OrgUnit, dt.date, dt.date], int]


def hidden_among_siblings(unit: OrgUnit, period: Period, count: Counter) -> bool:
    """Whether ``unit``'s count is hidden: 1 to 4, or the complement of a sibling's.

    The parent's figure is published too, so a single hidden sibling would come back as the
    parent's minus the others': then the smallest positive sibling shown is hidden with it
    (complementary suppression), and the difference gives only the two together. Counts are
    yearly only (``period_types``), so months and quarters cannot be subtracted from a year.
    """
    own = count(unit, period.start, period.end)
    if is_small(own):
        return True
    if unit.parent_id is None or own == 0:
        return False
    siblings = OrgUnit.objects.filter(parent_id=unit.parent_id, is_active=True).exclude(pk=unit.pk).only("path")
    counts = [count(s, period.start, period.end) for s in siblings]
    if sum(1 for n in counts if is_small(n)) != 1:
        return False
    shown = [n for n in counts if n > 0 and not is_small(n)]
    # The unit is the complement when no shown sibling is smaller (ties: the unit, to be safe).
    return all(own <= n for n in shown)


def _count(unit: OrgUnit, period: Period, count: Counter) -> Ratio | None:
    if hidden_among_siblings(unit, period, count):
        return None
    return Ratio(Decimal(count(unit, period.start, period.end)))


def cases_opened(unit: OrgUnit, period: Period) -> Ratio | None:
    return _count(unit, period, contracts.cases_opened)


def cases_closed(unit: OrgUnit, period: Period) -> Ratio | None:
    return _count(unit, period, contracts.cases_closed)


def days_to_first_visit(unit: OrgUnit, period: Period) -> Ratio | None:
    """Median days from registration to the first family visit, over the cases registered in the
    period that had one (None when fewer than 5 had: it would be a child's own timeline)."""
    median = contracts.durations(unit, period.start, period.end).to_first_visit
    if median.days is None or median.cases < THRESHOLD:
        return None
    return Ratio(Decimal(str(median.days)))


def referrals_with_feedback(unit: OrgUnit, period: Period) -> Ratio | None:
    """Referrals sent in the period with the institution's feedback, over those sent (%); None when
    either count, or those without feedback, is 1 to 4 (the share times the total gives them back)."""
    figures = contracts.referral_figures(unit, period.start, period.end)
    without = figures.total - figures.with_feedback
    if not figures.total or is_small(figures.total) or is_small(figures.with_feedback) or is_small(without):
        return None
    return Ratio(Decimal(figures.with_feedback), Decimal(figures.total), Decimal(100))


# Yearly only: a year's figure minus its months' would give back a small month.
YEARLY_ONLY = (PeriodType.YEARLY,)

COMPUTED = [
    Computed(
        code="RONDA_CASOS_ABIERTOS",
        period_types=YEARLY_ONLY,
        goal_area=PROTECTION,
        name=_("Cases of rights violations registered by community defenders"),
        compute=cases_opened,
        # More cases may mean more violations or better detection: neither way is better by itself.
        direction=Direction.NEUTRAL,
    ),
    Computed(
        code="RONDA_CASOS_CERRADOS",
        period_types=YEARLY_ONLY,
        goal_area=PROTECTION,
        name=_("Cases of rights violations closed"),
        compute=cases_closed,
        direction=Direction.HIGHER_IS_BETTER,
    ),
    Computed(
        code="RONDA_CASOS_DIAS_PRIMERA_VISITA",
        period_types=YEARLY_ONLY,
        goal_area=PROTECTION,
        name=_("Median days from a case's registration to the first family visit"),
        compute=days_to_first_visit,
        direction=Direction.LOWER_IS_BETTER,
        unit=_("days"),
        decimals=1,
    ),
    Computed(
        code="RONDA_CASOS_DERIVACIONES_CON_RESPUESTA",
        period_types=YEARLY_ONLY,
        goal_area=PROTECTION,
        name=_("Referrals with the institution's feedback"),
        compute=referrals_with_feedback,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
    ),
]
