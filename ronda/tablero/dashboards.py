"""What the dashboards show, built from the aggregate cells (``analytics.indicator_values``) and
drawn by ``tablero.charts``; and the saved dashboards' services.

Each page makes a fixed number of queries whatever the number of units or indicators: one call of
``indicator_values`` for every indicator × unit × period of the page, one for the targets, one for
the disaggregation cells. The page, the CSV and the SVG download come from the same objects, so
they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ronda.core import audit, formatting
from ronda.core.services import versioned_update
from ronda.core.tenancy import Actor
from ronda.tablero import analytics, charts, coverage, expressions, policies, selectors
from ronda.tablero import periods as iso_periods
from ronda.tablero.aggregation import ensure_periods
from ronda.tablero.models import (
    AggregateValue,
    CategoryOptionCombo,
    Dashboard,
    DataElement,
    DataValue,
    Direction,
    Indicator,
    IndicatorFormula,
    Target,
)
from ronda.tablero.selectors import Cell
from ronda.territory.models import Level, OrgUnit

MAX_INDICATORS = 12
MAX_PERIODS = 60


def period_label(period: iso_periods.Period) -> str:
    """ "mar 2026" for a month; the ISO code for a quarter, a semester or a year ("2026Q1", "2026")."""
    if period.period_type == iso_periods.PeriodType.MONTHLY:
        return formatting.month_year(period.start)
    return period.iso


def periods_between(
    period_type: str, first_year: int, last_year: int, today: dt.date
) -> tuple[iso_periods.Period, ...]:
    """Every period of ``period_type`` from January of ``first_year`` to December of ``last_year``
    that has started by ``today``, the latest ``MAX_PERIODS`` of them."""
    out: list[iso_periods.Period] = []
    for year in range(first_year, last_year + 1):
        out += [p for p in iso_periods.within(iso_periods.parse(str(year)), period_type) if p.start <= today]
    return tuple(out[-MAX_PERIODS:])


def _with_unit(text: str, indicator: Indicator) -> str:
    return f"{text} {indicator.unit}".strip() if indicator.unit else text


def chart_title(indicator: Indicator) -> str:
    """The indicator's name with its unit, unless the name already says it."""
    if not indicator.unit or indicator.unit.lower() in indicator.name.lower():
        return indicator.name
    return f"{indicator.name} ({indicator.unit})"


def _verdict(indicator: Indicator, before: Decimal | None, after: Decimal | None) -> str | None:
    """ "better", "worse" or "same" from the previous value to the last, by the direction of improvement."""
    if before is None or after is None:
        return None
    if after == before or indicator.direction == Direction.NEUTRAL:
        return "same" if after == before else None
    rose = after > before
    return "better" if rose == (indicator.direction == Direction.HIGHER_IS_BETTER) else "worse"


# --- Trends -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    period: iso_periods.Period
    # What the data table says ("2024 (incomplete year: 1 of 12 months)"); ``short`` is the chart's
    # axis label ("2024").
    label: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    short: str = ""

    @property
    def axis_label(self) -> str:
        return self.short or self.label


@dataclass
class BreakdownRow:
    label: str
    value: Decimal | None


@dataclass
class Breakdown:
    slug: str
    title: str
    period_label: str
    element: DataElement
    category: str
    rows: list[BreakdownRow]
    summary: str
    decimals: int = 0

    @property
    def svg(self) -> str:
        return charts.bars(
            [charts.Mark(r.label, r.value) for r in self.rows],
            title=self.title,
            summary=self.summary,
            decimals=self.decimals,
            chart_id=f"chart-{self.slug}",
        )


@dataclass
class Trend:
    indicator: Indicator
    unit: OrgUnit
    rows: list[TrendRow]
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"trend-{self.indicator.uid}"

    @property
    def title(self) -> str:
        return chart_title(self.indicator)

    @cached_property
    def with_values(self) -> list[TrendRow]:
        return [r for r in self.rows if r.value is not None]

    @cached_property
    def last(self) -> TrendRow | None:
        found = self.with_values
        return found[-1] if found else None

    @cached_property
    def previous(self) -> TrendRow | None:
        found = self.with_values
        return found[-2] if len(found) > 1 else None

    @cached_property
    def verdict(self) -> str | None:
        last, previous = self.last, self.previous
        return _verdict(self.indicator, previous.value if previous else None, last.value if last else None)

    @cached_property
    def summary(self) -> str:
        return trend_summary(self.indicator, self.previous, self.last)

    @cached_property
    def svg(self) -> str:
        return charts.trend(
            [charts.Mark(r.axis_label, r.value) for r in self.rows],
            targets=[r.target for r in self.rows],
            target_label=_("Target"),
            title=f"{self.title} · {self.unit.name}",
            summary=self.summary,
            decimals=self.indicator.decimals,
            chart_id=f"chart-{self.slug}",
        )


def trend_summary(indicator: Indicator, previous: TrendRow | None, last: TrendRow | None) -> str:
    """The chart's text alternative: "In mar 2026 Vaccination rose from 41.2 to 45.0 per 1,000; the target is 50."."""
    decimals = indicator.decimals
    if last is None:
        return _("%(indicator)s has no value in these periods.") % {"indicator": indicator.name}
    values = {
        "period": last.label,
        "indicator": indicator.name,
        "value": _with_unit(formatting.number(last.value, decimals), indicator),
    }
    if previous is None:
        sentence = _("In %(period)s %(indicator)s was %(value)s") % values
    else:
        values["before"] = formatting.number(previous.value, decimals)
        assert last.value is not None and previous.value is not None
        if last.value > previous.value:
            sentence = _("In %(period)s %(indicator)s rose from %(before)s to %(value)s") % values
        elif last.value < previous.value:
            sentence = _("In %(period)s %(indicator)s fell from %(before)s to %(value)s") % values
        else:
            sentence = _("In %(period)s %(indicator)s stayed at %(value)s") % values
    if last.target is not None:
        return _("%(sentence)s; the target is %(target)s.") % {
            "sentence": sentence,
            "target": formatting.number(last.target, decimals),
        }
    return sentence + "."


def _targets(indicators: Sequence[Indicator], unit: OrgUnit, isos: Iterable[str]) -> dict[tuple[int, str], Decimal]:
    return {
        (indicator_id, iso): value
        for indicator_id, iso, value in Target.objects.filter(
            indicator__in=list(indicators), org_unit=unit, period__iso__in=list(isos)
        ).values_list("indicator_id", "period__iso", "value")
    }


def trends(
    actor: Actor, unit: OrgUnit, indicators: Sequence[Indicator], periods: Sequence[iso_periods.Period]
) -> list[Trend]:
    """Each indicator over ``periods`` at ``unit``, with its target (a period's own, or that of the
    period containing it: a yearly target holds for its months) and its disaggregation."""
    owner = policies.catalogue_owner_filter(actor)
    values = {
        (v.indicator_id, v.period): v
        for v in analytics.indicator_values(indicators, [unit], periods, owner_filter=owner)
    }
    targets = _targets(indicators, unit, {c.iso for p in periods for c in iso_periods.containing(p)})
    # A yearly figure from an incomplete year says so (as on the public page): "2024 (incomplete
    # year: 1 of 12 months)", "2026 (so far: 11 of 12 months)".
    years = [p for p in periods if p.period_type == iso_periods.PeriodType.YEARLY]
    covered = (
        coverage.year_coverage(indicators, IndicatorFormula.objects.filter(indicator__in=list(indicators)), unit, years)
        if years
        else {}
    )
    this_year = str(timezone.localdate().year)
    out = []
    for indicator in indicators:
        rows = []
        for period in periods:
            label = (
                coverage.year_label(
                    period.iso, current=period.iso == this_year, months=covered.get((indicator.pk, period.iso))
                )
                if period.period_type == iso_periods.PeriodType.YEARLY
                else period_label(period)
            )
            found = values.get((indicator.pk, period.iso))
            target = next(
                (
                    targets[(indicator.pk, c.iso)]
                    for c in iso_periods.containing(period)
                    if (indicator.pk, c.iso) in targets
                ),
                None,
            )
            rows.append(
                TrendRow(
                    period=period,
                    label=label,
                    short=period_label(period),
                    value=found.value if found else None,
                    numerator=found.numerator if found else None,
                    denominator=found.denominator if found else None,
                    target=target,
                )
            )
        out.append(Trend(indicator=indicator, unit=unit, rows=rows))
    _attach_breakdowns(out, unit, periods, owner)
    return out


# --- Disaggregation ---------------------------------------------------------------------------


def _combine(cells: Iterable[Cell]) -> Cell:
    total, count, last_total = Decimal(0), 0, Decimal(0)
    low: Decimal | None = None
    high: Decimal | None = None
    for c in cells:
        total, count, last_total = total + c.total, count + c.count, last_total + c.last_total
        if c.minimum is not None and (low is None or c.minimum < low):
            low = c.minimum
        if c.maximum is not None and (high is None or c.maximum > high):
            high = c.maximum
    return Cell(total, count, last_total, low, high)


def _numerator_elements(indicators: Sequence[Indicator], owner: Q) -> dict[int, DataElement]:
    """Each indicator's first numerator element (the one its disaggregation is shown for)."""
    formulas: dict[int, IndicatorFormula] = {}
    for formula in IndicatorFormula.objects.filter(indicator__in=list(indicators)).order_by("valid_from", "id"):
        formulas[formula.indicator_id] = formula  # the latest version
    first: dict[int, str] = {}
    for indicator_id, formula in formulas.items():
        operands = sorted(expressions.references(expressions.parse(formula.numerator)), key=str)
        if operands:
            first[indicator_id] = operands[0].element
    names = set(first.values())
    elements = {}
    for element in DataElement.objects.filter(owner, Q(uid__in=names) | Q(code__in=names)).select_related(
        "category_combo"
    ):
        elements[element.uid] = element
        elements.setdefault(element.code, element)
    return {i: elements[name] for i, name in first.items() if name in elements}


def _attach_breakdowns(found: list[Trend], unit: OrgUnit, periods: Sequence[iso_periods.Period], owner: Q) -> None:
    """For each trend: the numerator element in the trend's last period with a value, one bar per
    option of each category of its combination ("by sex", "by age band")."""
    elements = _numerator_elements([t.indicator for t in found], owner)
    elements = {i: e for i, e in elements.items() if not e.category_combo.is_default}
    wanted = {t.indicator.pk: t.last.period for t in found if t.last is not None and t.indicator.pk in elements}
    if not wanted:
        return
    stored = ensure_periods(wanted.values())
    combos = {e.category_combo_id for e in elements.values()}
    options_of: dict[int, list[tuple[str, int, str, int, str]]] = defaultdict(list)
    for coc in CategoryOptionCombo.objects.filter(combo_id__in=combos).prefetch_related("options__category"):
        for choice in coc.options.all():
            of = choice.category
            options_of[coc.pk].append((of.name, of.pk, choice.name, choice.sort_order, str(choice.pk)))
    cells: dict[tuple[int, int, int], Cell] = {}
    for de, coc_id, _unit, period_id, total, count, last_total, low, high in selectors.cell_rows(
        element_ids=[elements[i].pk for i in wanted],
        unit_ids=[unit.pk],
        period_ids=[p.pk for p in stored.values()],
    ):
        cells[(de, coc_id, period_id)] = Cell(total, count, last_total, low, high)
    for trend in found:
        if trend.indicator.pk not in wanted:
            continue
        element = elements[trend.indicator.pk]
        period = wanted[trend.indicator.pk]
        period_id = stored[period.iso].pk
        # category -> option -> cells
        groups: dict[tuple[str, int], dict[tuple[int, str], list[Cell]]] = defaultdict(lambda: defaultdict(list))
        for (de, coc_id, pid), cell in cells.items():
            if de != element.pk or pid != period_id:
                continue
            for category_name, category_pk, option_name, order, _option_id in options_of.get(coc_id, []):
                groups[(category_name, category_pk)][(order, option_name)].append(cell)
        label = period_label(period)
        for (category, category_id), options in sorted(groups.items(), key=lambda kv: kv[0][1]):
            rows = [
                BreakdownRow(option, _combine(group).value(element.aggregation_type))
                for (_order, option), group in sorted(options.items())
            ]
            title = _("%(element)s by %(category)s, %(period)s") % {
                "element": element.name,
                "category": category.lower(),
                "period": label,
            }
            top = max((r for r in rows if r.value is not None), key=lambda r: r.value or 0, default=None)
            summary = (
                _("In %(period)s the largest group was %(option)s, with %(value)s.")
                % {"period": label, "option": top.label, "value": formatting.figure(top.value)}
                if top is not None
                else _("No data for these periods")
            )
            trend.breakdowns.append(
                Breakdown(
                    slug=f"breakdown-{trend.indicator.uid}-{category_id}",
                    title=title,
                    period_label=label,
                    element=element,
                    category=category,
                    rows=rows,
                    summary=summary,
                    decimals=0 if element.aggregation_type != "AVERAGE" else 1,
                )
            )


def first_with_data(indicators: Sequence[Indicator], unit: OrgUnit, owner: Q) -> Indicator | None:
    """The first of ``indicators`` whose numerator has any value at ``unit`` (else the first one):
    what a comparison opens with before anybody chooses."""
    if not indicators:
        return None
    elements = _numerator_elements(indicators, owner)
    with_data = set(
        AggregateValue.objects.filter(
            org_unit_id=unit.pk, data_element_id__in={e.pk for e in elements.values()}, count__gt=0
        ).values_list("data_element_id", flat=True)
    )
    if unit.level == selectors.LEAF_LEVEL:  # a community keeps no cells: its values say
        with_data = set(
            DataValue.objects.filter(
                org_unit_id=unit.pk,
                data_element_id__in={e.pk for e in elements.values()},
                deleted=False,
                value__isnull=False,
            ).values_list("data_element_id", flat=True)
        )
    for indicator in indicators:
        element = elements.get(indicator.pk)
        if element is not None and element.pk in with_data:
            return indicator
    return indicators[0]


# --- Comparison, ranking and the map ----------------------------------------------------------


# Above this many municipalities (a country of 2,500), a comparison opens with the parent's
# children (its 50 regions): a ranking one can read; the municipalities are one link away.
MAX_COMPARED = 150


def comparison_levels(parent: OrgUnit) -> list[int]:
    """The levels whose units can be compared under ``parent`` (its children's and below)."""
    return [level for level in Level.values if parent.level < level <= Level.COMMUNITY]


def compared_level(parent: OrgUnit, wanted: int | None = None) -> int:
    """The level compared: ``wanted`` when it is one of ``comparison_levels``; else the
    municipalities when ``parent`` is above them and they are at most ``MAX_COMPARED`` (a country's
    80 cantons), the parent's children otherwise (a country's regions, a municipality's communities)."""
    levels = comparison_levels(parent)
    if wanted in levels:
        return int(wanted)
    if parent.level < Level.MUNICIPALITY:
        below = OrgUnit.objects.filter(path__startswith=parent.path, is_active=True, level=Level.MUNICIPALITY)
        if below.count() <= MAX_COMPARED:
            return Level.MUNICIPALITY
    return parent.level + 1


def compared_units(parent: OrgUnit, level: int | None = None) -> list[OrgUnit]:
    """The units one looks at side by side under ``parent``, of ``compared_level(parent, level)``."""
    below = OrgUnit.objects.filter(path__startswith=parent.path, is_active=True).exclude(pk=parent.pk)
    below = below.filter(level=compared_level(parent, level))
    return list(below.order_by("name"))


@dataclass
class RankRow:
    unit: OrgUnit
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    rank: int | None = None


SORTS = {
    "nombre": lambda r: (r.unit.name.lower(),),
    "valor": lambda r: (r.value is None, r.value or 0),
    "numerador": lambda r: (r.numerator is None, r.numerator or 0),
    "denominador": lambda r: (r.denominator is None, r.denominator or 0),
    "puesto": lambda r: (r.rank is None, r.rank or 0),
}


@dataclass
class Comparison:
    indicator: Indicator
    period: iso_periods.Period
    parent: OrgUnit
    rows: list[RankRow]
    references: list[RankRow]
    sort: str = "puesto"
    descending: bool = False
    level: int = Level.MUNICIPALITY

    @property
    def levels(self) -> list[tuple[int, str, bool]]:
        """The levels one may compare instead: (level, its name, whether it is the one shown)."""
        return [(lv, str(Level(lv).label), lv == self.level) for lv in comparison_levels(self.parent)]

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def title(self) -> str:
        return f"{chart_title(self.indicator)} · {self.period_label}"

    @cached_property
    def sorted_rows(self) -> list[RankRow]:
        key = SORTS.get(self.sort, SORTS["puesto"])
        with_value = [r for r in self.rows if r.value is not None or self.sort == "nombre"]
        without = [r for r in self.rows if r not in with_value]
        return sorted(with_value, key=key, reverse=self.descending) + sorted(without, key=SORTS["nombre"])

    @cached_property
    def ranked(self) -> list[RankRow]:
        return sorted(self.rows, key=SORTS["puesto"])

    @cached_property
    def summary(self) -> str:
        ranked = [r for r in self.ranked if r.value is not None]
        if not ranked:
            return _("%(indicator)s has no value in these periods.") % {"indicator": self.indicator.name}
        best, worst = ranked[0], ranked[-1]
        decimals = self.indicator.decimals
        values = {
            "period": self.period_label,
            "best": best.unit.name,
            "best_value": _with_unit(formatting.number(best.value, decimals), self.indicator),
            "worst": worst.unit.name,
            "worst_value": _with_unit(formatting.number(worst.value, decimals), self.indicator),
            "count": formatting.count(len(ranked)),
        }
        if self.indicator.direction == Direction.NEUTRAL:
            return (
                ngettext(
                    "In %(period)s, of %(count)s unit, %(best)s had the highest value (%(best_value)s).",
                    "In %(period)s, of %(count)s units, %(best)s had the highest value (%(best_value)s).",
                    len(ranked),
                )
                % values
            )
        return (
            ngettext(
                "In %(period)s, of %(count)s unit, %(best)s did best (%(best_value)s) "
                "and %(worst)s worst (%(worst_value)s).",
                "In %(period)s, of %(count)s units, %(best)s did best (%(best_value)s) "
                "and %(worst)s worst (%(worst_value)s).",
                len(ranked),
            )
            % values
        )

    @cached_property
    def svg(self) -> str:
        return charts.bars(
            [charts.Mark(r.unit.name, r.value) for r in self.ranked],
            references=[charts.Mark(r.unit.name, r.value) for r in self.references],
            title=self.title,
            summary=self.summary,
            decimals=self.indicator.decimals,
            chart_id="chart-ranking",
        )

    @cached_property
    def map_svg(self) -> str:
        return charts.choropleth(
            [(r.unit.name, r.unit.geometry, r.value) for r in self.rows],
            title=self.title,
            summary=self.summary,
            decimals=self.indicator.decimals,
            chart_id="chart-map",
        )

    @property
    def mapped(self) -> int:
        return sum(1 for r in self.rows if r.unit.geometry)


def comparison(
    actor: Actor,
    parent: OrgUnit,
    indicator: Indicator,
    period: iso_periods.Period,
    *,
    sort: str = "puesto",
    descending: bool = False,
    level: int | None = None,
) -> Comparison:
    """``indicator`` in ``period`` for every unit compared under ``parent`` (of ``level``, see
    ``compared_level``), ranked best first by its direction of improvement, with ``parent`` and its
    ancestors the actor may read for reference."""
    shown = compared_level(parent, level)
    units = compared_units(parent, shown)
    readable = policies.readable_units(actor)
    above = list(readable.filter(pk__in=parent.ancestor_ids()).order_by("-level")) if parent.path else []
    references = [parent, *above]
    values = {
        v.org_unit_id: v
        for v in analytics.indicator_values(
            [indicator], [*units, *references], [period], owner_filter=policies.catalogue_owner_filter(actor)
        )
    }

    def row(unit: OrgUnit) -> RankRow:
        found = values.get(unit.pk)
        return RankRow(
            unit,
            found.value if found else None,
            found.numerator if found else None,
            found.denominator if found else None,
        )

    rows = [row(u) for u in units]
    best_first = sorted(
        (r for r in rows if r.value is not None),
        key=lambda r: -(r.value or 0) if indicator.direction != Direction.LOWER_IS_BETTER else (r.value or 0),
    )
    for position, ranked in enumerate(best_first, 1):
        ranked.rank = position
    return Comparison(
        indicator=indicator,
        period=period,
        parent=parent,
        rows=rows,
        references=[row(u) for u in references],
        sort=sort if sort in SORTS else "puesto",
        descending=descending,
        level=shown,
    )


# --- Saved dashboards -------------------------------------------------------------------------


def pinned_uids(dashboard: Dashboard) -> list[str]:
    return [str(item.get("indicator")) for item in dashboard.items if isinstance(item, dict) and item.get("indicator")]


@transaction.atomic
def save_dashboard(
    *, actor: Actor, name: str, org_unit: OrgUnit, indicators: Sequence[Indicator], filters: dict[str, Any]
) -> Dashboard:
    """The current selection as the actor's own dashboard (the view has asked ``can_manage_dashboards``)."""
    dashboard = Dashboard.objects.create(
        owner=actor.user,
        org_unit=org_unit,
        name=name,
        items=[{"indicator": i.uid, "chart": "trend"} for i in indicators],
        filters=filters,
    )
    audit.record_create(actor=actor, target=dashboard, org_unit=org_unit)
    return dashboard


@transaction.atomic
def set_pinned(*, actor: Actor, dashboard: Dashboard, indicator: Indicator, pinned: bool) -> Dashboard:
    """Pin an indicator to a saved dashboard, or take it off."""
    items = [
        item for item in dashboard.items if not (isinstance(item, dict) and item.get("indicator") == indicator.uid)
    ]
    if pinned:
        items.append({"indicator": indicator.uid, "chart": "trend"})
    return versioned_update(
        actor=actor, instance=dashboard, expected_version=None, changes={"items": items}, org_unit=dashboard.org_unit
    )


@transaction.atomic
def delete_dashboard(*, actor: Actor, dashboard: Dashboard) -> None:
    audit.record_delete(actor=actor, target=dashboard, org_unit=dashboard.org_unit)
    dashboard.delete()
