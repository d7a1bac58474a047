"""What the defensoría pages read, always from the querysets ``policies`` allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ronda.accounts.models import Membership, User
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.defenders import contracts, policies
from ronda.defenders.models import Activity, Defender, Defensoria, Event, Training, WorkPlan


@dataclass(frozen=True)
class ComponentProgress:
    code: str
    label: str
    figures: contracts.ComponentFigures


def current_defenders(actor: Actor, defensoria: Defensoria, on: dt.date) -> list[Defender]:
    """The defenders of the defensoría on ``on``, with their trainings (empty for who may not see names)."""
    if not policies.can_view_defenders(actor, defensoria):
        return []
    return list(
        policies.visible_defenders(actor)
        .filter(defensoria=defensoria, since__lte=on)
        .exclude(until__lt=on)
        .prefetch_related(Prefetch("trainings", queryset=Training.objects.order_by("-taken_on", "id")))
        .order_by("full_name", "id")
    )


def plan_of_year(actor: Actor, defensoria: Defensoria, year: int) -> WorkPlan | None:
    return policies.visible_plans(actor).filter(defensoria=defensoria, year=year).first()


def activities_of(actor: Actor, plan: WorkPlan) -> QuerySet[Activity]:
    return policies.visible_activities(actor).filter(plan=plan).order_by("component", "planned_on", "id")


def progress_by_component(defensoria: Defensoria, year: int) -> list[ComponentProgress]:
    figures = contracts.plan_figures(defensoria.community, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return [ComponentProgress(c.value, str(c.label), figures.component(c.value)) for c in contracts.COMPONENTS]


def events_of(actor: Actor, defensoria: Defensoria, year: int) -> QuerySet[Event]:
    return (
        policies.visible_events(actor)
        .filter(defensoria=defensoria, held_on__year=year)
        .prefetch_related("attendance")
        .order_by("-held_on", "-id")
    )


def defender_users(defensoria: Defensoria) -> QuerySet[User]:
    """The Ronda users who hold the defender role in the defensoría's community (to link a record to one)."""
    memberships = Membership.objects.active().filter(role=Role.DEFENDER, org_unit=defensoria.community)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("username")


@dataclass(frozen=True)
class HomeSummary:
    defensoria: Defensoria
    upcoming: list[Event]
    plan: contracts.ComponentFigures


def home_summary(actor: Actor, *, today: dt.date, limit: int = 5) -> HomeSummary | None:
    """A defender's own defensoría for their home page: the next scheduled events and this year's execution."""
    unit = actor.org_unit
    defensoria = policies.visible_defensorias(actor).filter(community=unit).first() if unit is not None else None
    if defensoria is None:
        return None
    upcoming = list(
        policies.visible_events(actor)
        .filter(defensoria=defensoria, held=False, held_on__gte=today)
        .order_by("held_on", "id")[:limit]
    )
    start, end = contracts.year_bounds(today.year)
    return HomeSummary(defensoria, upcoming, contracts.plan_figures(defensoria.community, start, end).total)
