"""Correcting the structure of plans and diagnoses: edit, reorder, remove (services, pages, access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ronda.core.errors import ConflictError
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.models import (
    Finding,
    LocalPlan,
    Measure,
    MeasureIndicator,
    MeasureStatus,
    Milestone,
    Objective,
    PlanChange,
    PlanningAction,
    StrategicLine,
    Workshop,
)
from ronda.planning.services import ChangeRecord
from ronda.planning.tests.conftest import build_plan
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

NONE = dict.fromkeys(Role.values, 404)
MANAGERS = {**NONE, "admin": 200, "coordinator": 200}
CHANGE = ChangeRecord(why="Error de redacción", approved_by="Mesa técnica, sesión 4")
CHANGE_POST = {"change_why": "Error de redacción", "change_approved_by": "Mesa técnica"}


@pytest.fixture
def draft(world: World, education: Any) -> LocalPlan:
    return build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")


def _lines(plan: LocalPlan, *titles: str) -> list[StrategicLine]:
    return [services.create_line(actor=SYSTEM, plan=plan, title=t, goal_area="family", change=CHANGE) for t in titles]


def _orders(plan: LocalPlan) -> list[tuple[str, int]]:
    return [(line.title, line.order) for line in StrategicLine.objects.filter(plan=plan)]


# --- Edit ------------------------------------------------------------------------------------
def test_edit_line_with_stale_version_is_a_conflict(draft: LocalPlan) -> None:
    line = draft.lines.get()
    services.update_line(
        actor=SYSTEM, line=line, expected_version=1, title="Servicios esenciales ", goal_area="services"
    )
    line.refresh_from_db()
    assert line.version == 1  # nothing changed (the title is trimmed), nothing written
    services.update_line(actor=SYSTEM, line=line, expected_version=1, title="Servicios básicos", goal_area="services")
    with pytest.raises(ConflictError):
        services.update_line(actor=SYSTEM, line=line, expected_version=1, title="Otro", goal_area="services")
    line.refresh_from_db()
    assert (line.title, line.version) == ("Servicios básicos", 2)
    event = AuditEvent.objects.filter(action=PlanningAction.STRUCTURE_EDITED, target_id=str(line.pk)).get()
    assert event.changes["title"] == ["Servicios esenciales", "Servicios básicos"]


@pytest.mark.parametrize("kind", ["objective", "indicator", "milestone", "finding", "workshop"])
def test_every_kind_refuses_a_stale_version(plan: LocalPlan, measure: Measure, kind: str) -> None:
    analysis = plan.situation_analysis
    assert analysis is not None
    edits: dict[str, Callable[[int], Any]] = {}
    objective = Objective.objects.get(line__plan=plan)
    indicator = services.add_indicator(actor=SYSTEM, measure=measure, name="Cobertura", change=CHANGE)
    milestone = services.add_milestone(
        actor=SYSTEM, measure=measure, title="Arranque", due_on=dt.date(2025, 4, 1), change=CHANGE
    )
    finding = services.add_finding(actor=SYSTEM, analysis=analysis, goal_area="equity", text="Hallazgo")
    workshop = services.add_workshop(actor=SYSTEM, analysis=analysis, held_on=dt.date(2024, 5, 1), title="Taller")
    edits["objective"] = lambda v: services.update_objective(
        actor=SYSTEM, objective=objective, expected_version=v, title=f"Objetivo {v}", change=CHANGE
    )
    edits["indicator"] = lambda v: services.update_indicator(
        actor=SYSTEM,
        indicator=indicator,
        expected_version=v,
        name=f"Cobertura {v}",
        target=Decimal("80"),
        change=CHANGE,
    )
    edits["milestone"] = lambda v: services.update_milestone(
        actor=SYSTEM,
        milestone=milestone,
        expected_version=v,
        title=f"Hito {v}",
        due_on=dt.date(2025, 5, 1),
        change=CHANGE,
    )
    edits["finding"] = lambda v: services.update_finding(
        actor=SYSTEM, finding=finding, expected_version=v, goal_area="equity", text=f"Hallazgo {v}"
    )
    edits["workshop"] = lambda v: services.update_workshop(
        actor=SYSTEM, workshop=workshop, expected_version=v, held_on=dt.date(2024, 5, 2), title=f"Taller {v}"
    )
    edited = edits[kind](1)
    assert edited.version == 2
    with pytest.raises(ConflictError):
        edits[kind](1)


def test_correcting_a_finding_or_workshop_keeps_the_length_limits(plan: LocalPlan) -> None:
    """An edit is held to the same rules as the first entry: no 39,000-character finding by editing."""
    from django.core.exceptions import ValidationError

    from ronda.planning import limits

    analysis = plan.situation_analysis
    assert analysis is not None
    finding = services.add_finding(actor=SYSTEM, analysis=analysis, goal_area="equity", text="Hallazgo")
    workshop = services.add_workshop(actor=SYSTEM, analysis=analysis, held_on=dt.date(2024, 5, 1), title="Taller")
    with pytest.raises(ValidationError) as too_long:
        services.update_finding(
            actor=SYSTEM, finding=finding, expected_version=1, goal_area="equity", text="x" * (limits.DESCRIPTION + 1)
        )
    assert "text" in too_long.value.message_dict
    with pytest.raises(ValidationError) as notes:
        services.update_workshop(
            actor=SYSTEM,
            workshop=workshop,
            expected_version=1,
            held_on=dt.date(2024, 5, 1),
            title="Taller",
            notes="y" * (limits.NOTE + 1),
        )
    assert "notes" in notes.value.message_dict
    finding.refresh_from_db()
    workshop.refresh_from_db()
    assert (finding.text, finding.version, workshop.notes) == ("Hallazgo", 1, "")


def test_edit_after_approval_needs_a_change_record(plan: LocalPlan) -> None:
    line = plan.lines.get()
    with pytest.raises(ValidationError) as exc:
        services.update_line(actor=SYSTEM, line=line, expected_version=1, title="Salud", goal_area="services")
    assert "change_why" in exc.value.message_dict
    assert StrategicLine.objects.get(pk=line.pk).title == "Servicios esenciales"
    services.update_line(
        actor=SYSTEM, line=line, expected_version=1, title="Salud", goal_area="services", change=CHANGE
    )
    change = PlanChange.objects.filter(plan=plan).latest("id")
    assert change.why == CHANGE.why and "Salud" in change.what


# --- Reorder ---------------------------------------------------------------------------------
def test_move_keeps_a_dense_order(draft: LocalPlan) -> None:
    second, third = _lines(draft, "Segunda", "Tercera")
    first = draft.lines.get(title="Servicios esenciales")
    StrategicLine.objects.filter(pk=third.pk).update(order=7)  # a gap, as old data may have
    where = services.move(actor=SYSTEM, item=third, direction="up", expected_version=third.version)
    assert (where.position, where.count) == (2, 3)
    assert _orders(draft) == [("Servicios esenciales", 1), ("Tercera", 2), ("Segunda", 3)]
    assert AuditEvent.objects.filter(action=PlanningAction.STRUCTURE_REORDERED).count() == 2
    with pytest.raises(ValidationError):
        services.move(actor=SYSTEM, item=first, direction="up", expected_version=None)
    with pytest.raises(ConflictError):
        services.move(actor=SYSTEM, item=second, direction="up", expected_version=second.version)  # it moved


def test_move_of_unordered_items_numbers_them_all(plan: LocalPlan, measure: Measure) -> None:
    _a, _b, c = (
        services.add_milestone(actor=SYSTEM, measure=measure, title=t, due_on=dt.date(2025, 4, d), change=CHANGE)
        for t, d in (("A", 1), ("B", 2), ("C", 3))
    )
    services.move(actor=SYSTEM, item=c, direction="up", expected_version=c.version, change=CHANGE)
    assert [(m.title, m.order) for m in Milestone.objects.filter(measure=measure)] == [("A", 1), ("C", 2), ("B", 3)]
    late = services.add_milestone(actor=SYSTEM, measure=measure, title="D", due_on=dt.date(2025, 1, 1), change=CHANGE)
    assert list(Milestone.objects.filter(measure=measure))[-1] == late  # a new one comes last


def test_move_after_approval_needs_a_change_record(plan: LocalPlan) -> None:
    (second,) = _lines(plan, "Segunda")
    with pytest.raises(ValidationError):
        services.move(actor=SYSTEM, item=second, direction="up", expected_version=None)
    assert _orders(plan)[0][0] == "Servicios esenciales"
    services.move(actor=SYSTEM, item=second, direction="up", expected_version=None, change=CHANGE)
    assert _orders(plan)[0][0] == "Segunda"
    assert "posición 1 de 2" in PlanChange.objects.filter(plan=plan).latest("id").what


# --- Remove ----------------------------------------------------------------------------------
def test_remove_deletes_what_nothing_refers_to(draft: LocalPlan) -> None:
    first = draft.lines.get()
    empty, _last = _lines(draft, "Vacía", "Última")
    removal = services.remove(actor=SYSTEM, item=empty, expected_version=empty.version)
    assert not removal.archived
    assert not StrategicLine._base_manager.filter(pk=empty.pk).exists()
    assert _orders(draft) == [(first.title, 1), ("Última", 2)]  # no gap
    assert AuditEvent.objects.filter(action=PlanningAction.STRUCTURE_REMOVED, target_id=str(empty.pk)).exists()


def test_remove_archives_an_objective_with_measures(draft: LocalPlan) -> None:
    objective = Objective.objects.get(line__plan=draft)
    with pytest.raises(ValidationError):  # its measures still run
        services.remove(actor=SYSTEM, item=objective, expected_version=None)
    Measure.objects.filter(objective=objective).update(status=MeasureStatus.CANCELLED)
    removal = services.remove(actor=SYSTEM, item=objective, expected_version=objective.version)
    assert removal.archived
    assert not Objective.objects.filter(pk=objective.pk).exists()  # gone from every page
    assert Objective._base_manager.get(pk=objective.pk).archived_at is not None  # kept
    assert Measure.objects.filter(objective_id=objective.pk).count() == 2
    assert AuditEvent.objects.filter(action=PlanningAction.STRUCTURE_ARCHIVED, target_id=str(objective.pk)).exists()


def test_remove_archives_an_indicator_with_values(draft: LocalPlan) -> None:
    measure = draft.measures.get(code="M-1")
    fresh = services.add_indicator(actor=SYSTEM, measure=measure, name="Sin datos")
    used = services.add_indicator(actor=SYSTEM, measure=measure, name="Con datos")
    services.record_indicator_value(actor=SYSTEM, indicator=used, value=Decimal(3), measured_on=dt.date(2025, 6, 1))
    used.refresh_from_db()
    assert not services.remove(actor=SYSTEM, item=fresh, expected_version=fresh.version).archived
    assert services.remove(actor=SYSTEM, item=used, expected_version=used.version).archived
    assert list(measure.indicators.all()) == []
    assert MeasureIndicator._base_manager.filter(pk=used.pk).exists()


def test_remove_after_approval_archives_through_a_change_record(plan: LocalPlan, measure: Measure) -> None:
    milestone = services.add_milestone(
        actor=SYSTEM, measure=measure, title="Arranque", due_on=dt.date(2025, 4, 1), change=CHANGE
    )
    with pytest.raises(ValidationError) as exc:
        services.remove(actor=SYSTEM, item=milestone, expected_version=None)
    assert set(exc.value.message_dict) >= {"change_why", "change_approved_by"}
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    removal = services.remove(actor=SYSTEM, item=milestone, expected_version=None, change=CHANGE)
    assert removal.archived  # an approved plan's history is never deleted
    change = PlanChange.objects.filter(plan=plan).latest("id")
    assert (change.measure_id, change.why) == (measure.pk, CHANGE.why)


def test_findings_of_a_diagnosis_an_approved_plan_rests_on_are_archived(plan: LocalPlan, draft: LocalPlan) -> None:
    approved_analysis, draft_analysis = plan.situation_analysis, draft.situation_analysis
    assert approved_analysis is not None and draft_analysis is not None
    kept = services.add_finding(actor=SYSTEM, analysis=approved_analysis, goal_area="equity", text="Base del plan")
    loose = services.add_finding(actor=SYSTEM, analysis=draft_analysis, goal_area="equity", text="Borrador")
    assert services.remove(actor=SYSTEM, item=kept, expected_version=None).archived
    assert not services.remove(actor=SYSTEM, item=loose, expected_version=None).archived
    assert Finding._base_manager.filter(pk=kept.pk).exists()
    assert not Finding._base_manager.filter(pk=loose.pk).exists()


# --- Pages -----------------------------------------------------------------------------------
def test_plan_page_links_the_controls_and_moves_without_script(client, world: World, draft: LocalPlan) -> None:
    (second,) = _lines(draft, "Segunda")
    login(client, world.home["coordinator"])
    page = client.get(reverse("planning:plan_detail", args=[draft.pk])).content.decode()
    assert reverse("planning:line_edit", args=[second.pk]) in page
    assert reverse("planning:line_move", args=[second.pk]) in page
    assert reverse("planning:line_remove", args=[second.pk]) in page
    response = client.post(
        reverse("planning:line_move", args=[second.pk]), {"direction": "up", "version": second.version}, follow=True
    )
    assert "posición 1 de 2" in response.content.decode()
    assert _orders(draft)[0] == ("Segunda", 1)


def test_move_button_of_an_approved_plan_asks_for_the_change_first(client, world: World, plan: LocalPlan) -> None:
    (second,) = _lines(plan, "Segunda")
    login(client, world.home["coordinator"])
    url = reverse("planning:line_move", args=[second.pk])
    response = client.post(url, {"direction": "up", "version": second.version})
    assert response.status_code == 200 and 'name="change_why"' in response.content.decode()
    assert _orders(plan)[0][0] == "Servicios esenciales"
    response = client.post(url, {"direction": "up", "version": second.version, **CHANGE_POST})
    assert response.status_code == 302
    assert _orders(plan)[0][0] == "Segunda"


def test_edit_page_with_stale_version_shows_the_conflict(client, world: World, draft: LocalPlan) -> None:
    line = draft.lines.get()
    login(client, world.home["coordinator"])
    url = reverse("planning:line_edit", args=[line.pk])
    assert client.post(url, {"title": "Uno", "goal_area": "services", "version": 1}).status_code == 302
    response = client.post(url, {"title": "Dos", "goal_area": "services", "version": 1})
    with translation.override("es"):
        conflict = str(ConflictError.message)
    assert response.status_code == 200 and conflict in response.content.decode()
    assert StrategicLine.objects.get(pk=line.pk).title == "Uno"


# --- Access matrices of every new page ---------------------------------------------------------
@pytest.fixture
def items(plan: LocalPlan, measure: Measure) -> dict[str, Any]:
    analysis = plan.situation_analysis
    assert analysis is not None
    line = plan.lines.get()
    services.create_objective(actor=SYSTEM, line=line, title="Segundo objetivo", change=CHANGE)
    _lines(plan, "Segunda línea")
    for name in ("Cobertura", "Asistencia"):
        services.add_indicator(actor=SYSTEM, measure=measure, name=name, change=CHANGE)
    for title, day in (("Arranque", 1), ("Cierre", 2)):
        services.add_milestone(actor=SYSTEM, measure=measure, title=title, due_on=dt.date(2025, 4, day), change=CHANGE)
    for text in ("Uno", "Dos"):
        services.add_finding(actor=SYSTEM, analysis=analysis, goal_area="equity", text=text)
    for title, day in (("Taller 1", 1), ("Taller 2", 2)):
        services.add_workshop(actor=SYSTEM, analysis=analysis, held_on=dt.date(2024, 5, day), title=title)
    return {
        "line": StrategicLine.objects.filter(plan=plan).first(),
        "objective": Objective.objects.filter(line=line).first(),
        "indicator": MeasureIndicator.objects.filter(measure=measure).first(),
        "milestone": Milestone.objects.filter(measure=measure).first(),
        "finding": Finding.objects.filter(analysis=analysis).first(),
        "workshop": Workshop.objects.filter(analysis=analysis).first(),
    }


MODELS = {
    "line": StrategicLine,
    "objective": Objective,
    "indicator": MeasureIndicator,
    "milestone": Milestone,
    "finding": Finding,
    "workshop": Workshop,
}
EDIT_DATA: dict[str, dict[str, Any]] = {
    "line": {"title": "Servicios esenciales de calidad", "goal_area": "services"},
    "objective": {"title": "Mejorar la salud infantil y adolescente"},
    "indicator": {"name": "Cobertura de controles", "unit": "%", "target": "90"},
    "milestone": {"title": "Arranque del servicio", "due_on": "2025-04-15"},
    "finding": {"goal_area": "equity", "text": "Uno, corregido"},
    "workshop": {
        "title": "Taller 1 (barrio norte)",
        "held_on": "2024-05-01",
        "adult_participants": 2,
        "children_0_5": 0,
        "children_6_11": 4,
        "children_12_17": 1,
    },
}


def _state(kind: str) -> Callable[[], Any]:
    model = MODELS[kind]

    def state() -> Any:
        rows = model._base_manager.order_by("pk").values_list("pk", "version", "archived_at")  # type: ignore[attr-defined]
        return (list(rows), PlanChange.objects.count())

    return state


def _version(kind: str, pk: int) -> int:
    return MODELS[kind]._base_manager.get(pk=pk).version  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("action", ["edit", "move", "remove"])
def test_get_matrix(world: World, items: dict[str, Any], kind: str, action: str) -> None:
    url = reverse(f"planning:{kind}_{action}", args=[items[kind].pk])
    check_access_matrix(world, url=url, expected=MANAGERS)


@pytest.mark.parametrize("kind", list(MODELS))
def test_edit_post_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk
    check_access_matrix(
        world,
        url=reverse(f"planning:{kind}_edit", args=[pk]),
        method="post",
        data=lambda w: {**EDIT_DATA[kind], **CHANGE_POST, "version": _version(kind, pk)},
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=_state(kind),
    )


@pytest.mark.parametrize("kind", list(MODELS))
def test_move_post_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk

    def data(w: World) -> dict[str, Any]:
        # Down from the first place, up from the second: each allowed attempt really moves it.
        siblings = [row.pk for row in services.structure._siblings(MODELS[kind]._base_manager.get(pk=pk))]  # type: ignore[attr-defined]
        return {"direction": "down" if siblings[0] == pk else "up", "version": _version(kind, pk), **CHANGE_POST}

    check_access_matrix(
        world,
        url=reverse(f"planning:{kind}_move", args=[pk]),
        method="post",
        data=data,
        expected={**NONE, "admin": 302, "coordinator": 302},
        state=_state(kind),
    )


@pytest.mark.parametrize("kind", list(MODELS))
def test_remove_post_matrix(world: World, items: dict[str, Any], kind: str) -> None:
    pk = items[kind].pk
    if kind in ("line", "objective"):
        Measure.objects.filter(plan=items["line"].plan).update(status=MeasureStatus.CANCELLED)
    # The administrator (first in the matrix) removes it; the coordinator then finds nothing (404),
    # as anybody does for a removed item. That a coordinator may remove is the next test's.
    check_access_matrix(
        world,
        url=reverse(f"planning:{kind}_remove", args=[pk]),
        method="post",
        data=lambda w: {"version": _version(kind, pk), **CHANGE_POST},
        expected={**NONE, "admin": 302, "coordinator": 404},
        state=_state(kind),
    )
    assert MODELS[kind]._base_manager.get(pk=pk).archived_at is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", list(MODELS))
def test_coordinator_removes(client, world: World, items: dict[str, Any], kind: str) -> None:
    item = items[kind]
    if kind in ("line", "objective"):
        Measure.objects.filter(plan=items["line"].plan).update(status=MeasureStatus.CANCELLED)
    login(client, world.home["coordinator"])
    response = client.post(reverse(f"planning:{kind}_remove", args=[item.pk]), {"version": item.version, **CHANGE_POST})
    assert response.status_code == 302
    assert not MODELS[kind].objects.filter(pk=item.pk).exists()


def test_measure_and_diagnosis_pages_link_the_controls(client, world: World, items: dict[str, Any]) -> None:
    login(client, world.home["coordinator"])
    measure_page = client.get(reverse("planning:measure_detail", args=[items["indicator"].measure_id])).content.decode()
    analysis_page = client.get(
        reverse("planning:analysis_detail", args=[items["finding"].analysis_id])
    ).content.decode()
    for kind, page in (
        ("indicator", measure_page),
        ("milestone", measure_page),
        ("finding", analysis_page),
        ("workshop", analysis_page),
    ):
        for action in ("edit", "move", "remove"):
            assert reverse(f"planning:{kind}_{action}", args=[items[kind].pk]) in page, (kind, action)
    # A reader sees no control.
    client.logout()
    login(client, world.home["analyst"])
    page = client.get(reverse("planning:analysis_detail", args=[items["finding"].analysis_id])).content.decode()
    assert reverse("planning:finding_edit", args=[items["finding"].pk]) not in page
