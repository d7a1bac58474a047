"""Specialised protection's computed indicators for the Tablero (``tablero.computed``, found by the
Tablero in this module's ``COMPUTED``), from ``protection.contracts`` (counts, shares and medians
only: no child is named). A unit's figure is its whole subtree's.

Stocks (children in care, places, measures in force) are counted on the period's last day, or today
for the current period; they are not additive over time, so they have figures for every period
type. Flows (entries, reintegrations) are yearly only, as the case route's: a year minus its other
months would give back a small month.

Small counts: as ``cases.indicators``, a figure computed from 1 to 4 children is no figure (None),
and so is one a parent's figure minus the siblings' would give back (complementary suppression,
``cases.indicators.hidden_among_siblings``). Shares are hidden when a count they are computed from
is small, since the share times a published total gives it back. Facilities and foster places
count resources, not children: they are published as they are.

The CFCI goal area: protection from violence and neglect, and care in a family, belong to goal area
4, "every child lives in a safe, secure and clean environment" (``GoalArea.ENVIRONMENT``), as the
case route's indicators.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.cases.indicators import Counter, hidden_among_siblings
from ronda.planning.choices import GoalArea
from ronda.protection import contracts
from ronda.tablero.computed import Computed, Ratio
from ronda.tablero.models import Direction
from ronda.tablero.periods import ORDER, Period, PeriodType
from ronda.tablero.suppression import THRESHOLD, is_small
from ronda.territory.models import OrgUnit

PROTECTION = GoalArea.ENVIRONMENT
# The days in an average month: a median stay in days shown in months.
DAYS_PER_MONTH = Decimal("30.4375")
YEARLY_ONLY = (PeriodType.YEARLY,)
EVERY_PERIOD = tuple(ORDER)


def counted_on(period: Period, today: dt.date | None = None) -> dt.date | None:
    """The day a stock is counted for ``period``: its last day, today for the current period, None
    for a period that has not started."""
    today = today or timezone.localdate()
    if period.start > today:
        return None
    return min(period.end, today)


def _stock(count: Counter) -> Counter:
    """A counter of a stock, counted on the period's day (the Tablero's counter shape)."""

    def counter(unit: OrgUnit, start: dt.date, end: dt.date) -> int:
        return count(unit, start, min(end, timezone.localdate()))

    return counter


_residential = _stock(contracts.residential_on)
_under_three = _stock(contracts.under_three_residential_on)


def _count(unit: OrgUnit, period: Period, count: Counter) -> Ratio | None:
    if counted_on(period) is None or hidden_among_siblings(unit, period, count):
        return None
    return Ratio(Decimal(count(unit, period.start, period.end)))


def children_in_residential_care(unit: OrgUnit, period: Period) -> Ratio | None:
    return _count(unit, period, _residential)


def under_three_in_residential_care(unit: OrgUnit, period: Period) -> Ratio | None:
    """Children under three in residential care (the target is none: 0 is published)."""
    return _count(unit, period, _under_three)


def entry_rate(unit: OrgUnit, period: Period) -> Ratio | None:
    """Entries into alternative care in the period per 100,000 children of the unit (None without a
    recorded child population, or when the count of entries is hidden)."""
    population = contracts.child_population(unit)
    if not population or hidden_among_siblings(unit, period, contracts.entries_count):
        return None
    entries = contracts.entries_count(unit, period.start, period.end)
    return Ratio(Decimal(entries), Decimal(population), Decimal(100_000))


def family_based_share(unit: OrgUnit, period: Period) -> Ratio | None:
    """Children in family-based care over those in family-based or residential care (%)."""
    day = counted_on(period)
    if day is None:
        return None
    care = contracts.in_care_on(unit, day)
    total = care.family_based + care.residential
    if not total or is_small(care.family_based) or is_small(care.residential):
        return None
    return Ratio(Decimal(care.family_based), Decimal(total), Decimal(100))


def median_stay_months(unit: OrgUnit, period: Period) -> Ratio | None:
    """The median time in care, in months, of the children in care on the day (None over fewer than
    5: it would be one child's own story)."""
    day = counted_on(period)
    if day is None:
        return None
    care = contracts.in_care_on(unit, day)
    if care.median_stay_days is None or care.total < THRESHOLD:
        return None
    return Ratio(Decimal(str(care.median_stay_days)), DAYS_PER_MONTH)


def measures_reviewed_on_time(unit: OrgUnit, period: Period) -> Ratio | None:
    """Measures in force with their review up to date, over the measures in force (%)."""
    day = counted_on(period)
    if day is None:
        return None
    reviews = contracts.measure_reviews(unit, day)
    if not reviews.in_force or any(is_small(n) for n in (reviews.in_force, reviews.up_to_date, reviews.overdue)):
        return None
    return Ratio(Decimal(reviews.up_to_date), Decimal(reviews.in_force), Decimal(100))


def reintegrations(unit: OrgUnit, period: Period) -> Ratio | None:
    return _count(unit, period, contracts.reintegrations_count)


def foster_places_available(unit: OrgUnit, period: Period) -> Ratio | None:
    """Places of approved foster families not taken (resources, not children: no suppression)."""
    day = counted_on(period)
    if day is None:
        return None
    return Ratio(Decimal(contracts.foster_places(unit, day).available))


def entries_with_gatekeeping(unit: OrgUnit, period: Period) -> Ratio | None:
    """Entries into care with a gatekeeping record complete at entry (or, for an emergency entry,
    completed in time), over the entries with a verdict (%)."""
    figures = contracts.entries(unit, period.start, period.end, today=counted_on(period))
    without = figures.decided - figures.with_gatekeeping
    if not figures.decided or any(is_small(n) for n in (figures.decided, figures.with_gatekeeping, without)):
        return None
    return Ratio(Decimal(figures.with_gatekeeping), Decimal(figures.decided), Decimal(100))


def facilities_supervised(unit: OrgUnit, period: Period) -> Ratio | None:
    """Residential-care facilities open on the day with a supervision visit in the last twelve
    months, over those open (%)."""
    day = counted_on(period)
    if day is None:
        return None
    supervision = contracts.facilities_supervised(unit, day)
    if not supervision.facilities:
        return None
    return Ratio(Decimal(supervision.supervised), Decimal(supervision.facilities), Decimal(100))


COMPUTED = [
    Computed(
        code="RONDA_PROTECCION_NNA_CAS",
        goal_area=PROTECTION,
        name=_("Children in residential care (CAS)"),
        description=_("Children living in a residential-care centre on the last day of the period."),
        compute=children_in_residential_care,
        direction=Direction.LOWER_IS_BETTER,
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_MENORES_3_CAS",
        goal_area=PROTECTION,
        name=_("Children under three in residential care"),
        description=_("The target is none: a child under three should grow up in a family."),
        compute=under_three_in_residential_care,
        direction=Direction.LOWER_IS_BETTER,
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_INGRESOS_TASA",
        goal_area=PROTECTION,
        name=_("Entries into alternative care per 100,000 children"),
        compute=entry_rate,
        # Fewer entries may mean better prevention or children left unprotected.
        direction=Direction.NEUTRAL,
        unit=_("per 100,000 children"),
        decimals=1,
        period_types=YEARLY_ONLY,
    ),
    Computed(
        code="RONDA_PROTECCION_ACOGIMIENTO_FAMILIAR",
        goal_area=PROTECTION,
        name=_("Children in alternative care who live in a family"),
        description=_("Children in family-based care over those in family-based or residential care."),
        compute=family_based_share,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_ESTANCIA_MEDIANA",
        goal_area=PROTECTION,
        name=_("Median time in alternative care"),
        compute=median_stay_months,
        direction=Direction.LOWER_IS_BETTER,
        unit=_("months"),
        decimals=1,
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_MEDIDAS_REVISADAS",
        goal_area=PROTECTION,
        name=_("Protective measures in force with their review up to date"),
        compute=measures_reviewed_on_time,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_REINTEGRACIONES",
        goal_area=PROTECTION,
        name=_("Children returned from alternative care to their family"),
        compute=reintegrations,
        direction=Direction.HIGHER_IS_BETTER,
        period_types=YEARLY_ONLY,
    ),
    Computed(
        code="RONDA_PROTECCION_PLAZAS_ACOGIMIENTO",
        goal_area=PROTECTION,
        name=_("Foster-family places available"),
        compute=foster_places_available,
        direction=Direction.HIGHER_IS_BETTER,
        period_types=EVERY_PERIOD,
    ),
    Computed(
        code="RONDA_PROTECCION_INGRESOS_CON_FILTRO",
        goal_area=PROTECTION,
        name=_("Entries into alternative care with a gatekeeping record"),
        compute=entries_with_gatekeeping,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        period_types=YEARLY_ONLY,
    ),
    Computed(
        code="RONDA_PROTECCION_CAS_SUPERVISADOS",
        goal_area=PROTECTION,
        name=_("Residential-care facilities supervised in the last twelve months"),
        compute=facilities_supervised,
        direction=Direction.HIGHER_IS_BETTER,
        unit="%",
        period_types=EVERY_PERIOD,
    ),
]
