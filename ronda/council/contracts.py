"""What the children's council publishes to other domains: facts, as values, defined once.

Accountability reports and the public page (and later the social management dashboard and
certification) read the council through these, never through its models. **No function here
returns a name or anything else about one child**: members appear only as counts. Requests hold no
names (the council's forms guard against them) and are published as plain values.

Counts of members come from children's personal records. They may be shown to the roles that see
the council's aggregates (``council.policies.can_view_councils``), but **wherever they are
published** (the public page, an open dashboard, a comparison) a count below
``SMALL_COUNT`` must show as "<5": use ``MemberFigures.published()``, which also hides the next
smallest band when one hidden band could be worked out from the total. The other figures
(sessions, requests, answers) are not derived from personal records and need no suppression.

Scoping: every function takes a unit (``territory.selectors.UnitKey``: an ``OrgUnit`` or a
``UnitRef``). ``council_facts`` answers for that municipality's council; the figures sum over the
unit's subtree (a municipality's own council, or every council of a region) and never count
anything outside it. Nothing here asks who is reading: the caller decides.

Published facts:

- ``council_facts(unit)``: whether the municipality has a council, whether it is installed
  (has a date of establishment, not in the future), and how many days it has to answer.
- ``member_figures(unit, on)``: active members, in total and by age band (``MemberFigures``;
  sex is not recorded: members are recorded minimally, see DOMAIN.md).
- ``session_figures(unit, start, end)``: council sessions and accountability sessions held.
- ``request_figures(unit, start, end)``: requests received, answered, answered on time, overdue.
- ``council_activity(unit, start, end)``: the three above together, for reports.
- ``public_answers(unit, limit)``: the answered requests the public page shows.
- ``request_figures_by_unit(units, start, end)``: ``request_figures`` for many municipalities at
  once (a comparison), each one's own council, in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from ronda.council.models import (
    ANSWERED_ON_TIME,
    AccountabilitySession,
    ChildrenCouncil,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilSession,
    member_active_on,
    request_was_overdue_on,
)
from ronda.council.selectors import PublicAnswer, RequestStats, answered_requests_public, request_stats_in
from ronda.territory.selectors import UnitKey

# Below this, a count derived from children's personal records is published as "<5".
SMALL_COUNT = 5
SUPPRESSED = "<5"

RequestFigures = RequestStats
__all__ = [
    "SMALL_COUNT",
    "SUPPRESSED",
    "CouncilActivity",
    "CouncilFacts",
    "MemberFigures",
    "PublicAnswer",
    "RequestFigures",
    "SessionFigures",
    "council_activity",
    "council_facts",
    "member_figures",
    "public_answers",
    "request_figures",
    "request_figures_by_unit",
    "session_figures",
    "suppress_small_counts",
]


# --- The council -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CouncilFacts:
    exists: bool
    name: str = ""
    established_on: dt.date | None = None
    installed: bool = False
    response_days: int | None = None


def council_facts(unit: UnitKey, on: dt.date | None = None) -> CouncilFacts:
    """The children's council of municipality ``unit``; installed on ``on`` (default today) when
    its date of establishment is recorded and not later."""
    council = (
        ChildrenCouncil.objects.filter(org_unit__path=unit.path)
        .values("name", "established_on", "response_days")
        .first()
    )
    if council is None:
        return CouncilFacts(exists=False)
    established = council["established_on"]
    return CouncilFacts(
        exists=True,
        name=council["name"],
        established_on=established,
        installed=established is not None and established <= (on or timezone.localdate()),
        response_days=council["response_days"],
    )


# --- Members: counts only ----------------------------------------------------------------------
def suppress_small_counts(counts: dict[str, int], total: int) -> dict[str, int | None]:
    """The counts safe to publish next to ``total``: None (shown as "<5") for every count below
    ``SMALL_COUNT`` (zero too: the rule is "below 5", whatever the value), and, while the hidden
    counts add up to less than ``SMALL_COUNT`` and other counts are shown, the smallest shown count
    too, so that a hidden count cannot be worked out as the total minus the others. When the total
    itself is small, everything is hidden."""
    if total < SMALL_COUNT:
        return dict.fromkeys(counts)
    hidden = {key for key, n in counts.items() if n < SMALL_COUNT}
    while hidden and sum(counts[k] for k in hidden) < SMALL_COUNT and len(hidden) < len(counts):
        hidden.add(min((k for k in counts if k not in hidden), key=lambda k: counts[k]))
    return {key: (None if key in hidden else n) for key, n in counts.items()}


@dataclass(frozen=True)
class PublishedMemberFigures:
    """Member counts with small counts suppressed: None means "<5" (``SUPPRESSED``)."""

    total: int | None
    by_age_band: tuple[tuple[str, str, int | None], ...]

    @property
    def total_display(self) -> str:
        return SUPPRESSED if self.total is None else str(self.total)


@dataclass(frozen=True)
class MemberFigures:
    """Active council members, by age band (every band listed, zeros too). Personal-data
    aggregates: publish only through ``published()``."""

    total: int
    by_age_band: tuple[tuple[str, str, int], ...]  # (band, label, count)

    personal_data = True  # counts derived from children's records: see published()

    def published(self) -> PublishedMemberFigures:
        counts = {band: n for band, _, n in self.by_age_band}
        shown = suppress_small_counts(counts, self.total)
        return PublishedMemberFigures(
            total=self.total if self.total >= SMALL_COUNT else None,
            by_age_band=tuple((band, label, shown[band]) for band, label, _ in self.by_age_band),
        )


def member_figures(unit: UnitKey, on: dt.date | None = None) -> MemberFigures:
    """Members active on ``on`` (default today) of the councils in ``unit``'s subtree. One query;
    it reads the age band only, never a name."""
    day = on or timezone.localdate()
    counts = dict(
        CouncilMember.objects.filter(member_active_on(day), council__org_unit__path__startswith=unit.path)
        .order_by()
        .values_list("age_band")
        .annotate(n=Count("id"))
        .values_list("age_band", "n")
    )
    bands = tuple((value, str(label), int(counts.get(value, 0))) for value, label in CouncilAgeBand.choices)
    return MemberFigures(total=sum(n for _, _, n in bands), by_age_band=bands)


# --- Sessions and requests -----------------------------------------------------------------------
@dataclass(frozen=True)
class SessionFigures:
    sessions: int
    accountability_sessions: int


def session_figures(unit: UnitKey, start: dt.date, end: dt.date) -> SessionFigures:
    """Council sessions and accountability sessions held from ``start`` to ``end`` (both included)
    by the councils in ``unit``'s subtree."""
    within = Q(council__org_unit__path__startswith=unit.path, held_on__range=(start, end))
    return SessionFigures(
        sessions=CouncilSession.objects.filter(within).count(),
        accountability_sessions=AccountabilitySession.objects.filter(within).count(),
    )


def request_figures(unit: UnitKey, start: dt.date, end: dt.date) -> RequestStats:
    """Requests of the councils in ``unit``'s subtree from ``start`` to ``end`` (both included):
    received, answered, answered on time, and overdue at the end of the period
    (``council.selectors.request_stats_in``, also behind the council's own overview)."""
    return request_stats_in(CouncilRequest.objects.filter(council__org_unit__path__startswith=unit.path), start, end)


def request_figures_by_unit(units: Iterable[UnitKey], start: dt.date, end: dt.date) -> dict[str, RequestStats]:
    """``request_figures`` of the council of each municipality in ``units`` from ``start`` to ``end``,
    keyed by the unit's path; a municipality without a council (or without requests) is absent. One
    query, whatever the number of units; the figures are counted as ``request_stats_in`` counts them."""
    paths = {unit.path for unit in units}
    if not paths:
        return {}
    as_of = min(end, timezone.localdate())
    answered_in_period = Q(answered_on__gte=start, answered_on__lte=end)
    rows = (
        CouncilRequest.objects.filter(council__org_unit__path__in=paths)
        .order_by()
        .values("council__org_unit__path")
        .annotate(
            received=Count("id", filter=Q(received_on__gte=start, received_on__lte=end)),
            answered=Count("id", filter=answered_in_period),
            on_time=Count("id", filter=answered_in_period & ANSWERED_ON_TIME),
            overdue=Count("id", filter=request_was_overdue_on(as_of)),
        )
    )
    return {
        row["council__org_unit__path"]: RequestStats(
            received=row["received"],
            answered=row["answered"],
            answered_on_time=row["on_time"],
            overdue=row["overdue"],
        )
        for row in rows
    }


@dataclass(frozen=True)
class CouncilActivity:
    """How the council worked in a period. ``requests`` is None when there is no council."""

    exists: bool
    sessions: int = 0
    accountability_sessions: int = 0
    requests: RequestStats | None = None


def council_activity(unit: UnitKey, start: dt.date, end: dt.date) -> CouncilActivity:
    """Sessions and requests of the councils in ``unit``'s subtree in a period (``exists`` is False
    when there is none)."""
    if not ChildrenCouncil.objects.filter(org_unit__path__startswith=unit.path).exists():
        return CouncilActivity(exists=False)
    sessions = session_figures(unit, start, end)
    return CouncilActivity(
        exists=True,
        sessions=sessions.sessions,
        accountability_sessions=sessions.accountability_sessions,
        requests=request_figures(unit, start, end),
    )


def public_answers(unit: UnitKey, limit: int | None = None) -> list[PublicAnswer]:
    """Answered and implemented requests of the councils in ``unit``'s subtree, the latest answer
    first: title, description, answer, dates, area; never member data."""
    return answered_requests_public(unit, limit=limit)
