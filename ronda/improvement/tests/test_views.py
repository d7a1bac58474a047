"""Every improvement page for every role, at home, away and anonymous; denied writes change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.core import grants
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.improvement.models import (
    AssessmentRound,
    Criterion,
    Mentor,
    PilotProject,
    PilotResult,
    PilotStage,
    ProposedMeasure,
    Score,
    TeamMember,
)
from ronda.improvement.tests.conftest import Scene, criterion, days_ago
from ronda.planning.models import ImprovementOpportunity, Measure
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, area_focal=200, supervisor=200, analyst=200)
COORDINATOR = dict(NONE, coordinator=200)
WRITES = dict(NONE, coordinator=302)


def written() -> tuple[Any, ...]:
    models = (
        AuditEvent,
        AssessmentRound,
        Criterion,
        Score,
        TeamMember,
        PilotProject,
        PilotStage,
        Mentor,
        PilotResult,
        ProposedMeasure,
        ImprovementOpportunity,
        Measure,
    )
    versions = (AssessmentRound, Score, TeamMember, PilotProject, PilotStage)
    return (
        tuple(m.objects.count() for m in models),
        tuple(sum(m.objects.values_list("version", flat=True)) for m in versions),
    )


def test_index(world: World) -> None:
    one = {r: 302 for r, status in READERS.items() if status == 200}
    check_access_matrix(
        world,
        url=reverse("improvement:index"),
        expected=NONE | one | {"admin": 200, "secretariat": 200},
        away={"secretariat": 302, "coordinator": 302, "area_focal": 302, "supervisor": 302, "analyst": 302},
    )


@pytest.mark.parametrize("name", ["overview", "checklist", "comparison", "team"])
def test_municipality_pages(world: World, scene: Scene, name: str) -> None:
    check_access_matrix(world, url=reverse(f"improvement:{name}", args=[world.municipality.pk]), expected=READERS)


def test_round_and_pilot_pages(world: World, scene: Scene) -> None:
    check_access_matrix(world, url=reverse("improvement:round_detail", args=[scene.round.pk]), expected=READERS)
    check_access_matrix(world, url=reverse("improvement:pilot_detail", args=[scene.pilot.pk]), expected=READERS)


def test_a_seat_on_the_body_reads_whatever_the_role(
    client: Client, world: World, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    defender = world.home["defender"]
    url = reverse("improvement:overview", args=[world.municipality.pk])
    login(client, defender)
    assert client.get(url).status_code == 404
    seat = world.municipality.path
    monkeypatch.setitem(grants._providers, grants.BODY_SEAT, lambda a: (seat,) if a.user == defender else ())
    assert client.get(url).status_code == 200
    assert client.get(reverse("improvement:overview", args=[world.other_municipality.pk])).status_code == 404
    assert client.get(reverse("improvement:round_scores", args=[scene.round.pk])).status_code == 404


def test_the_administrator_reads_no_names(client: Client, world: World, scene: Scene) -> None:
    login(client, world.home["admin"])
    page = client.get(reverse("improvement:team", args=[world.municipality.pk])).content.decode()
    assert "Carmen Jaramillo" not in page and "carmen@example.org" not in page
    login(client, world.home["supervisor"])
    page = client.get(reverse("improvement:team", args=[world.municipality.pk])).content.decode()
    assert "Carmen Jaramillo" in page


def test_criterion_create(world: World) -> None:
    url = reverse("improvement:criterion_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    dimension = Criterion.objects.filter(municipality=None).first().dimension  # type: ignore[union-attr]
    data = {
        "dimension": dimension.pk,
        "title": "Padrón",
        "level_0": "a",
        "level_1": "b",
        "level_2": "c",
        "level_3": "d",
    }
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert Criterion.objects.filter(municipality=world.municipality).count() == 1


def test_criterion_revise(world: World) -> None:
    from ronda.core.tenancy import SYSTEM
    from ronda.improvement import services

    own = services.add_criterion(
        actor=SYSTEM,
        municipality=world.municipality,
        dimension=criterion("E1").dimension,
        title="Padrón",
        levels=["a", "b", "c", "d"],
    )
    url = reverse("improvement:criterion_revise", args=[own.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"title": "Padrón nominal", "level_0": "a", "level_1": "b", "level_2": "c", "level_3": "e"}
    # After the first revision the criterion is retired: a second post is refused in words (200).
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert Criterion.objects.get(replaces=own).level_3 == "e"
    # The default checklist is nobody's to revise.
    check_access_matrix(world, url=reverse("improvement:criterion_revise", args=[criterion("E1").pk]), expected=NONE)


def test_round_create(world: World, scene: Scene) -> None:
    url = reverse("improvement:round_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"title": "Ronda 2", "held_on": days_ago(1).isoformat(), "participants": [scene.member.pk]}
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    created = AssessmentRound.objects.get(title="Ronda 2")
    assert list(created.participants.all()) == [scene.member]


def test_a_round_in_the_future_is_refused_on_the_page(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("improvement:round_create", args=[world.municipality.pk]), {"title": "R", "held_on": tomorrow}
    )
    assert response.status_code == 200 and "held_on" in response.context["form"].errors
    assert not AssessmentRound.objects.exists()


def test_round_scores(world: World, scene: Scene) -> None:
    url = reverse("improvement:round_scores", args=[scene.round.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    e2 = criterion("E2")

    def data(_world: World) -> dict[str, Any]:
        current = AssessmentRound.objects.get(pk=scene.round.pk)
        return {"version": current.version, f"level_{e2.pk}": "1", f"evidence_{e2.pk}": "Actas"}

    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    score = Score.objects.get(round=scene.round, criterion=e2)
    assert (score.level, score.evidence) == (1, "Actas")
    # Criteria left unscored on the form lose their score (E1, D1, D2 were not sent).
    assert list(Score.objects.filter(round=scene.round).values_list("criterion__code", flat=True)) == ["E2"]


def test_gap_to_opportunity(world: World, scene: Scene) -> None:
    gap = Score.objects.get(round=scene.round, criterion=criterion("E1"))
    url = reverse("improvement:gap_to_opportunity", args=[gap.pk])
    before = ImprovementOpportunity.objects.count()
    check_access_matrix(world, url=url, method="post", data={}, expected=WRITES, state=written)
    # The coordinator's one click made one opportunity; it cannot be made twice.
    assert ImprovementOpportunity.objects.count() == before + 1
    assert Score.objects.get(pk=gap.pk).opportunity is not None


def test_member_create_and_edit(world: World, scene: Scene) -> None:
    url = reverse("improvement:member_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"full_name": "Ana Ríos", "programme_role": "technical", "area": world.area.pk, "from_date": days_ago(3)}
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert TeamMember.objects.filter(full_name="Ana Ríos", area=world.area).count() == 1

    url = reverse("improvement:member_edit", args=[scene.member.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def edit(_world: World) -> dict[str, Any]:
        current = TeamMember.objects.get(pk=scene.member.pk)
        return {
            "full_name": current.full_name,
            "programme_role": "coordinator",
            "profile": "Trabajadora social",
            "from_date": current.from_date.isoformat(),
            "version": current.version,
        }

    check_access_matrix(world, url=url, method="post", data=edit, expected=WRITES, state=written)
    assert TeamMember.objects.get(pk=scene.member.pk).profile == "Trabajadora social"


def test_pilot_create(world: World, scene: Scene) -> None:
    url = reverse("improvement:pilot_create", args=[world.municipality.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"opportunity": scene.opportunity.pk, "title": "Piloto 2", "team": [scene.member.pk]}
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert PilotProject.objects.get(title="Piloto 2").stages.count() == 4


def test_pilot_edit(world: World, scene: Scene) -> None:
    url = reverse("improvement:pilot_edit", args=[scene.pilot.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def data(_world: World) -> dict[str, Any]:
        current = PilotProject.objects.get(pk=scene.pilot.pk)
        return {"title": current.title, "narrative": "Buenos resultados", "version": current.version}

    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    pilot = PilotProject.objects.get(pk=scene.pilot.pk)
    assert (pilot.narrative, list(pilot.team.all())) == ("Buenos resultados", [])


def test_stage_edit(world: World, scene: Scene) -> None:
    stage = scene.pilot.stages.get(kind="design")
    url = reverse("improvement:stage_edit", args=[stage.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)

    def data(_world: World) -> dict[str, Any]:
        current = PilotStage.objects.get(pk=stage.pk)
        return {"status": "done", "starts_on": days_ago(30), "ends_on": days_ago(2), "version": current.version}

    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert PilotStage.objects.get(pk=stage.pk).status == "done"


def test_mentor_and_result_create(world: World, scene: Scene) -> None:
    url = reverse("improvement:mentor_create", args=[scene.pilot.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"full_name": "Elena Cabrera", "organisation": "UTPL"}
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert Mentor.objects.filter(pilot=scene.pilot).count() == 1

    url = reverse("improvement:result_create", args=[scene.pilot.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    data = {"indicator": scene.indicator.pk, "expected_change": "Más controles"}
    # Linked once by the coordinator; a second link of the same indicator is refused in words.
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    assert PilotResult.objects.filter(pilot=scene.pilot, indicator=scene.indicator).count() == 1


def test_pilot_propose(world: World, scene: Scene) -> None:
    url = reverse("improvement:pilot_propose", args=[scene.pilot.pk])
    check_access_matrix(world, url=url, expected=COORDINATOR)
    year = scene.plan.period_start.year
    data = {
        "objective": scene.objective.pk,
        "responsible_area": world.area.pk,
        "start_date": dt.date(year, 2, 1).isoformat(),
        "end_date": dt.date(year, 11, 30).isoformat(),
        "titles": "Visitas de crianza\nFormación",
    }
    check_access_matrix(world, url=url, method="post", data=data, expected=WRITES, state=written)
    titles = sorted(Measure.objects.filter(plan=scene.plan).values_list("title", flat=True))
    assert titles == ["Formación", "Visitas de crianza"]
