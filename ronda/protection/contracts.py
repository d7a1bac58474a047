"""What specialised protection publishes to the Tablero and the figures dashboard (issue #12 item 8):
anonymised counts of alternative care, defined once. **Nothing here returns a name, a story or an
identifier of a child or a file**: every figure is a count, a sum of places or a median over the
children of a unit's subtree.

Scoping: every function takes a unit (``territory.selectors.UnitKey``: anything with a materialised
path) and counts the files of the children who live in its subtree (``ProtectionFile.municipality``,
"the figures' unit"), whichever office holds them; care resources (facilities, foster families)
count where they are registered. Nothing here asks who is reading: the caller decides
(``protection.views.dashboard.can_view_dashboard``, the Tablero's publication rules). Small counts
are suppressed by whoever shows them (``tablero.suppression``), never here.

Definitions (decision 0026):

- A child is *in care* on a day when a placement in alternative care (``ALTERNATIVE_CARE``) covers
  it: ``start_on <= day`` and no end, or an end after the day (a placement ends on the day the next
  one starts, so a child moved on a day counts once, in the new setting).
- An *entry into care* is a placement in alternative care that does not continue another one (no
  placement in care ended on its first day): a move between settings is not an entry.
- The *length of stay* is the time since the child entered care: moves between settings do not
  restart it (a child moved from a CAS to a foster family has been in care since the CAS).
- A measure's review is *up to date* on a day when its last review (or its issue) plus its interval
  falls on or after that day; reviews are read from the review rows, so past days are exact.
- A foster family's status on a past day comes from its status history; its places are its
  capacity minus the children it cares for that day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from ronda.protection.models import (
    ALTERNATIVE_CARE,
    FAMILY_BASED,
    FOSTER_AVAILABLE,
    CareSetting,
    Facility,
    FosterFamily,
    FosterStatusChange,
    GatekeepingStatus,
    MeasureReview,
    Placement,
    PlacementEndReason,
    ProtectiveMeasure,
    SupervisionVisit,
)
from ronda.territory.models import OrgUnit
from ronda.territory.selectors import UnitKey

# Length-of-stay bands (issue #12 item 8), upper bounds in months (the last band has none).
STAY_BANDS = ("0-3m", "3-6m", "6-12m", "1-2y", "2y+")
_STAY_LIMITS = ((3, "0-3m"), (6, "3-6m"), (12, "6-12m"), (24, "1-2y"))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st of a short month is its last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def stay_band(entered: dt.date, day: dt.date) -> str:
    for months, band in _STAY_LIMITS:
        if add_months(entered, months) > day:
            return band
    return STAY_BANDS[-1]


def _age(day: dt.date, birth: dt.date | None, estimated: int | None, estimated_on: dt.date | None) -> int | None:
    if birth is not None:
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    if estimated is not None and estimated_on is not None:
        grown = day.year - estimated_on.year - ((day.month, day.day) < (estimated_on.month, estimated_on.day))
        return estimated + max(grown, 0)
    return None


# --- The placements of a subtree, as plain tuples -------------------------------------------------
@dataclass(frozen=True)
class _Stay:
    """One placement, without anything that names the child."""

    setting: str
    start_on: dt.date
    end_on: dt.date | None
    end_reason: str
    gatekeeping_id: int | None
    foster_family_id: int | None
    age_on_entry: int | None
    birth: dt.date | None
    estimated: int | None
    estimated_on: dt.date | None
    municipality_path: str
    # The gatekeeping record the placement refers to (read by the same join): status, emergency,
    # decided on, due on; None when there is none.
    gatekeeping_status: str | None = None
    gatekeeping_emergency: bool | None = None
    gatekeeping_decided_on: dt.date | None = None
    gatekeeping_due_on: dt.date | None = None

    @property
    def gatekeeping(self) -> tuple[str, bool, dt.date | None, dt.date | None] | None:
        if self.gatekeeping_id is None or self.gatekeeping_status is None:
            return None
        return (
            self.gatekeeping_status,
            bool(self.gatekeeping_emergency),
            self.gatekeeping_decided_on,
            self.gatekeeping_due_on,
        )

    @property
    def in_care(self) -> bool:
        return self.setting in ALTERNATIVE_CARE

    def covers(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or self.end_on > day)

    def age_on(self, day: dt.date) -> int | None:
        age = _age(day, self.birth, self.estimated, self.estimated_on)
        if age is None and self.age_on_entry is not None:
            age = self.age_on_entry + max(_age(day, self.start_on, None, None) or 0, 0)
        return age


_STAY_COLUMNS = (
    "setting",
    "start_on",
    "end_on",
    "end_reason",
    "gatekeeping_id",
    "foster_family_id",
    "age_on_entry",
    "file__child__birth_date",
    "file__child__estimated_age",
    "file__child__age_estimated_on",
    "file__municipality__path",
    "gatekeeping__status",
    "gatekeeping__emergency",
    "gatekeeping__decided_on",
    "gatekeeping__due_on",
)


def _stays(unit: UnitKey, until: dt.date) -> list[list[_Stay]]:
    """Each file's placements that started by ``until``, in order (one query)."""
    rows = (
        Placement.objects.filter(file__municipality__path__startswith=unit.path, start_on__lte=until)
        .values_list("file_id", *_STAY_COLUMNS)
        .order_by("file_id", "start_on", "id")
    )
    files: dict[int, list[_Stay]] = defaultdict(list)
    for file_id, *values in rows.iterator(chunk_size=5000):
        files[file_id].append(_Stay(*values))  # type: ignore[arg-type]  # the columns, in the fields' order
    return list(files.values())


def stays_by_municipality(unit: UnitKey, until: dt.date) -> Iterator[tuple[int, list[list[_Stay]]]]:
    """``_stays`` of ``unit``'s subtree, one municipality at a time (its id and its files' placements),
    streamed by one query: a country's placements are never all in memory at once."""
    rows = (
        Placement.objects.filter(file__municipality__path__startswith=unit.path, start_on__lte=until)
        .values_list("file__municipality_id", "file_id", *_STAY_COLUMNS)
        .order_by("file__municipality_id", "file_id", "start_on", "id")
    )
    current: int | None = None
    files: dict[int, list[_Stay]] = {}
    for municipality_id, file_id, *values in rows.iterator(chunk_size=5000):
        if municipality_id != current:
            if current is not None:
                yield current, list(files.values())
            current, files = municipality_id, {}
        files.setdefault(file_id, []).append(_Stay(*values))  # type: ignore[arg-type]
    if current is not None:
        yield current, list(files.values())


def _current(stays: list[_Stay], day: dt.date) -> int | None:
    """The index of the placement in care covering ``day`` (the latest if records overlap)."""
    found = None
    for index, stay in enumerate(stays):
        if stay.in_care and stay.covers(day):
            found = index
    return found


def _previous_in_care(stays: list[_Stay], index: int) -> int | None:
    """The placement in care that the one at ``index`` continues (it ended on its first day or
    later): a move, not an entry. None for an entry into care."""
    start = stays[index].start_on
    found = None
    for i, other in enumerate(stays[:index]):
        if other.in_care and other.end_on is not None and other.end_on >= start:
            found = i
    return found


def _entered(stays: list[_Stay], index: int) -> dt.date:
    """The day the child entered care, for the episode the placement at ``index`` belongs to."""
    previous = _previous_in_care(stays, index)
    while previous is not None:
        index = previous
        previous = _previous_in_care(stays, index)
    return stays[index].start_on


def _part_of(path: str, parts: dict[str, int]) -> int | None:
    for prefix, pk in parts.items():
        if path.startswith(prefix):
            return pk
    return None


def _children_of(unit: UnitKey) -> dict[str, int]:
    """The direct sub-units of ``unit`` (path → id), inactive ones too (a breakdown that left one
    out would not add up to its total, and the difference would give that unit's count back); none
    below a municipality."""
    return dict(OrgUnit.objects.filter(parent__path=unit.path, level__lte=3).values_list("path", "pk"))


# --- Children in care on a day ---------------------------------------------------------------------
@dataclass(frozen=True)
class InCare:
    day: dt.date
    residential: int = 0
    family_based: int = 0
    other: int = 0  # supervised independent living: in care, neither residential nor family-based
    under_three_residential: int = 0
    # Length of stay of the children in care: band → children, and the median in days.
    by_stay: dict[str, int] = field(default_factory=dict)
    median_stay_days: float | None = None
    # Days in care → children (the median of several units' children is the median of their
    # histograms added up).
    stay_days: dict[int, int] = field(default_factory=dict)
    # Direct sub-unit id → (family-based, residential), every sub-unit listed (zeros and inactive
    # ones too), so that the parts add up to the totals.
    by_part: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.residential + self.family_based + self.other


def _in_care(files: Iterable[list[_Stay]], day: dt.date, parts: dict[str, int]) -> InCare:
    counts: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    by_part: dict[int, list[int]] = {pk: [0, 0] for pk in parts.values()}
    days: list[int] = []
    for stays in files:
        index = _current(stays, day)
        if index is None:
            continue
        stay = stays[index]
        part = _part_of(stay.municipality_path, parts)
        if stay.setting == CareSetting.RESIDENTIAL:
            counts["residential"] += 1
            age = stay.age_on(day)
            if age is not None and age < 3:
                counts["under_three"] += 1
            if part is not None:
                by_part[part][1] += 1
        elif stay.setting in FAMILY_BASED:
            counts["family"] += 1
            if part is not None:
                by_part[part][0] += 1
        else:
            counts["other"] += 1
        entered = _entered(stays, index)
        bands[stay_band(entered, day)] += 1
        days.append((day - entered).days)
    return InCare(
        day=day,
        residential=counts["residential"],
        family_based=counts["family"],
        other=counts["other"],
        under_three_residential=counts["under_three"],
        by_stay={band: bands[band] for band in STAY_BANDS},
        median_stay_days=float(statistics.median(days)) if days else None,
        by_part={pk: (f, r) for pk, (f, r) in by_part.items()},
        stay_days=dict(Counter(days)),
    )


def histogram_median(histogram: dict[int, int]) -> float | None:
    """``statistics.median`` of the values a histogram (value → how many) stands for."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)  # the middle position(s), 0-based
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        found += [value for position in wanted if seen <= position < seen + count]
        seen += count
    return (found[0] + found[1]) / 2


def in_care_on(unit: UnitKey, day: dt.date, *, breakdown: bool = False) -> InCare:
    """The children of ``unit``'s subtree in alternative care on ``day`` (two queries with the
    breakdown by direct sub-unit, one without)."""
    parts = _children_of(unit) if breakdown else {}
    return _in_care(_stays(unit, day), day, parts)


def residential_on(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    """Children in residential care on ``end`` (the Tablero's counter shape: ``start`` is unused)."""
    return in_care_on(unit, end).residential


def under_three_residential_on(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    return in_care_on(unit, end).under_three_residential


@dataclass(frozen=True)
class MonthStock:
    month: str  # "2026-03"
    day: dt.date  # the month's last day, or the last day counted
    residential: int
    under_three_residential: int
    in_care: int


def care_by_month(unit: UnitKey, start: dt.date, end: dt.date) -> list[MonthStock]:
    """Children in care at the end of each month from ``start`` to ``end`` (the last month: on
    ``end``), in one query."""
    return stocks_of(_stays(unit, end), start, end)


def stocks_of(files: list[list[_Stay]], start: dt.date, end: dt.date) -> list[MonthStock]:
    """``care_by_month`` of the files given."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = min(month_end(year, month), end)
        stock = _in_care(files, day, {})
        out.append(MonthStock(month_key(day), day, stock.residential, stock.under_three_residential, stock.total))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# --- Entries into care and their gatekeeping ---------------------------------------------------------
@dataclass(frozen=True)
class Entries:
    total: int = 0
    by_month: dict[str, int] = field(default_factory=dict)
    # Gatekeeping of the entries: complete on or before the entry; an emergency entry's record
    # completed by its due day; an emergency record still pending and not yet due (no verdict yet);
    # late (completed after the entry or the due day, or pending past due); no record at all.
    complete_at_entry: int = 0
    emergency_in_time: int = 0
    pending_not_due: int = 0
    late: int = 0
    missing: int = 0

    @property
    def with_gatekeeping(self) -> int:
        return self.complete_at_entry + self.emergency_in_time

    @property
    def decided(self) -> int:
        """The entries whose gatekeeping has a verdict (the share's denominator)."""
        return self.total - self.pending_not_due


def entries(unit: UnitKey, start: dt.date, end: dt.date, *, today: dt.date | None = None) -> Entries:
    """Entries into care from ``start`` to ``end`` (inclusive), and how their gatekeeping went
    (``today``: for "pending, not yet due"; the end of the period by default). One query."""
    return entries_of(_stays(unit, end), start, end, today=today)


def entries_of(files: list[list[_Stay]], start: dt.date, end: dt.date, *, today: dt.date | None = None) -> Entries:
    """``entries`` of the files given."""
    today = today or end
    by_month: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    total = 0
    for stays in files:
        for index, stay in enumerate(stays):
            if stay.in_care and start <= stay.start_on <= end and _previous_in_care(stays, index) is None:
                total += 1
                by_month[month_key(stay.start_on)] += 1
                verdicts[_verdict(stay, stay.gatekeeping, today)] += 1
    return Entries(
        total=total,
        by_month=dict(by_month),
        complete_at_entry=verdicts["complete"],
        emergency_in_time=verdicts["emergency"],
        pending_not_due=verdicts["pending"],
        late=verdicts["late"],
        missing=verdicts["missing"],
    )


def _verdict(stay: _Stay, record: tuple[str, bool, dt.date | None, dt.date | None] | None, today: dt.date) -> str:
    if record is None:
        return "missing"
    status, emergency, decided_on, due_on = record
    if status == GatekeepingStatus.PENDING:
        return "pending" if due_on is not None and due_on >= today else "late"
    if decided_on is None:
        return "late"
    if not emergency:
        return "complete" if decided_on <= stay.start_on else "late"
    return "emergency" if due_on is not None and decided_on <= due_on else "late"


def entries_count(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    return entries(unit, start, end).total


def reintegrations(unit: UnitKey, start: dt.date, end: dt.date) -> dict[str, int]:
    """Placements in care that ended with the child's return to the family of origin, by month."""
    days = Placement.objects.filter(
        file__municipality__path__startswith=unit.path,
        setting__in=list(ALTERNATIVE_CARE),
        end_reason=PlacementEndReason.REINTEGRATION,
        end_on__range=(start, end),
    ).values_list("end_on", flat=True)
    return dict(Counter(month_key(day) for day in days.order_by() if day is not None))


def reintegrations_of(files: list[list[_Stay]], start: dt.date, end: dt.date) -> dict[str, int]:
    """``reintegrations`` of the files given (their placements that started by ``end``)."""
    found: Counter[str] = Counter()
    for stays in files:
        for stay in stays:
            ended = stay.end_on
            if (
                stay.in_care
                and stay.end_reason == PlacementEndReason.REINTEGRATION
                and ended is not None
                and start <= ended <= end
            ):
                found[month_key(ended)] += 1
    return dict(found)


def reintegrations_count(unit: UnitKey, start: dt.date, end: dt.date) -> int:
    return sum(reintegrations(unit, start, end).values())


# --- Measures -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasureReviews:
    in_force: int = 0
    up_to_date: int = 0

    @property
    def overdue(self) -> int:
        return self.in_force - self.up_to_date


def review_threshold(day: dt.date, months: int) -> dt.date:
    """The earliest last review (or issue) after which a measure reviewed every ``months`` months is
    still up to date on ``day``: the smallest ``last`` with ``add_months(last, months) >= day``
    (``add_months`` never decreases, and clamps the 31st to a short month's end)."""
    last = add_months(day, -months) - dt.timedelta(days=7)
    while add_months(last, months) < day:
        last += dt.timedelta(days=1)
    return last


def _measures_in_force(unit: UnitKey, day: dt.date) -> Any:
    """The measures of ``unit``'s subtree in force on ``day``, each with ``seen``: its last review up
    to that day, or its issue."""
    last = (
        MeasureReview.objects.filter(measure_id=OuterRef("pk"), reviewed_on__lte=day)
        .order_by()
        .values("measure_id")
        .annotate(last=Max("reviewed_on"))
        .values("last")
    )
    return (
        ProtectiveMeasure.objects.filter(file__municipality__path__startswith=unit.path, issued_on__lte=day)
        .exclude(ended_on__lte=day)
        .annotate(seen=Greatest("issued_on", Coalesce(Subquery(last), "issued_on")))
        .order_by()
    )


def _up_to_date(measures: Any, day: dt.date) -> Q:
    """The condition "review up to date on ``day``", one threshold per review interval in use."""
    intervals = set(measures.values_list("review_interval_months", flat=True).distinct())
    condition = Q(pk__in=[])
    for months in intervals:
        condition |= Q(review_interval_months=months, seen__gte=review_threshold(day, months))
    return condition


def measure_reviews(unit: UnitKey, day: dt.date) -> MeasureReviews:
    """The measures in force on ``day`` and how many had their review up to date (two queries:
    the intervals in use, then the counts; the reviews are read in the database)."""
    measures = _measures_in_force(unit, day)
    found = measures.aggregate(in_force=Count("pk"), ok=Count("pk", filter=_up_to_date(measures, day)))
    return MeasureReviews(in_force=found["in_force"], up_to_date=found["ok"])


def measure_reviews_by_municipality(unit: UnitKey, day: dt.date) -> dict[int, MeasureReviews]:
    """``measure_reviews`` of every municipality of ``unit``'s subtree that has a measure in force
    (two queries, whatever the number of municipalities)."""
    measures = _measures_in_force(unit, day)
    rows = (
        measures.values("file__municipality_id")
        .annotate(in_force=Count("pk"), ok=Count("pk", filter=_up_to_date(measures, day)))
        .values_list("file__municipality_id", "in_force", "ok")
    )
    return {pk: MeasureReviews(in_force=n, up_to_date=ok) for pk, n, ok in rows}


# --- Care resources -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FosterPlaces:
    families: int = 0  # approved or caring for a child on the day
    capacity: int = 0
    placed: int = 0  # children placed with them on the day

    @property
    def available(self) -> int:
        return self.capacity - self.placed


def foster_places(unit: UnitKey, day: dt.date) -> FosterPlaces:
    """The places of the foster families registered in ``unit``'s subtree that could receive a
    child on ``day`` (approved or active then), minus the children they cared for (three queries)."""
    families = {
        pk: (status, since, capacity)
        for pk, status, since, capacity in FosterFamily.objects.filter(path__startswith=unit.path).values_list(
            "pk", "status", "status_since", "capacity"
        )
    }
    history: dict[int, str] = {}
    with_history: set[int] = set()
    changes = FosterStatusChange.objects.filter(family__path__startswith=unit.path).order_by("changed_on", "id")
    for family_id, to_status, changed_on in changes.values_list("family_id", "to_status", "changed_on"):
        with_history.add(family_id)
        if changed_on <= day:
            history[family_id] = to_status
    open_ids = []
    capacity = 0
    for pk, (status, since, places) in families.items():
        status_then = history.get(pk) if pk in with_history else (status if since <= day else None)
        if status_then in FOSTER_AVAILABLE:
            open_ids.append(pk)
            capacity += places
    # Joined by the families' paths, not a list of ids (a country's families are thousands).
    available = set(open_ids)
    placed: Counter[int] = Counter(
        pk
        for pk in Placement.objects.filter(foster_family__path__startswith=unit.path, start_on__lte=day)
        .exclude(end_on__lte=day)
        .values_list("foster_family_id", flat=True)
        .order_by()
        if pk in available
    )
    used = sum(min(n, families[pk][2]) for pk, n in placed.items())
    return FosterPlaces(families=len(open_ids), capacity=capacity, placed=used)


@dataclass(frozen=True)
class Supervision:
    facilities: int = 0  # licensed facilities open on the day
    supervised: int = 0  # of them, visited in the twelve months up to the day


def facilities_supervised(unit: UnitKey, day: dt.date) -> Supervision:
    """Facilities of ``unit``'s subtree open on ``day``, and those with a supervision visit in the
    twelve months up to it (two queries)."""
    open_facilities = (
        Facility.objects.filter(path__startswith=unit.path).exclude(opened_on__gt=day).exclude(closed_on__lte=day)
    )
    since = add_months(day, -12)
    visited = (
        SupervisionVisit.objects.filter(
            facility_id__in=open_facilities.values("pk"), visited_on__gt=since, visited_on__lte=day
        )
        .values("facility_id")
        .distinct()
        .count()
    )
    return Supervision(facilities=open_facilities.count(), supervised=visited)


def facility_population(facility_ids: Iterable[int], days: Iterable[dt.date]) -> dict[tuple[int, dt.date], int]:
    """Children placed in each facility on each day ((facility id, day) → children), one query."""
    ids, asked = list(facility_ids), sorted(set(days))
    if not ids or not asked:
        return {}
    rows = (
        Placement.objects.filter(facility_id__in=ids, start_on__lte=asked[-1])
        .exclude(end_on__lte=asked[0])
        .values_list("facility_id", "start_on", "end_on")
        .order_by()
    )
    out: Counter[tuple[int, dt.date]] = Counter()
    for facility_id, start_on, end_on in rows:
        for day in asked:
            if start_on <= day and (end_on is None or end_on > day):
                out[(facility_id, day)] += 1
    return {(pk, day): out[(pk, day)] for pk in ids for day in asked}


# --- The child population (the rates' denominator) ----------------------------------------------------
def child_population(unit: OrgUnit) -> int | None:
    """The children living in ``unit`` (``OrgUnit.child_population``: the whole subtree's, by sex and
    age band); None when it is not recorded."""
    population = OrgUnit.objects.filter(pk=unit.pk).values_list("child_population", flat=True).first()
    if not isinstance(population, dict) or not population:
        return None
    total = 0
    for bands in population.values():
        if isinstance(bands, dict):
            total += sum(n for n in bands.values() if isinstance(n, int))
        elif isinstance(bands, int):
            total += bands
    return total or None
