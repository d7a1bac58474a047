"""Links from the body's agenda and agreements and the council's requests to the plan's measures:
made by the record's manager, shown on both sides only to who reads both ends, on the public page for
answered requests; bad input answered in Spanish with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ronda.coordination.tests.conftest import unseat
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, actor_for
from ronda.council import services as council_services
from ronda.links import contracts, policies, selectors, services
from ronda.links.models import LinkKind, MeasureLink
from ronda.links.tests.conftest import Story
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
BASE = "/api/v1/links"


def written() -> tuple[Any, ...]:
    return (MeasureLink.objects.count(), AuditEvent.objects.filter(target_type="links.measurelink").count())


def actor(world: World, role: str) -> Any:
    user = world.home[role]
    return actor_for(user, user.memberships.get())


# --- Making links: the record's manager, to a measure they read, of the same municipality --------
def test_link_from_agreement_page(world: World, story: Story) -> None:
    check_access_matrix(
        world,
        url=reverse("links:add", args=["acuerdo", story.agreement.pk]),
        method="post",
        data=lambda w: {"measure": str(story.measure.pk), "note": "La campaña entra en la medida"},
        # The coordinator (and the administrator, who manages bodies) link; everyone else 404.
        expected=dict(NONE, coordinator=302, admin=302),
        state=written,
    )
    link = MeasureLink.objects.get()
    assert link.kind == LinkKind.AGREEMENT
    assert link.agreement == story.agreement
    assert link.org_unit == world.municipality
    assert AuditEvent.objects.filter(target_type="links.measurelink", action="create").count() == 1


def test_link_from_agenda(world: World, story: Story) -> None:
    check_access_matrix(
        world,
        url=reverse("links:add_agenda", args=[story.meeting.pk]),
        method="post",
        data=lambda w: {"item": str(story.item.pk), "measure": str(story.measure.pk)},
        expected=dict(NONE, coordinator=302, admin=302),
        state=written,
    )
    assert MeasureLink.objects.get().agenda_item == story.item


def test_agenda_item_of_another_meeting_is_404(world: World, story: Story) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("links:add_agenda", args=[story.co.later_meeting.pk]),
        {"item": str(story.item.pk), "measure": str(story.measure.pk)},
    )
    assert response.status_code == 404
    assert written() == (0, 0)


def test_link_from_council_request(world: World, story: Story) -> None:
    check_access_matrix(
        world,
        url=reverse("links:add", args=["solicitud", story.request.pk]),
        method="post",
        data=lambda w: {"measure": str(story.measure.pk), "note": "Bebederos en el plan de parques"},
        # The council's managers: its coordinator (and the administrator, as for every council).
        expected=dict(NONE, coordinator=302, admin=302),
        state=written,
    )
    assert MeasureLink.objects.get().council_request == story.request


def test_unknown_kind_is_404(world: World, story: Story) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(reverse("links:add", args=["otro", story.agreement.pk]), {"measure": story.measure.pk})
    assert response.status_code == 404


def again(link: MeasureLink) -> Any:
    """A data callable that puts ``link`` back (same id) before each attempt to remove it."""

    def restore(w: World) -> dict[str, str]:
        if not MeasureLink.objects.filter(pk=link.pk).exists():
            link.save(force_insert=True)
        return {}

    return restore


def test_remove(world: World, story: Story) -> None:
    link = services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    check_access_matrix(
        world,
        url=reverse("links:remove", args=[link.pk]),
        method="post",
        data=again(link),
        expected=dict(NONE, coordinator=302, admin=302),
    )
    # The last attempt (anonymous) was refused: the link is still there.
    assert MeasureLink.objects.filter(pk=link.pk).exists()


def test_removal_is_audited(world: World, story: Story) -> None:
    link = services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(reverse("links:remove", args=[link.pk]))
    assert response.status_code == 302
    assert response.url == reverse("coordination:agreement_detail", args=[story.agreement.pk]) + "#plan-links"
    assert not MeasureLink.objects.exists()
    assert AuditEvent.objects.filter(target_type="links.measurelink", action="delete").count() == 1


# --- Bad input: Spanish, nothing written ----------------------------------------------------------
def test_measure_of_another_municipality_is_refused(world: World, story: Story) -> None:
    with pytest.raises(ValidationError) as exc:
        services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.other_measure)
    assert "otro municipio" in str(exc.value.message_dict["measure"])
    assert written() == (0, 0)


def test_page_form_with_a_foreign_measure_says_why(world: World, story: Story) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(
        reverse("links:add", args=["acuerdo", story.agreement.pk]), {"measure": story.other_measure.pk}, follow=True
    )
    assert response.status_code == 200
    assert "Elija una medida del plan de este municipio." in response.content.decode()
    assert written() == (0, 0)


def test_no_measure_chosen(world: World, story: Story) -> None:
    client = Client()
    login(client, world.home["coordinator"])
    response = client.post(reverse("links:add", args=["acuerdo", story.agreement.pk]), {"measure": ""}, follow=True)
    assert "Elija una medida del plan de este municipio." in response.content.decode()
    assert written() == (0, 0)


def test_twice_the_same_link_is_refused(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    with pytest.raises(ValidationError) as exc:
        services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    assert "ya está vinculada" in str(exc.value.message_dict["measure"])
    assert MeasureLink.objects.count() == 1


def test_note_too_long(world: World, story: Story) -> None:
    with pytest.raises(ValidationError):
        services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure, note="x" * 501)
    assert written() == (0, 0)


def test_a_focal_point_cannot_link_by_the_service(world: World, story: Story) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.link_measure(actor=actor(world, "area_focal"), source=story.agreement, measure=story.measure)
    assert written() == (0, 0)


# --- Both sides: each end through its own policy -------------------------------------------------
def test_agreement_page_shows_the_measure_and_the_form(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure, note="Campaña escolar")
    client = Client()
    login(client, world.home["coordinator"])
    page = client.get(reverse("coordination:agreement_detail", args=[story.agreement.pk])).content.decode()
    assert "Medidas del plan que lo retoman" in page
    assert "Campaña escolar" in page
    assert reverse("links:add", args=["acuerdo", story.agreement.pk]) in page
    # The focal point (seated, reads the agreement and their area's measure) sees it without the form.
    focal = Client()
    login(focal, world.home["area_focal"])
    page = focal.get(reverse("coordination:agreement_detail", args=[story.agreement.pk])).content.decode()
    assert "Campaña escolar" in page
    assert reverse("links:add", args=["acuerdo", story.agreement.pk]) not in page


def test_a_measure_the_reader_cannot_see_is_not_shown(world: World, story: Story) -> None:
    # M-2 is Educación's: once their seat ends, the focal point of Salud still reads their area's
    # agreement, but no longer that measure.
    unseat(story.co)
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.other_area_measure, note="Oculta")
    focal = actor(world, "area_focal")
    assert selectors.links_from(focal, story.agreement) == []
    coordinator = actor(world, "coordinator")
    assert [link.measure for link in selectors.links_from(coordinator, story.agreement)] == [story.other_area_measure]


def test_measure_page_shows_where_it_comes_from(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    services.link_measure(actor=SYSTEM, source=story.item, measure=story.measure)
    services.link_measure(actor=SYSTEM, source=story.request, measure=story.measure)
    client = Client()
    login(client, world.home["coordinator"])
    page = client.get(reverse("planning:measure_detail", args=[story.measure.pk])).content.decode()
    assert "De dónde viene esta medida" in page
    assert story.item.title in page and "Bebederos en las canchas" in page and "Campaña de vacunación" in page
    # An analyst reads the plan but not the children's council requests' pages? The contract decides:
    analyst = actor(world, "analyst")
    kinds = {link.kind for link in selectors.links_to(analyst, story.measure)}
    from ronda.council import policies as council

    assert (LinkKind.COUNCIL_REQUEST in kinds) == council.visible_requests(analyst).filter(pk=story.request.pk).exists()


def test_meeting_panel_lists_agenda_links(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.item, measure=story.measure, note="Seguimiento en M-1")
    client = Client()
    login(client, world.home["coordinator"])
    page = client.get(reverse("coordination:meeting_detail", args=[story.meeting.pk])).content.decode()
    assert "Seguimiento en M-1" in page
    assert reverse("links:add_agenda", args=[story.meeting.pk]) in page


def test_council_request_page(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.request, measure=story.measure, note="Bebederos en 2026")
    client = Client()
    login(client, world.home["coordinator"])
    page = client.get(reverse("council:request_detail", args=[story.request.pk])).content.decode()
    assert "Medidas del plan que la responden" in page
    assert "Bebederos en 2026" in page


def test_away_readers_see_no_links(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    user = world.away["coordinator"]
    away = actor_for(user, user.memberships.get())
    assert not policies.visible_links(away).exists()


# --- The public page: answered requests name the measure that answers them -------------------------
def test_public_page_names_the_measure_answering_a_request(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.request, measure=story.measure, note="Bebederos nuevos")
    council_services.transition_request(
        actor=SYSTEM,
        council_request=story.request,
        expected_version=None,
        status="accepted",
        answer="Sí, vamos a poner bebederos en las canchas este año.",
        confirm_answer=True,
    )
    assert [m.note for m in contracts.public_answers([story.request.pk])[story.request.pk]] == ["Bebederos nuevos"]
    page = Client().get(reverse("accountability:public_plan", args=[world.municipality.code])).content.decode()
    assert "Respondida a través del plan:" in page
    assert "Bebederos nuevos" in page


def test_the_draft_status_is_planning_s() -> None:
    from ronda.planning.models import PlanStatus

    assert contracts.DRAFT == PlanStatus.DRAFT


def test_public_answers_skip_draft_plans(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.request, measure=story.measure)
    story.measure.plan.__class__.objects.filter(pk=story.measure.plan_id).update(status="draft")
    assert contracts.public_answers([story.request.pk]) == {}


# --- API -----------------------------------------------------------------------------------------
def test_api_list(world: World, story: Story) -> None:
    services.link_measure(actor=SYSTEM, source=story.agreement, measure=story.measure)
    check_access_matrix(
        world, url=f"{BASE}?measure={story.measure.pk}", api=True, expected=dict.fromkeys(ROLES, 200), away=200
    )
    client = Client()
    token = api_token(world.home["coordinator"])
    body = client.get(f"{BASE}?agreement={story.agreement.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["count"] == 1
    assert body["results"][0]["kind"] == "agreement"
    assert body["results"][0]["source_id"] == story.agreement.pk
    away = api_token(world.away["coordinator"])
    assert client.get(BASE, HTTP_AUTHORIZATION=f"Bearer {away}").json()["count"] == 0
    assert client.get(f"{BASE}?nope=1", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 422


def test_api_create_and_delete(world: World, story: Story) -> None:
    def fresh(w: World) -> dict[str, Any]:
        # Each attempt starts with no link, so that each allowed one creates it anew.
        MeasureLink.objects.all().delete()
        return {"kind": "council_request", "source_id": story.request.pk, "measure_id": story.measure.pk}

    check_access_matrix(
        world,
        url=BASE,
        method="post",
        api=True,
        data=fresh,
        expected=dict(NONE, coordinator=201, admin=201),
    )
    # The last attempt (anonymous) was refused after the deletion: nothing is left.
    assert not MeasureLink.objects.exists()
    client = Client()
    token = api_token(world.home["area_focal"])
    payload = fresh(world)
    response = client.post(BASE, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    assert not MeasureLink.objects.exists()
    link = services.link_measure(actor=SYSTEM, source=story.request, measure=story.measure)
    check_access_matrix(
        world,
        url=f"{BASE}/{link.pk}",
        method="delete",
        api=True,
        data=again(link),
        expected=dict(NONE, coordinator=204, admin=204),
    )
    assert MeasureLink.objects.filter(pk=link.pk).exists()  # anonymous, last, was refused


def test_api_errors_in_spanish(world: World, story: Story) -> None:
    client = Client()
    token = api_token(world.home["coordinator"])
    response = client.post(
        BASE,
        {"kind": "agreement", "source_id": story.agreement.pk, "measure_id": story.other_measure.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 422
    assert "Elija una medida" in response.content.decode()
    assert written() == (0, 0)
