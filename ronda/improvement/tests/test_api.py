"""The improvement API: every route and method for every role; the numbers and refusals it returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ronda.core.roles import Role
from ronda.improvement.models import AssessmentRound, PilotProject, Score, TeamMember
from ronda.improvement.tests.conftest import Scene, criterion, days_ago, open_analysis, opportunity_of
from ronda.planning.models import ImprovementOpportunity
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200, supervisor=200, analyst=200)
BASE = "/api/v1/improvement"


def client_of(world: World, role: str = "coordinator") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[role])}")


def counts() -> tuple[int, ...]:
    return (
        AssessmentRound.objects.count(),
        sum(AssessmentRound.objects.values_list("version", flat=True)),
        Score.objects.count(),
        TeamMember.objects.count(),
        PilotProject.objects.count(),
        ImprovementOpportunity.objects.count(),
    )


def test_checklist_and_rounds(world: World, scene: Scene) -> None:
    municipality = world.municipality.pk
    check_access_matrix(world, url=f"{BASE}/municipalities/{municipality}/checklist", expected=READERS, api=True)
    check_access_matrix(world, url=f"{BASE}/municipalities/{municipality}/rounds", expected=READERS, api=True)
    check_access_matrix(world, url=f"{BASE}/rounds/{scene.round.pk}", expected=READERS, api=True)
    data = {"title": "Ronda 2", "held_on": days_ago(2).isoformat(), "participant_ids": [scene.member.pk]}
    check_access_matrix(
        world,
        url=f"{BASE}/municipalities/{municipality}/rounds",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, coordinator=201),
        state=counts,
    )
    assert AssessmentRound.objects.filter(title="Ronda 2").count() == 1


def test_put_scores(world: World, scene: Scene) -> None:
    d2 = criterion("D2")

    def data(_world: World) -> dict[str, Any]:
        version = AssessmentRound.objects.get(pk=scene.round.pk).version
        return {"version": version, "scores": [{"criterion_id": d2.pk, "level": 3, "evidence": "Tablero"}]}

    check_access_matrix(
        world,
        url=f"{BASE}/rounds/{scene.round.pk}/scores",
        method="put",
        data=data,
        api=True,
        expected=dict(NONE, coordinator=200),
        state=counts,
    )
    body = client_of(world).get(f"{BASE}/rounds/{scene.round.pk}").json()
    levels = {s["criterion_id"]: s["level"] for s in body["scores"]}
    # Only D2 was sent: E1 (0), E2 (3) and D1 (1) keep theirs.
    assert levels == {criterion("E1").pk: 0, criterion("E2").pk: 3, criterion("D1").pk: 1, d2.pk: 3}
    expected = (Decimal(sum(levels.values())) * 100 / (3 * len(levels))).quantize(Decimal("0.1"))
    assert Decimal(str(body["overall"])) == expected and body["gaps"] == 2
    team = next(d for d in body["dimensions"] if d["dimension"] == "team")
    assert (team["scored"], Decimal(str(team["percent"]))) == (2, Decimal("50.0"))


def test_a_score_out_of_range_answers_422_in_spanish(world: World, scene: Scene) -> None:
    e1 = criterion("E1")
    before = counts()
    response = client_of(world).put(
        f"{BASE}/rounds/{scene.round.pk}/scores",
        {"version": scene.round.version, "scores": [{"criterion_id": e1.pk, "level": 4}]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 422, response.content
    with translation.override("es"):
        message = gettext("Choose a level from 0 to %(max)d.") % {"max": 3}
    assert {"field": f"level_{e1.pk}", "message": message} in response.json()["errors"]
    assert counts() == before


def test_a_stale_version_answers_409(world: World, scene: Scene) -> None:
    response = client_of(world).put(
        f"{BASE}/rounds/{scene.round.pk}/scores",
        {"version": scene.round.version + 5, "scores": []},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_gap_to_opportunity(world: World, scene: Scene) -> None:
    gap = Score.objects.get(round=scene.round, criterion=criterion("E1"))
    check_access_matrix(
        world,
        url=f"{BASE}/scores/{gap.pk}/opportunity",
        method="post",
        data={},
        api=True,
        expected=dict(NONE, coordinator=201),
        state=counts,
    )
    again = client_of(world).post(f"{BASE}/scores/{gap.pk}/opportunity", {}, content_type="application/json")
    assert again.status_code == 422
    assert ImprovementOpportunity.objects.filter(analysis=scene.analysis).count() == 2  # the scene's and this one


def test_team(world: World, scene: Scene) -> None:
    url = f"{BASE}/municipalities/{world.municipality.pk}/team"
    check_access_matrix(world, url=url, expected=READERS, api=True)
    admin = client_of(world, "admin").get(url).json()["results"]
    assert [(m["full_name"], m["email"]) for m in admin] == [(None, None)]
    data = {
        "full_name": "Ana Ríos",
        "programme_role": "technical",
        "area_id": world.area.pk,
        "from_date": days_ago(3).isoformat(),
    }
    check_access_matrix(
        world, url=url, method="post", data=data, api=True, expected=dict(NONE, coordinator=201), state=counts
    )
    refused = client_of(world).post(url, {**data, "area_id": world.other_area.pk}, content_type="application/json")
    assert refused.status_code == 422


def test_pilots(world: World, scene: Scene) -> None:
    url = f"{BASE}/municipalities/{world.municipality.pk}/pilots"
    check_access_matrix(world, url=url, expected=READERS, api=True)
    check_access_matrix(world, url=f"{BASE}/pilots/{scene.pilot.pk}", expected=READERS, api=True)
    data = {"opportunity_id": scene.opportunity.pk, "title": "Piloto 2", "team_ids": [scene.member.pk]}
    check_access_matrix(
        world, url=url, method="post", data=data, api=True, expected=dict(NONE, coordinator=201), state=counts
    )
    created = client_of(world).get(url).json()["results"][0]
    assert (created["title"], [s["kind"] for s in created["stages"]]) == (
        "Piloto 2",
        ["design", "prototype", "implementation", "results"],
    )


def test_a_pilot_for_another_municipalitys_opportunity_is_refused(world: World, scene: Scene) -> None:
    # The coordinator reads only its own municipality's opportunities: a foreign one is refused like a
    # missing one, in words, and nothing is written.
    foreign = opportunity_of(open_analysis(world.other_municipality))
    before = counts()
    response = client_of(world).post(
        f"{BASE}/municipalities/{world.municipality.pk}/pilots",
        {"opportunity_id": foreign.pk, "title": "Piloto"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "opportunity_id"
    assert counts() == before
