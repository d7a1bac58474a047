"""Access matrix of EVERY planning page, read and write (a refused write writes nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo import tiny_png
from ronda.planning.models import (
    Evidence,
    Finding,
    ImprovementOpportunity,
    LocalPlan,
    Measure,
    MeasureIndicator,
    Milestone,
    Objective,
    PlanChange,
    ProgressUpdate,
    SituationAnalysis,
    StrategicLine,
    Workshop,
)
from ronda.testing import World, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
# Supervisors read the planning cycle of their municipality (DOMAIN.md), and write nothing.
READERS = {**NONE, "admin": 200, "secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
MANAGERS = {**NONE, "admin": 200, "coordinator": 200}
MEASURE_READERS = {**READERS, "area_focal": 200}
PROGRESS_WRITERS = {**MANAGERS, "area_focal": 200}
# Lists answer their own (empty) content to the same role elsewhere.
LIST_AWAY = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200, "area_focal": 404}


@pytest.fixture
def objs(world: World, plan: LocalPlan, measure: Measure, other_area_measure: Measure) -> dict[str, Any]:
    update = services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        percent=20,
        justification="Con foto",
        files=[SimpleUploadedFile("foto.png", tiny_png())],
    )
    other_update = services.record_progress(
        actor=SYSTEM,
        measure=other_area_measure,
        expected_version=None,
        percent=20,
        justification="Con foto",
        files=[SimpleUploadedFile("otra.png", tiny_png())],
    )
    analysis = plan.situation_analysis
    assert analysis is not None
    return {
        "plan": plan,
        "line": plan.lines.get(),
        "measure": Measure.objects.get(pk=measure.pk),
        "other_measure": other_area_measure,
        "analysis": analysis,
        "opportunity": analysis.opportunities.get(),
        "evidence": update.evidence.get(),
        "other_evidence": other_update.evidence.get(),
        "indicator": services.add_indicator(
            actor=SYSTEM,
            measure=measure,
            name="Cobertura",
            change=services.ChangeRecord(why="x", approved_by="y"),
        ),
        "milestone": services.add_milestone(
            actor=SYSTEM,
            measure=measure,
            title="Arranque",
            due_on=dt.date(2025, 4, 1),
            change=services.ChangeRecord(why="x", approved_by="y"),
        ),
    }


def url(name: str, key: str | None = None) -> Callable[[dict[str, Any]], str]:
    return lambda objs: reverse(f"planning:{name}", args=[objs[key].pk] if key else [])


GET_PAGES = [
    ("analysis_list", None, READERS, LIST_AWAY),
    ("analysis_create", None, MANAGERS, {"coordinator": 200}),
    ("analysis_detail", "analysis", READERS, 404),
    ("analysis_edit", "analysis", MANAGERS, 404),
    ("prioritisation", "analysis", READERS, 404),
    ("finding_create", "analysis", MANAGERS, 404),
    ("workshop_create", "analysis", MANAGERS, 404),
    ("opportunity_create", "analysis", MANAGERS, 404),
    ("opportunity_detail", "opportunity", READERS, 404),
    ("opportunity_edit", "opportunity", MANAGERS, 404),
    ("plan_list", None, READERS, LIST_AWAY),
    ("plan_create", None, MANAGERS, {"coordinator": 200}),
    ("plan_detail", "plan", READERS, 404),
    ("plan_edit", "plan", MANAGERS, 404),
    ("plan_status", "plan", MANAGERS, 404),
    ("line_create", "plan", MANAGERS, 404),
    ("objective_create", "line", MANAGERS, 404),
    ("measure_create", "plan", MANAGERS, 404),
    ("measure_detail", "measure", MEASURE_READERS, 404),
    ("measure_detail", "other_measure", READERS, 404),
    ("measure_edit", "measure", MANAGERS, 404),
    ("progress_create", "measure", PROGRESS_WRITERS, 404),
    ("progress_create", "other_measure", MANAGERS, 404),
    ("indicator_create", "measure", MANAGERS, 404),
    ("indicator_value", "indicator", MANAGERS, 404),
    ("milestone_create", "measure", MANAGERS, 404),
    ("milestone_done", "milestone", MANAGERS, 404),
    ("evidence_download", "evidence", MEASURE_READERS, 404),
    ("evidence_download", "other_evidence", READERS, 404),
    ("my_measures", None, MEASURE_READERS, {**LIST_AWAY, "area_focal": 200}),
]


@pytest.mark.parametrize(("name", "key", "expected", "away"), GET_PAGES, ids=[f"{p[0]}-{p[1]}" for p in GET_PAGES])
def test_get_matrix(world: World, objs: dict[str, Any], name: str, key: str | None, expected, away) -> None:
    check_access_matrix(world, url=url(name, key)(objs), expected=expected, away=away)


def test_home_matrix(world: World, objs: dict[str, Any]) -> None:
    # Everybody with a part in planning is sent somewhere (their measures, their plan, the list).
    expected = {
        **NONE,
        **dict.fromkeys(("admin", "secretariat", "coordinator", "analyst", "supervisor", "area_focal"), 302),
    }
    away = dict.fromkeys(("secretariat", "coordinator", "analyst", "supervisor", "area_focal"), 302)
    check_access_matrix(world, url=reverse("planning:home"), expected=expected, away=away)


def counts() -> tuple[int, ...]:
    models = (
        SituationAnalysis,
        Finding,
        Workshop,
        ImprovementOpportunity,
        LocalPlan,
        StrategicLine,
        Objective,
        Measure,
        PlanChange,
        ProgressUpdate,
        Evidence,
        MeasureIndicator,
        Milestone,
    )
    return (*(m.objects.count() for m in models), AuditEvent.objects.count())


def measure_state(pk: int) -> Callable[[], tuple[Any, ...]]:
    def state() -> tuple[Any, ...]:
        m = Measure.objects.get(pk=pk)
        return (m.title, m.version, m.progress, *counts())

    return state


CHANGE = {"change_why": "Ajuste acordado", "change_approved_by": "Mesa técnica"}


def post_cases(objs: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], Any]]:
    plan, measure, analysis = objs["plan"], objs["measure"], objs["analysis"]
    opportunity, indicator, milestone = objs["opportunity"], objs["indicator"], objs["milestone"]
    objective = objs["line"].objectives.get()
    return [
        (
            reverse("planning:analysis_create"),
            "create",
            {"title": "Nuevo", "period_start": "2023-01-01", "period_end": "2023-12-31", "municipality": "A-M"},
            None,
        ),
        (
            reverse("planning:analysis_edit", args=[analysis.pk]),
            "edit",
            lambda w: {
                "title": "Diagnóstico revisado",
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "version": SituationAnalysis.objects.get(pk=analysis.pk).version,
            },
            None,
        ),
        (
            reverse("planning:finding_create", args=[analysis.pk]),
            "create",
            {"goal_area": "equity", "text": "Hallazgo"},
            None,
        ),
        (
            reverse("planning:workshop_create", args=[analysis.pk]),
            "create",
            {
                "title": "Taller",
                "held_on": "2024-05-01",
                "adult_participants": 3,
                "children_0_5": 0,
                "children_6_11": 5,
                "children_12_17": 2,
            },
            None,
        ),
        (
            reverse("planning:opportunity_create", args=[analysis.pk]),
            "create",
            {"title": "Oportunidad", "goal_area": "family", "criticality": "low", "horizon": "long"},
            None,
        ),
        (
            reverse("planning:opportunity_edit", args=[opportunity.pk]),
            "edit",
            lambda w: {
                "title": "Control de niño sano ampliado",
                "goal_area": "services",
                "criticality": "high",
                "horizon": "short",
                "version": ImprovementOpportunity.objects.get(pk=opportunity.pk).version,
            },
            None,
        ),
        (
            reverse("planning:plan_create"),
            "create",
            {
                "title": "Plan nuevo",
                "period_start": "2029-01-01",
                "period_end": "2032-12-31",
                "weighting": "equal",
                "municipality": "A-M",
            },
            None,
        ),
        (
            reverse("planning:plan_edit", args=[plan.pk]),
            "edit",
            lambda w: {
                "title": "Plan local revisado",
                "period_start": "2025-01-01",
                "period_end": "2028-12-31",
                "weighting": "budget",
                "version": LocalPlan.objects.get(pk=plan.pk).version,
                **CHANGE,
            },
            None,
        ),
        (
            reverse("planning:line_create", args=[plan.pk]),
            "create",
            {"title": "Línea", "goal_area": "family", **CHANGE},
            None,
        ),
        (
            reverse("planning:objective_create", args=[objs["line"].pk]),
            "create",
            {"title": "Objetivo", **CHANGE},
            None,
        ),
        (
            reverse("planning:measure_create", args=[plan.pk]),
            "create",
            {
                "objective": objective.pk,
                "title": "Medida nueva",
                "responsible_area": objs["measure"].responsible_area_id,
                "horizon": "short",
                "start_date": "2025-05-01",
                "end_date": "2025-12-31",
                "status": "not_started",
                "planned_2025": "500",
                **CHANGE,
            },
            None,
        ),
        (
            reverse("planning:measure_edit", args=[measure.pk]),
            "edit",
            lambda w: {
                "objective": objective.pk,
                "code": "M-1",
                "title": "Medida renombrada",
                "responsible_area": measure.responsible_area_id,
                "horizon": "short",
                "start_date": "2025-02-01",
                "end_date": "2026-12-31",
                "status": Measure.objects.get(pk=measure.pk).status,
                "planned_2025": "1000",
                "executed_2025": "100",
                "version": Measure.objects.get(pk=measure.pk).version,
                **CHANGE,
            },
            measure.pk,
        ),
        (
            reverse("planning:indicator_create", args=[measure.pk]),
            "create",
            {"name": "Indicador", "baseline": "1", "target": "5", **CHANGE},
            None,
        ),
        (
            reverse("planning:indicator_value", args=[indicator.pk]),
            "edit",
            {"value": "3", "measured_on": "2025-06-01"},
            None,
        ),
        (
            reverse("planning:milestone_create", args=[measure.pk]),
            "create",
            {"title": "Hito", "due_on": "2026-01-31", **CHANGE},
            None,
        ),
        (reverse("planning:milestone_done", args=[milestone.pk]), "edit", {"done_on": "2025-04-03"}, None),
    ]


@pytest.mark.parametrize("index", range(16))
def test_post_matrix_refused_writes_nothing(world: World, objs: dict[str, Any], index: int) -> None:
    target, _kind, data, measure_pk = post_cases(objs)[index]
    expected = {**NONE, "admin": 302, "coordinator": 302}
    away: dict[str, int] = {}
    if target in (reverse("planning:analysis_create"), reverse("planning:plan_create")):
        # The neighbouring coordinator creates in their own municipality (they name none).
        away = {"coordinator": 302}
    state = measure_state(measure_pk) if measure_pk else counts
    check_access_matrix(world, url=target, method="post", data=data, expected=expected, away=away, state=state)


def test_plan_status_post_matrix(world: World, objs: dict[str, Any]) -> None:
    plan = objs["plan"]
    expected = {**NONE, "admin": 302, "coordinator": 302}  # approved > in execution > evaluated

    def state() -> tuple[Any, ...]:
        return (LocalPlan.objects.get(pk=plan.pk).status, *counts())

    check_access_matrix(
        world,
        url=reverse("planning:plan_status", args=[plan.pk]),
        method="post",
        data=lambda w: {"version": LocalPlan.objects.get(pk=plan.pk).version},
        expected=expected,
        state=state,
    )
    assert LocalPlan.objects.get(pk=plan.pk).status == "evaluated"


@pytest.mark.parametrize("key", ["measure", "other_measure"])
def test_progress_post_matrix(world: World, objs: dict[str, Any], key: str) -> None:
    measure = objs[key]
    expected = {**NONE, "admin": 302, "coordinator": 302}
    if key == "measure":
        expected["area_focal"] = 302  # their own area's measure; another area's answers 404
    check_access_matrix(
        world,
        url=reverse("planning:progress_create", args=[measure.pk]),
        method="post",
        data=lambda w: {
            "percent": "45",
            "justification": "Avance del mes",
            "version": Measure.objects.get(pk=measure.pk).version,
        },
        expected=expected,
        state=measure_state(measure.pk),
    )
