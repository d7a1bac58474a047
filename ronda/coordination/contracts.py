"""What the coordination body publishes to other domains: facts, as values, defined once.

Accountability reports (and the social management dashboard and certification to come) read
the coordination body through these, never through the models: "due", "fulfilled on time" and
"overdue" mean the same everywhere (the single ``Q`` definitions of ``coordination.models``).

Scoping: every function takes a unit (``territory.selectors.UnitKey``: an ``OrgUnit`` or a
``UnitRef``). ``body_facts`` answers for that municipality's body; the figures
(``agreement_figures``, ``body_activity``) sum over the unit's subtree: a municipality's own body,
or every body of a region. Nothing outside the subtree is ever counted. Nothing here asks who is
reading: the caller decides (through its own policies) whether a unit's figures may be shown.
The figures hold no names: members are officials named in the minutes, but contracts publish
counts only.

Published facts:

- ``body_facts(unit)``: whether the municipality has a body, since when, how many active members
  and commissions, whether it has a safeguarding protocol.
- ``body_activity(unit, start, end)``: meetings held in a period by kind, minutes approved,
  attendance rate.
- ``agreement_figures(unit, start, end)``: agreements due in a period and how they ended (on time,
  late, open and overdue, not yet due, cancelled).
- ``overdue_agreements_by_unit(units)``: for many municipalities at once (a comparison), how many
  agreements of each one's own body are open and overdue today, in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from ronda.coordination.models import (
    FULFILLED_LATE,
    FULFILLED_ON_TIME,
    IS_OPEN,
    Agreement,
    AgreementStatus,
    Attendance,
    AttendanceStatus,
    CoordinationBody,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberLevel,
    MinutesStatus,
    is_overdue_on,
)
from ronda.coordination.selectors import active_members
from ronda.territory.selectors import UnitKey


# --- The body ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BodyFacts:
    exists: bool
    name: str = ""
    established_on: dt.date | None = None
    active_members: int = 0
    commissions: int = 0
    has_safeguarding_protocol: bool = False


def body_facts(unit: UnitKey, on: dt.date | None = None) -> BodyFacts:
    """The coordination body of municipality ``unit`` as it stands on ``on`` (default today)."""
    body = (
        CoordinationBody.objects.filter(org_unit__path=unit.path).annotate(n_commissions=Count("commissions")).first()
    )
    if body is None:
        return BodyFacts(exists=False)
    return BodyFacts(
        exists=True,
        name=body.name,
        established_on=body.established_on,
        active_members=active_members(body, on or timezone.localdate()).count(),
        commissions=body.n_commissions,
        has_safeguarding_protocol=bool(body.safeguarding_protocol.strip()),
    )


@dataclass(frozen=True)
class BodyActivity:
    meetings_held: int
    ordinary: int
    extraordinary: int
    urgent: int
    minutes_approved: int
    attendance_rate: int | None
    # Attendance by level (seed 001's political backing): members present at the meetings held.
    political_present: int = 0
    technical_present: int = 0
    meetings_with_political: int = 0


def body_activity(unit: UnitKey, start: dt.date, end: dt.date) -> BodyActivity:
    """Meetings held (and in the past) from ``start`` to ``end`` (both included, local time) by the bodies
    in ``unit``'s subtree, and the share of recorded attendances that were "present" (None when none was recorded)."""
    tz = timezone.get_current_timezone()
    held = Meeting.objects.filter(
        body__org_unit__path__startswith=unit.path,
        status=MeetingStatus.HELD,
        scheduled_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        scheduled_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        scheduled_at__lte=timezone.now(),  # a future meeting marked held (old data) was not held
    )
    counts = held.aggregate(
        total=Count("id"),
        ordinary=Count("id", filter=Q(kind=MeetingKind.ORDINARY)),
        extraordinary=Count("id", filter=Q(kind=MeetingKind.EXTRAORDINARY)),
        urgent=Count("id", filter=Q(kind=MeetingKind.URGENT)),
        approved=Count("id", filter=Q(minutes_status=MinutesStatus.APPROVED)),
    )
    attendance = Attendance.objects.filter(meeting__in=held).aggregate(
        total=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
    )
    rate = round(100 * attendance["present"] / attendance["total"]) if attendance["total"] else None
    present = Attendance.objects.filter(meeting__in=held, status=AttendanceStatus.PRESENT)
    by_level = present.aggregate(
        political=Count("id", filter=Q(member__level=MemberLevel.POLITICAL)),
        technical=Count("id", filter=Q(member__level=MemberLevel.TECHNICAL)),
        meetings=Count("meeting_id", filter=Q(member__level=MemberLevel.POLITICAL), distinct=True),
    )
    return BodyActivity(
        meetings_held=counts["total"],
        ordinary=counts["ordinary"],
        extraordinary=counts["extraordinary"],
        urgent=counts["urgent"],
        minutes_approved=counts["approved"],
        attendance_rate=rate,
        political_present=by_level["political"],
        technical_present=by_level["technical"],
        meetings_with_political=by_level["meetings"],
    )


POLITICAL_BACKING_MONTHS = 12


def last_political_attendance(unit: UnitKey) -> dt.date | None:
    """The day of the latest meeting held by the body of ``unit`` that a political-level member
    attended (None: none ever). The body's alert asks whether it falls within the last 12 months."""
    held = Attendance.objects.filter(
        meeting__body__org_unit__path=unit.path,
        meeting__status=MeetingStatus.HELD,
        meeting__scheduled_at__lte=timezone.now(),
        status=AttendanceStatus.PRESENT,
        member__level=MemberLevel.POLITICAL,
    ).aggregate(last=Max("meeting__scheduled_at"))["last"]
    return timezone.localtime(held).date() if held is not None else None


def lacks_political_backing(unit: UnitKey, today: dt.date | None = None) -> bool:
    """No political-level member attended a meeting in the last 12 months (a body founded less than
    a year ago included: the alert says so from its first year)."""
    day = today or timezone.localdate()
    last = last_political_attendance(unit)
    since = day - dt.timedelta(days=round(365.25 * POLITICAL_BACKING_MONTHS / 12))
    return last is None or last < since


# --- Agreements -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgreementFigures:
    """The agreements that fell due in a period, and how they ended."""

    due: int
    fulfilled_on_time: int
    fulfilled_late: int
    open_overdue: int
    open_not_due: int
    cancelled: int

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.fulfilled_on_time / self.due) if self.due else None


def agreement_figures(unit: UnitKey, start: dt.date, end: dt.date, today: dt.date | None = None) -> AgreementFigures:
    """Agreements of the bodies in ``unit``'s subtree due from ``start`` to ``end`` (both included).

    Open ones are "overdue" or "not yet due" as of ``today`` (default: today).
    """
    today = today or timezone.localdate()
    row = Agreement.objects.filter(
        body__org_unit__path__startswith=unit.path, due_date__gte=start, due_date__lte=end
    ).aggregate(
        due=Count("id"),
        on_time=Count("id", filter=FULFILLED_ON_TIME),
        late=Count("id", filter=FULFILLED_LATE),
        overdue=Count("id", filter=is_overdue_on(today)),
        not_due=Count("id", filter=IS_OPEN & Q(due_date__gte=today)),
        cancelled=Count("id", filter=Q(status=AgreementStatus.CANCELLED)),
    )
    return AgreementFigures(
        due=row["due"],
        fulfilled_on_time=row["on_time"],
        fulfilled_late=row["late"],
        open_overdue=row["overdue"],
        open_not_due=row["not_due"],
        cancelled=row["cancelled"],
    )


def overdue_agreements_by_unit(units: Iterable[UnitKey], today: dt.date | None = None) -> dict[str, int]:
    """Open and overdue agreements on ``today`` (default today) of the bodies of each municipality in
    ``units``, keyed by the unit's path (zeros too, and for a municipality without a body). One query."""
    paths = {unit.path for unit in units}
    if not paths:
        return {}
    counts = dict.fromkeys(paths, 0)
    rows = (
        Agreement.objects.filter(is_overdue_on(today or timezone.localdate()), body__org_unit__path__in=paths)
        .order_by()
        .values_list("body__org_unit__path")
        .annotate(n=Count("id"))
        .values_list("body__org_unit__path", "n")
    )
    for path, n in rows:
        counts[path] = n
    return counts
