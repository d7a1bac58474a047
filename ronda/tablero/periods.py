"""ISO periods as DHIS2 writes them, and how they nest.

A data value belongs to one period of its data set's period type: ``202403`` (monthly), ``2024Q1``
(quarterly), ``2024S1`` (six-monthly), ``2024`` (yearly). A value of March 2024 also counts in
``2024Q1``, ``2024S1`` and ``2024``: :func:`containing` lists them, and the aggregates keep one cell
per period a value counts in (decision 0017). Relative periods (``LAST_12_MONTHS``, ``THIS_YEAR`` …)
are resolved against "today" in the municipality's time zone by :func:`relative`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    # DHIS2's names, so that a data set's periodType reads the same through the compatible API.
    MONTHLY = "Monthly", _("Monthly")
    QUARTERLY = "Quarterly", _("Quarterly")
    SIX_MONTHLY = "SixMonthly", _("Six-monthly")
    YEARLY = "Yearly", _("Yearly")


# From the finest to the coarsest: a value of a type counts in its own period and every coarser one.
ORDER = (PeriodType.MONTHLY, PeriodType.QUARTERLY, PeriodType.SIX_MONTHLY, PeriodType.YEARLY)
_MONTHS = {PeriodType.MONTHLY: 1, PeriodType.QUARTERLY: 3, PeriodType.SIX_MONTHLY: 6, PeriodType.YEARLY: 12}

_PATTERNS = (
    (re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"), PeriodType.MONTHLY),
    (re.compile(r"^(\d{4})Q([1-4])$"), PeriodType.QUARTERLY),
    (re.compile(r"^(\d{4})S([12])$"), PeriodType.SIX_MONTHLY),
    (re.compile(r"^(\d{4})$"), PeriodType.YEARLY),
)
MIN_YEAR = 1990
MAX_YEAR = 2100


class InvalidPeriod(ValueError):
    """Not an ISO period Ronda knows (the message names the value, for an import report)."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    period_type: str
    iso: str

    @property
    def months(self) -> int:
        return _MONTHS[PeriodType(self.period_type)]

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def previous(self) -> Period:
        return of_type(self.period_type, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return of_type(self.period_type, self.end + dt.timedelta(days=1))


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _build(period_type: str, year: int, index: int) -> Period:
    """The ``index``-th (1-based) period of ``period_type`` in ``year``."""
    months = _MONTHS[PeriodType(period_type)]
    first_month = (index - 1) * months + 1
    start = dt.date(year, first_month, 1)
    end = _month_end(year, first_month + months - 1)
    if period_type == PeriodType.MONTHLY:
        iso = f"{year}{index:02d}"
    elif period_type == PeriodType.QUARTERLY:
        iso = f"{year}Q{index}"
    elif period_type == PeriodType.SIX_MONTHLY:
        iso = f"{year}S{index}"
    else:
        iso = f"{year}"
    return Period(start=start, end=end, period_type=str(period_type), iso=iso)


@lru_cache(maxsize=4096)
def parse(iso: str) -> Period:
    """``"2024Q1"`` → its Period; InvalidPeriod for anything else (weekly and daily are not collected)."""
    text = iso.strip() if isinstance(iso, str) else ""
    for pattern, period_type in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            if not MIN_YEAR <= year <= MAX_YEAR:
                break
            index = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            return _build(period_type, year, index)
    raise InvalidPeriod(iso)


def of_type(period_type: str, day: dt.date) -> Period:
    """The period of ``period_type`` that contains ``day``."""
    months = _MONTHS[PeriodType(period_type)]
    return _build(period_type, day.year, (day.month - 1) // months + 1)


def containing(period: Period) -> tuple[Period, ...]:
    """``period`` and every coarser period it counts in (March 2024 → 202403, 2024Q1, 2024S1, 2024)."""
    position = ORDER.index(PeriodType(period.period_type))
    return tuple(of_type(kind, period.start) for kind in ORDER[position:])


def within(period: Period, period_type: str) -> tuple[Period, ...]:
    """The periods of ``period_type`` inside ``period`` (2024Q1, monthly → 202401, 202402, 202403)."""
    if _MONTHS[PeriodType(period_type)] > period.months:
        return ()
    out = []
    current = of_type(period_type, period.start)
    while current.end <= period.end:
        out.append(current)
        current = current.next()
    return tuple(out)


def name(period: Period) -> str:
    """The period in words, in the current language: "noviembre de 2026", "trimestre 1 de 2026",
    "semestre 2 de 2026", "2026" (the ISO code is for machines and imports)."""
    from ronda.core import formatting

    if period.period_type == PeriodType.MONTHLY:
        return formatting.date(period.start, "YEAR_MONTH_FORMAT")
    index = (period.start.month - 1) // period.months + 1
    if period.period_type == PeriodType.QUARTERLY:
        return gettext("quarter %(n)s of %(year)s") % {"n": index, "year": period.start.year}
    if period.period_type == PeriodType.SIX_MONTHLY:
        return gettext("semester %(n)s of %(year)s") % {"n": index, "year": period.start.year}
    return str(period.start.year)


def is_open(period: Period, today: dt.date) -> bool:
    """A period may receive values once it has started (a month's figures are entered during it or after)."""
    return period.start <= today


# --- Relative periods (DHIS2's vocabulary) --------------------------------------------------------


def _last(period_type: str, today: dt.date, n: int, *, include_current: bool = False) -> tuple[Period, ...]:
    current = of_type(period_type, today)
    end = current if include_current else current.previous()
    out = [end]
    while len(out) < n:
        out.append(out[-1].previous())
    return tuple(reversed(out))


_RELATIVE = {
    "THIS_MONTH": lambda t: (of_type(PeriodType.MONTHLY, t),),
    "LAST_MONTH": lambda t: _last(PeriodType.MONTHLY, t, 1),
    "LAST_3_MONTHS": lambda t: _last(PeriodType.MONTHLY, t, 3),
    "LAST_6_MONTHS": lambda t: _last(PeriodType.MONTHLY, t, 6),
    "LAST_12_MONTHS": lambda t: _last(PeriodType.MONTHLY, t, 12),
    "MONTHS_THIS_YEAR": lambda t: within(of_type(PeriodType.YEARLY, t), PeriodType.MONTHLY),
    "THIS_QUARTER": lambda t: (of_type(PeriodType.QUARTERLY, t),),
    "LAST_QUARTER": lambda t: _last(PeriodType.QUARTERLY, t, 1),
    "LAST_4_QUARTERS": lambda t: _last(PeriodType.QUARTERLY, t, 4),
    "QUARTERS_THIS_YEAR": lambda t: within(of_type(PeriodType.YEARLY, t), PeriodType.QUARTERLY),
    "THIS_SIX_MONTH": lambda t: (of_type(PeriodType.SIX_MONTHLY, t),),
    "LAST_SIX_MONTH": lambda t: _last(PeriodType.SIX_MONTHLY, t, 1),
    "LAST_2_SIXMONTHS": lambda t: _last(PeriodType.SIX_MONTHLY, t, 2),
    "THIS_YEAR": lambda t: (of_type(PeriodType.YEARLY, t),),
    "LAST_YEAR": lambda t: _last(PeriodType.YEARLY, t, 1),
    "LAST_5_YEARS": lambda t: _last(PeriodType.YEARLY, t, 5),
}
RELATIVE_PERIODS = frozenset(_RELATIVE)


def relative(keyword: str, today: dt.date) -> tuple[Period, ...]:
    """``LAST_12_MONTHS`` on 2026-12-01 → 202512 … 202611 (DHIS2 excludes the current period)."""
    try:
        return tuple(_RELATIVE[keyword](today))
    except KeyError:
        raise InvalidPeriod(keyword) from None


def resolve(items: list[str], today: dt.date) -> tuple[Period, ...]:
    """ISO periods and relative keywords, in the order given, without repeats."""
    seen: dict[str, Period] = {}
    for item in items:
        found = relative(item, today) if item in RELATIVE_PERIODS else (parse(item),)
        for period in found:
            seen.setdefault(period.iso, period)
    return tuple(seen.values())
