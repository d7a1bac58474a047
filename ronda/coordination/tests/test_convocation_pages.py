"""The convocation's pages and API routes (issue #13 item 2): an access matrix for each route and
method (a member who is not the coordinator, staff without a seat, another municipality, anonymous),
the guest's public answer by token, and the meeting page."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.coordination import services
from ronda.coordination.models import CoordinationBody, Meeting, MeetingInvitation, RsvpStatus
from ronda.coordination.services import convocation
from ronda.coordination.tests.conftest import READ, Coordination
from ronda.coordination.tests.conftest import SEATED as SEATED_ROLES
from ronda.coordination.tests.conftest import expect as expect_roles
from ronda.coordination.tests.test_convocation import (
    GUEST_EMAIL,
    Convened,
    coming_meeting,
    db_state,
    deliver_all,
    invite_everyone,
)
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, api_token, check_access_matrix, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(co: Coordination) -> Meeting:
    return coming_meeting(co)


@pytest.fixture
def invited(world: World, co: Coordination, coming: Meeting) -> Convened:
    return invite_everyone(world, co, coming)


BASE = "/api/v1/coordination"


def expect(**statuses: int) -> dict[str, int]:
    """Every role 404 unless told otherwise; an evaluator reads only their certification assignments."""
    return expect_roles(**{Role.EVALUATOR: 404, **statuses})


SEATED = {Role.EVALUATOR: 404, **SEATED_ROLES}
MANAGERS = expect(admin=302, coordinator=302)
_emails = itertools.count()


def guest_token(invited: Convened) -> str:
    """Convene, deliver, and read the guest's private link back from their e-mail."""
    convocation.send_convocation(actor=SYSTEM, meeting=invited.meeting, base_url="https://ronda.example.org")
    deliver_all()
    (message,) = [m for m in mail.outbox if m.to == [GUEST_EMAIL]]
    found = re.search(r"/mesa/convocatoria/([\w-]+)/", str(message.body))
    assert found is not None
    return found.group(1)


def keep_invitation(invitation: MeetingInvitation) -> Any:
    """A ``data`` callable that puts the invitation back (same id) after a role removed it."""

    def data(_world: World) -> dict[str, Any]:
        MeetingInvitation.objects.get_or_create(
            pk=invitation.pk,
            defaults={"meeting_id": invitation.meeting_id, "guest_name": "Otra", "guest_email": "otra@example.org"},
        )
        return {}

    return data


# --- Pages ----------------------------------------------------------------------------------------
def test_invitee_pages_matrix(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    check_access_matrix(
        world,
        url=reverse("coordination:invitations", args=[meeting.pk]),
        expected=expect(admin=200, coordinator=200),
    )
    check_access_matrix(
        world,
        url=reverse("coordination:invite_members", args=[meeting.pk]),
        method="post",
        data={"members": [co.paper_members[0].pk]},
        expected=MANAGERS,
        state=db_state,
    )
    check_access_matrix(
        world,
        url=reverse("coordination:invite_guest", args=[meeting.pk]),
        method="post",
        data=lambda w: {"guest_name": "Invitada", "guest_email": f"invitada{next(_emails)}@example.org"},
        expected=MANAGERS,
        state=db_state,
    )
    check_access_matrix(
        world,
        url=reverse("coordination:convocation_send", args=[meeting.pk]),
        method="post",
        data={"again": "on"},
        expected=MANAGERS,
        state=db_state,
    )
    removable = convocation.invite_guest(actor=SYSTEM, meeting=meeting, name="Quitar", email="quitar@example.org")
    check_access_matrix(
        world,
        url=reverse("coordination:invitation_remove", args=[meeting.pk, removable.pk]),
        method="post",
        data=keep_invitation(removable),
        expected=MANAGERS,
    )
    # A refused removal leaves it (the matrix above puts it back before each attempt).
    focal = login(Client(), world.home["area_focal"])  # signing in is audited: before the snapshot
    before = db_state()
    refused = focal.post(reverse("coordination:invitation_remove", args=[meeting.pk, invited.guest.pk]))
    assert refused.status_code == 404 and db_state() == before


def test_rsvp_and_reminder_pages_matrix(world: World, co: Coordination, invited: Convened) -> None:
    # Only an invited member answers: the focal point and the coordinator sit on the body and were invited.
    check_access_matrix(
        world,
        url=reverse("coordination:rsvp", args=[invited.meeting.pk]),
        method="post",
        data={"rsvp": "yes"},
        expected=expect(area_focal=302, coordinator=302),
        state=db_state,
    )
    url = reverse("coordination:reminders") + f"?mesa={co.body.pk}"
    check_access_matrix(world, url=url, expected=expect(admin=200, coordinator=200))
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=lambda w: {"reminder_days": "2, 1", "version": CoordinationBody.objects.get(pk=co.body.pk).version},
        expected=MANAGERS,
        state=db_state,
    )
    assert CoordinationBody.objects.get(pk=co.body.pk).reminder_days == [2, 1]


def test_the_guest_answers_by_token_without_signing_in(world: World, co: Coordination, invited: Convened) -> None:
    token = guest_token(invited)
    url = reverse("coordination:guest_rsvp", args=[token])
    everyone = dict.fromkeys(Role.values, 200)
    check_access_matrix(world, url=url, expected=everyone, away=200, anonymous=200)
    check_access_matrix(
        world, url=url, method="post", data={"rsvp": "maybe"}, expected=everyone, away=200, anonymous=200
    )
    page = Client().get(url).content.decode()
    assert "Lucía Paz" in page and "Aprobar la hoja de ruta del semestre." in page
    answered = Client().post(url, {"rsvp": "yes"})
    assert answered.status_code == 200
    invited.guest.refresh_from_db()
    assert invited.guest.rsvp == RsvpStatus.YES and invited.guest.rsvp_at is not None
    assert answered.headers["Cache-Control"] == "private, no-store"
    # A wrong token: 404 with a sentence, for everyone; nothing is written.
    wrong = reverse("coordination:guest_rsvp", args=["inv_" + "x" * 43])
    check_access_matrix(world, url=wrong, expected=dict.fromkeys(Role.values, 404), anonymous=404)
    before = db_state()
    response = Client().post(wrong, {"rsvp": "no"})
    assert response.status_code == 404 and db_state() == before
    assert re.search(r"no existe|does not exist", response.content.decode())
    # Sent again: the old link stops working.
    convocation.send_convocation(actor=SYSTEM, meeting=invited.meeting, again=True)
    assert Client().get(url).status_code == 404


def test_a_guest_cannot_answer_a_cancelled_meeting(world: World, co: Coordination, invited: Convened) -> None:
    token = guest_token(invited)
    meeting = Meeting.objects.get(pk=invited.meeting.pk)
    services.update_meeting(actor=SYSTEM, meeting=meeting, expected_version=None, status="cancelled")
    url = reverse("coordination:guest_rsvp", args=[token])
    response = Client().post(url, {"rsvp": "yes"})
    assert response.status_code == 200
    assert re.search(r"cancelad|cancelled", response.content.decode())
    invited.guest.refresh_from_db()
    assert invited.guest.rsvp == RsvpStatus.NO_ANSWER


def test_the_meeting_page_shows_invitees_and_the_members_answer_form(
    world: World, co: Coordination, invited: Convened
) -> None:
    url = reverse("coordination:meeting_detail", args=[invited.meeting.pk])
    focal = login(Client(), world.home["area_focal"])
    page = focal.get(url).content.decode()
    assert reverse("coordination:rsvp", args=[invited.meeting.pk]) in page
    assert "Lucía Paz" in page and GUEST_EMAIL not in page  # a member does not read a guest's address
    assert "Aprobar la hoja de ruta del semestre." in page
    response = focal.post(reverse("coordination:rsvp", args=[invited.meeting.pk]), {"rsvp": "no"})
    assert response.status_code == 302
    own = MeetingInvitation.objects.get(meeting=invited.meeting, member=co.focal_member)
    assert own.rsvp == RsvpStatus.NO
    coordinator = login(Client(), world.home["coordinator"])
    assert reverse("coordination:invitations", args=[invited.meeting.pk]) in coordinator.get(url).content.decode()
    manage = coordinator.get(reverse("coordination:invitations", args=[invited.meeting.pk])).content.decode()
    assert GUEST_EMAIL in manage


def test_the_guest_form_shows_the_spanish_error_beside_the_field(
    world: World, co: Coordination, coming: Meeting
) -> None:
    client = login(Client(), world.home["coordinator"])
    before = db_state()
    response = client.post(reverse("coordination:invite_guest", args=[coming.pk]), {"guest_name": "Sin correo"})
    assert response.status_code == 200 and db_state() == before
    assert re.search(r"correo|e-mail", response.content.decode())
    assert 'id="guest_guest_email_error"' in response.content.decode()


def test_the_meeting_form_saves_the_objectives(world: World, co: Coordination, coming: Meeting) -> None:
    client = login(Client(), world.home["coordinator"])
    local = timezone.localtime(coming.scheduled_at)
    response = client.post(
        reverse("coordination:meeting_edit", args=[coming.pk]),
        {
            "kind": "ordinary",
            "mode": "in_person",
            "scheduled_at": f"{local:%Y-%m-%dT%H:%M}",
            "place": "Sala del concejo",
            "status": "scheduled",
            "objectives": "Nuevos objetivos.",
            "version": Meeting.objects.get(pk=coming.pk).version,
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=coming.pk).objectives == "Nuevos objetivos."


def test_the_attendance_form_records_the_invited_guests(world: World, co: Coordination, invited: Convened) -> None:
    Meeting.objects.filter(pk=invited.meeting.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=2))
    meeting = Meeting.objects.get(pk=invited.meeting.pk)
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:attendance_edit", args=[meeting.pk])
    form = client.get(url).content.decode()
    assert f'name="guest_{invited.guest.pk}"' in form
    response = client.post(url, {"version": meeting.version, f"guest_{invited.guest.pk}": "on"})
    assert response.status_code == 302
    invited.guest.refresh_from_db()
    assert invited.guest.attended is True
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Fundación Semillas" in page


# --- API --------------------------------------------------------------------------------------------
def test_invitations_api_matrix(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    url = f"{BASE}/meetings/{meeting.pk}/invitations"
    check_access_matrix(world, url=url, expected=SEATED, api=True)
    check_access_matrix(
        world,
        url=url,
        method="post",
        data={"member_ids": [co.paper_members[1].pk]},
        expected=expect(admin=201, coordinator=201),
        api=True,
        state=db_state,
    )
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{meeting.pk}/guests",
        method="post",
        data=lambda w: {"name": "Invitada", "email": f"api{next(_emails)}@example.org"},
        expected=expect(admin=201, coordinator=201),
        api=True,
        state=db_state,
    )
    removable = convocation.invite_guest(actor=SYSTEM, meeting=meeting, name="Quitar", email="quitar@example.org")
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{meeting.pk}/invitations/{removable.pk}",
        method="delete",
        data=keep_invitation(removable),
        expected=expect(admin=204, coordinator=204),
        api=True,
    )
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{meeting.pk}/convocation",
        method="post",
        data={"again": True},
        expected=expect(admin=200, coordinator=200),
        api=True,
        state=db_state,
    )
    check_access_matrix(
        world,
        url=f"{BASE}/meetings/{meeting.pk}/rsvp",
        method="put",
        data={"answer": "maybe"},
        expected=expect(area_focal=200, coordinator=200),
        api=True,
        state=db_state,
    )
    assert READ["secretariat"] == 200  # readers list the invitees (above), and change nothing


def test_invitations_api_answers(world: World, co: Coordination, invited: Convened) -> None:
    meeting = invited.meeting
    coordinator = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['coordinator'])}")
    focal = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['area_focal'])}")
    listed = coordinator.get(f"{BASE}/meetings/{meeting.pk}/invitations").json()
    guest = next(row for row in listed if row["is_guest"])
    assert guest["email"] == GUEST_EMAIL and guest["organisation"] == "Fundación Semillas"
    seen_by_member = next(
        row for row in focal.get(f"{BASE}/meetings/{meeting.pk}/invitations").json() if row["is_guest"]
    )
    assert seen_by_member["email"] is None
    refused = coordinator.post(
        f"{BASE}/meetings/{meeting.pk}/guests", {"name": "Sin correo"}, content_type="application/json"
    )
    assert refused.status_code == 422 and re.search(r"correo|e-mail", refused.content.decode())
    before = db_state()
    wrong = coordinator.post(
        f"{BASE}/meetings/{meeting.pk}/invitations",
        {"member_ids": [co.paper_members[0].pk, 999999]},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and db_state() == before
    sent = coordinator.post(f"{BASE}/meetings/{meeting.pk}/convocation", {}, content_type="application/json")
    assert sent.status_code == 200 and sent.json()["sent"] == 4 and sent.json()["convened_at"]
    again = coordinator.post(f"{BASE}/meetings/{meeting.pk}/convocation", {}, content_type="application/json")
    assert again.status_code == 422
    answered = focal.put(f"{BASE}/meetings/{meeting.pk}/rsvp", {"answer": "yes"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["rsvp"] == "yes"
    detail = coordinator.get(f"{BASE}/meetings/{meeting.pk}").json()
    assert detail["objectives"] == "Aprobar la hoja de ruta del semestre." and detail["convened_at"]
