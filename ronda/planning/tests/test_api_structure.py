"""The API of structure editing and of the diagnosis (planning/api_structure.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import policies, services
from ronda.planning.models import (
    Finding,
    LocalPlan,
    Measure,
    MeasureIndicator,
    MeasureStatus,
    Milestone,
    Objective,
    PlanChange,
    StrategicLine,
    Workshop,
)
from ronda.planning.services import ChangeRecord
from ronda.planning.tests.conftest import build_plan
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

API = "/api/v1/planning"
NONE = dict.fromkeys(Role.values, 404)
READERS = {role: 200 if role in policies.PLAN_READERS else 404 for role in Role.values}
LIST_AWAY = {role: 200 for role in policies.PLAN_READERS if role != Role.ADMIN}
CHANGE = ChangeRecord(why="x", approved_by="y")
CHANGE_IN = {"why": "Error de redacción", "approved_by": "Mesa técnica"}


def call(user: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def items(plan: LocalPlan, measure: Measure) -> dict[str, Any]:
    analysis = plan.situation_analysis
    assert analysis is not None
    line = plan.lines.get()
    services.create_line(actor=SYSTEM, plan=plan, title="Segunda línea", goal_area="family", change=CHANGE)
    services.create_objective(actor=SYSTEM, line=line, title="Segundo objetivo", change=CHANGE)
    for name in ("Cobertura", "Asistencia"):
        services.add_indicator(actor=SYSTEM, measure=measure, name=name, change=CHANGE)
    for title, day in (("Arranque", 1), ("Cierre", 2)):
        services.add_milestone(actor=SYSTEM, measure=measure, title=title, due_on=dt.date(2025, 4, day), change=CHANGE)
    for text in ("Uno", "Dos"):
        services.add_finding(actor=SYSTEM, analysis=analysis, goal_area="equity", text=text)
    for title, day in (("Taller 1", 1), ("Taller 2", 2)):
        services.add_workshop(actor=SYSTEM, analysis=analysis, held_on=dt.date(2024, 5, day), title=title)
    Measure.objects.filter(plan=plan).update(status=MeasureStatus.CANCELLED)  # lines and objectives may go
    return {
        "analysis": analysis,
        "lines": StrategicLine.objects.filter(plan=plan).first(),
        "objectives": Objective.objects.filter(line=line).first(),
        "indicators": MeasureIndicator.objects.filter(measure=measure).first(),
        "milestones": Milestone.objects.filter(measure=measure).first(),
        "findings": Finding.objects.filter(analysis=analysis).first(),
        "workshops": Workshop.objects.filter(analysis=analysis).first(),
    }


MODELS = {
    "lines": StrategicLine,
    "objectives": Objective,
    "indicators": MeasureIndicator,
    "milestones": Milestone,
    "findings": Finding,
    "workshops": Workshop,
}
PATCHES: dict[str, dict[str, Any]] = {
    "lines": {"title": "Servicios esenciales de calidad"},
    "objectives": {"title": "Mejorar la salud infantil y adolescente"},
    "indicators": {"target": "90"},
    "milestones": {"title": "Arranque del servicio"},
    "findings": {"text": "Uno, corregido"},
    "workshops": {"children_6_11": 4},
}
PLAN_KINDS = ("lines", "objectives", "indicators", "milestones")


def _version(kind: str, pk: int) -> int:
    return MODELS[kind]._base_manager.get(pk=pk).version  # type: ignore[attr-defined]


def _state(kind: str) -> Callable[[], Any]:
    def state() -> Any:
        rows = MODELS[kind]._base_manager.order_by("pk").values_list("pk", "version", "archived_at")  # type: ignore[attr-defined]
        return (list(rows), PlanChange.objects.count())

    return state


def _body(kind: str, pk: int, extra: dict[str, Any]) -> dict[str, Any]:
    body = {"version": _version(kind, pk), **extra}
    if kind in PLAN_KINDS:
        body["change"] = CHANGE_IN
    return body


# --- Access matrices -------------------------------------------------------------------------
def test_analysis_list_and_detail_matrix(world: World, items: dict[str, Any]) -> None:
    check_access_matrix(world, url=f"{API}/analyses", expected=READERS, api=True, away=LIST_AWAY)
    check_access_matrix(world, url=f"{API}/analyses/{items['analysis'].pk}", expected=READERS, api=True)


@pytest.mark.parametrize("kind", ["findings", "workshops"])
def test_create_diagnosis_item_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    body = (
        {"goal_area": "family", "text": "Nuevo"}
        if kind == "findings"
        else {"title": "Taller 3", "held_on": "2024-06-01", "children_12_17": 3}
    )
    check_access_matrix(
        world,
        url=f"{API}/analyses/{items['analysis'].pk}/{kind}",
        method="post",
        data=body,
        api=True,
        expected={**NONE, "admin": 201, "coordinator": 201},
        state=lambda: MODELS[kind]._base_manager.count(),  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("kind", list(MODELS))
def test_patch_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk
    check_access_matrix(
        world,
        url=f"{API}/{kind}/{pk}",
        method="patch",
        data=lambda w: _body(kind, pk, PATCHES[kind]),
        api=True,
        expected={**NONE, "admin": 200, "coordinator": 200},
        state=_state(kind),
    )


@pytest.mark.parametrize("kind", list(MODELS))
def test_move_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk

    def data(w: World) -> dict[str, Any]:
        item = MODELS[kind]._base_manager.get(pk=pk)  # type: ignore[attr-defined]
        first = services.structure._siblings(item).first()
        return _body(kind, pk, {"direction": "down" if first.pk == pk else "up"})

    check_access_matrix(
        world,
        url=f"{API}/{kind}/{pk}/move",
        method="post",
        data=data,
        api=True,
        expected={**NONE, "admin": 200, "coordinator": 200},
        state=_state(kind),
    )


@pytest.mark.parametrize("kind", list(MODELS))
def test_delete_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk
    # The administrator (first) removes it; after that it is gone for everybody, the coordinator too.
    check_access_matrix(
        world,
        url=f"{API}/{kind}/{pk}",
        method="delete",
        data=lambda w: _body(kind, pk, {}),
        api=True,
        expected={**NONE, "admin": 200, "coordinator": 404},
        state=_state(kind),
    )
    assert not MODELS[kind].objects.filter(pk=pk).exists()


# --- Behaviour -------------------------------------------------------------------------------
def test_patch_with_stale_version_is_409(world: World, items: dict[str, Any]) -> None:
    coordinator = world.home["coordinator"]
    line = items["lines"]
    url = f"{API}/lines/{line.pk}"
    ok = call(coordinator, "patch", url, {"version": line.version, "title": "Salud", "change": CHANGE_IN})
    assert ok.status_code == 200 and ok.json()["title"] == "Salud" and ok.json()["version"] == line.version + 1
    stale = call(coordinator, "patch", url, {"version": line.version, "title": "Otra", "change": CHANGE_IN})
    assert stale.status_code == 409
    assert StrategicLine.objects.get(pk=line.pk).title == "Salud"


def test_approved_plan_needs_a_change_record(world: World, items: dict[str, Any]) -> None:
    coordinator = world.home["coordinator"]
    milestone = items["milestones"]
    url = f"{API}/milestones/{milestone.pk}"
    refused = call(coordinator, "delete", url, {"version": milestone.version})
    assert refused.status_code == 422
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    done = call(coordinator, "delete", url, {"version": milestone.version, "change": CHANGE_IN})
    assert done.status_code == 200 and done.json() == {"archived": True}
    assert PlanChange.objects.filter(measure=milestone.measure, why=CHANGE_IN["why"]).exists()


def test_delete_in_a_draft_archives_only_what_is_referred_to(world: World, education: Any) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    measure = draft.measures.get(code="M-1")
    fresh = services.add_indicator(actor=SYSTEM, measure=measure, name="Sin datos")
    used = services.add_indicator(actor=SYSTEM, measure=measure, name="Con datos")
    services.record_indicator_value(actor=SYSTEM, indicator=used, value=Decimal(1), measured_on=dt.date(2025, 6, 1))
    coordinator = world.home["coordinator"]
    first = call(coordinator, "delete", f"{API}/indicators/{fresh.pk}", {"version": 1})
    second = call(coordinator, "delete", f"{API}/indicators/{used.pk}", {"version": 2})
    assert (first.json(), second.json()) == ({"archived": False}, {"archived": True})


def test_analysis_detail_lists_findings_and_workshops_but_not_archived_ones(
    world: World, items: dict[str, Any]
) -> None:
    analysis = items["analysis"]
    services.remove(actor=SYSTEM, item=items["findings"], expected_version=None)
    body = call(world.home["analyst"], "get", f"{API}/analyses/{analysis.pk}").json()
    assert [f["text"] for f in body["findings"]] == ["Dos"]
    assert [w["title"] for w in body["workshops"]] == ["Taller 1", "Taller 2"]


def test_move_answers_the_new_position(world: World, items: dict[str, Any]) -> None:
    workshop = Workshop.objects.get(title="Taller 2")
    answer = call(
        world.home["coordinator"], "post", f"{API}/workshops/{workshop.pk}/move", {"version": 1, "direction": "up"}
    )
    assert answer.json() == {"position": 1, "count": 2}
    assert [w.title for w in Workshop.objects.filter(analysis=items["analysis"])] == ["Taller 2", "Taller 1"]
