"""What the supervisor's overview and the home panels show (issue #11 items 3 and 7).

Everything is read through ``policies_cases`` (``visible_*``, ``overdue_referral_obligations``),
so a supervisor sees their municipality and a defender their own cases. Counts come from one grouped
query each (conditional aggregation), lists from one query each with what their rows show joined in:
the page's query count does not grow with the cases. A list row that names a child writes an access
event (``log_cases_shown``, one bulk insert per community); the home panels name no child (a case's
number and a task's title only), so they log nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from ronda.cases import policies, policies_cases
from ronda.cases.models import (
    OPEN_STATES,
    Case,
    CaseState,
    PlanStatus,
    ReferralStatus,
    Risk,
    VisitStatus,
)
from ronda.core.roles import Role
from ronda.core.tenancy import Actor

LIST_LIMIT = 25
DUE_SOON_DAYS = 7
# Referrals without the institution's answer after this many days stand out (a setting).
DEFAULT_FEEDBACK_DAYS = 15


def feedback_days() -> int:
    return int(getattr(settings, "RONDA_REFERRAL_FEEDBACK_DAYS", DEFAULT_FEEDBACK_DAYS))


def case_url(pk: int) -> str:
    """The case's page (the case pages are another module's; until they exist, no link)."""
    try:
        return reverse("cases:case_detail", args=[pk])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class CaseRow:
    """One line of a list: the case, the child as the actor may see them, and what is due."""

    case_id: int
    number: str
    child: str
    community: str
    url: str
    what: str = ""
    day: dt.date | None = None


@dataclass(frozen=True)
class CaseList:
    rows: tuple[CaseRow, ...] = ()
    more: bool = False

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Caseload:
    owner_id: int
    name: str
    open: int
    high_risk: int
    overdue_tasks: int


@dataclass
class Overview:
    states: list[tuple[str, str]]  # (value, label) in route order
    risks: list[tuple[str, str]]
    grid: dict[tuple[str, str], int]  # (state, risk) -> cases
    overdue_visits: CaseList
    overdue_tasks: CaseList
    overdue_referrals: CaseList
    plans_waiting: CaseList
    closures_waiting: CaseList
    without_feedback: CaseList
    caseload: list[Caseload]
    open_reviews: int
    feedback_days: int
    state_totals: dict[str, int] = field(default_factory=dict)
    risk_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0

    @property
    def grid_rows(self) -> list[tuple[str, str, list[int], int]]:
        """(state, label, cases per risk in ``risks`` order, total) for the state × risk table."""
        return [
            (
                state,
                label,
                [self.grid.get((state, risk), 0) for risk, _r in self.risks],
                self.state_totals.get(state, 0),
            )
            for state, label in self.states
        ]

    @property
    def risk_column_totals(self) -> list[int]:
        return [self.risk_totals.get(risk, 0) for risk, _label in self.risks]


def _child_label(actor: Actor, case: Case) -> str:
    return case.child.display_name if policies_cases.may_see_child(actor, case) else policies_cases.MASKED


def _rows(actor: Actor, items: Iterable[Any], case_of: Any, what: Any, day: Any, shown: list[Case]) -> CaseList:
    items = list(items)
    more = len(items) > LIST_LIMIT
    rows = []
    for item in items[:LIST_LIMIT]:
        case = case_of(item)
        shown.append(case)
        rows.append(
            CaseRow(
                case_id=case.pk,
                number=case.number,
                child=_child_label(actor, case),
                community=case.community.name,
                url=case_url(case.pk),
                what=what(item),
                day=day(item),
            )
        )
    return CaseList(tuple(rows), more)


def _full_name(first: str, last: str, username: str) -> str:
    return " ".join(part for part in (first, last) if part) or username


def overview(actor: Actor, *, today: dt.date) -> Overview:
    """The supervisor's overview of the cases the actor may see (their municipality)."""
    cases = policies_cases.visible_cases(actor)
    grid: dict[tuple[str, str], int] = {}
    for row in cases.values("state", "risk").annotate(n=Count("id")).order_by():
        grid[(row["state"], row["risk"])] = row["n"]
    shown: list[Case] = []
    case_joins = ("case__child", "case__community")
    visits = (
        policies_cases.visible_visits(actor)
        .filter(status=VisitStatus.PLANNED, planned_for__lt=today, case__state__in=OPEN_STATES)
        .select_related(*case_joins)
        .order_by("planned_for", "id")[: LIST_LIMIT + 1]
    )
    tasks = (
        policies_cases.visible_tasks(actor)
        .filter(done_at__isnull=True, due_on__lt=today, case__state__in=OPEN_STATES)
        .select_related(*case_joins)
        .order_by("due_on", "id")[: LIST_LIMIT + 1]
    )
    obligations = policies_cases.overdue_referral_obligations(actor).select_related(*case_joins)
    obligations = obligations.order_by("referral_due_at", "id")[: LIST_LIMIT + 1]
    plans = (
        policies_cases.visible_plans(actor)
        .filter(status=PlanStatus.SUBMITTED)
        .select_related(*case_joins)
        .order_by("submitted_at", "id")[: LIST_LIMIT + 1]
    )
    closures = (
        cases.filter(closure_requested_at__isnull=False)
        .exclude(state=CaseState.CLOSED)
        .select_related("child", "community")
        .order_by("closure_requested_at", "id")[: LIST_LIMIT + 1]
    )
    days = feedback_days()
    silent = (
        policies_cases.visible_referrals(actor)
        .filter(
            feedback_on__isnull=True,
            feedback="",
            sent_on__lt=today - dt.timedelta(days=days),
            status__in=(ReferralStatus.SENT, ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED),
        )
        .select_related(*case_joins, "institution")
        .order_by("sent_on", "id")[: LIST_LIMIT + 1]
    )
    overview = Overview(
        states=[(value, str(label)) for value, label in CaseState.choices],
        risks=[(value, str(label)) for value, label in Risk.choices],
        grid=grid,
        overdue_visits=_rows(actor, visits, lambda v: v.case, lambda v: "", lambda v: v.planned_for, shown),
        overdue_tasks=_rows(actor, tasks, lambda t: t.case, lambda t: t.title, lambda t: t.due_on, shown),
        overdue_referrals=_rows(
            actor,
            obligations,
            lambda o: o.case,
            lambda o: str(o.violation_type),
            lambda o: o.referral_due_at.date() if o.referral_due_at else None,
            shown,
        ),
        plans_waiting=_rows(
            actor,
            plans,
            lambda p: p.case,
            lambda p: "",
            lambda p: p.submitted_at.date() if p.submitted_at else None,
            shown,
        ),
        closures_waiting=_rows(
            actor,
            closures,
            lambda c: c,
            lambda c: "",
            lambda c: c.closure_requested_at.date() if c.closure_requested_at else None,
            shown,
        ),
        without_feedback=_rows(
            actor, silent, lambda r: r.case, lambda r: r.institution.name, lambda r: r.sent_on, shown
        ),
        caseload=caseload(actor, today=today),
        open_reviews=policies.open_reviews(actor).count() if policies.can_manage_duplicate_reviews(actor) else 0,
        feedback_days=days,
    )
    for (state, risk), n in grid.items():
        overview.state_totals[state] = overview.state_totals.get(state, 0) + n
        overview.risk_totals[risk] = overview.risk_totals.get(risk, 0) + n
        overview.total += n
    # Each case shown once in the access log, however many lists it appears in.
    unique = {case.pk: case for case in shown}
    policies_cases.log_cases_shown(actor, unique.values())
    return overview


def caseload(actor: Actor, *, today: dt.date) -> list[Caseload]:
    """Open cases per defender in charge, the high-risk ones and those with overdue tasks, in one query."""
    rows = (
        policies_cases.visible_cases(actor)
        .filter(state__in=OPEN_STATES)
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(
            open=Count("id", distinct=True),
            high=Count("id", filter=Q(risk=Risk.HIGH), distinct=True),
            overdue=Count("tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_on__lt=today), distinct=True),
        )
        .order_by("-open", "owner__username")
    )
    return [
        Caseload(
            owner_id=row["owner_id"],
            name=_full_name(row["owner__first_name"], row["owner__last_name"], row["owner__username"]),
            open=row["open"],
            high_risk=row["high"],
            overdue_tasks=row["overdue"],
        )
        for row in rows
    ]


# --- The home panel --------------------------------------------------------------------------
def shows_home_panel(actor: Actor) -> bool:
    return policies_cases.can_read_cases(actor) and actor.role in policies_cases.CASE_WORKERS


@dataclass(frozen=True)
class TaskLine:
    title: str
    number: str
    url: str
    due_on: dt.date


@dataclass(frozen=True)
class ObligationLine:
    number: str
    url: str
    violation: str
    due_at: dt.datetime | None


@dataclass
class HomeSummary:
    overdue_tasks: list[TaskLine]
    due_soon: list[TaskLine]
    overdue_referrals: list[ObligationLine]
    by_state: list[tuple[str, int]]  # (label, cases) in route order, open states first
    is_supervisor: bool

    @property
    def is_empty(self) -> bool:
        return not (self.overdue_tasks or self.due_soon or self.overdue_referrals or self.by_state)


def home_summary(actor: Actor, *, today: dt.date) -> HomeSummary:
    """The home panel: the actor's own tasks (overdue, due in the next 7 days), the overdue mandatory
    referrals and the cases by state (a defender's own; a supervisor's municipality). No child named."""
    tasks = (
        policies_cases.visible_tasks(actor)
        .filter(assigned_to=actor.user, done_at__isnull=True, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .exclude(case__state=CaseState.CLOSED)
        .select_related("case")
        .only("title", "due_on", "case__number", "case__id")
        .order_by("due_on", "id")[:40]
    )
    overdue: list[TaskLine] = []
    soon: list[TaskLine] = []
    for task in tasks:
        line = TaskLine(task.title, task.case.number, case_url(task.case_id), task.due_on)
        (overdue if task.due_on < today else soon).append(line)
    obligations = [
        ObligationLine(o.case.number, case_url(o.case_id), str(o.violation_type), o.referral_due_at)
        for o in policies_cases.overdue_referral_obligations(actor).order_by("referral_due_at", "id")[:20]
    ]
    cases = policies_cases.visible_cases(actor)
    if actor.role == Role.DEFENDER:
        cases = cases.filter(owner=actor.user)
    counts = dict(cases.values_list("state").annotate(n=Count("id")).order_by())
    by_state = [(str(label), counts[value]) for value, label in CaseState.choices if counts.get(value)]
    return HomeSummary(
        overdue_tasks=overdue[:10],
        due_soon=soon[:10],
        overdue_referrals=obligations,
        by_state=by_state,
        is_supervisor=actor.role == Role.SUPERVISOR,
    )
