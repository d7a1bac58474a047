"""The evaluation API for every role: reading for the plan's readers, writing for its managers;
a draft plan refused; completing the final evaluation marks the plan evaluated."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.evaluation.models import Evaluation, Recommendation
from ronda.evaluation.tests.conftest import completed, make_evaluation
from ronda.planning.models import LocalPlan, PlanStatus
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

API = "/api/v1/evaluation"
ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)


def written() -> tuple[Any, ...]:
    return (
        Evaluation.objects.count(),
        sum(Evaluation.objects.values_list("version", flat=True)),
        Recommendation.objects.count(),
    )


def post(world: World, url: str, data: dict[str, Any], role: str = "coordinator") -> Any:
    token = api_token(world.home[role])
    return Client().post(url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_list_and_read(world: World, evaluation: Evaluation) -> None:
    check_access_matrix(world, url=f"{API}/plans/{evaluation.plan_id}/evaluations", expected=READERS, api=True)
    check_access_matrix(world, url=f"{API}/evaluations/{evaluation.pk}", expected=READERS, api=True)


def test_create(world: World, plan: LocalPlan) -> None:
    data = {"title": "Evaluación", "kind": "participatory", "timing": "midterm", "children_12_17": 8}
    check_access_matrix(
        world,
        url=f"{API}/plans/{plan.pk}/evaluations",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=201, coordinator=201),
        state=written,
    )
    assert Evaluation.objects.filter(plan=plan, children_12_17=8).count() == 2


def test_create_refuses_a_draft_plan(world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    draft = build_plan(world.municipality, world.area, education, approve=False)
    response = post(
        world, f"{API}/plans/{draft.pk}/evaluations", {"title": "E", "kind": "internal", "timing": "midterm"}
    )
    assert response.status_code == 422
    assert not Evaluation.objects.exists()


def test_recommendations(world: World, evaluation: Evaluation) -> None:
    data = {"title": "Más brigadas", "priority": "high", "goal_area": "services", "area_id": world.area.pk}
    check_access_matrix(
        world,
        url=f"{API}/evaluations/{evaluation.pk}/recommendations",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=201, coordinator=201),
        state=written,
    )
    foreign = post(
        world, f"{API}/evaluations/{evaluation.pk}/recommendations", {**data, "area_id": world.other_area.pk}
    )
    assert foreign.status_code == 422
    assert Recommendation.objects.count() == 2


def test_complete_and_publish(world: World, plan: LocalPlan) -> None:
    final = make_evaluation(plan, timing="final")

    def version(_world: World) -> dict[str, Any]:
        return {"version": Evaluation.objects.get(pk=final.pk).version}

    expected = dict(NONE, admin=200, coordinator=422)  # the coordinator finds it already completed
    check_access_matrix(
        world,
        url=f"{API}/evaluations/{final.pk}/complete",
        method="post",
        data=version,
        api=True,
        expected=expected,
        state=written,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.EVALUATED
    check_access_matrix(
        world,
        url=f"{API}/evaluations/{final.pk}/publish",
        method="post",
        data=version,
        api=True,
        expected=expected,
        state=written,
    )
    final.refresh_from_db()
    assert final.status == "published"


def test_the_detail_has_the_results_per_line(world: World, evaluation: Evaluation) -> None:
    completed(evaluation)
    token = api_token(world.home["supervisor"])
    body = Client().get(f"{API}/evaluations/{evaluation.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["status"] == "completed" and body["lines"][0]["objectives"]
    assert body["lines"][0]["title"].endswith("Servicios esenciales")
