"""The deinstitutionalisation dashboard (issue #12 item 8): anonymised figures of alternative care
in the reader's unit — the state for a state office, the municipality for a municipal one — for a
year, counted on its last day (today for the current year).

Who reads it: protection officers, supervisors, analysts and the secretariat, for their own unit and
the units below it down to the municipalities (``?unidad=``). Aggregates only, as the case route's
figures page (``cases.figures``): every figure comes from ``protection.contracts`` (counts, never a
name) and goes through ``tablero.suppression``. Figures published together are suppressed together:
the children in care on the day by setting, by length of stay and by sub-unit share their totals, so
they are one set of lines. Pages are published together too: a state's page and each of its
municipalities' pages add up, so every figure of a unit is suppressed with the same figure of its
parent and siblings (``family_suppression``), and a unit's page hides whatever its parent's page
hides for it. Facilities and foster places count resources, not children, and are shown
as they are. Nothing here reads a child's record, so nothing is logged as a read.

Each chart is drawn by the Tablero's helper (``tablero.charts``: SVG on the server, a ``<title>`` per
mark) and followed by its data table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param
from ronda.protection import contracts, policies
from ronda.protection import figures as kept
from ronda.tablero import charts
from ronda.tablero.suppression import Figure, Line, Reason, rate, suppress_cells
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import large_columns

DASHBOARD_READERS = frozenset({Role.PROTECTION_OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.SECRETARIAT})
# A median over fewer children than this is not shown (it would tell one child's story).
MEDIAN_MINIMUM = 5
DAYS_PER_MONTH = Decimal("30.4375")

STAY_LABELS = {
    "0-3m": gettext_lazy("Less than 3 months"),
    "3-6m": gettext_lazy("3 to 6 months"),
    "6-12m": gettext_lazy("6 to 12 months"),
    "1-2y": gettext_lazy("1 to 2 years"),
    "2y+": gettext_lazy("More than 2 years"),
}


def can_view_dashboard(actor: Actor | None) -> bool:
    """Anonymised aggregates of their own unit and below: never a name."""
    return actor is not None and actor.role in DASHBOARD_READERS and actor.org_unit is not None


@dataclass(frozen=True)
class Row:
    label: str
    figure: Figure


@dataclass(frozen=True)
class MonthRow:
    label: str
    residential: Figure
    under_three: Figure


@dataclass(frozen=True)
class PartRow:
    label: str
    family_based: Figure
    residential: Figure


@dataclass(frozen=True)
class Care:
    """The children in care on the day, suppressed together."""

    residential: Figure
    family_based: Figure
    other: Figure
    total: Figure
    under_three: Figure
    family_share: Figure  # %, of family-based and residential
    stays: tuple[Row, ...]
    median_months: Figure
    parts: tuple[PartRow, ...]
    withheld: bool


@dataclass(frozen=True)
class EntryFigures:
    total: Figure
    rate: Figure  # per 100,000 children
    population: int | None
    gatekeeping: tuple[Row, ...]
    gatekeeping_share: Figure  # %, of the entries with a verdict
    withheld: bool


@dataclass(frozen=True)
class Flow:
    total: Figure
    months: tuple[Row, ...]
    withheld: bool


@dataclass(frozen=True)
class Measures:
    in_force: Figure
    up_to_date: Figure
    overdue: Figure
    share: Figure


@dataclass(frozen=True)
class Resources:
    foster_families: int
    foster_places: int
    facilities: int
    supervised: int
    supervised_share: Figure


@dataclass(frozen=True)
class Dashboard:
    unit: OrgUnit
    year: int
    day: dt.date
    care: Care
    months: tuple[MonthRow, ...]
    entries: EntryFigures
    reintegrations: Flow
    measures: Measures
    resources: Resources
    charts: dict[str, str]
    computed_at: dt.datetime


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def month_label(month: str) -> str:
    return str(MONTHS[int(month[5:7])])


GATEKEEPING_LABELS = (
    ("complete_at_entry", gettext_lazy("Complete at entry")),
    ("emergency_in_time", gettext_lazy("Emergency entry, record completed in time")),
    ("late", gettext_lazy("Record late or overdue")),
    ("missing", gettext_lazy("No record")),
    ("pending_not_due", gettext_lazy("Emergency entry, record not yet due")),
)


# --- Building the figures ------------------------------------------------------------------------
# One unit's counts before suppression (kept per unit: ``protection.figures``).
Counts = kept.Counts


def _stock_keys(month: str, last: bool) -> tuple[Hashable, Hashable]:
    # The last month's stock is the day's figure of the care block: the same figure, the same key.
    return ("res", "u3") if last else (("ms", month), ("mu", month))


def page_values(counts: Counts) -> dict[Hashable, int]:
    """Every count of children a unit's page shows, by key (medians and shares are derived)."""
    care = counts.in_care
    values: dict[Hashable, int] = {
        "res": care.residential,
        "fam": care.family_based,
        "oth": care.other,
        "care": care.total,
        "u3": care.under_three_residential,
    }
    for band in contracts.STAY_BANDS:
        values[("stay", band)] = care.by_stay.get(band, 0)
    for i, stock in enumerate(counts.stocks):
        res, u3 = _stock_keys(stock.month, i == len(counts.stocks) - 1)
        values.setdefault(res, stock.residential)
        values.setdefault(u3, stock.under_three_residential)
    values[("e", "total")] = counts.entries.total
    for key, _label in GATEKEEPING_LABELS:
        values[("e", key)] = getattr(counts.entries, key)
    months = [stock.month for stock in counts.stocks]
    for month in months:
        values[("r", month)] = counts.reintegrations.get(month, 0)
    values[("r", "total")] = sum(counts.reintegrations.get(month, 0) for month in months)
    values["m_in"], values["m_ok"], values["m_late"] = (
        counts.reviews.in_force,
        counts.reviews.up_to_date,
        counts.reviews.overdue,
    )
    return values


def page_lines(months: list[str]) -> list[Line[Hashable]]:
    """The parts and totals one page shows together."""
    return [
        Line(("fam", "res", "oth"), "care"),
        Line(tuple(("stay", band) for band in contracts.STAY_BANDS), "care"),
        Line(tuple(("e", key) for key, _l in GATEKEEPING_LABELS), ("e", "total")),
        Line(tuple(("r", m) for m in months), ("r", "total")),
        Line(("m_ok", "m_late"), "m_in"),
    ]


@dataclass(frozen=True)
class Family:
    """The suppression of a unit's figures and its direct sub-units' (keys ``(unit id, key)``)."""

    hidden: dict[tuple[int, Hashable], Reason]
    withheld: bool

    @cached_property
    def by_unit(self) -> dict[int, list[tuple[Hashable, Reason]]]:
        """The hidden keys of each unit (a page reads a hundred units' figures of one family)."""
        found: dict[int, list[tuple[Hashable, Reason]]] = {}
        for (owner, key), reason in self.hidden.items():
            found.setdefault(owner, []).append((key, reason))
        return found


def family_suppression(head: int, members: list[int], counts: dict[int, Counts], months: list[str]) -> Family:
    """One unit and its direct sub-units suppressed together, as one set of lines: each page's own
    lines, and for every figure the sub-units' figures under the unit's (the unit's page and its
    sub-units' pages are published side by side: the unit's figure minus the others' would give a
    hidden one back). Every page of the family asks this same function with the same counts, so
    they all hide the same figures."""
    values: dict[tuple[int, Hashable], int] = {}
    lines: list[Line[tuple[int, Hashable]]] = []
    for pk in (head, *members):
        for key, value in page_values(counts[pk]).items():
            values[(pk, key)] = value
        lines += [Line(tuple((pk, p) for p in line.parts), (pk, line.total)) for line in page_lines(months)]
    if members:
        for key in page_values(counts[head]):
            lines.append(Line(tuple((pk, key) for pk in members), (head, key)))
    result = suppress_cells(values, lines)
    return Family(hidden=dict(result.hidden), withheld=result.withheld)


def kept_family_suppression(
    head: int, members: list[int], counts: dict[int, Counts], months: list[str], stamp: tuple[int, str]
) -> Family:
    """``family_suppression``, kept in the cache for the counts of one pass (``stamp``: the year and
    when the pass counted them): every page of the family reads the same counts until the next pass,
    so it hides the same figures; the state's page and its municipalities' need it once per pass."""
    key = "protection:family:" + hashlib.sha256(repr((head, members, months, stamp)).encode()).hexdigest()
    found = cache.get(key)
    if isinstance(found, Family):
        return found
    family = family_suppression(head, members, counts, months)
    cache.set(key, family, timeout=int(kept.REFRESH_EVERY.total_seconds()) * 3)
    return family


def _sub_units(unit: OrgUnit) -> list[OrgUnit]:
    """The direct sub-units down to the municipalities, inactive ones too (as ``contracts``: a
    breakdown that left one out would not add up to its total)."""
    return list(
        OrgUnit.objects.filter(parent_id=unit.pk, level__lte=Level.MUNICIPALITY)
        .defer(*large_columns())
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class Figures:
    """What one page may show of one unit's counts: the values and the keys hidden, and why."""

    values: dict[Hashable, int]
    hidden: dict[Hashable, Reason]
    withheld: bool

    def __call__(self, key: Hashable) -> Figure:
        reason = self.hidden.get(key)
        return Figure(None, reason) if reason is not None else Figure(self.values[key])


def _merge(pk: int, values: dict[Hashable, int], *families: Family) -> Figures:
    """A unit's figures hidden wherever any family it belongs to hides them (the page shows the
    unit both as a part of its parent and as the total of its sub-units). Hiding more never lets
    a line with one hidden figure, or hidden parts adding up to 1-4, appear."""
    hidden: dict[Hashable, Reason] = {}
    for family in families:
        for key, reason in family.by_unit.get(pk, ()):
            if key not in hidden or reason == Reason.SMALL:
                hidden[key] = reason
    withheld = any(family.withheld for family in families) and bool(hidden)
    return Figures(values=values, hidden=hidden, withheld=withheld)


def care_block(care: contracts.InCare, figures: Figures, parts: list[tuple[str, Figure, Figure]]) -> Care:
    residential, family_based = figures("res"), figures("fam")
    median = Figure(None)
    if care.median_stay_days is not None:
        if care.total < MEDIAN_MINIMUM or figures("care").suppressed:
            median = Figure(None, Reason.RATE)
        else:
            median = Figure((Decimal(str(care.median_stay_days)) / DAYS_PER_MONTH).quantize(Decimal("0.1")))
    return Care(
        residential=residential,
        family_based=family_based,
        other=figures("oth"),
        total=figures("care"),
        under_three=figures("u3"),
        family_share=rate(_share(care.family_based, care.family_based + care.residential), family_based, residential),
        stays=tuple(Row(str(STAY_LABELS[band]), figures(("stay", band))) for band in contracts.STAY_BANDS),
        median_months=median,
        parts=tuple(PartRow(name, fam, res) for name, fam, res in parts),
        withheld=figures.withheld,
    )


def month_rows(stocks: tuple[contracts.MonthStock, ...], figures: Figures) -> tuple[MonthRow, ...]:
    """Each month's end (the last: the day's figure of the care block)."""
    rows = []
    for i, stock in enumerate(stocks):
        res, u3 = _stock_keys(stock.month, i == len(stocks) - 1)
        rows.append(MonthRow(month_label(stock.month), figures(res), figures(u3)))
    return tuple(rows)


def entries_block(entries: contracts.Entries, figures: Figures, population: int | None) -> EntryFigures:
    total = figures(("e", "total"))
    per_children = (
        (Decimal(entries.total) * 100_000 / Decimal(population)).quantize(Decimal("0.1")) if population else None
    )
    without = entries.decided - entries.with_gatekeeping
    share = rate(
        _share(entries.with_gatekeeping, entries.decided),
        *(figures(("e", key)) for key, _l in GATEKEEPING_LABELS),
        entries.with_gatekeeping,
        without,
    )
    return EntryFigures(
        total=total,
        rate=rate(per_children, total) if population else Figure(None),
        population=population,
        gatekeeping=tuple(Row(str(label), figures(("e", key))) for key, label in GATEKEEPING_LABELS),
        gatekeeping_share=share if entries.decided else Figure(None),
        withheld=figures.withheld,
    )


def flow_block(months: list[str], figures: Figures) -> Flow:
    return Flow(
        total=figures(("r", "total")),
        months=tuple(Row(month_label(m), figures(("r", m))) for m in months),
        withheld=figures.withheld,
    )


def measures_block(reviews: contracts.MeasureReviews, figures: Figures) -> Measures:
    up_to_date, overdue = figures("m_ok"), figures("m_late")
    return Measures(
        in_force=figures("m_in"),
        up_to_date=up_to_date,
        overdue=overdue,
        share=rate(_share(reviews.up_to_date, reviews.in_force), up_to_date, overdue)
        if reviews.in_force
        else Figure(None),
    )


def _value(figure: Figure) -> Decimal | None:
    return Decimal(figure.value) if figure.value is not None and not figure.suppressed else None


def _charts(unit: OrgUnit, year: int, care: Care, months: tuple[MonthRow, ...]) -> dict[str, str]:
    name = unit.name
    residential = [charts.Mark(row.label, _value(row.residential)) for row in months]
    under_three = [charts.Mark(row.label, _value(row.under_three)) for row in months]
    return {
        "residential": charts.trend(
            residential,
            title=_("Children in residential care at the end of each month"),
            summary=_(
                "Children living in a residential-care centre (CAS) at the end of each month of %(year)s, in %(unit)s."
            )
            % {"year": year, "unit": name},
            decimals=0,
            chart_id="care-residential",
        ),
        "under_three": charts.trend(
            under_three,
            targets=[Decimal(0)] * len(under_three),
            target_label=_("Target"),
            title=_("Children under three in residential care"),
            summary=_(
                "Children under three in a residential-care centre at the end of each month; the target is none."
            ),
            decimals=0,
            chart_id="care-under-three",
        ),
        "settings": charts.bars(
            [
                charts.Mark(_("Family-based care"), _value(care.family_based)),
                charts.Mark(_("Residential care"), _value(care.residential)),
                charts.Mark(_("Supervised independent living"), _value(care.other)),
            ],
            title=_("Children in alternative care by setting"),
            summary=_("Children in alternative care on the day, in a family, in a centre or living on their own."),
            decimals=0,
            chart_id="care-settings",
        ),
        "stays": charts.bars(
            [charts.Mark(row.label, _value(row.figure)) for row in care.stays],
            title=_("Children in alternative care by time in care"),
            summary=_("How long the children in alternative care on the day have been in care."),
            decimals=0,
            chart_id="care-stays",
        ),
    }


def dashboard(unit: OrgUnit, year: int, today: dt.date) -> Dashboard:
    """The figures of ``unit``'s subtree for ``year``, counted on its last day (or ``today``).

    The unit is suppressed with its parent and siblings (the parent's page breaks its figures down
    by sub-unit, and each sibling has a page: subtracting across them would give a hidden figure
    back) and with its own sub-units (its breakdown). Limit: a page's sub-units are suppressed with
    this page's family only; a region's own page may hide more of its figures (with its
    municipalities) than a country's breakdown does. Cost: one query for the counts of every unit
    needed (the unit, its parent, its siblings and its sub-units) when they are kept and fresh
    (``protection.figures``), else one pass over the country's placements and measures.
    """
    day = min(dt.date(year, 12, 31), today)
    months = [contracts.month_key(dt.date(year, m, 1)) for m in range(1, day.month + 1)]
    below = _sub_units(unit) if unit.level < Level.MUNICIPALITY else []
    parent = policies.parent_unit(unit)
    siblings = _sub_units(parent) if parent is not None else []
    snapshot = kept.counts_for((unit, *below, *([parent] if parent is not None else []), *siblings), year, today)
    counts = snapshot.counts
    stamp = (year, snapshot.computed_at.isoformat())
    own = kept_family_suppression(unit.pk, [u.pk for u in below], counts, months, stamp)
    families = [own]
    if parent is not None:
        families.append(kept_family_suppression(parent.pk, [u.pk for u in siblings], counts, months, stamp))
    mine = counts[unit.pk]
    figures = _merge(unit.pk, page_values(mine), *families)
    parts = []
    for sub in below:
        of_sub = _merge(sub.pk, page_values(counts[sub.pk]), own)
        parts.append((sub.name, of_sub("fam"), of_sub("res")))
    care = care_block(mine.in_care, figures, parts)
    stocks = month_rows(mine.stocks, figures)
    places = contracts.foster_places(unit, day)
    supervision = contracts.facilities_supervised(unit, day)
    return Dashboard(
        unit=unit,
        year=year,
        day=day,
        care=care,
        months=stocks,
        entries=entries_block(mine.entries, figures, contracts.child_population(unit)),
        reintegrations=flow_block(months, figures),
        measures=measures_block(mine.reviews, figures),
        resources=Resources(
            foster_families=places.families,
            foster_places=max(places.available, 0),
            facilities=supervision.facilities,
            supervised=supervision.supervised,
            supervised_share=Figure(_share(supervision.supervised, supervision.facilities)),
        ),
        charts=_charts(unit, year, care, stocks),
        computed_at=snapshot.computed_at,
    )


# --- The page ----------------------------------------------------------------------------------------
def unit_for(actor: Actor, asked: int | None) -> OrgUnit | None:
    """The unit asked for if it lies in the reader's subtree (a municipality at the lowest), else
    their own."""
    own = actor.org_unit
    if own is None or asked is None or asked == own.pk:
        return own
    return policies.pick_figures_unit(actor, asked) or own


def units_to_choose(own: OrgUnit, shown: OrgUnit) -> list[OrgUnit]:
    """The reader's unit, the units just below it and just below the one shown (down to the
    municipalities), for the unit selector."""
    parents = {own.pk, shown.pk}
    below = (
        OrgUnit.objects.filter(parent_id__in=parents, level__lte=Level.MUNICIPALITY, is_active=True)
        .defer(*large_columns())
        .order_by("path")
    )
    units = {u.pk: u for u in (own, shown, *below)}
    return sorted(units.values(), key=lambda u: u.path)


@require_GET
@actor_required(can_view_dashboard)
def dashboard_page(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    raw = request.GET.get("anio", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    own = actor.org_unit
    unit = unit_for(actor, id_param(request.GET.get("unidad")))
    assert own is not None and unit is not None  # can_view_dashboard asks for one
    context = {
        "d": dashboard(unit, year, today),
        "units": units_to_choose(own, unit),
        "years": list(range(today.year, max(today.year - 5, 1999), -1)),
    }
    return render(request, "protection/dashboard.html", context)
