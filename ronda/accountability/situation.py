"""The situation report of a municipality's children ("estado de la niñez", issue #10 item 9).

What seed 000 asks situation analyses and periodic reports to show, read from the Tablero: for
every CFCI goal area, each indicator of the municipality's catalogue with its latest value, its
trend over the last three years against its targets, the region and the country in the same
period, the gap to the target (better or worse by the indicator's direction of improvement) and,
where its figures are disaggregated, the breakdown by age band and sex. Indicators with no value
in those years are listed as having no data.

The page, the PDF and the JSON API are built from the one :class:`SituationData` this module
returns, so they cannot disagree. A fixed number of queries, whatever the number of indicators:
one ``analytics.indicator_values`` call for every indicator × (municipality, region, country) ×
year, one for the targets, two for the formulas' sensitivity, three for the breakdowns.

**Small counts.** The report is an aggregate document meant to be handed on (to the council, to
the secretariat), so whoever reads it, every figure counted from children's personal records
(``tablero.publication.needs_suppression``) is suppressed as on the public page
(``tablero.suppression``): a count of 1 to 4 shows "<5", its breakdown table hides complements
("x"), a rate computed from a hidden count shows "—". The region and the country are compared in
the same way, and a region (country) figure is hidden too when the part of it outside the
municipality (region) is 1 to 4: publishing both would give that small count by subtraction.
Figures published elsewhere (another municipality's report) are lines this module does not see;
``tablero.suppression`` states the same limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ronda.core import formatting
from ronda.core.tenancy import Actor
from ronda.planning.choices import GoalArea
from ronda.tablero import (
    analytics,
    charts,
    dashboards,
    expressions,
    policies_dashboards,
    policies_public,
    publication,
    selectors,
    suppression,
)
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies as tablero_policies
from ronda.tablero.models import (
    AggregationType,
    CategoryOptionCombo,
    DataElement,
    Direction,
    Indicator,
    IndicatorFormula,
    Target,
)
from ronda.tablero.selectors import Cell
from ronda.tablero.suppression import Figure, Reason
from ronda.territory.models import Level

if TYPE_CHECKING:
    from ronda.territory.models import OrgUnit

YEARS = 3
BETTER, WORSE, SAME = "better", "worse", "same"
# Breakdowns add cells up: only for elements whose cells are additive.
ADDITIVE = frozenset({AggregationType.SUM, AggregationType.LAST})


def compare(direction: str, value: Decimal | None, reference: Decimal | None) -> str | None:
    """``value`` against ``reference`` by the direction of improvement: better, worse or the same;
    None when either is missing, or when neither higher nor lower is better (and they differ)."""
    if value is None or reference is None:
        return None
    if value == reference:
        return SAME
    if direction == Direction.NEUTRAL:
        return None
    return BETTER if (value > reference) == (direction == Direction.HIGHER_IS_BETTER) else WORSE


def report_years(year: int, n: int = YEARS) -> tuple[iso_periods.Period, ...]:
    """The ``n`` years ending with ``year``, oldest first."""
    return tuple(iso_periods.parse(str(y)) for y in range(year - n + 1, year + 1))


# --- What the report holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: str
    label: str
    figure: Figure
    target: Decimal | None = None


@dataclass(frozen=True)
class Reference:
    """The region or the country in the latest period, and how the municipality compares with it."""

    unit: OrgUnit
    kind: str  # "region" | "country"
    figure: Figure
    verdict: str | None

    @property
    def label(self) -> str:
        return _("Region") if self.kind == "region" else _("Country")


@dataclass(frozen=True)
class Breakdown:
    """The latest period's figure by one or two categories (age band × sex), with its margins.
    ``measure``: "count" (the numerator element's counts) or "rate" (the indicator itself, when
    its numerator and denominator are split the same way)."""

    caption: str
    measure: str
    decimals: int
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]  # empty for a single category
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]  # empty for a single category
    column_totals: tuple[Figure, ...]
    total: Figure
    withheld: bool = False

    @property
    def rows(self) -> list[tuple[str, tuple[Figure, ...], Figure | None]]:
        totals: Sequence[Figure | None] = self.row_totals or [None] * len(self.row_labels)
        return list(zip(self.row_labels, self.cells, totals, strict=True))

    @property
    def figures(self) -> list[Figure]:
        return [*(f for row in self.cells for f in row), *self.row_totals, *self.column_totals, self.total]


@dataclass
class SituationIndicator:
    indicator: Indicator
    sensitive: bool
    trend: tuple[Point, ...]
    latest: Point | None
    references: tuple[Reference, ...] = ()
    target: Decimal | None = None
    gap: Decimal | None = None
    gap_verdict: str | None = None
    breakdown: Breakdown | None = None

    @property
    def has_data(self) -> bool:
        return self.latest is not None

    @property
    def title(self) -> str:
        return dashboards.chart_title(self.indicator)

    @property
    def decimals(self) -> int:
        return self.indicator.decimals

    @property
    def notes(self) -> list[str]:
        figures = [p.figure for p in self.trend] + [r.figure for r in self.references]
        if self.breakdown is not None:
            figures += self.breakdown.figures
        notes = [f.note for f in figures if f.suppressed]
        if self.breakdown is not None and self.breakdown.withheld:
            notes.append(str(publication.WITHHELD_NOTE))
        return list(dict.fromkeys(notes))

    @cached_property
    def summary(self) -> str:
        """The chart's text alternative (the dashboards' sentence, over the published values)."""
        shown = [p for p in self.trend if p.figure.value is not None]
        rows = [
            dashboards.TrendRow(iso_periods.parse(p.period), p.label, Decimal(p.figure.value), None, None, p.target)
            for p in shown
            if p.figure.value is not None
        ]
        return dashboards.trend_summary(self.indicator, rows[-2] if len(rows) > 1 else None, rows[-1] if rows else None)

    @cached_property
    def svg(self) -> str:
        return charts.trend(
            [charts.Mark(p.label, Decimal(p.figure.value) if p.figure.value is not None else None) for p in self.trend],
            targets=[p.target for p in self.trend],
            target_label=_("Target"),
            title=self.title,
            summary=self.summary,
            decimals=self.indicator.decimals,
            chart_id=f"situation-{self.indicator.uid}",
            width=440,
            height=170,
        )

    @property
    def gap_text(self) -> str:
        """The gap to the target as a signed figure with the indicator's unit ("+2,5 %")."""
        if self.gap is None:
            return ""
        text = formatting.number(abs(self.gap), self.indicator.decimals)
        sign = "+" if self.gap > 0 else "−" if self.gap < 0 else ""
        return f"{sign}{text} {self.indicator.unit}".strip()


@dataclass
class GoalSection:
    goal_area: str
    label: str
    items: list[SituationIndicator] = field(default_factory=list)

    @property
    def with_data(self) -> list[SituationIndicator]:
        return [i for i in self.items if i.has_data]

    @property
    def without_data(self) -> list[SituationIndicator]:
        return [i for i in self.items if not i.has_data]


@dataclass(frozen=True)
class SituationData:
    unit: OrgUnit
    region: OrgUnit | None
    country: OrgUnit | None
    year: int
    years: tuple[iso_periods.Period, ...]
    generated_on: dt.date
    sections: list[GoalSection]

    @property
    def first_year(self) -> int:
        return self.years[0].start.year

    @property
    def indicator_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def with_data_count(self) -> int:
        return sum(len(s.with_data) for s in self.sections)

    @property
    def any_sensitive(self) -> bool:
        return any(i.sensitive for s in self.sections for i in s.items)

    @property
    def suppression_note(self) -> str:
        return _(
            "Counts of children taken from personal records (cases, protection measures, placements) are "
            "shown with small-count suppression, as on the public page: a count from 1 to 4 shows “<5”, "
            "figures hidden so that it cannot be worked out show “x”, and a rate computed from a hidden "
            "count shows “—”. This applies to every reader of this report."
        )


# --- Building it ------------------------------------------------------------------------------


def report_indicators(actor: Actor, unit: OrgUnit) -> list[Indicator]:
    """The indicators of the municipality's catalogue (the country's and its own, not archived)
    that the actor reads, by name."""
    visible = policies_dashboards.visible_indicators(actor)
    return list(policies_public.publishable_indicators(unit).filter(pk__in=visible.values("pk")).order_by("name"))


def region_and_country(unit: OrgUnit) -> tuple[OrgUnit | None, OrgUnit | None]:
    """The municipality's parent when it is not the country itself (a province, a region), and its country."""
    ancestors = {u.pk: u for u in unit.ancestors()}
    country = next((u for u in ancestors.values() if u.level == Level.COUNTRY), None)
    parent = ancestors.get(unit.parent_id) if unit.parent_id is not None else None
    region = parent if parent is not None and parent.level != Level.COUNTRY else None
    return region, country


def _is_count(formula: IndicatorFormula) -> bool:
    try:
        bottom = expressions.parse(formula.denominator)
    except expressions.ExpressionError:
        return False
    return isinstance(bottom, expressions.Number) and bottom.value == 1 and formula.factor == 1


def _single(text: str) -> str | None:
    """The element a formula side names alone (every option combination), or None."""
    try:
        node = expressions.parse(text)
    except expressions.ExpressionError:
        return None
    return node.element if isinstance(node, expressions.Operand) and node.option_combo is None else None


def _point_figure(
    value: analytics.IndicatorValue, formula: IndicatorFormula, sensitivity: publication.Sensitivity
) -> Figure:
    """One figure shown alone (a year of the trend), suppressed as the public page does."""
    if not sensitivity:
        return Figure(value.value)
    if _is_count(formula):
        return suppression.publishable(value.value)
    counts = ([value.numerator] if sensitivity.numerator else []) + (
        [value.denominator] if sensitivity.denominator else []
    )
    return suppression.rate(value.value, *counts)


def _hide(figure: Figure, reason: Reason = Reason.COMPLEMENTARY) -> Figure:
    return figure if figure.suppressed or figure.value is None else Figure(None, reason)


@dataclass(frozen=True)
class _BreakdownAsk:
    indicator: Indicator
    formula: IndicatorFormula
    period: str
    numerator: DataElement
    denominator: DataElement | None  # the same split: a rate per cell


def _elements_named(names: set[str], owner: Q, unit: OrgUnit) -> dict[str, DataElement]:
    """Elements by uid or code within the municipality's catalogue (its country's and its own)."""
    if not names:
        return {}
    found = (
        DataElement.objects.filter(owner)
        .filter(Q(uid__in=names) | Q(code__in=names))
        .filter(Q(owner__path__in=[unit.path[:9], unit.path]) | Q(owner__isnull=True))
        .select_related("category_combo")
        .prefetch_related("category_combo__categories__options")
    )
    out: dict[str, DataElement] = {}
    for element in found:
        out[element.uid] = element
        # A municipality's own element of a code wins over the country's.
        if element.code not in out or element.owner_id == unit.pk:
            out[element.code] = element
    return out


# (element id, period) -> the option names of its categories, and its grid of values
Grids = dict[tuple[int, str], tuple[list[list[str]], list[list[Decimal | None]]]]


def _grids(asks: Sequence[_BreakdownAsk], unit: OrgUnit) -> Grids:
    """For each (element, period) asked: the option labels of its one or two categories and the
    grid of its values at ``unit`` (rows: the first category's options, columns: the second's)."""
    elements = {a.numerator.pk: a.numerator for a in asks} | {
        a.denominator.pk: a.denominator for a in asks if a.denominator
    }
    periods = {a.period for a in asks}
    stored = {iso: analytics.stored_period(iso) for iso in periods}
    by_period_id = {p.pk: iso for iso, p in stored.items()}
    cocs = list(
        CategoryOptionCombo.objects.filter(
            combo_id__in={e.category_combo_id for e in elements.values()}
        ).prefetch_related("options")
    )
    cells: dict[tuple[int, int, str], Cell] = {}
    for de, coc_id, _unit, period_id, total, count, last_total, low, high in selectors.cell_rows(
        element_ids=list(elements), unit_ids=[unit.pk], period_ids=list(by_period_id)
    ):
        cells[(de, coc_id, by_period_id[period_id])] = Cell(total, count, last_total, low, high)
    out: Grids = {}
    for element in elements.values():
        categories = list(element.category_combo.categories.all())
        axes = [sorted(c.options.all(), key=lambda o: (o.sort_order, o.pk)) for c in categories]
        position = {o.pk: (axis, i) for axis, options in enumerate(axes) for i, o in enumerate(options)}
        for iso in periods:
            n_columns = len(axes[1]) if len(axes) == 2 else 1
            grid: list[list[Decimal | None]] = [[None] * n_columns for _o in axes[0]] if axes else []
            for coc in cocs:
                if coc.combo_id != element.category_combo_id:
                    continue
                at = dict(position[o.pk] for o in coc.options.all() if o.pk in position)
                if 0 not in at:
                    continue
                cell = cells.get((element.pk, coc.pk, iso))
                value = cell.value(element.aggregation_type) if cell is not None else None
                if value is not None:
                    r, c = at[0], at.get(1, 0)
                    grid[r][c] = (grid[r][c] or Decimal(0)) + value
            labels = [[o.name for o in options] for options in axes]
            out[(element.pk, iso)] = (labels, grid)
    return out


def _ratio(num: Decimal | None, den: Decimal | None, factor: Decimal, quantum: Decimal) -> Decimal | None:
    if num is None or den is None or den == 0:
        return None
    return (num / den * factor).quantize(quantum, rounding=ROUND_HALF_UP)


def _breakdown(ask: _BreakdownAsk, grids: Grids, sensitivity: publication.Sensitivity) -> Breakdown | None:
    labels, raw = grids[(ask.numerator.pk, ask.period)]
    if not raw or all(v is None for row in raw for v in row):
        return None
    two = len(labels) == 2
    counts = [[v or Decimal(0) for v in row] for row in raw]
    row_sums = [sum(row, start=Decimal(0)) for row in counts]
    column_sums = [sum((row[c] for row in counts), start=Decimal(0)) for c in range(len(counts[0]))]
    grand = sum(row_sums, start=Decimal(0))
    sensitive = bool(sensitivity.numerator)
    # The counts as they may be published: a two-way table with its margins, or a list and its total.
    if two:
        table = suppression.suppress_table(counts, sensitive=sensitive)
        count_cells = [list(row) for row in table.cells]
        count_rows, count_columns, count_total, withheld = (
            list(table.row_totals),
            list(table.column_totals),
            table.total,
            table.withheld,
        )
    else:
        listed = suppression.suppress_list([row[0] for row in counts], sensitive=sensitive)
        count_cells = [[f] for f in listed.parts]
        count_rows, count_columns, count_total, withheld = [], [], listed.total, listed.withheld
    categories = " × ".join(c.name.lower() for c in ask.numerator.category_combo.categories.all())
    if ask.denominator is None:
        caption = _("%(name)s by %(categories)s, %(period)s") % {
            "name": ask.numerator.display_short_name,
            "categories": categories,
            "period": ask.period,
        }
        return Breakdown(
            caption=caption,
            measure="count",
            decimals=0,
            row_labels=tuple(labels[0]),
            column_labels=tuple(labels[1]) if two else (),
            cells=tuple(tuple(row) for row in count_cells),
            row_totals=tuple(count_rows),
            column_totals=tuple(count_columns),
            total=count_total,
            withheld=withheld,
        )
    # A rate per cell: the numerator's and the denominator's cells of the same split.
    _labels, den_raw = grids[(ask.denominator.pk, ask.period)]
    dens = [[v or Decimal(0) for v in row] for row in den_raw]
    den_rows = [sum(row, start=Decimal(0)) for row in dens]
    den_columns = [sum((row[c] for row in dens), start=Decimal(0)) for c in range(len(dens[0]))]
    den_grand = sum(den_rows, start=Decimal(0))
    factor, quantum = ask.formula.factor, Decimal(1).scaleb(-ask.indicator.decimals)
    den_sensitive = bool(sensitivity.denominator)

    def rate(num: Decimal, den: Decimal, count: Figure) -> Figure:
        value = _ratio(num, den, factor, quantum)
        hidden = ([count] if sensitive else []) + ([den] if den_sensitive else [])
        return suppression.rate(value, *hidden) if hidden else Figure(value)

    cells = [
        [rate(counts[r][c], dens[r][c], count_cells[r][c]) for c in range(len(counts[r]))] for r in range(len(counts))
    ]
    caption = _("%(name)s by %(categories)s, %(period)s") % {
        "name": ask.indicator.display_short_name,
        "categories": categories,
        "period": ask.period,
    }
    return Breakdown(
        caption=caption,
        measure="rate",
        decimals=ask.indicator.decimals,
        row_labels=tuple(labels[0]),
        column_labels=tuple(labels[1]) if two else (),
        cells=tuple(tuple(row) for row in cells),
        row_totals=tuple(rate(row_sums[r], den_rows[r], count_rows[r]) for r in range(len(count_rows))),
        column_totals=tuple(rate(column_sums[c], den_columns[c], count_columns[c]) for c in range(len(count_columns))),
        total=rate(grand, den_grand, count_total),
        withheld=withheld,
    )


def situation_report(actor: Actor, unit: OrgUnit, *, today: dt.date, year: int | None = None) -> SituationData:
    """The municipality's situation report for the three years ending with ``year`` (this year, so far, by default)."""
    year = year or today.year
    years = report_years(year)
    current = iso_periods.of_type(iso_periods.PeriodType.YEARLY, today).iso
    region, country = region_and_country(unit)
    units = [u for u in (unit, region, country) if u is not None]
    indicators = report_indicators(actor, unit)
    owner = tablero_policies.catalogue_owner_filter(actor)
    values = {
        (v.indicator_id, v.org_unit_id, v.period): v
        for v in analytics.indicator_values(indicators, units, years, owner_filter=owner)
    }
    formulas = {f.pk: f for f in IndicatorFormula.objects.filter(indicator__in=indicators)}
    sensitivity = publication.formula_sensitivity(list(formulas.values()))
    targets = {
        (indicator_id, iso): value
        for indicator_id, iso, value in Target.objects.filter(
            indicator__in=indicators, org_unit=unit, period__iso__in=[y.iso for y in years]
        ).values_list("indicator_id", "period__iso", "value")
    }
    latest_iso: dict[int, str] = {}
    for indicator in indicators:
        for period in years:
            found = values.get((indicator.pk, unit.pk, period.iso))
            if found is not None and found.value is not None:
                latest_iso[indicator.pk] = period.iso

    # The breakdowns: a formula whose numerator is one element split by one or two categories.
    wanted: dict[int, tuple[IndicatorFormula, str, str, str | None]] = {}
    for indicator in indicators:
        iso = latest_iso.get(indicator.pk)
        if iso is None:
            continue
        formula = formulas[values[(indicator.pk, unit.pk, iso)].formula_id]
        top = _single(formula.numerator)
        if top is None:
            continue
        bottom = None if _is_count(formula) else _single(formula.denominator)
        wanted[indicator.pk] = (formula, iso, top, bottom)
    named = _elements_named({n for _f, _i, t, b in wanted.values() for n in (t, b) if n}, owner, unit)
    asks: dict[int, _BreakdownAsk] = {}
    for indicator in indicators:
        if indicator.pk not in wanted:
            continue
        formula, iso, top, bottom = wanted[indicator.pk]
        numerator = named.get(top)
        if numerator is None or numerator.category_combo.is_default or numerator.aggregation_type not in ADDITIVE:
            continue
        if not 1 <= len(numerator.category_combo.categories.all()) <= 2:
            continue
        denominator = named.get(bottom) if bottom else None
        if denominator is not None and (
            denominator.category_combo_id != numerator.category_combo_id or denominator.aggregation_type not in ADDITIVE
        ):
            denominator = None  # split differently: the numerator's counts, not a rate per cell
        asks[indicator.pk] = _BreakdownAsk(indicator, formula, iso, numerator, denominator)
    grids = _grids(list(asks.values()), unit) if asks else {}

    items: list[SituationIndicator] = []
    for indicator in indicators:
        points = []
        for period in years:
            found = values.get((indicator.pk, unit.pk, period.iso))
            if found is None:
                continue
            figure = _point_figure(found, formulas[found.formula_id], sensitivity[found.formula_id])
            label = _("%(year)s (so far)") % {"year": period.iso} if period.iso == current else period.iso
            points.append(Point(period.iso, label, figure, targets.get((indicator.pk, period.iso))))
        iso = latest_iso.get(indicator.pk)
        if iso is None:
            items.append(SituationIndicator(indicator, False, tuple(points), None))
            continue
        latest_value = values[(indicator.pk, unit.pk, iso)]
        formula = formulas[latest_value.formula_id]
        sens = sensitivity[formula.pk]
        ask = asks.get(indicator.pk)
        breakdown = _breakdown(ask, grids, sens) if ask is not None else None
        if breakdown is not None and breakdown.total.suppressed:
            # The headline is the breakdown's total: hidden there, hidden here.
            points = [Point(p.period, p.label, breakdown.total, p.target) if p.period == iso else p for p in points]
        latest = next(p for p in points if p.period == iso)
        references = _references(indicator, latest_value, latest, values, region, country, formula, sens)
        target = targets.get((indicator.pk, iso))
        shown = Decimal(latest.figure.value) if latest.figure.value is not None else None
        gap = shown - target if shown is not None and target is not None else None
        items.append(
            SituationIndicator(
                indicator=indicator,
                sensitive=bool(sens),
                trend=tuple(points),
                latest=latest,
                references=references,
                target=target,
                gap=gap,
                gap_verdict=compare(indicator.direction, shown, target),
                breakdown=breakdown,
            )
        )
    return SituationData(
        unit=unit,
        region=region,
        country=country,
        year=year,
        years=years,
        generated_on=today,
        sections=by_goal_area(items),
    )


def _references(
    indicator: Indicator,
    own: analytics.IndicatorValue,
    latest: Point,
    values: dict[tuple[int, int, str], analytics.IndicatorValue],
    region: OrgUnit | None,
    country: OrgUnit | None,
    formula: IndicatorFormula,
    sens: publication.Sensitivity,
) -> tuple[Reference, ...]:
    """The region and the country in the latest period. Sensitive: each suppressed as a figure
    alone, and hidden when the part of it outside the smaller unit is 1 to 4 (subtraction)."""
    out = []
    inner_numerator = own.numerator
    for kind, reference in (("region", region), ("country", country)):
        if reference is None:
            continue
        found = values.get((indicator.pk, reference.pk, own.period))
        if found is None:
            continue
        # The same period: the same version of the formula as the municipality's value.
        figure = _point_figure(found, formula, sens)
        outside = (
            found.numerator - inner_numerator if found.numerator is not None and inner_numerator is not None else None
        )
        if sens.numerator and suppression.is_small(outside):
            figure = _hide(figure, Reason.COMPLEMENTARY if _is_count(formula) else Reason.RATE)
        inner_numerator = found.numerator
        shown = Decimal(latest.figure.value) if latest.figure.value is not None else None
        reference_value = Decimal(figure.value) if figure.value is not None else None
        out.append(Reference(reference, kind, figure, compare(indicator.direction, shown, reference_value)))
    return tuple(out)


def by_goal_area(items: Sequence[SituationIndicator]) -> list[GoalSection]:
    """The indicators under the CFCI goal areas, in their order; untagged ones last."""
    sections = {value: GoalSection(value, str(label)) for value, label in GoalArea.choices}
    other = GoalSection("", _("Other indicators"))
    for item in items:
        sections.get(item.indicator.goal_area, other).items.append(item)
    return [s for s in [*sections.values(), other] if s.items]


# --- The JSON form (the API) ---------------------------------------------------------------------


def figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "value": Decimal(figure.value) if figure.value is not None else None,
        "suppressed": figure.suppressed,
        "mark": figure.mark,
        "note": figure.note,
    }


def as_json(data: SituationData) -> dict[str, Any]:
    """The same content as the page and the PDF, as plain values (``api_situation``)."""

    def unit_json(u: OrgUnit | None) -> dict[str, Any] | None:
        return {"id": u.pk, "code": u.code, "name": u.name} if u is not None else None

    def breakdown_json(b: Breakdown | None) -> dict[str, Any] | None:
        if b is None:
            return None
        return {
            "caption": b.caption,
            "measure": b.measure,
            "withheld": b.withheld,
            "row_labels": list(b.row_labels),
            "column_labels": list(b.column_labels),
            "cells": [] if b.withheld else [[figure_json(f) for f in row] for row in b.cells],
            "row_totals": [] if b.withheld else [figure_json(f) for f in b.row_totals],
            "column_totals": [] if b.withheld else [figure_json(f) for f in b.column_totals],
            "total": figure_json(b.total),
        }

    def item_json(item: SituationIndicator) -> dict[str, Any]:
        i = item.indicator
        return {
            "uid": i.uid,
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "decimals": i.decimals,
            "direction": i.direction,
            "has_data": item.has_data,
            "sensitive": item.sensitive,
            "latest": {"period": item.latest.period, **figure_json(item.latest.figure)} if item.latest else None,
            "trend": [{"period": p.period, "target": p.target, **figure_json(p.figure)} for p in item.trend],
            "references": [
                {"kind": r.kind, "org_unit": unit_json(r.unit), "verdict": r.verdict, **figure_json(r.figure)}
                for r in item.references
            ],
            "target": item.target,
            "gap": item.gap,
            "gap_verdict": item.gap_verdict,
            "breakdown": breakdown_json(item.breakdown),
            "summary": item.summary,
            "notes": item.notes,
        }

    return {
        "org_unit": unit_json(data.unit),
        "region": unit_json(data.region),
        "country": unit_json(data.country),
        "year": data.year,
        "years": [y.iso for y in data.years],
        "generated_on": data.generated_on,
        "suppression_note": data.suppression_note,
        "goal_areas": [
            {"goal_area": s.goal_area, "label": s.label, "indicators": [item_json(i) for i in s.items]}
            for s in data.sections
        ],
    }
