"""The case route's figures page (issue #11 item 8): anonymised counts of a unit's cases for the
coordinators, supervisors, analysts and the secretariat, with the public suppression rule.

Every figure comes from ``cases.contracts`` (counts, never a name) and goes through
``tablero.suppression``: counts of 1 to 4 show "<5", and more figures are hidden ("x") where a small
one could be worked out by subtraction. The figures of the registered cases are published together —
by month, by sex × age band (with its margins) and by community, all adding up to the same total — so
they are suppressed together, in one set of lines: hiding a cell in one breakdown and showing it by
difference in another is what the rule exists to prevent. Violation types are not a line (a case
may have several), so each is a figure of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ronda.cases import contracts
from ronda.cases.models import ReferralStatus
from ronda.cases.models.children import Sex
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.tablero.suppression import Figure, Line, Reason, publishable, rate, suppress_cells, suppress_table
from ronda.territory.selectors import UnitKey

FIGURE_READERS = frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.ANALYST, Role.SECRETARIAT})
# A median over fewer cases than this is not shown (it would tell one child's timeline).
MEDIAN_MINIMUM = 5

AGE_BAND_LABELS = {
    "0-5": pgettext_lazy("age band", "0 to 5 years"),
    "6-11": pgettext_lazy("age band", "6 to 11 years"),
    "12-17": pgettext_lazy("age band", "12 to 17 years"),
    contracts.UNKNOWN: pgettext_lazy("age band", "Unknown"),
}
BANDS = (*contracts.AGE_BANDS, contracts.UNKNOWN)


def can_view_figures(actor: Actor | None) -> bool:
    """Anonymised aggregates of their own unit (municipality, region or country): never names."""
    return actor is not None and actor.role in FIGURE_READERS and actor.org_unit is not None


@dataclass(frozen=True)
class Row:
    label: str
    figure: Figure


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[Figure, ...]
    total: Figure


@dataclass(frozen=True)
class Opened:
    total: Figure
    months: tuple[Row, ...]
    sex_age: tuple[TableRow, ...]
    band_totals: tuple[Figure, ...]
    communities: tuple[Row, ...]
    violation_types: tuple[Row, ...]
    withheld: bool  # publish the total only


@dataclass(frozen=True)
class Closed:
    total: Figure
    months: tuple[Row, ...]
    withheld: bool


@dataclass(frozen=True)
class Referrals:
    statuses: tuple[str, ...]
    rows: tuple[TableRow, ...]
    status_totals: tuple[Figure, ...]
    total: Figure
    feedback_share: Figure  # percentage of referrals with the institution's feedback
    withheld: bool


@dataclass(frozen=True)
class MedianRow:
    label: str
    days: Figure
    cases: Figure


@dataclass(frozen=True)
class Page:
    year: int
    opened: Opened
    closed: Closed
    referrals: Referrals
    medians: tuple[MedianRow, ...]


def month_label(month: str) -> str:
    """ "2026-03" as the page shows it: the month's name in the reader's language."""
    return str(MONTHS[int(month[5:7])])


def months_of(year: int) -> list[str]:
    return [f"{year:04d}-{month:02d}" for month in range(1, 13)]


def opened(figures: contracts.OpenedFigures, months: list[str]) -> Opened:
    """The registered cases' breakdowns, suppressed together (they share their total)."""
    sexes = [value for value, _label in Sex.choices]
    values: dict[Hashable, int] = {"total": figures.total}
    for month in months:
        values[("m", month)] = figures.by_month.get(month, 0)
    for sex in sexes:
        values[("s", sex)] = sum(figures.cell(sex, band) for band in BANDS)
        for band in BANDS:
            values[("sa", sex, band)] = figures.cell(sex, band)
    for band in BANDS:
        values[("a", band)] = sum(figures.cell(sex, band) for sex in sexes)
    communities = sorted(figures.by_community.items(), key=lambda item: item[1][0])
    for pk, (_name, n) in communities:
        values[("c", pk)] = n
    lines: list[Line[Hashable]] = [Line(tuple(("m", m) for m in months), "total")]
    lines += [Line(tuple(("sa", sex, band) for band in BANDS), ("s", sex)) for sex in sexes]
    lines += [Line(tuple(("sa", sex, band) for sex in sexes), ("a", band)) for band in BANDS]
    lines += [Line(tuple(("s", sex) for sex in sexes), "total"), Line(tuple(("a", band) for band in BANDS), "total")]
    if communities:
        lines.append(Line(tuple(("c", pk) for pk, _item in communities), "total"))
    result = suppress_cells(values, lines)

    def fig(key: Hashable) -> Figure:
        return result.figure(key, values[key])

    sex_labels = dict(Sex.choices)
    return Opened(
        total=fig("total"),
        months=tuple(Row(month_label(month), fig(("m", month))) for month in months),
        sex_age=tuple(
            TableRow(str(sex_labels[sex]), tuple(fig(("sa", sex, band)) for band in BANDS), fig(("s", sex)))
            for sex in sexes
        ),
        band_totals=tuple(fig(("a", band)) for band in BANDS),
        communities=tuple(Row(name, fig(("c", pk))) for pk, (name, _n) in communities),
        violation_types=tuple(Row(name, publishable(n)) for name, n in figures.by_violation_type.values()),
        withheld=result.withheld,
    )


def closed(by_month: dict[str, int], months: list[str]) -> Closed:
    values: dict[Hashable, int] = {("m", m): by_month.get(m, 0) for m in months}
    values["total"] = sum(by_month.get(m, 0) for m in months)
    line: Line[Hashable] = Line(tuple(("m", m) for m in months), "total")
    result = suppress_cells(values, [line])
    return Closed(
        total=result.figure("total", values["total"]),
        months=tuple(Row(month_label(m), result.figure(("m", m), values[("m", m)])) for m in months),
        withheld=result.withheld,
    )


def referrals(figures: contracts.ReferralFigures) -> Referrals:
    statuses = tuple(value for value, _label in ReferralStatus.choices)
    institutions = sorted(figures.institutions.items(), key=lambda item: item[1])
    grid = [[figures.by_institution_status.get((pk, status), 0) for status in statuses] for pk, _n in institutions]
    table = suppress_table(grid) if grid else None
    total = table.total if table is not None else Figure(0)
    share = Figure(round(figures.with_feedback * 100 / figures.total)) if figures.total else Figure(None)
    with_feedback = publishable(figures.with_feedback)
    return Referrals(
        statuses=tuple(str(label) for _value, label in ReferralStatus.choices),
        rows=tuple(TableRow(name, table.cells[i], table.row_totals[i]) for i, (_pk, name) in enumerate(institutions))
        if table is not None
        else (),
        status_totals=table.column_totals if table is not None else tuple(Figure(0) for _s in statuses),
        total=total,
        feedback_share=rate(share.value, with_feedback, total) if figures.total else share,
        withheld=table.withheld if table is not None else False,
    )


def _median_row(label: str, median: contracts.Median) -> MedianRow:
    cases = publishable(median.cases)
    if median.days is None or median.cases < MEDIAN_MINIMUM:
        # Over 1 to 4 cases a median is (nearly) one child's own timeline: not published.
        return MedianRow(label, Figure(None, Reason.RATE) if median.cases else Figure(None), cases)
    return MedianRow(label, Figure(round(median.days)), cases)


def page(unit: UnitKey, year: int) -> Page:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    months = months_of(year)
    spans = contracts.durations(unit, start, end)
    return Page(
        year=year,
        opened=opened(contracts.opened_figures(unit, start, end), months),
        closed=closed(contracts.closed_by_month(unit, start, end), months),
        referrals=referrals(contracts.referral_figures(unit, start, end)),
        medians=(
            _median_row(str(_("Days from registration to the first family visit")), spans.to_first_visit),
            _median_row(str(_("Days from registration to the first referral")), spans.to_first_referral),
            _median_row(str(_("Days from registration to closure")), spans.to_closure),
        ),
    )
