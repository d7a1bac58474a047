"""Issue #8 item 3: the facts planning publishes (``planning.contracts``): their values on a small
world, and their scope (a contract never answers with another municipality's data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ronda.core.tenancy import SYSTEM
from ronda.planning import contracts, services
from ronda.planning.models import (
    Finding,
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    MeasureStatus,
    PlanChange,
    PlanStatus,
    SituationAnalysis,
    Workshop,
)
from ronda.planning.selectors import plan_overview
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World

pytestmark = pytest.mark.django_db


def test_plan_facts_are_the_plan_and_its_municipality(world: World, plan: LocalPlan) -> None:
    facts = contracts.plan_facts(plan)
    assert (facts.pk, facts.title, facts.status, facts.approved_by, facts.approval_reference) == (
        plan.pk,
        "Plan local",
        PlanStatus.APPROVED,
        "Concejo Municipal",
        "Resolución 1",
    )
    assert (facts.period_start, facts.period_end, facts.approved_on) == (
        dt.date(2025, 1, 1),
        dt.date(2028, 12, 31),
        dt.date(2025, 3, 1),
    )
    unit = world.municipality
    assert (facts.org_unit.pk, facts.org_unit.code, facts.org_unit.name, facts.org_unit.path) == (
        unit.pk,
        unit.code,
        unit.name,
        unit.path,
    )
    assert facts.org_unit_id == unit.pk and facts.is_approved and facts.years == [2025, 2026, 2027, 2028]
    assert facts.get_status_display() == facts.status_label == str(PlanStatus.APPROVED.label)
    assert str(facts) == "Plan local"


def test_plan_facts_query_only_when_they_must(world: World, plan: LocalPlan) -> None:
    with CaptureQueriesContext(connection) as queries:
        facts = contracts.plan_facts(plan)  # the unit is not loaded: one query
    assert len(queries) == 1
    with_unit = LocalPlan.objects.select_related("org_unit").get(pk=plan.pk)
    with CaptureQueriesContext(connection) as queries:
        assert contracts.plan_facts(with_unit) == facts
        assert contracts.plan_facts(facts) is facts
    assert len(queries) == 0


def test_plan_in_force_is_approved_and_covers_the_period(world: World, plan: LocalPlan, education: Area) -> None:
    in_2026 = contracts.plan_in_force(world.municipality, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert in_2026 is not None and in_2026.pk == plan.pk
    assert contracts.plan_in_force(world.municipality, dt.date(2030, 1, 1)) is None  # after its period
    assert contracts.plan_in_force(world.municipality, dt.date(2024, 6, 1), dt.date(2025, 1, 1)) == in_2026  # overlaps
    # A draft never is in force, even a newer one.
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    LocalPlan.objects.filter(pk=draft.pk).update(period_start=dt.date(2026, 1, 1))
    assert contracts.plan_in_force(world.municipality, dt.date(2026, 6, 1)) == in_2026


def test_plan_in_force_and_published_plan_stay_in_their_municipality(
    world: World, plan: LocalPlan, other_plan: LocalPlan
) -> None:
    home = contracts.published_plan(world.municipality)
    away = contracts.published_plan(world.other_municipality)
    assert home is not None and home.pk == plan.pk
    assert away is not None and away.pk == other_plan.pk
    day = dt.date(2026, 1, 1)
    assert contracts.plan_in_force(world.municipality, day) == home
    # Plans belong to municipalities: a region or a community has none of its own.
    for unit in (world.region, world.community, world.country):
        assert contracts.plan_in_force(unit, day) is None
        assert contracts.published_plan(unit) is None
    assert contracts.published_plan_units() == {world.municipality.pk, world.other_municipality.pk}
    assert contracts.published_plan_units(within=world.country) == {world.municipality.pk}
    assert contracts.published_plan_units(within=world.other_municipality) == {world.other_municipality.pk}


def test_published_plan_is_the_latest_that_is_not_a_draft(world: World, plan: LocalPlan, education: Area) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Nuevo ")
    LocalPlan.objects.filter(pk=draft.pk).update(period_start=dt.date(2027, 1, 1))
    published = contracts.published_plan(world.municipality)
    assert published is not None and published.pk == plan.pk
    LocalPlan.objects.filter(pk=draft.pk).update(status=PlanStatus.APPROVED)
    published = contracts.published_plan(world.municipality)
    assert published is not None and published.pk == draft.pk


def test_plan_progress_is_the_overview_as_values(world: World, plan: LocalPlan, other_plan: LocalPlan) -> None:
    overview = plan_overview(plan)
    progress = contracts.plan_progress(plan)
    assert progress.plan == contracts.plan_facts(plan)
    assert progress.progress == overview.progress and progress.measure_count == overview.measure_count == 2
    [line] = progress.lines
    assert (str(line.line), line.progress, line.measure_count) == (
        "1. Servicios esenciales",
        overview.lines[0].progress,
        2,
    )
    [objective] = line.objectives
    assert objective.objective.title == "Mejorar la salud infantil"
    rows = {row.measure.code: row for row in progress.measures()}
    assert sorted(rows) == ["M-1", "M-2"]  # the other country's plan has its own M-1 and M-2: not here
    m1 = rows["M-1"]
    assert (m1.measure.responsible_area.name, m1.planned, m1.executed) == ("Salud", Decimal("1000"), Decimal("100"))
    assert m1.measure.get_status_display() == str(MeasureStatus(m1.measure.status).label)
    assert str(m1.measure) == "M-1 Medida M-1" and m1.counted
    assert {y: (b.planned, b.executed) for y, b in m1.budgets_by_year.items()} == {
        2025: (Decimal("1000"), Decimal("100"))
    }
    assert [(b.label, b.planned, b.executed) for b in progress.by_area] == [
        ("Educación", Decimal("3000"), Decimal("100")),
        ("Salud", Decimal("1000"), Decimal("100")),
    ]
    assert [b.label for b in progress.by_year] == ["2025", "2026", "2027", "2028"]
    assert (progress.total.planned, progress.total.executed, progress.total.execution_rate) == (
        Decimal("4000"),
        Decimal("200"),
        Decimal("5.00"),
    )
    assert progress.measures_by_status == contracts.measures_by_status(plan)


def test_plan_progress_of_a_plan_model_and_of_its_facts_agree(plan: LocalPlan) -> None:
    assert contracts.plan_progress(plan) == contracts.plan_progress(contracts.plan_facts(plan))


def test_measures_by_status_lists_every_status(plan: LocalPlan, other_plan: LocalPlan) -> None:
    plan.measures.filter(code="M-2").update(status=MeasureStatus.DELAYED)
    counts = contracts.measures_by_status(plan)
    assert set(counts) == set(MeasureStatus.values)
    assert counts[MeasureStatus.DELAYED] == 1 and sum(counts.values()) == 2  # not the other plan's


def test_budget_in_years_keeps_to_the_years_asked(plan: LocalPlan) -> None:
    progress = contracts.plan_progress(plan)
    in_2025 = contracts.budget_in_years(progress, [2025])
    assert (in_2025.total.planned, in_2025.total.executed) == (Decimal("4000"), Decimal("200"))
    assert [(b.key, b.planned) for b in in_2025.by_year] == [(2025, Decimal("4000"))]
    assert [b.label for b in in_2025.by_area] == ["Educación", "Salud"]
    in_2026 = contracts.budget_in_years(progress, [2026])
    assert in_2026.by_area == () and in_2026.total.planned == 0 and in_2026.total.execution_rate is None
    assert [(b.label, b.planned) for b in in_2026.by_year] == [("2026", Decimal("0"))]


def test_budget_execution_sums_the_published_plans_of_a_subtree(
    world: World, plan: LocalPlan, other_plan: LocalPlan, education: Area
) -> None:
    build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")  # a draft: left out
    home = contracts.budget_execution(world.municipality, 2025)
    assert (home.planned, home.executed, home.execution_rate) == (Decimal("4000"), Decimal("200"), Decimal("5.00"))
    assert contracts.budget_execution(world.region, 2025) == home  # the region holds only this plan
    assert contracts.budget_execution(world.community, 2025).planned == 0
    assert contracts.budget_execution(world.municipality, 2026).planned == 0
    # Equal to what the plan's own report counts for the year.
    total = contracts.budget_in_years(contracts.plan_progress(plan), [2025]).total
    assert (total.planned, total.executed) == (home.planned, home.executed)


CHANGE = services.ChangeRecord(why="Seguimiento", approved_by="Mesa técnica")


def test_indicator_progress_towards_the_target(plan: LocalPlan, other_plan: LocalPlan) -> None:
    m1, m2 = plan.measures.get(code="M-1"), plan.measures.get(code="M-2")

    def indicator(measure: Measure, name: str, baseline: str, target: str, *values: tuple[int, str]) -> Any:
        made = services.add_indicator(
            actor=SYSTEM, measure=measure, name=name, baseline=Decimal(baseline), target=Decimal(target), change=CHANGE
        )
        for year, value in values:
            services.record_indicator_value(
                actor=SYSTEM, indicator=made, value=Decimal(value), measured_on=dt.date(year, 6, 1)
            )
        return made

    rising = indicator(m2, "Cobertura", "40", "80", (2025, "45"), (2026, "50"))
    falling = indicator(m1, "Desnutrición", "20", "10", (2025, "15"))
    indicator(m1, "Sin medir", "1", "2")
    indicator(m1, "Sin meta", "3", "3", (2025, "5"))
    indicator(other_plan.measures.get(code="M-1"), "Otro país", "1", "2", (2025, "9"))
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)):
        rows = contracts.indicator_progress(plan)
    assert [(r.measure.code, r.name) for r in rows] == [
        ("M-1", "Desnutrición"),
        ("M-1", "Sin medir"),
        ("M-1", "Sin meta"),
        ("M-2", "Cobertura"),
    ]
    by_name = {r.name: r for r in rows}
    # The series is the Tablero's, year by year; the latest value is its last point.
    assert [(p.period, p.value) for p in by_name["Cobertura"].trend] == [
        ("2025", Decimal("45")),
        ("2026", Decimal("50")),
    ]
    assert (by_name["Cobertura"].latest_value, by_name["Cobertura"].latest_period) == (Decimal("50"), "2026")
    assert by_name["Cobertura"].progress_percent == Decimal("25.00")
    assert by_name["Desnutrición"].progress_percent == Decimal("50.00")
    assert by_name["Sin medir"].trend == () and by_name["Sin medir"].catalogue_code == ""
    assert by_name["Sin medir"].progress_percent is None and by_name["Sin meta"].progress_percent is None
    assert by_name["Cobertura"].pk == rising.pk and by_name["Desnutrición"].pk == falling.pk
    assert str(by_name["Cobertura"].measure) == "M-2 Medida M-2"


def test_plan_changes_of_the_period_latest_first(plan: LocalPlan, other_plan: LocalPlan) -> None:
    m1 = plan.measures.get(code="M-1")
    for day, measure, what in [
        (dt.date(2025, 5, 1), m1, "Antes"),
        (dt.date(2026, 2, 1), None, "Plan entero"),
        (dt.date(2026, 8, 1), m1, "Después"),
        (dt.date(2027, 1, 1), m1, "Fuera"),
    ]:
        PlanChange.objects.create(
            plan=plan, measure=measure, changed_on=day, what=what, why="Por", approved_by="Concejo"
        )
    PlanChange.objects.create(
        plan=other_plan, changed_on=dt.date(2026, 3, 1), what="Otro país", why="-", approved_by="-"
    )
    changes = contracts.plan_changes(plan, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(c.what, str(c.measure or "")) for c in changes] == [("Después", "M-1 Medida M-1"), ("Plan entero", "")]


def test_diagnosis_facts_of_the_latest_analysis(world: World, plan: LocalPlan, other_plan: LocalPlan) -> None:
    analysis = SituationAnalysis.objects.get(org_unit=world.municipality)
    Finding.objects.create(analysis=analysis, goal_area="services", text="a")
    Finding.objects.create(analysis=analysis, goal_area="services", text="b")
    Finding.objects.create(analysis=analysis, goal_area="participation", text="c")
    Workshop.objects.create(
        analysis=analysis,
        held_on=dt.date(2024, 5, 1),
        title="T1",
        adult_participants=7,
        children_0_5=2,
        children_12_17=4,
    )
    Workshop.objects.create(analysis=analysis, held_on=dt.date(2024, 6, 1), title="T2", children_6_11=5)
    ImprovementOpportunity.objects.create(
        analysis=analysis, title="o", goal_area="equity", criticality="low", horizon="long"
    )
    facts = contracts.diagnosis_facts(world.municipality)
    assert facts is not None and facts.pk == analysis.pk
    assert (facts.findings, facts.findings_by_goal_area["services"], facts.findings_by_goal_area["family"]) == (3, 2, 0)
    assert (facts.workshops, facts.adult_participants, facts.children_participants) == (2, 7, 11)
    assert facts.opportunities_by_criticality == {"high": 1, "medium": 0, "low": 1} and facts.opportunities == 2
    other = contracts.diagnosis_facts(world.other_municipality)
    assert other is not None and other.findings == 0 and other.workshops == 0  # its own analysis only
    assert contracts.diagnosis_facts(world.region) is None
    newer = SituationAnalysis.objects.create(
        org_unit=world.municipality, title="Nuevo", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30)
    )
    latest = contracts.diagnosis_facts(world.municipality)
    assert latest is not None and latest.pk == newer.pk and latest.findings == 0


def test_areas_of_another_municipality_never_enter_a_plans_budget(world: World, plan: LocalPlan) -> None:
    # A sibling municipality with a plan of its own: the home plan's figures do not move.
    before = contracts.plan_progress(plan)
    sibling = world.region.children.exclude(pk=world.municipality.pk).get()
    build_plan(
        sibling,
        Area.objects.create(org_unit=sibling, kind=AreaKind.CULTURE, name="Cultura"),
        Area.objects.create(org_unit=sibling, kind=AreaKind.SPORTS, name="Deportes"),
        prefix="Vecino ",
    )
    assert contracts.plan_progress(plan) == before
    assert contracts.budget_execution(world.municipality, 2025).planned == Decimal("4000")
    assert contracts.budget_execution(world.region, 2025).planned == Decimal("8000")
