"""A measure indicator's values: the Tablero's series of its catalogue indicator for the plan's
municipality, year by year (decision 0021). Read here, once, for the measure page, the API and the
read contracts (reports, public page); nothing in planning keeps a copy of a value.

The years asked are the plan's, from the baseline year when it is earlier, up to this year; one
call of ``tablero.analytics.indicator_values`` per municipality, whatever the number of indicators.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ronda.planning.models import MeasureIndicator
from ronda.tablero import analytics, publication
from ronda.tablero import periods as iso_periods
from ronda.tablero.models import Indicator
from ronda.territory.models import OrgUnit

# At most this many years before the plan's end are read (a baseline from the last century is not
# a reason to read thirty empty years).
MAX_YEARS = 15


@dataclass(frozen=True)
class TrendPoint:
    period: str  # ISO ("2025")
    value: Decimal


@dataclass(frozen=True)
class Trend:
    """The values of one measure indicator, oldest first (years without a value are left out)."""

    points: tuple[TrendPoint, ...] = ()
    # The catalogue indicator counts children from personal records (cases, placements): its figures
    # are public only through the Tablero's public figures, with small counts suppressed.
    counts_people: bool = False

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    def value_in(self, period: str) -> Decimal | None:
        return next((p.value for p in self.points if p.period == period), None)


def years_of(
    start: dt.date, end: dt.date, baseline_year: int | None = None, today: dt.date | None = None
) -> list[iso_periods.Period]:
    """The yearly periods a plan of ``start``..``end`` shows: from the baseline year (when earlier)
    to the plan's end or this year, whichever comes first."""
    today = today or timezone.localdate()
    first = min(start.year, baseline_year) if baseline_year else start.year
    last = min(end.year, today.year)
    first = max(first, last - MAX_YEARS + 1, iso_periods.MIN_YEAR)
    return [iso_periods.parse(str(year)) for year in range(first, last + 1)]


def trends(
    rows: Iterable[tuple[int, int | None, int | None]],
    unit: OrgUnit | int,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date | None = None,
) -> dict[int, Trend]:
    """Each measure indicator's trend, from ``(pk, catalogue indicator id, baseline year)`` rows of
    one plan (municipality ``unit``, or its id; period ``start``..``end``). Unlinked ones have an empty trend."""
    rows = list(rows)
    out = {pk: Trend() for pk, _i, _b in rows}
    linked = [(pk, indicator_id, year) for pk, indicator_id, year in rows if indicator_id is not None]
    if not linked:
        return out
    baseline = min((year for _pk, _i, year in linked if year), default=None)
    asked = years_of(start, end, baseline, today)
    if not asked:
        return out
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.get(pk=unit)
    indicators = list(Indicator.objects.filter(pk__in={i for _pk, i, _y in linked}))
    values: dict[int, list[TrendPoint]] = defaultdict(list)
    for item in analytics.indicator_values(indicators, [unit], asked):
        if item.value is not None:
            values[item.indicator_id].append(TrendPoint(item.period, item.value))
    order = {p.iso: n for n, p in enumerate(asked)}
    sensitive = publication.sensitive_indicator_ids(indicators)
    for pk, indicator_id, _year in linked:
        points = sorted(values.get(indicator_id, []), key=lambda p: order[p.period])
        out[pk] = Trend(tuple(points), counts_people=indicator_id in sensitive)
    return out


def trends_of_measure_indicators(indicators: Iterable[MeasureIndicator]) -> dict[int, Trend]:
    """The trends of measure indicators of any plans (grouped per plan: one read per plan)."""
    by_plan: dict[int, list[MeasureIndicator]] = defaultdict(list)
    for indicator in indicators:
        by_plan[indicator.measure.plan_id].append(indicator)
    out: dict[int, Trend] = {}
    for group in by_plan.values():
        plan = group[0].measure.plan
        out.update(
            trends(
                ((i.pk, i.catalogue_indicator_id, i.baseline_year) for i in group),
                plan.org_unit,
                plan.period_start,
                plan.period_end,
            )
        )
    return out


def indicator_value_at(indicator: Indicator, unit: OrgUnit, period: str) -> Decimal | None:
    """One catalogue indicator's value for ``unit`` in the ISO ``period`` (None: no figure)."""
    parsed = iso_periods.parse(period)
    found = analytics.indicator_values([indicator], [unit], [parsed])
    return found[0].value if found else None


def attach(indicators: Iterable[MeasureIndicator]) -> None:
    """Read the trends of these measure indicators at once and keep each on its row (``trend_of``)."""
    indicators = list(indicators)
    found = trends_of_measure_indicators(indicators)
    for indicator in indicators:
        indicator.__dict__["_trend"] = found.get(indicator.pk, Trend())


def trend_of(indicator: MeasureIndicator) -> Trend:
    """The trend kept by ``attach``, or read now for this one row."""
    if "_trend" not in indicator.__dict__:
        attach([indicator])
    trend = indicator.__dict__["_trend"]
    assert isinstance(trend, Trend)
    return trend
