"""A municipality's public figures: what its coordinator publishes (audited), and the page the
public reads, every count from children's personal records suppressed (``tablero.suppression``).

Which figures need suppression is one rule, :func:`needs_suppression`: a data element counted from
personal records (``DataElement.from_personal_records``: cases, placements), and an indicator
whose numerator or denominator names such an element. Aggregates of other figures (vaccination
coverage from health statistics, a population) are published as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ronda.core import audit
from ronda.core.errors import Errors
from ronda.core.tenancy import Acting, is_person
from ronda.planning.choices import GoalArea
from ronda.tablero import analytics, coverage, expressions, selectors, suppression
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies_public as policies
from ronda.tablero.models import (
    AggregationType,
    CategoryOptionCombo,
    DataElement,
    Indicator,
    IndicatorFormula,
    PublishedIndicator,
    Target,
)
from ronda.tablero.suppression import Figure
from ronda.territory.models import OrgUnit

YEARS_SHOWN = 5
WITHHELD_NOTE = gettext_lazy("Too few children to show them by category without revealing them.")
ADDITIVE = frozenset({AggregationType.SUM, AggregationType.LAST})


# --- The rule: which figures are suppressed ---------------------------------------------------


def _operand_names(text: str) -> set[str]:
    try:
        return {o.element for o in expressions.references(expressions.parse(text))}
    except expressions.ExpressionError:
        return set()


def _sensitive_names(names: Iterable[str]) -> set[str]:
    """The uids and codes among ``names`` that name an element counted from personal records (any
    owner's: a code shared by two catalogues counts as sensitive if either is — hiding too much
    is safe)."""
    names = set(names)
    if not names:
        return set()
    found = DataElement.objects.filter(Q(uid__in=names) | Q(code__in=names), from_personal_records=True)
    return {name for uid, code in found.values_list("uid", "code") for name in (uid, code) if name in names}


@dataclass(frozen=True)
class Sensitivity:
    numerator: bool
    denominator: bool

    def __bool__(self) -> bool:
        return self.numerator or self.denominator


def formula_sensitivity(formulas: Sequence[IndicatorFormula]) -> dict[int, Sensitivity]:
    """For each formula (by id): whether its numerator, its denominator name a personal-records count."""
    names = {f.pk: (_operand_names(f.numerator), _operand_names(f.denominator)) for f in formulas}
    sensitive = _sensitive_names(n for top, bottom in names.values() for n in top | bottom)
    return {pk: Sensitivity(bool(top & sensitive), bool(bottom & sensitive)) for pk, (top, bottom) in names.items()}


def sensitive_indicator_ids(indicators: Iterable[Indicator]) -> set[int]:
    """The indicators (any version of whose formula) count people from personal records. Two queries."""
    formulas = list(IndicatorFormula.objects.filter(indicator__in=list(indicators)))
    by_formula = formula_sensitivity(formulas)
    return {f.indicator_id for f in formulas if by_formula[f.pk]}


def needs_suppression(item: DataElement | Indicator) -> bool:
    """The one rule: a figure is published with small-count suppression when it is a count from
    personal records, or an indicator whose numerator or denominator refers to one."""
    if isinstance(item, DataElement):
        return item.from_personal_records
    return item.pk in sensitive_indicator_ids([item])


# --- Publishing: the coordinator's choice, audited -----------------------------------------------


def _require_publisher(actor: Acting, unit: OrgUnit) -> None:
    if is_person(actor) and not policies.can_manage_publication(actor, unit):
        raise PermissionDenied


@transaction.atomic
def publish(
    *, actor: Acting, org_unit: OrgUnit, indicator: Indicator, sort_order: int | None = None
) -> PublishedIndicator:
    """Put an indicator on the municipality's public page (at the end unless an order is given)."""
    _require_publisher(actor, org_unit)
    if not policies.publishable_indicators(org_unit).filter(pk=indicator.pk).exists():
        errors = Errors()
        errors.add("indicator", _("This indicator is not in the catalogue of the municipality."))
        errors.raise_if_any()
    existing = PublishedIndicator.objects.filter(org_unit=org_unit, indicator=indicator).first()
    if existing is not None:
        return existing
    if sort_order is None:
        last = PublishedIndicator.objects.filter(org_unit=org_unit).order_by("-sort_order").first()
        sort_order = last.sort_order + 1 if last is not None else 0
    row = PublishedIndicator.objects.create(
        org_unit=org_unit,
        indicator=indicator,
        sort_order=sort_order,
        published_by=actor.user if is_person(actor) else None,
    )
    audit.record_create(actor=actor, target=row, org_unit=org_unit)
    return row


@transaction.atomic
def unpublish(*, actor: Acting, published: PublishedIndicator) -> None:
    _require_publisher(actor, published.org_unit)
    audit.record_delete(actor=actor, target=published, org_unit=published.org_unit)
    published.delete()


@transaction.atomic
def set_published(*, actor: Acting, org_unit: OrgUnit, indicators: Sequence[Indicator]) -> list[PublishedIndicator]:
    """The public page shows exactly ``indicators``, in this order: the others are withdrawn, the
    new ones published, the order of the rest changed — each change audited."""
    _require_publisher(actor, org_unit)
    allowed = set(
        policies.publishable_indicators(org_unit).filter(pk__in=[i.pk for i in indicators]).values_list("pk", flat=True)
    )
    if any(i.pk not in allowed for i in indicators):
        errors = Errors()
        errors.add("indicators", _("Choose indicators of the catalogue of the municipality."))
        errors.raise_if_any()
    current = {
        row.indicator_id: row for row in PublishedIndicator.objects.select_for_update().filter(org_unit=org_unit)
    }
    wanted = {i.pk for i in indicators}
    for indicator_id, row in current.items():
        if indicator_id not in wanted:
            unpublish(actor=actor, published=row)
    out = []
    for order, indicator in enumerate(dict.fromkeys(indicators)):
        kept = current.get(indicator.pk)
        if kept is None:
            out.append(publish(actor=actor, org_unit=org_unit, indicator=indicator, sort_order=order))
            continue
        if kept.sort_order != order:
            before = audit.snapshot(kept, ["sort_order"])
            kept.sort_order = order
            kept.save(update_fields=["sort_order"])
            audit.record_update(actor=actor, target=kept, org_unit=org_unit, before=before)
        out.append(kept)
    return out


# --- The public page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: str
    label: str
    figure: Figure
    target: Decimal | None = None
    # A past year whose months were not all reported (``tablero.coverage``): its label says so and
    # the sparkline leaves it out (a line cannot carry the caveat; the table row does).
    incomplete: bool = False


@dataclass(frozen=True)
class Breakdown:
    """The latest period's count split by its categories (one or two), suppressed with its margins."""

    caption: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]  # empty for a single category (a list with its total)
    table: suppression.SuppressedTable | None = None
    parts: suppression.SuppressedList | None = None

    @property
    def withheld(self) -> bool:
        """Too few to show by category without giving them away: the page shows the total only."""
        return bool((self.table and self.table.withheld) or (self.parts and self.parts.withheld))

    @property
    def whole(self) -> Figure:
        if self.table is not None:
            return self.table.total
        assert self.parts is not None
        return self.parts.total

    @property
    def rows(self) -> list[tuple[str, tuple[Figure, ...], Figure | None]]:
        """Each row's label, its cells and its total (a single category: the one figure, no total)."""
        if self.table is not None:
            return list(zip(self.row_labels, self.table.cells, self.table.row_totals, strict=True))
        assert self.parts is not None
        return [(label, (figure,), None) for label, figure in zip(self.row_labels, self.parts.parts, strict=True)]

    @property
    def total_row(self) -> tuple[tuple[Figure, ...], Figure]:
        if self.table is not None:
            return self.table.column_totals, self.table.total
        assert self.parts is not None
        return (), self.parts.total


@dataclass(frozen=True)
class PublicIndicator:
    indicator: Indicator
    sensitive: bool
    trend: tuple[Point, ...]
    breakdown: Breakdown | None = None

    @property
    def sparkline(self) -> str:
        return sparkline(self.trend)

    @property
    def latest(self) -> Point | None:
        shown = [p for p in self.trend if p.figure.value is not None or p.figure.suppressed]
        return shown[-1] if shown else None

    @property
    def target(self) -> Point | None:
        with_target = [p for p in self.trend if p.target is not None]
        return with_target[-1] if with_target else None

    @property
    def notes(self) -> list[str]:
        figures = [p.figure for p in self.trend]
        if self.breakdown is not None and self.breakdown.withheld:
            return [*dict.fromkeys(f.note for f in figures if f.suppressed), str(WITHHELD_NOTE)]
        if self.breakdown is not None and self.breakdown.table is not None:
            t = self.breakdown.table
            figures += [*t.row_totals, *t.column_totals, t.total, *(f for row in t.cells for f in row)]
        if self.breakdown is not None and self.breakdown.parts is not None:
            figures += [*self.breakdown.parts.parts, self.breakdown.parts.total]
        return list(dict.fromkeys(f.note for f in figures if f.suppressed))


@dataclass(frozen=True)
class GoalGroup:
    goal_area: str
    label: str
    items: list[PublicIndicator] = field(default_factory=list)


def shown_years(today: dt.date, n: int = YEARS_SHOWN) -> tuple[iso_periods.Period, ...]:
    """The last ``n`` years, the current one (so far) included, oldest first."""
    years = [iso_periods.of_type(iso_periods.PeriodType.YEARLY, today)]
    while len(years) < n:
        years.append(years[-1].previous())
    return tuple(reversed(years))


def _is_count(formula: IndicatorFormula) -> bool:
    try:
        bottom = expressions.parse(formula.denominator)
    except expressions.ExpressionError:
        return False
    return isinstance(bottom, expressions.Number) and bottom.value == 1 and formula.factor == 1


def _single_element(formula: IndicatorFormula) -> str | None:
    try:
        top = expressions.parse(formula.numerator)
    except expressions.ExpressionError:
        return None
    return top.element if isinstance(top, expressions.Operand) and top.option_combo is None else None


def _breakdowns(wanted: dict[int, str], unit: OrgUnit, period_iso: str) -> dict[int, Breakdown]:
    """For each indicator id → element name: the element's latest count by its categories."""
    names = set(wanted.values())
    elements = {
        name: e
        for e in DataElement.objects.filter(Q(uid__in=names) | Q(code__in=names), from_personal_records=True)
        .select_related("category_combo")
        .prefetch_related("category_combo__categories__options")
        for name in (e.uid, e.code)
        if name in names and e.aggregation_type in ADDITIVE
    }
    if not elements:
        return {}
    stored = analytics.stored_period(period_iso)
    combo_ids = {e.category_combo_id for e in elements.values()}
    cocs = list(CategoryOptionCombo.objects.filter(combo_id__in=combo_ids).prefetch_related("options"))
    cells: dict[tuple[int, int], Decimal] = {}
    aggregation = {e.pk: e.aggregation_type for e in elements.values()}
    for element_id, coc_id, _u, _p, total, count, last_total, _low, _high in selectors.cell_rows(
        element_ids=list(aggregation), unit_ids=[unit.pk], period_ids=[stored.pk]
    ):
        if count > 0:
            cells[(element_id, coc_id)] = last_total if aggregation[element_id] == AggregationType.LAST else total
    out: dict[int, Breakdown] = {}
    for indicator_id, name in wanted.items():
        element = elements.get(name)
        if element is None:
            continue
        categories = list(element.category_combo.categories.all())
        if not 1 <= len(categories) <= 2:
            continue
        axes = [sorted(c.options.all(), key=lambda o: (o.sort_order, o.pk)) for c in categories]
        position = {o.pk: (axis, i) for axis, options in enumerate(axes) for i, o in enumerate(options)}
        grid = [[Decimal(0)] * (len(axes[1]) if len(axes) == 2 else 1) for _o in axes[0]]
        for coc in cocs:
            if coc.combo_id != element.category_combo_id:
                continue
            where = [position[o.pk] for o in coc.options.all() if o.pk in position]
            at = dict(where)
            if 0 not in at:
                continue
            value = cells.get((element.pk, coc.pk), Decimal(0))
            grid[at[0]][at.get(1, 0)] += value
        caption = _("%(name)s by %(categories)s, %(period)s") % {
            "name": element.display_short_name,
            "categories": " × ".join(c.name for c in categories),
            "period": period_iso,
        }
        rows = tuple(o.name for o in axes[0])
        if len(axes) == 2:
            out[indicator_id] = Breakdown(
                caption, rows, tuple(o.name for o in axes[1]), table=suppression.suppress_table(grid)
            )
        else:
            out[indicator_id] = Breakdown(caption, rows, (), parts=suppression.suppress_list([r[0] for r in grid]))
    return out


def _figure(value: analytics.IndicatorValue, formula: IndicatorFormula, sensitivity: Sensitivity) -> Figure:
    if not sensitivity:
        return Figure(value.value)
    if _is_count(formula):
        return suppression.publishable(value.value)
    counts = ([value.numerator] if sensitivity.numerator else []) + (
        [value.denominator] if sensitivity.denominator else []
    )
    return suppression.rate(value.value, *counts)


def public_indicators(unit: OrgUnit, today: dt.date) -> list[PublicIndicator]:
    """The municipality's published indicators, suppressed: the last years' values with their
    targets and, for a count from personal records, the latest year's breakdown. A fixed number
    of queries, whatever the number of indicators."""
    published = list(policies.published_indicators(unit))
    indicators = [p.indicator for p in published]
    if not indicators:
        return []
    years = shown_years(today)
    current = years[-1].iso
    values = analytics.indicator_values(indicators, [unit], years)
    formulas = {f.pk: f for f in IndicatorFormula.objects.filter(indicator__in=indicators)}
    sensitivity = formula_sensitivity(list(formulas.values()))
    sensitive_ids = {f.indicator_id for f in formulas.values() if sensitivity[f.pk]}
    targets = {
        (t.indicator_id, t.period.iso): t.value
        for t in Target.objects.filter(
            indicator__in=indicators, org_unit=unit, period__iso__in=[y.iso for y in years]
        ).select_related("period")
    }
    by_key = {(v.indicator_id, v.period): v for v in values}
    covered = coverage.year_coverage(indicators, formulas.values(), unit, years)
    latest_with_data: dict[int, str] = {}
    for v in values:
        if v.value is not None:
            latest_with_data[v.indicator_id] = max(latest_with_data.get(v.indicator_id, ""), v.period)
    # The breakdown of the latest year with data, for a count of one personal-records element.
    wanted: dict[str, dict[int, str]] = {}
    for indicator in indicators:
        iso = latest_with_data.get(indicator.pk)
        value = by_key.get((indicator.pk, iso)) if iso is not None else None
        if iso is None or value is None or indicator.pk not in sensitive_ids:
            continue
        formula = formulas[value.formula_id]
        name = _single_element(formula)
        if name is not None and _is_count(formula):
            wanted.setdefault(iso, {})[indicator.pk] = name
    breakdowns: dict[int, Breakdown] = {}
    for iso, chosen in wanted.items():
        breakdowns.update(_breakdowns(chosen, unit, iso))

    out: list[PublicIndicator] = []
    for indicator in indicators:
        breakdown = breakdowns.get(indicator.pk)
        points = []
        for year in years:
            value = by_key.get((indicator.pk, year.iso))
            if value is None:
                continue
            figure = _figure(value, formulas[value.formula_id], sensitivity[value.formula_id])
            latest = year.iso == latest_with_data.get(indicator.pk)
            if breakdown is not None and latest and breakdown.whole.suppressed:
                figure = breakdown.whole  # the headline is the breakdown's total: hidden there, hidden here
            months = covered.get((indicator.pk, year.iso))
            label = coverage.year_label(year.iso, current=year.iso == current, months=months)
            incomplete = year.iso != current and months is not None and not months.complete
            points.append(Point(year.iso, label, figure, targets.get((indicator.pk, year.iso)), incomplete))
        out.append(PublicIndicator(indicator, indicator.pk in sensitive_ids, tuple(points), breakdown))
    return out


def by_goal_area(items: Sequence[PublicIndicator]) -> list[GoalGroup]:
    """The indicators under their goal areas (in the goal areas' order; the untagged last)."""
    groups = {value: GoalGroup(value, str(label)) for value, label in GoalArea.choices}
    other = GoalGroup("", _("Other indicators"))
    for item in items:
        groups.get(item.indicator.goal_area, other).items.append(item)
    return [g for g in [*groups.values(), other] if g.items]


def sparkline(points: Sequence[Point], width: int = 120, height: int = 32) -> str:
    """The points of an SVG polyline of the published values (hidden ones and incomplete past years
    leave no point), or ""."""
    shown = [(i, p.figure.value) for i, p in enumerate(points) if p.figure.value is not None and not p.incomplete]
    if len(shown) < 2:
        return ""
    low = min(v for _i, v in shown)
    high = max(v for _i, v in shown)
    span = (high - low) or 1
    last = max(len(points) - 1, 1)
    coords = []
    for i, value in shown:
        x = Decimal(i * (width - 4)) / last + 2
        y = height - 2 - (Decimal(value) - low) / span * (height - 4)
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)
