"""``/api/analytics`` in DHIS2's response shape (docs/dhis2.md §8), from Ronda's aggregate cells
(``tablero.selectors.cells``) and indicator values (``tablero.analytics``).

Dimensions: ``dx`` (data elements, ``element.optionCombo`` operands, indicators), ``pe`` (ISO and
relative periods, today in the actor's municipality), ``ou`` (uids, ``LEVEL-n`` optionally bounded,
``USER_ORGUNIT``, ``USER_ORGUNIT_CHILDREN``, ``USER_ORGUNIT_GRANDCHILDREN``) and ``co`` (a break-down
by option combination). A ``filter=`` dimension is aggregated across its items. Values are strings;
combinations without data are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from ronda.core.tenancy import Actor
from ronda.tablero import analytics as tablero_analytics
from ronda.tablero import periods as iso_periods
from ronda.tablero import publication, selectors, suppression
from ronda.tablero.dhis2.serializers import Catalogue
from ronda.tablero.dhis2.views import WebError, endpoint, json_response, today
from ronda.tablero.models import IndicatorFormula, Period, PublishedIndicator
from ronda.territory.models import OrgUnit

DIMENSIONS = ("dx", "pe", "ou", "co")
NAMES = {"dx": "Data", "pe": "Period", "ou": "Organisation unit", "co": "Category option combo"}
MAX_CELLS = 50_000


@dataclass(frozen=True)
class DxItem:
    uid: str
    kind: str  # "element", "operand", "indicator"
    model: Any
    coc: Any = None


@dataclass
class Query:
    order: list[str]  # the row dimensions, in request order
    filters: set[str]
    dx: list[DxItem]
    pe: list[iso_periods.Period]
    ou: list[OrgUnit]
    co: bool
    relative: list[str]


def _split(text: str) -> tuple[str, list[str]]:
    name, _sep, items = text.partition(":")
    return name.strip(), [i.strip() for i in items.split(";") if i.strip()]


def _dx(catalogue: Catalogue, items: list[str]) -> list[DxItem]:
    out = []
    for item in items:
        element_uid, _dot, coc_uid = item.partition(".")
        element = catalogue.model("dataElements", element_uid)
        if element is not None and not coc_uid:
            out.append(DxItem(item, "element", element))
            continue
        if element is not None:
            coc = catalogue.model("categoryOptionCombos", coc_uid)
            if coc is not None and coc.combo_id == element.category_combo_id:
                out.append(DxItem(item, "operand", element, coc))
                continue
        indicator = catalogue.model("indicators", item)
        if indicator is not None:
            out.append(DxItem(item, "indicator", indicator))
            continue
        raise WebError(
            409, f"Dimension dx is present in query without any valid dimension options: `{item[:30]}`", "E7124"
        )
    return out


def _ou(catalogue: Catalogue, actor: Actor, items: list[str]) -> list[OrgUnit]:
    """The units of the ``ou`` dimension, looked up in the database within the actor's scope (never
    the whole tree: a national scope is 50,000 units), in the org-unit resource's order."""
    chosen: dict[int, OrgUnit] = {}
    levels: list[int] = []
    bounds: list[OrgUnit] = []
    mine = actor.org_unit
    bound_keys = [i for i in items if not i.startswith(("LEVEL-", "USER_ORGUNIT"))]
    catalogue.prefetch_units(bound_keys)

    def own_roots() -> list[OrgUnit]:  # USER_ORGUNIT: the actor's unit; an administrator's countries
        if mine is not None:
            found = catalogue.find("organisationUnits", mine.uid)
            return [found] if found is not None else []
        return catalogue.units_of_level(1) if actor.is_admin else []

    for item in items:
        if item.startswith("LEVEL-"):
            try:
                levels.append(int(item[6:]))
            except ValueError:
                raise WebError(409, f"Invalid org unit level: `{item[:30]}`", "E7124") from None
            continue
        if item.startswith("USER_ORGUNIT"):
            depth = {"USER_ORGUNIT": 0, "USER_ORGUNIT_CHILDREN": 1, "USER_ORGUNIT_GRANDCHILDREN": 2}.get(item)
            if depth is None:
                raise WebError(409, f"Invalid org unit: `{item[:30]}`", "E7124")
            if mine is None and not actor.is_admin:
                continue
            for root in own_roots():
                for unit in catalogue.units_under([root], [root.level + depth]):
                    chosen.setdefault(unit.pk, unit)
            continue
        bound = catalogue.find("organisationUnits", item)
        if bound is None:
            raise WebError(409, f"User is not allowed to view org unit: `{item[:20]}`", "E7120")
        bounds.append(bound)
    if levels:
        # LEVEL-n alone: under the actor's unit; an administrator's, under every country.
        roots = bounds or ([mine] if mine is not None and not actor.is_admin else catalogue.units_of_level(1))
        for unit in catalogue.units_under(roots, levels):
            chosen.setdefault(unit.pk, unit)
    else:
        for unit in bounds:
            chosen.setdefault(unit.pk, unit)
    return list(chosen.values())


def parse_query(
    request: HttpRequest,
    actor: Actor | None,
    catalogue: Catalogue,
    *,
    dx_of: Callable[[list[str]], list[DxItem]] | None = None,
    ou_of: Callable[[list[str]], list[OrgUnit]] | None = None,
) -> Query:
    dims = [_split(t) for t in request.GET.getlist("dimension") if t.strip()]
    flts = [_split(t) for t in request.GET.getlist("filter") if t.strip()]
    if not dims:
        raise WebError(409, "At least one dimension must be specified", "E7101")
    names = [n for n, _i in dims]
    filter_names = [n for n, _i in flts]
    if len(set(names)) != len(names) or len(set(filter_names)) != len(filter_names):
        raise WebError(409, "Dimensions cannot be specified more than once", "E7111")
    if set(names) & set(filter_names):
        raise WebError(409, "Dimensions cannot be specified as dimension and filter simultaneously", "E7103")
    items = dict(dims + flts)
    for name in items:
        if name not in DIMENSIONS:
            raise WebError(409, f"Dimension identifier does not reference any dimension: `{name[:30]}`", "E7125")
    if "dx" not in items:
        raise WebError(
            409, "At least one data dimension item or data element group set dimension item must be specified", "E7102"
        )
    if "pe" not in items:
        raise WebError(
            409, "At least one period as dimension or filter, or start and dates, must be specified", "E7104"
        )
    if "ou" not in items:
        raise WebError(409, "At least one organisation unit must be specified", "E7124")
    for name in ("dx", "pe", "ou"):
        if not items[name]:
            raise WebError(409, f"Dimension {name} is present in query without any valid dimension options", "E7124")
    dx = dx_of(items["dx"]) if dx_of is not None else _dx(catalogue, items["dx"])
    if "dx" in filter_names and sum(1 for d in dx if d.kind == "indicator") > 1:
        raise WebError(409, "Only a single indicator can be specified as filter", "E7108")
    try:
        pe = list(iso_periods.resolve(items["pe"], today()))
    except iso_periods.InvalidPeriod as exc:
        raise WebError(
            409, f"Dimension pe is present in query without any valid dimension options: `{str(exc)[:30]}`", "E7124"
        ) from None
    if ou_of is not None:
        ou = ou_of(items["ou"])
    else:
        assert actor is not None
        ou = _ou(catalogue, actor, items["ou"])
    if not ou:
        raise WebError(409, "Dimension ou is present in query without any valid dimension options", "E7124")
    if len(dx) * len(pe) * len(ou) > MAX_CELLS:
        raise WebError(409, f"Too many cells asked: at most {MAX_CELLS}", "E7131")
    relative = [p for p in items["pe"] if p in iso_periods.RELATIVE_PERIODS]
    return Query(order=names, filters=set(filter_names), dx=dx, pe=pe, ou=ou, co="co" in names, relative=relative)


# --- Computing -----------------------------------------------------------------------------------

Key = tuple[str, str, str, str]  # dx uid, period iso, unit uid, coc uid ("" without co)


def _add(a: selectors.Cell, b: selectors.Cell) -> selectors.Cell:
    low = min((x for x in (a.minimum, b.minimum) if x is not None), default=None)
    high = max((x for x in (a.maximum, b.maximum) if x is not None), default=None)
    return selectors.Cell(a.total + b.total, a.count + b.count, a.last_total + b.last_total, low, high)


def _element_cells(query: Query, catalogue: Catalogue) -> dict[Key, tuple[Any, selectors.Cell]]:
    stored = {p.iso: p for p in Period.objects.filter(iso__in=[p.iso for p in query.pe])}
    if not stored:
        return {}
    by_period_id = {p.pk: p.iso for p in stored.values()}
    by_unit_id = {u.pk: u.uid for u in query.ou}
    out: dict[Key, tuple[Any, selectors.Cell]] = {}
    elements = [d for d in query.dx if d.kind == "element"]
    operands = [d for d in query.dx if d.kind == "operand"]
    groups: list[tuple[list[DxItem], list[Any] | None]] = []
    if elements:
        if query.co:
            all_cocs = {c for d in elements for c in _cocs_of(catalogue, d.model)}
            groups += [([d for d in elements if c.combo_id == d.model.category_combo_id], [c]) for c in all_cocs]
        else:
            groups.append((elements, None))
    for operand in operands:
        groups.append(([operand], [operand.coc]))
    for items, cocs in groups:
        if not items:
            continue
        found = selectors.cells(
            element_ids=[d.model.pk for d in items],
            unit_ids=list(by_unit_id),
            period_ids=list(stored.values()),
            option_combo_ids=[c.pk for c in cocs] if cocs is not None else None,
            leaf_ids=[u.pk for u in query.ou if u.level == selectors.LEAF_LEVEL],
        )
        coc_uid = cocs[0].uid if cocs is not None and query.co else ""
        for item in items:
            for (element_id, unit_id, period_id), cell in found.items():
                if element_id == item.model.pk:
                    out[(item.uid, by_period_id[period_id], by_unit_id[unit_id], coc_uid)] = (item.model, cell)
    return out


def _cocs_of(catalogue: Catalogue, element: Any) -> list[Any]:
    combo = catalogue.objects("categoryCombos").get(element.category_combo.uid)
    if combo is None:
        return []
    return [m for ref in combo["categoryOptionCombos"] if (m := catalogue.model("categoryOptionCombos", ref.uid))]


def _indicator_parts(
    query: Query, allowed: set[tuple[int, int]] | None = None
) -> dict[Key, tuple[Any, Decimal, Decimal, Decimal]]:
    indicators = [d for d in query.dx if d.kind == "indicator"]
    if not indicators:
        return {}
    values = tablero_analytics.indicator_values([d.model for d in indicators], query.ou, query.pe)
    factors = dict(IndicatorFormula.objects.filter(pk__in={v.formula_id for v in values}).values_list("id", "factor"))
    by_id = {d.model.pk: d for d in indicators}
    units = {u.pk: u.uid for u in query.ou}
    out = {}
    for v in values:
        if v.numerator is None or v.denominator is None:
            continue
        if allowed is not None and (v.indicator_id, v.org_unit_id) not in allowed:
            continue
        item = by_id[v.indicator_id]
        out[(item.uid, v.period, units[v.org_unit_id], "")] = (
            item.model,
            v.numerator,
            v.denominator,
            factors.get(v.formula_id, Decimal(1)),
        )
    return out


def _text(value: Decimal, decimals: int | None) -> str:
    places = 2 if decimals is None else decimals
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass
class Public:
    """The public scope: the (indicator, unit) pairs municipalities published, the sensitive
    indicators (counted from personal records), and the rows suppressed."""

    allowed: set[tuple[int, int]]
    # indicator id -> whether its numerator, its denominator count people from personal records
    sensitive: dict[int, publication.Sensitivity]
    suppressed: list[list[str]]

    def hides(self, indicator_id: int, value: Decimal, numerator: Decimal, denominator: Decimal) -> bool:
        """The rule of the public page (``publication``): a rate is hidden when a count it is computed
        from, of those from personal records, is small; a count when it is small."""
        parts = self.sensitive.get(indicator_id)
        if not parts:
            return False
        counts = ([numerator] if parts.numerator else []) + ([denominator] if parts.denominator else [])
        return suppression.rate(value, *counts).suppressed


def compute(query: Query, catalogue: Catalogue, public: Public | None = None) -> list[tuple[tuple[str, ...], str]]:
    """Rows: the row-dimension items (request order) and the value string."""
    axes = {
        "dx": [d.uid for d in query.dx],
        "pe": [p.iso for p in query.pe],
        "ou": [u.uid for u in query.ou],
    }
    row_dims = query.order

    def row_key(key: Key) -> tuple[str, ...]:
        parts = {"dx": key[0], "pe": key[1], "ou": key[2], "co": key[3]}
        return tuple(parts[d] for d in row_dims)

    cells: dict[tuple[str, ...], tuple[Any, selectors.Cell]] = {}
    for key, (element, cell) in _element_cells(query, catalogue).items():
        rk = row_key(key)
        cells[rk] = (element, _add(cells[rk][1], cell)) if rk in cells else (element, cell)
    parts: dict[tuple[str, ...], tuple[Any, Decimal, Decimal, Decimal]] = {}
    for key, (indicator, num, den, factor) in _indicator_parts(query, public.allowed if public else None).items():
        rk = row_key(key)
        if rk in parts:
            _ind, n0, d0, f0 = parts[rk]
            parts[rk] = (indicator, n0 + num, d0 + den, f0)
        else:
            parts[rk] = (indicator, num, den, factor)
    values: dict[tuple[str, ...], str] = {}
    for rk, (element, cell) in cells.items():
        value = cell.value(element.aggregation_type)
        if value is not None:
            values[rk] = _text(value, None)
    for rk, (indicator, num, den, factor) in parts.items():
        if den == 0:
            continue
        if public is not None and public.hides(indicator.pk, num / den, num, den):
            public.suppressed.append(list(rk))
            continue
        values[rk] = _text(num / den * factor, indicator.decimals)
    # In the order of the asked items.
    orders = {name: {item: i for i, item in enumerate(axes.get(name, []))} for name in DIMENSIONS}

    def sort_key(rk: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(orders[d].get(v, 0) for d, v in zip(row_dims, rk, strict=True))

    return [(rk, values[rk]) for rk in sorted(values, key=sort_key)]


# --- Response ----------------------------------------------------------------------------------


def _header(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "column": NAMES[name],
        "valueType": "TEXT",
        "type": "java.lang.String",
        "hidden": False,
        "meta": True,
    }


def _meta(query: Query, catalogue: Catalogue, cocs: Iterable[str], display: str) -> dict[str, Any]:
    key = "shortName" if display.upper() == "SHORTNAME" else "name"
    items: dict[str, Any] = {}
    for d in query.dx:
        if d.kind == "operand":
            items[d.uid] = {"name": f"{d.model.name} {d.coc.name}"}
        else:
            obj = catalogue.objects("indicators" if d.kind == "indicator" else "dataElements")[d.model.uid]
            items[d.uid] = {"name": obj.get(key) or obj["name"]}
    for p in query.pe:
        items[p.iso] = {"name": p.iso}
    for keyword in query.relative:
        items[keyword] = {"name": keyword.replace("_", " ").capitalize()}
    for u in query.ou:
        items[u.uid] = {"name": u.name}
    coc_list = list(cocs)
    for uid in coc_list:
        coc = catalogue.objects("categoryOptionCombos").get(uid)
        if coc is not None:
            items[uid] = {"name": coc["name"]}
    for name in ("dx", "pe", "ou"):
        items[name] = {"name": NAMES[name]}
    if query.co:
        items["co"] = {"name": NAMES["co"]}
    return {
        "items": items,
        "dimensions": {
            "dx": [d.uid for d in query.dx],
            "pe": [p.iso for p in query.pe],
            "ou": [u.uid for u in query.ou],
            "co": coc_list,
        },
    }


class _PublicNames:
    """What ``_meta`` reads of a catalogue, for the public scope (published indicators only)."""

    def __init__(self, indicators: dict[str, Any]) -> None:
        self.indicators = {uid: {"name": i.name, "shortName": i.short_name or i.name} for uid, i in indicators.items()}

    def objects(self, resource: str) -> dict[str, Any]:
        return self.indicators if resource == "indicators" else {}


def _sensitivity(indicators: Iterable[Any]) -> dict[int, publication.Sensitivity]:
    """Per indicator, over every version of its formula (hiding too much is safe)."""
    formulas = list(IndicatorFormula.objects.filter(indicator__in=list(indicators)))
    by_formula = publication.formula_sensitivity(formulas)
    out: dict[int, publication.Sensitivity] = {}
    for formula in formulas:
        found = by_formula[formula.pk]
        before = out.get(formula.indicator_id, publication.Sensitivity(False, False))
        out[formula.indicator_id] = publication.Sensitivity(
            before.numerator or found.numerator, before.denominator or found.denominator
        )
    return out


def _public_query(request: HttpRequest) -> tuple[Query, Public, _PublicNames]:
    """Anonymous: published indicators of the municipalities that published them, yearly periods
    only and no filter over several items (a sum beside its parts would give a hidden count back)."""
    published = list(
        PublishedIndicator.objects.filter(org_unit__is_active=True, indicator__is_archived=False).select_related(
            "indicator", "org_unit"
        )
    )
    indicators = {p.indicator.uid: p.indicator for p in published}
    units = {p.org_unit.uid: p.org_unit for p in published}

    def dx_of(items: list[str]) -> list[DxItem]:
        if any(i not in indicators for i in items):
            raise WebError(409, "Dimension dx is present in query without any valid dimension options", "E7124")
        return [DxItem(i, "indicator", indicators[i]) for i in items]

    def ou_of(items: list[str]) -> list[OrgUnit]:
        if any(i not in units for i in items):
            raise WebError(409, "Dimension ou is present in query without any valid dimension options", "E7124")
        return [units[i] for i in dict.fromkeys(items)]

    names = _PublicNames(indicators)
    query = parse_query(request, None, names, dx_of=dx_of, ou_of=ou_of)  # type: ignore[arg-type]
    if query.co or any(p.period_type != "Yearly" for p in query.pe):
        raise WebError(409, "The public scope answers yearly periods of published indicators only", "E7124")
    for text in request.GET.getlist("filter"):
        if ";" in text:
            raise WebError(409, "The public scope takes one item per filter", "E7124")
    public = Public(
        allowed={(p.indicator_id, p.org_unit_id) for p in published},
        sensitive=_sensitivity(indicators.values()),
        suppressed=[],
    )
    return query, public, names


@endpoint("GET", anonymous=True)
def analytics(request: HttpRequest, actor: Actor | None) -> HttpResponse:
    public: Public | None = None
    catalogue: Any
    if actor is None:
        query, public, catalogue = _public_query(request)
    else:
        catalogue = Catalogue(actor)
        query = parse_query(request, actor, catalogue)
    rows = compute(query, catalogue, public)
    headers = [_header(name) for name in query.order]
    headers.append(
        {
            "name": "value",
            "column": "Value",
            "valueType": "NUMBER",
            "type": "java.lang.Double",
            "hidden": False,
            "meta": False,
        }
    )
    co_index = query.order.index("co") if query.co else None
    cocs = list(dict.fromkeys(rk[co_index] for rk, _v in rows)) if co_index is not None else []
    body = {
        "headers": headers,
        "metaData": _meta(query, catalogue, cocs, request.GET.get("displayProperty", "NAME")),
        "rowContext": {},
        "rows": [[*rk, value] for rk, value in rows],
        "height": len(rows),
        "width": len(headers),
        "headerWidth": len(headers),
    }
    if public is not None:
        body["metaData"]["suppressed"] = public.suppressed  # type: ignore[index]
    return json_response(body)
