"""How much of a year a yearly figure is built from: the months its flows were reported for.

A yearly figure adds up the year's months. When reporting began in December, the year's drop-out
rate is one month of drop-outs over the whole year's enrolment (0.11 % beside 3 % in the years
after): a reader must be told, or it reads as an improvement. For each indicator and year this
gives the months reported out of the year's twelve, from the indicator's *flows* (elements added
up over time, not stocks such as a population, which hold for the whole year) collected more often
than yearly (the finest period type of the data sets holding the element).

A flow counts as reported from its first to its last month with data (at the unit, any year): a
month in between without a value is a zero that was not stored (``zero_is_significant`` off, as
in DHIS2), not a gap. The indicator's year is as complete as its least complete flow.

Counts from children's personal records take no part (``from_personal_records``): without stored
zeros, the months with a value would bound a count the public page hides ("<5", and cases in
three months: 3 or 4). An indicator whose only flows are such counts gets no coverage; its figures
are published, suppressed, as before.

Reads the stored cells, which units with children keep (a municipality, the public page's unit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max, Min, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.tablero import expressions
from ronda.tablero import periods as iso_periods
from ronda.tablero.analytics import HOLDS_OVER_TIME
from ronda.tablero.models import AggregateValue, DataElement, DataSet, Indicator, IndicatorFormula
from ronda.territory.models import OrgUnit

MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class Coverage:
    reported: int  # months of the year with the flows reported
    months: int = MONTHS_IN_YEAR

    @property
    def complete(self) -> bool:
        return self.reported >= self.months


def _operand_names(formula: IndicatorFormula) -> set[str]:
    names: set[str] = set()
    for text in (formula.numerator, formula.denominator):
        try:
            names |= {o.element for o in expressions.references(expressions.parse(text))}
        except expressions.ExpressionError:
            continue
    return names


def _months_within(year: iso_periods.Period, first: dt.date, last: dt.date) -> int:
    months = iso_periods.within(year, iso_periods.PeriodType.MONTHLY)
    return sum(1 for month in months if first <= month.start and month.end <= last)


def year_coverage(
    indicators: Sequence[Indicator],
    formulas: Iterable[IndicatorFormula],
    unit: OrgUnit,
    years: Sequence[iso_periods.Period],
) -> dict[tuple[int, str], Coverage]:
    """(indicator id, year) → the months reported, for the indicators that have sub-yearly flows
    other than personal-records counts (the others are absent). Four queries."""
    by_indicator: dict[int, set[str]] = {}
    for formula in formulas:
        by_indicator.setdefault(formula.indicator_id, set()).update(_operand_names(formula))
    owned = {i.pk: i.owner_id for i in indicators if not i.computed_by}
    names = {name for pk, group in by_indicator.items() if pk in owned for name in group}
    if not names:
        return {}
    paths = dict(OrgUnit.objects.filter(pk__in=set(owned.values()) - {None}).values_list("pk", "path"))
    flows = list(
        DataElement.objects.filter(Q(uid__in=names) | Q(code__in=names), from_personal_records=False)
        .exclude(aggregation_type__in=HOLDS_OVER_TIME)
        .select_related("owner")
        .only("uid", "code", "owner__path")
    )
    # Each flow's collection: the finest period type of the data sets holding it, when finer than a year.
    finest: dict[int, str] = {}
    for element_id, period_type in DataSet.objects.filter(data_elements__in=flows).values_list(
        "data_elements", "period_type"
    ):
        known = finest.get(element_id)
        if period_type != iso_periods.PeriodType.YEARLY and (
            known is None or iso_periods.ORDER.index(period_type) < iso_periods.ORDER.index(known)
        ):
            finest[element_id] = period_type
    flows = [e for e in flows if e.pk in finest]
    if not flows:
        return {}
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for element_id, period_type, first, last in (
        AggregateValue.objects.filter(data_element__in=flows, org_unit_id=unit.pk, count__gt=0)
        .values_list("data_element_id", "period__period_type")
        .annotate(first=Min("period__start_date"), last=Max("period__end_date"))
    ):
        if finest.get(element_id) == period_type:
            spans[element_id] = (first, last)
    out: dict[tuple[int, str], Coverage] = {}
    for indicator_id, owner_id in owned.items():
        group = by_indicator.get(indicator_id, set())
        path = paths.get(owner_id, "") if owner_id is not None else ""
        # A uid names one element; a code only within the indicator's own catalogue and those above
        # it. A flow with no monthly (quarterly …) cell at the unit tells nothing: it is left out.
        mine = [
            spans[e.pk]
            for e in flows
            if e.pk in spans
            and (e.uid in group or (e.code in group and (e.owner is None or path.startswith(e.owner.path))))
        ]
        if not mine:
            continue
        for year in years:
            out[(indicator_id, year.iso)] = Coverage(min(_months_within(year, *span) for span in mine))
    return out


def year_label(year: str, *, current: bool, months: Coverage | None) -> str:
    """ "2026 (so far: 11 of 12 months)", "2023 (incomplete year: 1 of 12 months)", "2024"; without
    the months when the indicator has no monthly flows to count them by (a yearly figure)."""
    values = {"year": year, "reported": months.reported if months else 0, "months": months.months if months else 0}
    if current and months is not None:
        return (
            ngettext(
                "%(year)s (so far: %(reported)s of %(months)s month)",
                "%(year)s (so far: %(reported)s of %(months)s months)",
                months.months,
            )
            % values
        )
    if current:
        return _("%(year)s (so far)") % values
    if months is not None and not months.complete and months.reported:
        # A year with no month at all has no figure ("—"): only its number.
        return (
            ngettext(
                "%(year)s (incomplete year: %(reported)s of %(months)s month)",
                "%(year)s (incomplete year: %(reported)s of %(months)s months)",
                months.months,
            )
            % values
        )
    return year
