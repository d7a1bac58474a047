"""The secretariat's comparison of its municipalities: one row per municipality, from the read
contracts of planning, coordination and the council only (never their models).

Each column is asked of its own domain's policy first (a column the actor may not read stays empty),
and each contract answers for every municipality at once, so the page runs the same handful of
queries for 8 municipalities or 80.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ronda.coordination import contracts as coordination_contracts
from ronda.coordination import policies as coordination_policies
from ronda.core.tenancy import Actor
from ronda.council import contracts as council_contracts
from ronda.council import policies as council_policies
from ronda.planning import contracts as planning_contracts
from ronda.planning import policies as planning_policies
from ronda.territory import policies as territory_policies
from ronda.territory.models import Level
from ronda.territory.selectors import UnitRef

# Council answers are compared over the last twelve months.
ANSWER_WINDOW_DAYS = 365


@dataclass(frozen=True)
class ComparisonRow:
    unit: UnitRef
    plan: planning_contracts.PlanFacts | None
    progress: Decimal | None
    budget_rate: Decimal | None
    overdue_agreements: int | None
    answers_on_time: int | None  # percent of the answers given in the window
    answers: int  # answers given in the window


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[ComparisonRow], Any]


COLUMNS = (
    Column("name", _("Municipality"), lambda r: r.unit.name.casefold()),
    Column("progress", _("Plan progress"), lambda r: r.progress),
    Column("budget", _("Budget execution"), lambda r: r.budget_rate),
    Column("overdue", _("Overdue agreements"), lambda r: r.overdue_agreements),
    Column("on_time", _("Council answers on time"), lambda r: r.answers_on_time),
)
COLUMN_KEYS = frozenset(c.key for c in COLUMNS)


@dataclass(frozen=True)
class Comparison:
    rows: list[ComparisonRow]
    sort: str  # a column key
    descending: bool
    columns: tuple[Column, ...] = COLUMNS
    answers_since: dt.date | None = None

    def header(self) -> list[dict[str, Any]]:
        """Each column with the ``sort`` value its link asks for and its ``aria-sort`` state."""
        cells = []
        for column in self.columns:
            current = column.key == self.sort
            ascending_next = not current or self.descending
            cells.append(
                {
                    "key": column.key,
                    "label": column.label,
                    "query": column.key if ascending_next else f"-{column.key}",
                    "aria_sort": ("descending" if self.descending else "ascending") if current else "",
                }
            )
        return cells


def parse_sort(raw: str | None) -> tuple[str, bool]:
    """``?sort=progress`` (ascending) or ``?sort=-progress`` (descending); anything else: by name."""
    raw = (raw or "").strip()
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    if key not in COLUMN_KEYS:
        return "name", False
    return key, descending


def _sorted(rows: list[ComparisonRow], key: str, descending: bool) -> list[ComparisonRow]:
    column = next(c for c in COLUMNS if c.key == key)
    known = [r for r in rows if column.value(r) is not None]
    unknown = [r for r in rows if column.value(r) is None]  # "no plan yet" and the like: always last
    known.sort(key=lambda r: (column.value(r), r.unit.name.casefold()), reverse=descending)
    unknown.sort(key=lambda r: r.unit.name.casefold())
    return known + unknown


def compare_municipalities(actor: Actor, *, sort: str | None = None, today: dt.date | None = None) -> Comparison:
    """The municipalities the actor sees, with their plans side by side, sorted by ``sort``."""
    today = today or timezone.localdate()
    key, descending = parse_sort(sort)
    units = [
        UnitRef(pk=pk, code=code, name=name, path=path)
        for pk, code, name, path in territory_policies.visible_org_units(actor)
        .filter(level=Level.MUNICIPALITY)
        .order_by("name", "id")
        .values_list("pk", "code", "name", "path")
    ]
    plans = planning_contracts.plan_progress_by_unit(units, today) if planning_policies.can_read_plans(actor) else {}
    overdue = (
        coordination_contracts.overdue_agreements_by_unit(units, today)
        if coordination_policies.can_view_body_business(actor)
        else {}
    )
    since = today - dt.timedelta(days=ANSWER_WINDOW_DAYS)
    answers = (
        council_contracts.request_figures_by_unit(units, since, today)
        if council_policies.can_view_councils(actor)
        else {}
    )
    rows = []
    for unit in units:
        summary = plans.get(unit.path)
        figures = answers.get(unit.path)
        rows.append(
            ComparisonRow(
                unit=unit,
                plan=summary.plan if summary else None,
                progress=summary.progress if summary else None,
                budget_rate=summary.budget.execution_rate if summary else None,
                overdue_agreements=overdue.get(unit.path),
                answers_on_time=figures.on_time_percent if figures else None,
                answers=figures.answered if figures else 0,
            )
        )
    return Comparison(rows=_sorted(rows, key, descending), sort=key, descending=descending, answers_since=since)
