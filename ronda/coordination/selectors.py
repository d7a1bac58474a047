"""Reads of the coordination body that are more than a visibility rule. Always start from policies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dates import MONTHS

from ronda.coordination import policies
from ronda.coordination.models import (
    FULFILLED,
    FULFILLED_ON_TIME,
    IS_OPEN,
    AgendaItem,
    Agreement,
    AgreementQuerySet,
    Attendance,
    AttendanceStatus,
    BodyMember,
    CoordinationBody,
    Meeting,
    MeetingStatus,
    QuestionnaireResponse,
    QuestionnaireRound,
    is_overdue_on,
)
from ronda.coordination.questionnaire import (
    AREA_KEY_PREFIX,
    ITEMS,
    LIKERT_VALUES,
    MIN_ANSWERS_FOR_RESULTS,
    SECTIONS,
)
from ronda.core.tenancy import Actor
from ronda.territory.models import Area, Institution


def overdue_agreements_for(actor: Actor | None, limit: int = 5) -> list[Agreement]:
    """The open agreements past their due date that this actor may see, oldest first.

    For the home page: a coordinator sees their body's, an area focal point only their area's,
    roles without access get an empty list.
    """
    return list(
        policies.visible_agreements(actor)
        .overdue(timezone.localdate())
        .select_related("owner_area", "owner_member", "body__org_unit")
        .order_by("due_date", "id")[:limit]
    )


def overdue_agreements_panel(actor: Actor | None, limit: int = 5) -> dict[str, Any]:
    """The home panel's context: the first ``limit`` overdue agreements and how many there are in
    all (the badge counts every one, not the preview)."""
    preview = overdue_agreements_for(actor, limit)
    total = len(preview)
    if total == limit:  # there may be more than the preview shows
        total = policies.visible_agreements(actor).overdue(timezone.localdate()).count()
    return {"overdue_agreements": preview, "overdue_total": total}


def active_members(body: CoordinationBody, day: datetime.date | None = None) -> QuerySet[BodyMember]:
    day = day or timezone.localdate()
    return (
        BodyMember.objects.filter(body=body, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("area", "institution")
        .order_by("full_name")
    )


def body_summary(body: CoordinationBody) -> dict[str, Any]:
    today = timezone.localdate()
    agreements = Agreement.objects.filter(body=body)
    # The states of an agreement are defined once, in the model module (also for the contracts).
    counts = agreements.aggregate(
        open=Count("id", filter=IS_OPEN),
        overdue=Count("id", filter=is_overdue_on(today)),
        done=Count("id", filter=FULFILLED),
        done_on_time=Count("id", filter=FULFILLED_ON_TIME),
    )
    # Held and in the past: a future meeting marked held (before the services refused it) was not held.
    held_this_year = Meeting.objects.filter(
        body=body,
        status=MeetingStatus.HELD,
        scheduled_at__year=timezone.localtime().year,
        scheduled_at__lte=timezone.now(),
    ).count()
    on_time_rate = round(100 * counts["done_on_time"] / counts["done"]) if counts["done"] else None
    return {
        **counts,
        "on_time_rate": on_time_rate,
        "held_this_year": held_this_year,
        "members": active_members(body, today).count(),
    }


def with_agreement_counts(bodies: QuerySet[CoordinationBody]) -> QuerySet[CoordinationBody]:
    """``bodies`` annotated with ``open_agreements`` and ``overdue_agreements`` (for the list of
    bodies), counted with the model's definitions of open and overdue."""

    def count(condition: Q) -> Coalesce:
        agreements = Agreement.objects.filter(condition, body=OuterRef("pk")).order_by().values("body")
        return Coalesce(Subquery(agreements.annotate(n=Count("id")).values("n")), 0)

    return bodies.annotate(
        open_agreements=count(IS_OPEN), overdue_agreements=count(is_overdue_on(timezone.localdate()))
    )


def next_meeting(body: CoordinationBody) -> Meeting | None:
    return (
        Meeting.objects.filter(body=body, status=MeetingStatus.SCHEDULED, scheduled_at__gte=timezone.now())
        .order_by("scheduled_at")
        .first()
    )


def meeting_record(meeting_qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """A meeting with everything its page and its minutes show, in a fixed number of queries."""
    return meeting_qs.select_related("chaired_by", "recorded_by").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.select_related("presenter").order_by("order", "id")),
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("member__area", "member__institution").order_by(
                "member__full_name"
            ),
        ),
        Prefetch(
            "agreements",
            queryset=Agreement.objects.select_related("owner_area", "owner_member").order_by("due_date", "id"),
        ),
    )


def attendance_rows(meeting: Meeting) -> list[dict[str, Any]]:
    """Every member who belonged to the body on the meeting's day, with their recorded attendance."""
    day = timezone.localtime(meeting.scheduled_at).date()
    recorded = {a.member_id: a.status for a in meeting.attendance.all()}
    members = list(active_members(meeting.body, day))
    known = {m.pk for m in members}
    members += list(BodyMember.objects.filter(pk__in=set(recorded) - known).select_related("area", "institution"))
    return [{"member": m, "status": recorded.get(m.pk, "")} for m in members]


@dataclass
class MonthMeetings:
    number: int
    name: str
    meetings: list[Meeting] = field(default_factory=list)
    is_current: bool = False


def meetings_calendar(body: CoordinationBody, year: int) -> list[MonthMeetings]:
    """Twelve months with the meetings of each (local time)."""
    now = timezone.localtime()
    months = [
        MonthMeetings(number=n, name=str(MONTHS[n]), is_current=(year == now.year and n == now.month))
        for n in range(1, 13)
    ]
    meetings = (
        Meeting.objects.filter(body=body, scheduled_at__year=year).select_related("commission").order_by("scheduled_at")
    )
    for meeting in meetings:
        months[timezone.localtime(meeting.scheduled_at).month - 1].meetings.append(meeting)
    return months


# --- Questionnaire results -------------------------------------------------------------
@dataclass
class ItemResult:
    key: str
    text: str
    answers: int
    mean: float | None  # None when too few people rated this item to show it
    counts: list[tuple[int, int]]  # (value, how many), for 1..5; empty when hidden


def _item_result(key: str, text: str, values: list[int]) -> ItemResult:
    # The optional per-area ratings can have fewer raters than the round: hide those too.
    shown = len(values) >= MIN_ANSWERS_FOR_RESULTS
    return ItemResult(
        key=key,
        text=text,
        answers=len(values),
        mean=round(mean(values), 2) if shown else None,
        counts=[(v, values.count(v)) for v in LIKERT_VALUES] if shown else [],
    )


def questionnaire_results(round_: QuestionnaireRound) -> dict[str, Any]:
    """Aggregates only, only once the round is closed, and only from MIN_ANSWERS_FOR_RESULTS answers.

    While a round is open nothing is shown: someone who saw the totals after three answers and again
    after four could work out the fourth person's answers. Until results may be shown, not even the
    answers are loaded: the page can only say how many came in. Open comments are listed sorted
    alphabetically, never in the order they were given.
    """
    answers = QuestionnaireResponse.objects.filter(round=round_).count()
    enough = answers >= MIN_ANSWERS_FOR_RESULTS
    result: dict[str, Any] = {
        "answers": answers,
        "enough": enough,
        "closed": round_.is_closed,
        "visible": enough and round_.is_closed,
    }
    if not result["visible"]:
        return result
    rows = list(QuestionnaireResponse.objects.filter(round=round_).values_list("likert", "comments"))
    sections = []
    for section in SECTIONS:
        items = [
            _item_result(item.key, str(item.text), [int(lk[item.key]) for lk, _ in rows if item.key in lk])
            for item in ITEMS
            if item.section == section.key
        ]
        comments = sorted(str(c[section.key]) for _, c in rows if c.get(section.key))
        sections.append({"key": section.key, "title": section.title, "items": items, "comments": comments})
    area_keys = {k for lk, _ in rows for k in lk if k.startswith(AREA_KEY_PREFIX)}
    area_names = dict(
        Area.objects.filter(pk__in=[int(k[len(AREA_KEY_PREFIX) :]) for k in area_keys]).values_list("pk", "name")
    )
    areas = [
        _item_result(k, area_names.get(int(k[len(AREA_KEY_PREFIX) :]), k), [int(lk[k]) for lk, _ in rows if k in lk])
        for k in area_keys
    ]
    result["sections"] = sections
    result["areas"] = sorted(areas, key=lambda r: r.text)
    return result


def round_progress(round_: QuestionnaireRound) -> dict[str, int]:
    """How many members answered out of how many could: counts only, never who."""
    return {
        "answered": round_.receipts.count(),
        "members": active_members(round_.body).count(),
    }


def rounds_with_progress(
    rounds: QuerySet[QuestionnaireRound], body: CoordinationBody
) -> list[tuple[QuestionnaireRound, dict[str, int]]]:
    """``round_progress`` for every round of one body, in two queries whatever their number."""
    members = active_members(body).count()
    return [
        (r, {"answered": r.answered_count, "members": members})
        for r in rounds.annotate(answered_count=Count("receipts", distinct=True))
    ]


def attendance_summary(meeting: Meeting) -> dict[str, int]:
    statuses = [a.status for a in meeting.attendance.all()]
    return {s: statuses.count(s) for s in AttendanceStatus.values}


# --- List filters: one definition for the pages and the API ---------------------------------------
MEETING_ORDER = ("-scheduled_at", "-id")  # the latest first
AGREEMENT_ORDER = ("due_date", "id")  # the earliest due first


def with_institutions(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """The agreements with their named institutions, by name, in one more query for the whole page
    (``agreement.institutions.all()`` then reads them; the list's table shows them when prefetched)."""
    return agreements.prefetch_related(Prefetch("institutions", queryset=Institution.objects.order_by("name")))


def institutions_named(agreements: QuerySet[Agreement]) -> QuerySet[Institution]:
    """The institutions named by any of ``agreements`` (a policy's): the choices of the list's filter."""
    named = Agreement.institutions.through.objects.filter(agreement__in=agreements.values("pk"))
    return Institution.objects.filter(pk__in=named.values("institution_id")).order_by("name")


def filter_meetings(
    meetings: QuerySet[Meeting], *, body_id: int | None = None, year: int | None = None, kind: str | None = None
) -> QuerySet[Meeting]:
    """Narrow a policy's meetings: one body, the year of ``scheduled_at``, one kind."""
    if body_id is not None:
        meetings = meetings.filter(body_id=body_id)
    if year is not None:
        meetings = meetings.filter(scheduled_at__year=year)
    if kind:
        meetings = meetings.filter(kind=kind)
    return meetings


def filter_agreements(
    agreements: AgreementQuerySet,
    *,
    body_id: int | None = None,
    owner_area_id: int | None = None,
    institution_id: int | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    today: datetime.date | None = None,
) -> AgreementQuerySet:
    """Narrow a policy's agreements: one body, one owner area, one co-responsible institution, one
    status, and ``overdue`` true (open and past the due date on ``today``) or false (all the others)."""
    if body_id is not None:
        agreements = agreements.filter(body_id=body_id)
    if owner_area_id is not None:
        agreements = agreements.filter(owner_area_id=owner_area_id)
    if institution_id is not None:
        named = Agreement.institutions.through.objects.filter(institution_id=institution_id)
        agreements = agreements.filter(pk__in=named.values("agreement_id"))
    if status:
        agreements = agreements.filter(status=status)
    if overdue is not None:
        late = agreements.overdue(today or timezone.localdate())
        agreements = late if overdue else agreements.exclude(pk__in=late.values("pk"))
    return agreements
