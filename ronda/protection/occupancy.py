"""How full a facility or a foster family is, and who lives there (issue #12, item 5).

Occupancy is never stored: it is the count of the placements current on a day. A placement is
current on ``day`` when it started on or before it and has not ended yet: the day a placement ends
the child has left (the next placement starts that same day, ``placements.place_child``).

These are pure computations on a facility the caller already reached through ``policies``; the
profile is an aggregate (counts by band and sex, a median), never a list of children.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ronda.core.tenancy import Actor
from ronda.protection import policies
from ronda.protection.models import Facility, FosterFamily, Placement
from ronda.tablero.suppression import THRESHOLD, Reason, suppress_list

# Mexico's rule for social-assistance centres (LGDNNA, chapter on the CAS): one carer per four
# children under one year old, one per eight older children.
CHILDREN_UNDER_ONE_PER_CARER = 4
OLDER_CHILDREN_PER_CARER = 8

# The age bands of the facility's profile (inclusive years).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-2", 0, 2),
    ("3-5", 3, 5),
    ("6-11", 6, 11),
    ("12-17", 12, 17),
)
UNKNOWN_AGE = "unknown"
UNKNOWN_SEX = "unknown"
ADULT = "18+"


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def current_on(day: dt.date) -> Q:
    """The placements current on ``day`` (started, not yet ended)."""
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def current_placements(facility: Facility, day: dt.date | None = None) -> QuerySet[Placement]:
    return Placement.objects.filter(current_on(_today(day)), facility_id=facility.pk)


def current_occupancy(facility: Facility, day: dt.date | None = None) -> int:
    """How many children live in the facility on ``day`` (today by default)."""
    return current_placements(facility, day).count()


def occupancy_by_facility(facility_ids: Iterable[int], day: dt.date | None = None) -> dict[int, int]:
    """The occupancy of several facilities in one query (0 for a facility without children)."""
    ids = list(facility_ids)
    counts = {pk: 0 for pk in ids}
    if not ids:
        return counts
    rows = (
        Placement.objects.filter(current_on(_today(day)), facility_id__in=ids)
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["facility_id"]] = row["n"]
    return counts


def family_occupancy(family: FosterFamily, day: dt.date | None = None) -> int:
    """How many children a foster family cares for on ``day``."""
    return Placement.objects.filter(current_on(_today(day)), foster_family_id=family.pk).count()


def occupancy_by_family(family_ids: Iterable[int], day: dt.date | None = None) -> dict[int, int]:
    ids = list(family_ids)
    counts = {pk: 0 for pk in ids}
    if not ids:
        return counts
    rows = (
        Placement.objects.filter(current_on(_today(day)), foster_family_id__in=ids)
        .values("foster_family_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["foster_family_id"]] = row["n"]
    return counts


def free_places(facility: Facility, day: dt.date | None = None) -> int:
    return max(facility.capacity - current_occupancy(facility, day), 0)


# --- The staffing ratio ------------------------------------------------------------------------------
def required_carers(children_under_one: int, older: int) -> int:
    """The carers the legal ratio asks for: one per four children under one, one per eight older."""
    return math.ceil(children_under_one / CHILDREN_UNDER_ONE_PER_CARER) + math.ceil(older / OLDER_CHILDREN_PER_CARER)


@dataclass(frozen=True)
class Ratio:
    """The ratio on a day: children counted, carers required, carers on the latest staffing record."""

    day: dt.date
    children_under_one: int
    older: int
    required: int
    carers: int | None  # None: no staffing record on or before the day
    staffing_as_of: dt.date | None

    @property
    def is_met(self) -> bool | None:
        """True or False; None when there is no staffing record to compare with."""
        if self.carers is None:
            return None
        return self.carers >= self.required


def staffing_ratio(facility: Facility, day: dt.date | None = None) -> Ratio:
    """The legal ratio against the children living there on ``day`` and the latest staffing record.
    A child whose age is unknown counts as older (the rule for them is the lighter one; the profile
    shows how many ages are unknown)."""
    day = _today(day)
    under_one = older = 0
    for placement in current_placements(facility, day).select_related("file__child"):
        age = placement.file.child.age_on(day)
        if age is not None and age < 1:
            under_one += 1
        else:
            older += 1
    staffing = facility.staffing.filter(as_of__lte=day).order_by("-as_of", "-id").first()
    return Ratio(
        day=day,
        children_under_one=under_one,
        older=older,
        required=required_carers(under_one, older),
        carers=staffing.carers if staffing is not None else None,
        staffing_as_of=staffing.as_of if staffing is not None else None,
    )


# --- Who lives there -----------------------------------------------------------------------------------
def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN_AGE
    for name, low, high in AGE_BANDS:
        if low <= age <= high:
            return name
    return ADULT


# Length-of-stay bands of the profile, in days since the placement started: [low, high).
STAY_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3m", 0, 90),
    ("3-12m", 90, 365),
    ("1-2y", 365, 730),
    ("2y+", 730, None),
)


@dataclass(frozen=True)
class FacilityProfile:
    """Who lives in a facility, in counts. ``restricted``: the reader does not see every child's file
    counted here, so the breakdowns hide their cells of 1 to 4 and complements (``hidden``, keys
    ``"age:<band>"``, ``"sex:<value>"``, ``"stay:<band>"``; hidden cells are left out of the
    dictionaries) and a breakdown that would still single out a child is not given at all
    (``withheld``: "age", "sex", "stay"). The occupancy and the children under three are always
    given: the centre's supervisors need them (a child under three in a CAS is an alert)."""

    day: dt.date
    capacity: int
    occupancy: int
    by_age_band: dict[str, int] = field(default_factory=dict)  # every band of AGE_BANDS, plus unknown/18+ if any
    by_sex: dict[str, int] = field(default_factory=dict)
    stays_days: tuple[int, ...] = ()  # days since each placement started, ascending (empty if restricted)
    under_three: int = 0
    by_stay: dict[str, int] = field(default_factory=dict)  # STAY_BANDS
    median_days: float | None = None
    restricted: bool = False
    hidden: dict[str, Reason] = field(default_factory=dict)
    withheld: frozenset[str] = frozenset()

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.occupancy, 0)

    @property
    def median_stay_days(self) -> float | None:
        return self.median_days

    @property
    def longest_stay_days(self) -> int | None:
        # One child's own stay: only for a reader who sees every file (``stays_days`` is empty otherwise).
        return self.stays_days[-1] if self.stays_days else None


def _stay_band(days: int) -> str:
    for name, low, high in STAY_BANDS:
        if days >= low and (high is None or days < high):
            return name
    return STAY_BANDS[-1][0]


def _suppressed(prefix: str, parts: dict[str, int], total: int) -> tuple[dict[str, int], dict[str, Reason], bool]:
    """A breakdown for a reader who may not see every child in it: the cells shown, the cells hidden
    and whether the breakdown is withheld. Its total is published elsewhere (the occupancy, or the
    occupancy minus the children under three), so a breakdown whose total would have to be hidden
    is withheld: the total cannot be taken back."""
    result = suppress_list(list(parts.values()), total)
    if result.withheld or result.total.suppressed:
        return {}, {}, True
    shown: dict[str, int] = {}
    hidden: dict[str, Reason] = {}
    for (key, value), figure in zip(parts.items(), result.parts, strict=True):
        if figure.reason is not None:
            hidden[f"{prefix}:{key}"] = figure.reason
        else:
            shown[key] = value
    return shown, hidden, False


def facility_profile(facility: Facility, day: dt.date | None = None, *, reader: Actor | None = None) -> FacilityProfile:
    """The children living in the facility on ``day``: by age band (0-2, 3-5, 6-11, 12-17), by sex,
    and how long they have stayed (days since their placement started; the median).

    ``reader``: the person shown the profile. Unless they see every child's file counted
    (``policies.visible_files``), small cells of the breakdowns are hidden (see
    :class:`FacilityProfile`). Without a reader (a job, a test), nothing is hidden."""
    day = _today(day)
    bands: Counter[str] = Counter({name: 0 for name, _low, _high in AGE_BANDS})
    sexes: Counter[str] = Counter()
    by_stay: Counter[str] = Counter({name: 0 for name, _low, _high in STAY_BANDS})
    stays: list[int] = []
    under_three = 0
    placements = list(current_placements(facility, day).select_related("file__child"))
    for placement in placements:
        child = placement.file.child
        age = child.age_on(day)
        bands[age_band(age)] += 1
        if age is not None and age < 3:
            under_three += 1
        sexes[child.sex or UNKNOWN_SEX] += 1
        stays.append((day - placement.start_on).days)
        by_stay[_stay_band(stays[-1])] += 1
    stays.sort()
    profile = FacilityProfile(
        day=day,
        capacity=facility.capacity,
        occupancy=len(placements),
        by_age_band=dict(bands),
        by_sex=dict(sexes),
        stays_days=tuple(stays),
        under_three=under_three,
        by_stay=dict(by_stay),
        median_days=statistics.median(stays) if stays else None,
    )
    file_ids = {placement.file_id for placement in placements}
    if reader is None or not file_ids:
        return profile
    if policies.visible_files(reader).filter(pk__in=file_ids).count() == len(file_ids):
        return profile
    # The 0-2 band is the children under three, published: the age breakdown is of the older ones.
    older = {name: n for name, n in bands.items() if name != AGE_BANDS[0][0]}
    ages, hidden_ages, no_ages = _suppressed("age", older, len(placements) - under_three)
    sexes_shown, hidden_sexes, no_sexes = _suppressed("sex", dict(sexes), len(placements))
    stays_shown, hidden_stays, no_stays = _suppressed("stay", dict(by_stay), len(placements))
    if not no_ages:
        ages = {AGE_BANDS[0][0]: under_three, **ages}
    withheld = {name for name, flag in (("age", no_ages), ("sex", no_sexes), ("stay", no_stays)) if flag}
    return replace(
        profile,
        by_age_band=ages,
        by_sex=sexes_shown,
        stays_days=(),
        by_stay=stays_shown,
        # A median over fewer than 5 children is one child's own story.
        median_days=profile.median_days if len(placements) >= THRESHOLD else None,
        restricted=True,
        hidden={**hidden_ages, **hidden_sexes, **hidden_stays},
        withheld=frozenset(withheld),
    )


# --- Over time -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthOccupancy:
    month: dt.date  # the first day of the month
    at_end: int  # children living there on the month's last day (today for the current month)
    during: int  # children who lived there at some time in the month
    entries: int  # placements that started in the month


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def occupancy_history(facility: Facility, *, months: int = 12, until: dt.date | None = None) -> list[MonthOccupancy]:
    """The facility's occupancy month by month, the last ``months`` months up to ``until`` (today),
    oldest first, from its placements (one query)."""
    until = _today(until)
    first = until.replace(day=1)
    for _step in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    spans = list(
        Placement.objects.filter(facility_id=facility.pk, start_on__lte=until)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=first))
        .values_list("start_on", "end_on")
    )
    history = []
    for month in _month_starts(first, until):
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        last_day = min(next_month - dt.timedelta(days=1), until)
        at_end = sum(1 for start, end in spans if start <= last_day and (end is None or end > last_day))
        # Lived there some day of [month, last_day]: started by its last day, not left before its first.
        during = sum(1 for start, end in spans if start <= last_day and (end is None or end > month))
        entries = sum(1 for start, _end in spans if month <= start <= last_day)
        history.append(MonthOccupancy(month=month, at_end=at_end, during=during, entries=entries))
    return history
