"""What the defensorías publish to other domains (the Tablero, the canton view, reports): figures
as values, defined once. **No function here returns a defender's name or phone**, and nobody who
attends an event is ever named: people reached are counts by sex and age band.

Scoping: every function takes a unit (``territory.selectors.UnitKey``) and sums over its subtree
(a community's own defensoría, a municipality's, a region's); nothing here asks who is reading:
the caller decides (``defenders.policies.can_view_figures``).

Published figures:

- ``event_figures(unit, start, end)``: events held in the period, and people reached by sex × age band.
- ``plan_figures(unit, start, end)``: the PTA activities planned in the period by component: planned (not
  cancelled), done, cancelled; the execution rate is done over planned.
- ``figures_by_community(unit, year)``: both for every defensoría under ``unit`` at once (the
  canton view), in three queries whatever the number of defensorías.
- ``events_by_month(unit, year)``: events held per month of the year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from ronda.defenders.models import Activity, ActivityStatus, AgeBand, Attendance, Component, Defensoria, Event, Sex
from ronda.territory.selectors import UnitKey


@dataclass(frozen=True)
class EventFigures:
    events_held: int = 0
    # (sex, age band) -> people; cells with nobody are absent.
    reached: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def people_reached(self) -> int:
        return sum(self.reached.values())

    def cell(self, sex: str, band: str) -> int:
        return self.reached.get((sex, band), 0)


@dataclass(frozen=True)
class ComponentFigures:
    planned: int = 0  # activities not cancelled
    done: int = 0
    cancelled: int = 0

    @property
    def execution_rate(self) -> Decimal | None:
        """Done over planned, as a percentage (None with nothing planned)."""
        if not self.planned:
            return None
        return Decimal(self.done) * 100 / Decimal(self.planned)


@dataclass(frozen=True)
class PlanFigures:
    by_component: dict[str, ComponentFigures] = field(default_factory=dict)

    @property
    def total(self) -> ComponentFigures:
        parts = self.by_component.values()
        return ComponentFigures(
            planned=sum(p.planned for p in parts),
            done=sum(p.done for p in parts),
            cancelled=sum(p.cancelled for p in parts),
        )

    def component(self, code: str) -> ComponentFigures:
        return self.by_component.get(code, ComponentFigures())


@dataclass(frozen=True)
class CommunityFigures:
    defensoria_id: int
    name: str
    community_id: int
    community_name: str
    events: EventFigures
    plan: PlanFigures


def _under(prefix: str, unit: UnitKey) -> Q:
    return Q(**{f"{prefix}__path__startswith": unit.path})


_PLAN_COUNTS = {
    "planned": Count("id", filter=~Q(status=ActivityStatus.CANCELLED)),
    "done": Count("id", filter=Q(status=ActivityStatus.DONE)),
    "cancelled": Count("id", filter=Q(status=ActivityStatus.CANCELLED)),
}


def event_figures(unit: UnitKey, start: dt.date, end: dt.date) -> EventFigures:
    events = Event.objects.filter(_under("defensoria__community", unit), held=True, held_on__range=(start, end))
    held = events.count()
    cells = (
        Attendance.objects.filter(event__in=events)
        .values_list("sex", "age_band")
        .annotate(people=Sum("count"))
        .order_by()
    )
    return EventFigures(events_held=held, reached={(sex, band): people for sex, band, people in cells})


def plan_figures(unit: UnitKey, start: dt.date, end: dt.date) -> PlanFigures:
    """The PTA activities under ``unit`` planned for a day of the period (an activity's date lies in
    its plan's year, so a calendar year is that year's PTAs)."""
    activities = Activity.objects.filter(_under("plan__defensoria__community", unit), planned_on__range=(start, end))
    rows = activities.values("component").annotate(**_PLAN_COUNTS).order_by()
    return PlanFigures(
        by_component={
            r["component"]: ComponentFigures(planned=r["planned"], done=r["done"], cancelled=r["cancelled"])
            for r in rows
        }
    )


def figures_by_community(unit: UnitKey, year: int) -> list[CommunityFigures]:
    """Every defensoría under ``unit`` with its figures of ``year``, by name."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    defensorias = list(
        Defensoria.objects.filter(_under("community", unit)).select_related("community").order_by("name", "id")
    )
    held = dict(
        Event.objects.filter(defensoria__in=defensorias, held=True, held_on__range=(start, end))
        .values_list("defensoria_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    reached: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for defensoria_id, sex, band, people in (
        Attendance.objects.filter(
            event__defensoria__in=defensorias, event__held=True, event__held_on__range=(start, end)
        )
        .values_list("event__defensoria_id", "sex", "age_band")
        .annotate(people=Sum("count"))
        .order_by()
    ):
        reached[defensoria_id][(sex, band)] = people
    plans: dict[int, dict[str, ComponentFigures]] = defaultdict(dict)
    for r in (
        Activity.objects.filter(plan__defensoria__in=defensorias, plan__year=year)
        .values("plan__defensoria_id", "component")
        .annotate(**_PLAN_COUNTS)
        .order_by()
    ):
        plans[r["plan__defensoria_id"]][r["component"]] = ComponentFigures(
            planned=r["planned"], done=r["done"], cancelled=r["cancelled"]
        )
    return [
        CommunityFigures(
            defensoria_id=d.pk,
            name=d.name,
            community_id=d.community_id,
            community_name=d.community.name,
            events=EventFigures(events_held=held.get(d.pk, 0), reached=reached.get(d.pk, {})),
            plan=PlanFigures(by_component=plans.get(d.pk, {})),
        )
        for d in defensorias
    ]


def events_by_month(unit: UnitKey, year: int) -> dict[int, int]:
    """Events held under ``unit`` in each month of ``year`` (months without events are absent)."""
    rows = (
        Event.objects.filter(_under("defensoria__community", unit), held=True, held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


# The grid's order, for the pages that draw it: age bands down, sexes across.
GRID_BANDS = tuple(AgeBand)
GRID_SEXES = tuple(Sex)
COMPONENTS = tuple(Component)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
