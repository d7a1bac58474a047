"""The JSON API: an access matrix per endpoint, then behaviour (filters, 409, 422, scope)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ronda.coordination import services
from ronda.coordination.models import Agreement, AgreementNote, Meeting
from ronda.coordination.tests.conftest import READ, SEATED, Coordination, expect, unseat
from ronda.coordination.tests.test_views import db_state
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coordination"
READERS_AWAY = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
AGREEMENT_READERS = dict(READ, area_focal=200)


def auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def call(client: Client, method: str, url: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    """``user`` may be a user (a token is issued, which is audited) or ready headers."""
    kwargs: dict[str, Any] = dict(user) if isinstance(user, dict) else auth(user)
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


# --- Access matrices -------------------------------------------------------------------
def test_meeting_list_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=f"{BASE}/meetings", expected=SEATED, api=True, away=READERS_AWAY)


def test_meeting_detail_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=f"{BASE}/meetings/{co.meeting.pk}", expected=SEATED, api=True)


def new_meeting(co: Coordination) -> dict[str, Any]:
    when = timezone.localtime() + datetime.timedelta(days=9)
    return {
        "body_id": co.body.pk,
        "kind": "extraordinary",
        "mode": "in_person",
        "scheduled_at": when.isoformat(),
        "place": "Sala",
    }


def test_meeting_create_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/meetings",
        method="post",
        data=new_meeting(co),
        expected=expect(admin=201, coordinator=201),
        api=True,
        state=db_state,
    )


def test_meeting_update_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{co.later_meeting.pk}",
        method="patch",
        data=lambda w: {"version": Meeting.objects.get(pk=co.later_meeting.pk).version, "link": "https://x.org/2"},
        expected=expect(admin=200, coordinator=200),
        api=True,
        state=db_state,
    )


def test_agreement_list_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/agreements",
        expected=AGREEMENT_READERS,
        api=True,
        away={**READERS_AWAY, "area_focal": 200},
    )


def test_agreement_detail_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(world, url=f"{BASE}/agreements/{co.agreement.pk}", expected=AGREEMENT_READERS, api=True)
    # Another area's agreement: the focal point reads it while they sit on the body, not after.
    check_access_matrix(world, url=f"{BASE}/agreements/{co.education_agreement.pk}", expected=SEATED, api=True)
    unseat(co)
    check_access_matrix(world, url=f"{BASE}/agreements/{co.education_agreement.pk}", expected=READ, api=True)


def test_agreement_create_matrix(world: World, co: Coordination) -> None:
    body = {
        "body_id": co.body.pk,
        "meeting_id": co.meeting.pk,
        "text": "Acuerdo por API",
        "owner_area_id": co.education.pk,
        "due_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    check_access_matrix(
        world,
        url=f"{BASE}/agreements",
        method="post",
        data=body,
        expected=expect(admin=201, coordinator=201),
        api=True,
        state=db_state,
    )


def test_agreement_status_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/agreements/{co.agreement.pk}",
        method="patch",
        data=lambda w: {"version": Agreement.objects.get(pk=co.agreement.pk).version, "status": "in_progress"},
        expected=expect(admin=200, coordinator=200, area_focal=200),
        api=True,
        state=db_state,
    )


def test_agreement_text_matrix(world: World, co: Coordination) -> None:
    # Changing the text is the coordinator's: the focal point of the owner area gets 404 too.
    check_access_matrix(
        world,
        url=f"{BASE}/agreements/{co.agreement.pk}",
        method="patch",
        data=lambda w: {"version": Agreement.objects.get(pk=co.agreement.pk).version, "text": "Texto corregido"},
        expected=expect(admin=200, coordinator=200),
        api=True,
        state=db_state,
    )


def test_agreement_note_matrix(world: World, co: Coordination) -> None:
    check_access_matrix(
        world,
        url=f"{BASE}/agreements/{co.agreement.pk}/notes",
        method="post",
        data={"text": "Avance"},
        expected=expect(admin=201, coordinator=201, area_focal=201),
        api=True,
        state=db_state,
    )
    assert AgreementNote.objects.count() == 3


# --- Behaviour -------------------------------------------------------------------------
def test_meeting_detail_has_agenda_and_attendance(world: World, co: Coordination, client: Client) -> None:
    services.record_attendance(
        actor=SYSTEM, meeting=co.meeting, expected_version=None, statuses={co.focal_member.pk: "present"}
    )
    data = call(client, "get", f"{BASE}/meetings/{co.meeting.pk}", world.home["coordinator"]).json()
    assert [i["title"] for i in data["agenda"]] == ["Bienvenida", "Seguimiento de acuerdos", "Varios"]
    assert data["agenda"][0]["presenter_name"] == "Fabiola Salud"
    assert data["attendance"] == [
        {"member_id": co.focal_member.pk, "member_name": "Fabiola Salud", "status": "present"}
    ]
    assert set(data["agreement_ids"]) == {co.agreement.pk, co.education_agreement.pk}


def test_meeting_list_filters_and_scope(world: World, co: Coordination, client: Client) -> None:
    data = call(client, "get", f"{BASE}/meetings?kind=urgent", world.home["coordinator"]).json()
    assert [m["id"] for m in data["results"]] == [co.later_meeting.pk]
    everything = call(client, "get", f"{BASE}/meetings", world.home["admin"]).json()
    assert everything["count"] == 3
    assert call(client, "get", f"{BASE}/meetings?bogus=1", world.home["admin"]).status_code == 422


def test_meeting_create_validation(world: World, co: Coordination, client: Client) -> None:
    before = Meeting.objects.count()
    virtual_without_link = {**new_meeting(co), "mode": "virtual", "place": ""}
    response = call(client, "post", f"{BASE}/meetings", world.home["coordinator"], virtual_without_link)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "link"
    response = call(client, "post", f"{BASE}/meetings", world.home["coordinator"], {**new_meeting(co), "extra": 1})
    assert response.status_code == 422
    other_body = {**new_meeting(co), "body_id": co.other_body.pk}
    assert call(client, "post", f"{BASE}/meetings", world.home["coordinator"], other_body).status_code == 404
    assert Meeting.objects.count() == before


def test_meeting_update_conflict(world: World, co: Coordination, client: Client) -> None:
    url = f"{BASE}/meetings/{co.meeting.pk}"
    first = call(client, "patch", url, world.home["coordinator"], {"version": 1, "place": "Sala A"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = call(client, "patch", url, world.home["admin"], {"version": 1, "place": "Sala B"})
    assert stale.status_code == 409 and stale.json()["message"]
    assert Meeting.objects.get(pk=co.meeting.pk).place == "Sala A"


def test_agreement_filters(world: World, co: Coordination, client: Client) -> None:
    coordinator = world.home["coordinator"]
    by_area = call(client, "get", f"{BASE}/agreements?area={co.education.pk}", coordinator).json()
    assert [a["id"] for a in by_area["results"]] == [co.education_agreement.pk]
    assert call(client, "get", f"{BASE}/agreements?overdue=true", coordinator).json()["count"] == 0
    admin_overdue = call(client, "get", f"{BASE}/agreements?overdue=true", world.home["admin"]).json()
    assert [a["id"] for a in admin_overdue["results"]] == [co.other_agreement.pk]
    assert admin_overdue["results"][0]["is_overdue"] is True
    not_overdue = call(client, "get", f"{BASE}/agreements?overdue=false", world.home["admin"]).json()
    assert co.other_agreement.pk not in [a["id"] for a in not_overdue["results"]]
    pending = call(client, "get", f"{BASE}/agreements?status=pending", coordinator).json()
    assert pending["count"] == 2
    assert call(client, "get", f"{BASE}/agreements?status=lost", coordinator).status_code == 422
    focal = call(client, "get", f"{BASE}/agreements", world.home["area_focal"]).json()
    assert {a["id"] for a in focal["results"]} == {co.agreement.pk, co.education_agreement.pk}  # a seat: the body's
    unseat(co)
    focal = call(client, "get", f"{BASE}/agreements", world.home["area_focal"]).json()
    assert [a["id"] for a in focal["results"]] == [co.agreement.pk]


def test_agreement_without_owner_is_422_and_nothing_saved(world: World, co: Coordination, client: Client) -> None:
    coordinator = auth(world.home["coordinator"])  # issuing a token is audited: do it first
    before = db_state()
    body = {"body_id": co.body.pk, "text": "Sin dueño", "due_date": timezone.localdate().isoformat()}
    response = call(client, "post", f"{BASE}/agreements", coordinator, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner_area"
    wrong_area = {**body, "owner_area_id": world.other_area.pk}
    response = call(client, "post", f"{BASE}/agreements", coordinator, wrong_area)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "owner_area_id"
    assert db_state() == before


def test_agreement_concurrent_edit_409(world: World, co: Coordination, client: Client) -> None:
    url = f"{BASE}/agreements/{co.agreement.pk}"
    ok = call(client, "patch", url, world.home["area_focal"], {"version": 1, "status": "done"})
    assert ok.status_code == 200 and ok.json()["completed_on"] == timezone.localdate().isoformat()
    stale = call(client, "patch", url, world.home["coordinator"], {"version": 1, "status": "cancelled"})
    assert stale.status_code == 409
    assert Agreement.objects.get(pk=co.agreement.pk).status == "done"


def test_agreement_patch_owners(world: World, co: Coordination, client: Client) -> None:
    url = f"{BASE}/agreements/{co.agreement.pk}"
    moved = call(
        client,
        "patch",
        url,
        world.home["coordinator"],
        {"version": 1, "owner_area_id": co.education.pk, "owner_member_id": co.coordinator_member.pk},
    )
    assert moved.status_code == 200
    assert (moved.json()["owner_area_name"], moved.json()["owner_member_name"]) == ("Educación", "Carlos Coordinador")
    orphan = call(
        client, "patch", url, world.home["coordinator"], {"version": 2, "owner_area_id": None, "owner_member_id": None}
    )
    assert orphan.status_code == 422
    # The focal point of Salud, without a seat on the body, no longer sees it: it belongs to Educación.
    unseat(co)
    assert call(client, "get", url, world.home["area_focal"]).status_code == 404


def test_note_returns_the_agreement_with_notes(world: World, co: Coordination, client: Client) -> None:
    response = call(
        client,
        "post",
        f"{BASE}/agreements/{co.agreement.pk}/notes",
        world.home["area_focal"],
        {"text": "Hecho el 40 %"},
    )
    assert response.status_code == 201
    assert response.json()["notes"][0]["text"] == "Hecho el 40 %"
    empty = call(client, "post", f"{BASE}/agreements/{co.agreement.pk}/notes", world.home["area_focal"], {"text": ""})
    assert empty.status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "agreements?area=254636624379038302208",
        "agreements?body=-52991727863575412211712",
        "meetings?body=99999999999999999999999&year=2097",
    ],
)
def test_ids_beyond_64_bits_are_422_not_500(client: Client, world: World, co: Coordination, query: str) -> None:
    response = call(client, "get", f"/api/v1/coordination/{query}", world.home["coordinator"])
    assert response.status_code == 422
    assert response.json()["errors"]
    too_big = {"version": 1, "owner_area_id": -25239821258506664673280}
    patch = call(
        client, "patch", f"/api/v1/coordination/agreements/{co.agreement.pk}", world.home["coordinator"], too_big
    )
    assert patch.status_code == 422 and patch.json()["errors"][0]["field"] == "owner_area_id"


def test_dates_must_be_written_as_dates(client: Client, world: World, co: Coordination) -> None:
    before = Agreement.objects.count()
    for value in (0, 1700000000, 2.5):
        body = {"body_id": co.body.pk, "text": "Acuerdo", "due_date": "2026-12-01", "owner_area_id": co.education.pk}
        body["completed_on"] = value
        response = call(client, "post", "/api/v1/coordination/agreements", world.home["coordinator"], body)
        assert response.status_code == 422, value
        error = response.json()["errors"][0]
        assert error["field"] == "completed_on" and "AAAA-MM-DD" in error["message"]
    assert Agreement.objects.count() == before
