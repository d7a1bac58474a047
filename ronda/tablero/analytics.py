"""Indicator values for org units × periods, from the aggregate cells (one query per request).

A ratio is computed from the aggregated numerator and denominator of the same unit and period,
never by averaging ratios. The formula in force for a period is the latest version that started on
or before the period's end (a formula change keeps earlier values explainable). A stock collected
less often than asked (a yearly population in a monthly rate; aggregation ``LAST`` or ``AVERAGE``)
takes the value of the coarser period that contains the one asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q

from ronda.tablero import computed, expressions, selectors
from ronda.tablero import periods as iso_periods
from ronda.tablero.aggregation import ensure_periods
from ronda.tablero.models import AggregationType, CategoryOptionCombo, DataElement, Indicator, IndicatorFormula, Period
from ronda.territory.models import PATH_SEGMENT_WIDTH, OrgUnit

# Aggregation types whose value holds for every part of the period (a stock, an average).
HOLDS_OVER_TIME = frozenset({AggregationType.LAST, AggregationType.AVERAGE})


@dataclass(frozen=True)
class IndicatorValue:
    indicator_id: int
    org_unit_id: int
    period: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    formula_id: int


def _formula_for(formulas: Sequence[IndicatorFormula], period: iso_periods.Period) -> IndicatorFormula | None:
    chosen = None
    for formula in formulas:  # ordered by valid_from
        if formula.valid_from <= period.end:
            chosen = formula
    return chosen


# (indicator id, operand) -> the element and option combination it names
Resolved = dict[tuple[int, expressions.Operand], tuple[DataElement, int | None]]


def _resolve(
    indicators: Sequence[Indicator],
    operands: dict[int, set[expressions.Operand]],
    owner_filter: Q,
    owner_paths: dict[int, str],
) -> Resolved:
    """Each indicator's operands, resolved **inside the indicator's own catalogue**: a uid names one
    element anywhere; a code (unique per owner only) names the element of the indicator's owner, else
    of the owner's country (the national catalogue), else a system-wide one. Two countries may use
    the same codes, so a code is never looked up across countries."""
    names = {o.element for group in operands.values() for o in group}
    if not names:
        return {}
    found = list(
        DataElement.objects.filter(owner_filter)
        .filter(Q(uid__in=names) | Q(code__in=names))
        .annotate(owner_path=F("owner__path"))
    )
    by_uid: dict[str, DataElement] = {e.uid: e for e in found}
    by_code: dict[str, list[DataElement]] = {}
    for each in found:
        by_code.setdefault(each.code, []).append(each)
    coc_names = {o.option_combo for group in operands.values() for o in group if o.option_combo}
    cocs: dict[tuple[int, str], int] = {}
    if coc_names:
        for coc in CategoryOptionCombo.objects.filter(Q(uid__in=coc_names) | Q(code__in=coc_names)):
            cocs[(coc.combo_id, coc.uid)] = coc.pk
            cocs[(coc.combo_id, coc.code)] = coc.pk
    out: Resolved = {}
    for indicator in indicators:
        path = owner_paths.get(indicator.pk, "")
        country = path[: PATH_SEGMENT_WIDTH + 1]

        def rank(
            element: DataElement, path: str = path, country: str = country, owner: int | None = indicator.owner_id
        ) -> int:
            if owner is not None and element.owner_id == owner:
                return 0
            if element.owner_id is not None and country and element.owner_path == country:  # type: ignore[attr-defined]
                return 1
            if element.owner_id is None:
                return 2
            return 9  # another catalogue: not reachable by code

        for operand in operands.get(indicator.pk, set()):
            element: DataElement | None = by_uid.get(operand.element)
            if element is None:
                candidates = sorted(by_code.get(operand.element, []), key=rank)
                element = candidates[0] if candidates and rank(candidates[0]) < 9 else None
            if element is None:
                continue
            coc_id = None
            if operand.option_combo:
                coc_id = cocs.get((element.category_combo_id, operand.option_combo))
                if coc_id is None:
                    continue
            out[(indicator.pk, operand)] = (element, coc_id)
    return out


def indicator_values(
    indicators: Sequence[Indicator],
    units: Sequence[OrgUnit],
    asked: Sequence[iso_periods.Period],
    *,
    owner_filter: Q | None = None,
) -> list[IndicatorValue]:
    """Every indicator × unit × period, with the numerator and denominator it came from."""
    owner_filter = owner_filter if owner_filter is not None else Q()
    formulas: dict[int, list[IndicatorFormula]] = {}
    owner_paths: dict[int, str] = {}
    for formula in (
        IndicatorFormula.objects.filter(indicator__in=indicators)
        .annotate(owner_path=F("indicator__owner__path"))
        .order_by("valid_from", "id")
    ):
        formulas.setdefault(formula.indicator_id, []).append(formula)
        owner_paths[formula.indicator_id] = formula.owner_path or ""  # type: ignore[attr-defined]
    parsed: dict[int, tuple[expressions.Node, expressions.Node]] = {}
    operands: dict[int, set[expressions.Operand]] = {}
    for indicator_id, group in formulas.items():
        for version in group:
            top, bottom = expressions.parse(version.numerator), expressions.parse(version.denominator)
            parsed[version.pk] = (top, bottom)
            operands.setdefault(indicator_id, set()).update(
                expressions.references(top) | expressions.references(bottom)
            )
    resolved = _resolve(indicators, operands, owner_filter, owner_paths)
    # The asked periods and every coarser one (for stocks collected less often).
    wanted = {p.iso: p for period in asked for p in iso_periods.containing(period)}
    stored = ensure_periods(wanted.values())
    element_ids = {e.pk for e, _c in resolved.values()}
    unit_ids = [u.pk for u in units]
    # Totals per element (all option combinations) and per single combination.
    # One read of every cell; an operand names an element (all its combinations) or one combination.
    single_cocs = {c for _e, c in resolved.values() if c is not None}
    grouped: dict[tuple[int, int, int], list[selectors.Cell]] = {}
    singles: dict[tuple[int, int, int, int], selectors.Cell] = {}
    for de, coc, unit_id, period_id, total, count, last_total, low, high in selectors.cell_rows(
        element_ids=element_ids,
        unit_ids=unit_ids,
        period_ids=list(stored.values()),
        leaf_ids=[u.pk for u in units if u.level == selectors.LEAF_LEVEL],
    ):
        cell = selectors.Cell(total, count, last_total, low, high)
        grouped.setdefault((de, unit_id, period_id), []).append(cell)
        if coc in single_cocs:
            singles[(de, coc, unit_id, period_id)] = cell
    totals = {key: selectors.combine(group) for key, group in grouped.items()}

    def operand_value(
        indicator_id: int, operand: expressions.Operand, unit_id: int, period: iso_periods.Period
    ) -> Decimal | None:
        if (indicator_id, operand) not in resolved:
            return None
        element, coc_id = resolved[(indicator_id, operand)]
        candidates = [period]
        if element.aggregation_type in HOLDS_OVER_TIME:
            candidates += list(iso_periods.containing(period))[1:]
        for candidate in candidates:
            period_id = stored[candidate.iso].pk
            cell = (
                totals.get((element.pk, unit_id, period_id))
                if coc_id is None
                else singles.get((element.pk, coc_id, unit_id, period_id))
            )
            if cell is not None and cell.count > 0:
                return cell.value(element.aggregation_type)
        return None

    out: list[IndicatorValue] = []
    for indicator in indicators:
        group = formulas.get(indicator.pk, [])
        quantum = Decimal(1).scaleb(-indicator.decimals)
        if indicator.computed_by:
            out += _computed_values(indicator, units, asked, group, quantum)
            continue
        for unit in units:
            for period in asked:
                in_force = _formula_for(group, period)
                if in_force is None:
                    continue
                num_node, den_node = parsed[in_force.pk]

                def value_of(
                    o: expressions.Operand, u: int = unit.pk, p: iso_periods.Period = period, i: int = indicator.pk
                ) -> Decimal | None:
                    return operand_value(i, o, u, p)

                num = expressions.evaluate(num_node, value_of)
                den = expressions.evaluate(den_node, value_of)
                value = None
                if num is not None and den is not None and den != 0:
                    value = (num / den * in_force.factor).quantize(quantum, rounding=ROUND_HALF_UP)
                out.append(IndicatorValue(indicator.pk, unit.pk, period.iso, value, num, den, in_force.pk))
    return out


def _computed_values(
    indicator: Indicator,
    units: Sequence[OrgUnit],
    asked: Sequence[iso_periods.Period],
    group: Sequence[IndicatorFormula],
    quantum: Decimal,
) -> list[IndicatorValue]:
    """An indicator a domain computes (``tablero.computed``): the provider's ratio per unit and period."""
    if not group:
        return []
    figures = computed.values(indicator, units, asked)
    out = []
    for unit in units:
        for period in asked:
            ratio = figures.get((unit.pk, period.iso))
            value = ratio.value if ratio is not None else None
            out.append(
                IndicatorValue(
                    indicator.pk,
                    unit.pk,
                    period.iso,
                    value.quantize(quantum, rounding=ROUND_HALF_UP) if value is not None else None,
                    ratio.numerator if ratio is not None else None,
                    ratio.denominator if ratio is not None else None,
                    group[-1].pk,
                )
            )
    return out


def stored_period(iso: str) -> Period:
    return ensure_periods([iso_periods.parse(iso)])[iso]
