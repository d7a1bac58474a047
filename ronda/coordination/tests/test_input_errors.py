"""Issue #7, findings 5 and 8: odd but ordinary input to the coordination pages and API is a clear error, not a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ronda.coordination import services
from ronda.coordination.models import AgendaItem, Agreement, Commission, Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999999"  # beyond 64 bits
DATE_RANGE = "Indique una fecha entre los años 1900 y 2100."


def api(client: Client, world: World, method: str, url: str, body: dict[str, Any]) -> Any:
    token = api_token(world.home["coordinator"])
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def approve(co: Coordination) -> None:
    services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Acta de la reunión")
    co.meeting.refresh_from_db()
    services.approve_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, approved_at=co.later_meeting)


@pytest.mark.parametrize("htmx", [False, True])
def test_removing_an_agenda_item_of_approved_minutes_is_refused_with_a_message(
    client: Client, world: World, co: Coordination, htmx: bool
) -> None:
    approve(co)
    item = co.meeting.agenda.first()
    assert item is not None
    login(client, world.home["coordinator"])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("coordination:agenda_remove", args=[co.meeting.pk])
    response = client.post(url, {"item": item.pk}, follow=not htmx, **headers)
    assert response.status_code == 200
    assert "El acta de esta reunión está aprobada" in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_a_member_id_beyond_64_bits_is_not_a_valid_choice(client: Client, world: World, co: Coordination) -> None:
    login(client, world.home["coordinator"])
    before = Commission.objects.count()
    member = co.paper_members[0].pk
    response = client.post(
        reverse("coordination:commission_create"), {"name": "Comisión", "members": [member, TOO_BIG]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"][0].startswith("Escoja una opción válida.")
    assert Commission.objects.count() == before


@pytest.mark.parametrize("when", ["9999-12-31T23:30", "0001-01-01T00:00", "2101-01-01T00:00"])
def test_a_meeting_far_in_the_future_or_past_is_a_form_error(
    client: Client, world: World, co: Coordination, when: str
) -> None:
    # 9999-12-31 23:30 here is already year 10000 in UTC: an OverflowError when it was saved.
    login(client, world.home["coordinator"])
    before = Meeting.objects.count()
    data = {"kind": "ordinary", "mode": "in_person", "place": "Sala", "scheduled_at": when, "status": "scheduled"}
    created = client.post(reverse("coordination:meeting_create"), data)
    assert created.status_code == 200
    assert created.context["form"].errors["scheduled_at"] == [DATE_RANGE]
    edited = client.post(
        reverse("coordination:meeting_edit", args=[co.later_meeting.pk]),
        {**data, "mode": "virtual", "link": "https://meet.example.org/mesa", "version": co.later_meeting.version},
    )
    assert edited.status_code == 200
    assert edited.context["form"].errors["scheduled_at"] == [DATE_RANGE]
    assert Meeting.objects.count() == before


@pytest.mark.parametrize("when", ["9999-12-31T23:30:00", "9999-12-31T20:00:00-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_meeting_far_in_the_future_or_past_is_422_in_the_api(
    client: Client, world: World, co: Coordination, when: str
) -> None:
    before = Meeting.objects.count()
    body = {"body_id": co.body.pk, "scheduled_at": when, "place": "Sala"}
    created = api(client, world, "post", "/api/v1/coordination/meetings", body)
    assert created.status_code == 422
    assert created.json()["errors"] == [{"field": "scheduled_at", "message": DATE_RANGE}]
    url = f"/api/v1/coordination/meetings/{co.later_meeting.pk}"
    patched = api(client, world, "patch", url, {"version": co.later_meeting.version, "scheduled_at": when})
    assert patched.status_code == 422
    assert patched.json()["errors"] == [{"field": "scheduled_at", "message": DATE_RANGE}]
    assert Meeting.objects.count() == before


def test_a_nul_in_an_agreement_is_422_and_nothing_is_saved(client: Client, world: World, co: Coordination) -> None:
    before = Agreement.objects.count()
    body = {"body_id": co.body.pk, "text": "Acuerdo\u0000", "owner_area_id": co.education.pk, "due_date": "2026-12-01"}
    response = api(client, world, "post", "/api/v1/coordination/agreements", body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "text", "message": "Este texto contiene un carácter no permitido (NUL)."}
    ]
    note = api(client, world, "post", f"/api/v1/coordination/agreements/{co.agreement.pk}/notes", {"text": "\u0000"})
    assert note.status_code == 422 and note.json()["errors"][0]["field"] == "text"
    assert Agreement.objects.count() == before
    assert not co.agreement.notes.exists()
