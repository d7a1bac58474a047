"""Reads of the children's council that other modules reuse: the coordinator's home, the public
accountability page, reports and indicators.

``overdue_requests_for`` asks ``policies``. ``answered_requests_public`` and ``request_stats``
take no actor: they return no personal data at all (requests carry no children's names and
members are never touched), and their callers decide who may see a municipality's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from ronda.core.tenancy import Actor
from ronda.council import name_variants, policies, readability
from ronda.council.models import (
    ANSWERED_ON_TIME,
    ANSWERED_REQUEST_STATUSES,
    IS_OPEN_REQUEST,
    OPEN_REQUEST_STATUSES,
    ChildrenCouncil,
    CouncilAgeBand,
    CouncilMember,
    CouncilRequest,
    CouncilRequestQuerySet,
    RequestKind,
    RequestStatus,
    member_active_on,
    request_overdue_on,
    request_was_overdue_on,
)
from ronda.territory.selectors import UnitKey

# An answer for children: sentences of at most this many words (the rule lives in ``readability``).
SHORT_SENTENCE_WORDS = readability.SHORT_SENTENCE_WORDS


def overdue_requests_for(actor: Actor | None, limit: int = 5) -> list[CouncilRequest]:
    """Open requests past their due date that ``actor`` may see, the most overdue first."""
    today = timezone.localdate()
    return list(policies.visible_requests(actor).overdue(today).order_by("due_on", "id")[:limit])


def overdue_count_for(actor: Actor | None) -> int:
    return policies.visible_requests(actor).overdue().count()


@dataclass(frozen=True)
class PublicAnswer:
    """What the public accountability page shows of one answered request: no member data."""

    id: int
    municipality: str
    kind: str
    kind_label: str
    title: str
    description: str
    answer: str
    status: str
    status_label: str
    area_name: str
    received_on: dt.date
    due_on: dt.date
    answered_on: dt.date | None
    implemented_on: dt.date | None

    @property
    def answered_on_time(self) -> bool:
        """The council's definition (``models.ANSWERED_ON_TIME``): answered on or before the due date."""
        return self.answered_on is not None and self.answered_on <= self.due_on

    @property
    def answered_late(self) -> bool:
        """Answered, but after the due date: the other side of ``answered_on_time``."""
        return self.answered_on is not None and self.answered_on > self.due_on

    @property
    def days_late(self) -> int:
        return (self.answered_on - self.due_on).days if self.answered_on is not None and self.answered_late else 0

    @property
    def status_label_for_children(self) -> str:
        """The status as the children's page says it (``CHILD_STATUS_LABELS``)."""
        return str(CHILD_STATUS_LABELS.get(self.status, self.status_label))


# The children's page says what happened in their words, not the file's status.
CHILD_STATUS_LABELS: dict[str, object] = {
    RequestStatus.ACCEPTED: pgettext_lazy("request status, for children", "We said yes"),
    RequestStatus.PARTLY_ACCEPTED: pgettext_lazy("request status, for children", "We said yes to a part"),
    RequestStatus.REJECTED: pgettext_lazy("request status, for children", "This time we could not say yes"),
    RequestStatus.IMPLEMENTED: pgettext_lazy("request status, for children", "Done!"),
}


def answered_requests_public(org_unit: UnitKey, limit: int | None = None) -> list[PublicAnswer]:
    """Answered and implemented requests of the councils in ``org_unit``'s subtree (its own
    council for a municipality), the latest answer first."""
    rows = (
        CouncilRequest.objects.filter(
            council__org_unit__path__startswith=org_unit.path, status__in=ANSWERED_REQUEST_STATUSES
        )
        .annotate(area_name=F("routed_area__name"), municipality=F("council__org_unit__name"))
        .order_by("-answered_on", "-id")
        .values(
            "id",
            "municipality",
            "kind",
            "title",
            "description",
            "answer",
            "status",
            "area_name",
            "received_on",
            "due_on",
            "answered_on",
            "implemented_on",
        )
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        PublicAnswer(
            id=row["id"],
            municipality=row["municipality"],
            kind=row["kind"],
            kind_label=str(RequestKind(row["kind"]).label),
            title=row["title"],
            description=row["description"],
            answer=row["answer"],
            status=row["status"],
            status_label=str(RequestStatus(row["status"]).label),
            area_name=row["area_name"] or "",
            received_on=row["received_on"],
            due_on=row["due_on"],
            answered_on=row["answered_on"],
            implemented_on=row["implemented_on"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RequestStats:
    received: int
    answered: int
    answered_on_time: int
    overdue: int

    @property
    def answered_late(self) -> int:
        return self.answered - self.answered_on_time

    @property
    def on_time_percent(self) -> int | None:
        """Share of the answers given on time, rounded; None when nothing was answered."""
        return round(100 * self.answered_on_time / self.answered) if self.answered else None


def request_stats(council: ChildrenCouncil, start: dt.date, end: dt.date) -> RequestStats:
    """Requests of ``council`` between ``start`` and ``end`` (both included); see ``request_stats_in``."""
    return request_stats_in(CouncilRequest.objects.filter(council=council), start, end)


def request_stats_in(requests: QuerySet[CouncilRequest], start: dt.date, end: dt.date) -> RequestStats:
    """The figures of ``requests`` between ``start`` and ``end`` (both included), in one query.

    received: received in the period; answered: answered in the period (on time: answered on or
    before the due date); overdue: unanswered and past due at the end of the period (or today,
    if the period has not ended), as things stood on that day.
    """
    as_of = min(end, timezone.localdate())
    answered_in_period = Q(answered_on__gte=start, answered_on__lte=end)
    counts = requests.aggregate(
        received=Count("id", filter=Q(received_on__gte=start, received_on__lte=end)),
        answered=Count("id", filter=answered_in_period),
        on_time=Count("id", filter=answered_in_period & ANSWERED_ON_TIME),
        overdue=Count("id", filter=request_was_overdue_on(as_of)),
    )
    return RequestStats(
        received=counts["received"],
        answered=counts["answered"],
        answered_on_time=counts["on_time"],
        overdue=counts["overdue"],
    )


# --- Aggregates for the overview (no names) ----------------------------------------------
def active_members(council: ChildrenCouncil, today: dt.date | None = None) -> QuerySet[CouncilMember]:
    return council.members.filter(member_active_on(today or timezone.localdate()))


def members_by_age_band(council: ChildrenCouncil) -> list[tuple[str, int]]:
    """Active members per age band, every band listed (zeros too): counts only, never names."""
    counts = dict(
        active_members(council).order_by().values_list("age_band").annotate(n=Count("id")).values_list("age_band", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in CouncilAgeBand.choices]


@dataclass(frozen=True)
class CouncilSummary:
    council: ChildrenCouncil
    members: int
    open: int
    overdue: int
    answered: int
    on_time_percent: int | None


def council_summaries(councils: Iterable[ChildrenCouncil]) -> list[CouncilSummary]:
    """One row per council for the secretariat's comparison: counts only, in two queries."""
    councils = list(councils)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    ids = [c.pk for c in councils]
    member_counts = dict(
        CouncilMember.objects.filter(member_active_on(today), council_id__in=ids)
        .order_by()
        .values_list("council_id")
        .annotate(n=Count("id"))
        .values_list("council_id", "n")
    )
    request_counts = {
        row["council_id"]: row
        for row in CouncilRequest.objects.filter(council_id__in=ids)
        .order_by()
        .values("council_id")
        .annotate(
            open=Count("id", filter=IS_OPEN_REQUEST),
            overdue=Count("id", filter=request_overdue_on(today)),
            answered=Count("id", filter=Q(answered_on__gte=year_ago)),
            on_time=Count("id", filter=Q(answered_on__gte=year_ago) & ANSWERED_ON_TIME),
        )
    }
    rows = []
    for council in councils:
        counts = request_counts.get(council.pk, {})
        answered = int(counts.get("answered", 0))
        on_time = int(counts.get("on_time", 0))
        rows.append(
            CouncilSummary(
                council=council,
                members=member_counts.get(council.pk, 0),
                open=int(counts.get("open", 0)),
                overdue=int(counts.get("overdue", 0)),
                answered=answered,
                on_time_percent=round(100 * on_time / answered) if answered else None,
            )
        )
    return rows


# --- Writing for children ------------------------------------------------------------------


def mentions_member_name(council: ChildrenCouncil, *texts: str) -> bool:
    """True when a text contains the first name of one of the council's members (any time).

    Whole words, whatever the case, accents, invisible characters, look-alike letters or spacing
    between the letters; common diminutives and hypocoristics count (see ``name_variants``).
    The caller warns without repeating the name.
    """
    matcher = name_variants.NameMatcher(council.members.values_list("first_name", flat=True))
    return bool(matcher) and any(matcher.found_in(text) for text in texts if text)


def long_sentences(text: str, limit: int = SHORT_SENTENCE_WORDS) -> int:
    """How many sentences of ``text`` have more than ``limit`` words."""
    return sum(1 for sentence in readability.sentences(text) if len(readability.words(sentence)) > limit)


# --- List filters: one definition for the pages and the API ---------------------------------------
REQUEST_ORDER = ("-received_on", "-id")  # the latest received first
# The page's "abiertas" and "respondidas": still to answer, and answered (implemented included).
REQUEST_STATUS_GROUPS = {"open": OPEN_REQUEST_STATUSES, "answered": ANSWERED_REQUEST_STATUSES}


def filter_requests(
    requests: CouncilRequestQuerySet,
    *,
    status: str | None = None,
    status_group: str | None = None,
    overdue: bool | None = None,
    routed_area_id: int | None = None,
    kind: str | None = None,
    session_id: int | None = None,
    q: str | None = None,
    today: dt.date | None = None,
) -> CouncilRequestQuerySet:
    """Narrow a policy's requests: one status or a group of them (``REQUEST_STATUS_GROUPS``),
    ``overdue`` true (still open and past ``due_on`` on ``today``) or false (all the others), the routed
    area, the kind, the session, and ``q`` contained in the title or the description (case-insensitive)."""
    if status:
        requests = requests.filter(status=status)
    if status_group:
        requests = requests.filter(status__in=REQUEST_STATUS_GROUPS[status_group])
    if overdue is not None:
        late = requests.overdue(today or timezone.localdate())
        requests = late if overdue else requests.exclude(pk__in=late.values("pk"))
    if routed_area_id is not None:
        requests = requests.filter(routed_area_id=routed_area_id)
    if kind:
        requests = requests.filter(kind=kind)
    if session_id is not None:
        requests = requests.filter(session_id=session_id)
    if q := (q or "").strip():
        requests = requests.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return requests
