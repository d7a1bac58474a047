"""A strategic line in children's words (``StrategicLine.child_title``): typed on the line's page and
through the API, audited, under a change record once the plan is approved, shown on the plan page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.models import AuditAction, AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.planning import limits, services
from ronda.planning.models import LocalPlan, PlanChange, PlanningAction, StrategicLine
from ronda.planning.services import ChangeRecord
from ronda.planning.tests.conftest import build_plan
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db

API = "/api/v1/planning"
CHANGE = ChangeRecord(why="Palabras para niñas y niños", approved_by="Mesa técnica, sesión 5")
CHANGE_POST = {"change_why": "Palabras para niñas y niños", "change_approved_by": "Mesa técnica"}
KIDS = "Que tengas médico, escuela y quien te cuide"


@pytest.fixture
def draft(world: World, education: Any) -> LocalPlan:
    return build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")


def _events(line: StrategicLine, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="planning.strategicline", target_id=str(line.pk), action=action))


def _call(user: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(url, **kwargs)


def test_the_field_is_as_long_as_its_limit() -> None:
    field = StrategicLine._meta.get_field("child_title")
    assert field.max_length == limits.CHILD_TITLE and field.blank


# --- Services ----------------------------------------------------------------------------------
def test_a_new_line_keeps_its_child_title_and_the_trail_says_so(draft: LocalPlan) -> None:
    line = services.create_line(
        actor=SYSTEM, plan=draft, title="Protección", goal_area="environment", child_title=f"  {KIDS} "
    )
    line.refresh_from_db()
    assert line.child_title == KIDS  # trimmed
    [created] = _events(line, AuditAction.CREATE)
    assert created.changes["child_title"] == [None, KIDS]


def test_editing_the_child_title_is_audited_and_leaves_the_rest(draft: LocalPlan) -> None:
    line = draft.lines.get()
    services.update_line(
        actor=SYSTEM, line=line, expected_version=1, title=line.title, goal_area=line.goal_area, child_title=KIDS
    )
    line.refresh_from_db()
    assert (line.child_title, line.title, line.version) == (KIDS, "Servicios esenciales", 2)
    [edited] = _events(line, PlanningAction.STRUCTURE_EDITED)
    assert edited.changes["child_title"] == ["", KIDS]
    # A caller that does not name it (an older client) keeps it; "" clears it.
    services.update_line(actor=SYSTEM, line=line, expected_version=2, title="Salud", goal_area="services")
    line.refresh_from_db()
    assert (line.title, line.child_title) == ("Salud", KIDS)
    services.update_line(
        actor=SYSTEM, line=line, expected_version=3, title="Salud", goal_area="services", child_title=""
    )
    line.refresh_from_db()
    assert line.child_title == ""


def test_a_too_long_child_title_is_refused(draft: LocalPlan) -> None:
    line = draft.lines.get()
    too_long = "a" * (limits.CHILD_TITLE + 1)
    with pytest.raises(ValidationError) as exc:
        services.update_line(
            actor=SYSTEM, line=line, expected_version=1, title=line.title, goal_area="services", child_title=too_long
        )
    assert "child_title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_line(actor=SYSTEM, plan=draft, title="Otra", goal_area="family", child_title=too_long)
    assert "child_title" in exc.value.message_dict
    assert StrategicLine.objects.filter(plan=draft).count() == 1


def test_after_approval_the_child_title_changes_with_a_change_record(plan: LocalPlan) -> None:
    line = plan.lines.get()
    with pytest.raises(ValidationError) as exc:
        services.update_line(
            actor=SYSTEM, line=line, expected_version=1, title=line.title, goal_area=line.goal_area, child_title=KIDS
        )
    assert "change_why" in exc.value.message_dict
    assert StrategicLine.objects.get(pk=line.pk).child_title == ""
    services.update_line(
        actor=SYSTEM,
        line=line,
        expected_version=1,
        title=line.title,
        goal_area=line.goal_area,
        child_title=KIDS,
        change=CHANGE,
    )
    change = PlanChange.objects.filter(plan=plan).latest("id")
    label = str(StrategicLine._meta.get_field("child_title").verbose_name)
    assert change.why == CHANGE.why and label in change.what
    assert StrategicLine.objects.get(pk=line.pk).child_title == KIDS


# --- Pages -------------------------------------------------------------------------------------
def test_the_line_pages_ask_for_the_child_title_and_the_plan_page_shows_it(
    client: Client, world: World, draft: LocalPlan
) -> None:
    login(client, world.home["coordinator"])
    create = reverse("planning:line_create", args=[draft.pk])
    assert 'name="child_title"' in client.get(create).content.decode()
    response = client.post(create, {"title": "Protección", "child_title": KIDS, "goal_area": "environment"})
    assert response.status_code == 302
    line = StrategicLine.objects.get(plan=draft, title="Protección")
    assert line.child_title == KIDS
    assert _events(line, AuditAction.CREATE)[0].changes["child_title"] == [None, KIDS]

    edit = reverse("planning:line_edit", args=[line.pk])
    assert KIDS in client.get(edit).content.decode()  # the form starts from it
    response = client.post(
        edit, {"title": "Protección", "child_title": "Lugares seguros", "goal_area": "environment", "version": 1}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.child_title == "Lugares seguros"
    assert _events(line, PlanningAction.STRUCTURE_EDITED)[0].changes["child_title"] == [KIDS, "Lugares seguros"]

    page = client.get(reverse("planning:plan_detail", args=[draft.pk])).content.decode()
    with translation.override("es"):
        shown = translation.gettext("For children: %(title)s") % {"title": "Lugares seguros"}
    assert shown in page


def test_the_edit_page_of_an_approved_plan_needs_the_change_record(
    client: Client, world: World, plan: LocalPlan
) -> None:
    line = plan.lines.get()
    login(client, world.home["coordinator"])
    edit = reverse("planning:line_edit", args=[line.pk])
    data = {"title": line.title, "child_title": KIDS, "goal_area": line.goal_area, "version": 1}
    response = client.post(edit, data)
    assert response.status_code == 200
    assert StrategicLine.objects.get(pk=line.pk).child_title == ""
    assert client.post(edit, {**data, **CHANGE_POST}).status_code == 302
    assert StrategicLine.objects.get(pk=line.pk).child_title == KIDS
    assert PlanChange.objects.filter(plan=plan, why=CHANGE_POST["change_why"]).exists()


# --- API ---------------------------------------------------------------------------------------
def test_the_api_reads_and_changes_the_child_title(world: World, plan: LocalPlan) -> None:
    line = plan.lines.get()
    coordinator = world.home["coordinator"]
    url = f"{API}/lines/{line.pk}"
    change = {"why": "Palabras para niñas y niños", "approved_by": "Mesa técnica"}
    assert _call(coordinator, "patch", url, {"version": 1, "child_title": KIDS}).status_code == 422  # no change record
    response = _call(coordinator, "patch", url, {"version": 1, "child_title": KIDS, "change": change})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["child_title"], body["title"], body["goal_area"]) == (KIDS, "Servicios esenciales", "services")
    [edited] = _events(line, PlanningAction.STRUCTURE_EDITED)
    assert edited.changes["child_title"] == ["", KIDS]
    # Not sent: kept. The plan's own page gives it too.
    response = _call(coordinator, "patch", url, {"version": 2, "title": "Salud", "change": change})
    assert response.json()["child_title"] == KIDS
    detail = _call(coordinator, "get", f"{API}/plans/{plan.pk}").json()
    assert detail["lines"][0]["child_title"] == KIDS
    # Too long: 422, nothing written; null clears it.
    too_long = {"version": 3, "child_title": "a" * (limits.CHILD_TITLE + 1), "change": change}
    assert _call(coordinator, "patch", url, too_long).status_code == 422
    response = _call(coordinator, "patch", url, {"version": 3, "child_title": None, "change": change})
    assert response.status_code == 200 and response.json()["child_title"] == ""
