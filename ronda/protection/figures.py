"""The counts of the deinstitutionalisation dashboard, per unit, computed in one pass per country and
kept (``models.FigureSnapshot``; decision 0026, "The figures' snapshot").

A unit's page is suppressed together with its parent, its siblings and its sub-units
(``views.dashboard.family_suppression``): a state's page needs the counts of the country, of every
state and of the state's municipalities. Counting each of them from the placements (``contracts``)
read the country's placements again for each: seconds per page at national scale. Here the
placements and the measures of a country are read once, **municipality by municipality**
(``contracts.stays_by_municipality``, ``contracts.measure_reviews_by_municipality``: the same
definitions, the same functions), and every unit above a municipality is the **sum** of its
municipalities (every count is additive; the median length of stay is the median of the added
histograms). The result is kept per unit and year; a page reads the hundred rows it needs in one
query. The periodic job ``protection.figures`` recomputes the current year every
``REFRESH_EVERY``; a page that finds its rows older than ``settings.RONDA_PROTECTION_FIGURES_TTL``
seconds (or missing) computes them itself. So the figures of the current year are at most that old:
the page says when they were counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ronda.protection import contracts
from ronda.protection.models import FigureSnapshot
from ronda.territory.models import Level, OrgUnit

REFRESH_EVERY = dt.timedelta(minutes=10)
# A past year's figures change only with late records: recomputed once a day when asked.
PAST_YEAR_TTL = dt.timedelta(days=1)


@dataclass(frozen=True)
class Counts:
    """One unit's counts of children for the page's year, before any suppression."""

    in_care: contracts.InCare
    stocks: tuple[contracts.MonthStock, ...]
    entries: contracts.Entries
    reintegrations: dict[str, int]
    reviews: contracts.MeasureReviews


@dataclass(frozen=True)
class Snapshot:
    counts: dict[int, Counts]  # unit id → its counts
    computed_at: dt.datetime
    day: dt.date


# --- One pass over a country ---------------------------------------------------------------------
def _municipality_counts(
    files: list[list[contracts._Stay]],
    start: dt.date,
    day: dt.date,
    today: dt.date,
    reviews: contracts.MeasureReviews,
) -> Counts:
    return Counts(
        in_care=contracts._in_care(files, day, {}),
        stocks=tuple(contracts.stocks_of(files, start, day)),
        entries=contracts.entries_of(files, start, day, today=today),
        reintegrations=contracts.reintegrations_of(files, start, day),
        reviews=reviews,
    )


def _add(counts: Iterable[Counts], months: list[tuple[str, dt.date]], day: dt.date) -> Counts:
    """The sum of several units' counts (a unit's are its municipalities')."""
    care: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    days: Counter[int] = Counter()
    stocks = {month: [0, 0, 0] for month, _day in months}
    entries: Counter[str] = Counter()
    entry_months: Counter[str] = Counter()
    back: Counter[str] = Counter()
    reviews = [0, 0]
    for each in counts:
        c = each.in_care
        care.update(res=c.residential, fam=c.family_based, oth=c.other, u3=c.under_three_residential)
        bands.update(c.by_stay)
        days.update(c.stay_days)
        for stock in each.stocks:
            row = stocks[stock.month]
            row[0] += stock.residential
            row[1] += stock.under_three_residential
            row[2] += stock.in_care
        e = each.entries
        entries.update(
            total=e.total,
            complete_at_entry=e.complete_at_entry,
            emergency_in_time=e.emergency_in_time,
            pending_not_due=e.pending_not_due,
            late=e.late,
            missing=e.missing,
        )
        entry_months.update(e.by_month)
        back.update(each.reintegrations)
        reviews[0] += each.reviews.in_force
        reviews[1] += each.reviews.up_to_date
    return Counts(
        in_care=contracts.InCare(
            day=day,
            residential=care["res"],
            family_based=care["fam"],
            other=care["oth"],
            under_three_residential=care["u3"],
            by_stay={band: bands[band] for band in contracts.STAY_BANDS},
            median_stay_days=contracts.histogram_median(days),
            stay_days={k: v for k, v in days.items() if v},
        ),
        stocks=tuple(contracts.MonthStock(month, month_day, *stocks[month]) for month, month_day in months),
        entries=contracts.Entries(by_month={k: v for k, v in entry_months.items() if v}, **entries),
        reintegrations={k: v for k, v in back.items() if v},
        reviews=contracts.MeasureReviews(in_force=reviews[0], up_to_date=reviews[1]),
    )


def _months(start: dt.date, day: dt.date) -> list[tuple[str, dt.date]]:
    return [(stock.month, stock.day) for stock in contracts.stocks_of([], start, day)]


def compute(country: OrgUnit, year: int, today: dt.date) -> dict[int, Counts]:
    """The counts of every unit of ``country`` down to the municipalities, for ``year`` counted on
    its last day (or ``today``): one pass over the country's placements, two queries for its
    measures, one for its units."""
    start, day = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    months = _months(start, day)
    units = list(
        OrgUnit.objects.filter(path__startswith=country.path, level__lte=Level.MUNICIPALITY).values_list(
            "pk", "path", "level"
        )
    )
    municipalities = {pk: path for pk, path, level in units if level == Level.MUNICIPALITY}
    reviews = contracts.measure_reviews_by_municipality(country, day)
    own: dict[int, Counts] = {}
    for municipality_id, files in contracts.stays_by_municipality(country, day):
        own[municipality_id] = _municipality_counts(
            files, start, day, today, reviews.get(municipality_id, contracts.MeasureReviews())
        )
    empty = _add([], months, day)
    for pk in municipalities:
        if pk not in own:
            got = reviews.get(pk)
            own[pk] = empty if got is None else Counts(empty.in_care, empty.stocks, empty.entries, {}, got)
    # Every unit above: the sum of the municipalities below it (a prefix of their paths).
    below: dict[int, list[Counts]] = {pk: [] for pk, _path, level in units if level < Level.MUNICIPALITY}
    by_path = {path: pk for pk, path, level in units if level < Level.MUNICIPALITY}
    for pk, path in municipalities.items():
        prefix = path
        while True:
            prefix = prefix[: prefix.rstrip(".").rfind(".") + 1]
            if not prefix:
                break
            owner = by_path.get(prefix)
            if owner is not None:
                below[owner].append(own[pk])
    result = dict(own)
    for pk, parts in below.items():
        result[pk] = _add(parts, months, day)
    return result


# --- Keeping them ----------------------------------------------------------------------------------
def encode(counts: Counts) -> dict[str, Any]:
    """What is kept of a unit's counts: the figures a page shows and the median, not the histogram
    of the days in care (a rollup's median needs it, and rollups are done in ``compute``)."""
    c, e, r = counts.in_care, counts.entries, counts.reviews
    return {
        "care": [c.residential, c.family_based, c.other, c.under_three_residential],
        "stay": c.by_stay,
        "median": c.median_stay_days,
        "stocks": [
            [s.month, s.day.isoformat(), s.residential, s.under_three_residential, s.in_care] for s in counts.stocks
        ],
        "entries": [e.total, e.complete_at_entry, e.emergency_in_time, e.pending_not_due, e.late, e.missing],
        "entry_months": e.by_month,
        "back": counts.reintegrations,
        "reviews": [r.in_force, r.up_to_date],
    }


def decode(data: dict[str, Any], day: dt.date) -> Counts:
    residential, family_based, other, under_three = data["care"]
    total, complete, emergency, pending, late, missing = data["entries"]
    return Counts(
        in_care=contracts.InCare(
            day=day,
            residential=residential,
            family_based=family_based,
            other=other,
            under_three_residential=under_three,
            by_stay=dict(data["stay"]),
            median_stay_days=data["median"],
        ),
        stocks=tuple(
            contracts.MonthStock(month, dt.date.fromisoformat(on), res, u3, care)
            for month, on, res, u3, care in data["stocks"]
        ),
        entries=contracts.Entries(
            total=total,
            by_month=dict(data["entry_months"]),
            complete_at_entry=complete,
            emergency_in_time=emergency,
            pending_not_due=pending,
            late=late,
            missing=missing,
        ),
        reintegrations=dict(data["back"]),
        reviews=contracts.MeasureReviews(in_force=data["reviews"][0], up_to_date=data["reviews"][1]),
    )


def country_of(unit: OrgUnit) -> OrgUnit:
    top = unit.path[: unit.path.find(".") + 1]
    return unit if unit.path == top else OrgUnit.objects.get(path=top)


def _ttl(year: int, today: dt.date) -> dt.timedelta:
    if year < today.year:
        return max(PAST_YEAR_TTL, dt.timedelta(seconds=settings.RONDA_PROTECTION_FIGURES_TTL))
    return dt.timedelta(seconds=settings.RONDA_PROTECTION_FIGURES_TTL)


def refresh(country: OrgUnit, year: int, today: dt.date) -> Snapshot:
    """Compute the country's counts for ``year`` and keep them (replacing what was kept)."""
    day = min(dt.date(year, 12, 31), today)
    counts = compute(country, year, today)
    now = timezone.now()
    rows = [
        FigureSnapshot(unit_id=pk, year=year, day=day, computed_at=now, counts=encode(c)) for pk, c in counts.items()
    ]
    with transaction.atomic():
        FigureSnapshot.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["unit", "year"],
            update_fields=["day", "computed_at", "counts"],
        )
    return Snapshot(counts=counts, computed_at=now, day=day)


def counts_for(units: Iterable[OrgUnit], year: int, today: dt.date) -> Snapshot:
    """The counts of ``units`` (all of one country) for ``year``: what is kept when it is fresh (one
    query), else computed again for the whole country and kept."""
    wanted = {unit.pk: unit for unit in units}
    day = min(dt.date(year, 12, 31), today)
    ttl = _ttl(year, today)
    if ttl:
        fresh_since = timezone.now() - ttl
        rows = list(
            FigureSnapshot.objects.filter(unit_id__in=list(wanted), year=year, day=day, computed_at__gte=fresh_since)
        )
        if len(rows) == len(wanted) and len({row.computed_at for row in rows}) == 1:
            # One pass wrote them all: the figures a family of pages suppresses together agree.
            return Snapshot(
                counts={row.unit_id: decode(row.counts, day) for row in rows},
                computed_at=rows[0].computed_at,
                day=day,
            )
    snapshot = refresh(country_of(next(iter(wanted.values()))), year, today)
    return Snapshot(counts={pk: snapshot.counts[pk] for pk in wanted}, computed_at=snapshot.computed_at, day=day)


def refresh_current_year() -> int:
    """The periodic job's work: the current year of every country with protection files."""
    today = timezone.localdate()
    countries = OrgUnit.objects.filter(level=Level.COUNTRY).order_by("pk")
    done = 0
    for country in countries:
        refresh(country, today.year, today)
        done += 1
    return done
