"""Issue #13: the coordinator of Loja convenes the coming meeting with a guest from another area; the
Salud focal point, who sits on the body, reads the agenda on a phone and proposes an item, which the
coordinator then sees among the members' proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"
GUEST = "Marta Ríos"
GUEST_EMAIL = "marta.rios@example.org"
PROPOSAL = "Presentar el mapa de actores sociales de Motupe"


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_coordinator_convenes_with_a_guest_and_the_focal_point_proposes(page, live_server, demo) -> None:
    from ronda.coordination.models import AgendaProposal, Meeting, MeetingInvitation
    from ronda.notifications.models import OutgoingEmail

    meeting = Meeting.objects.get(body__org_unit__code="EC-1101", scheduled_at__gt=timezone.now(), status="scheduled")
    assert meeting.scheduled_at < timezone.now() + dt.timedelta(days=60)

    # The coordinator, at a desk: invite a guest of another area and send the convocation.
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/mesa/reuniones/{meeting.pk}/convocatoria/")
    guest = page.locator("#add-guest")
    guest.get_by_label("Nombre de la persona invitada").fill(GUEST)
    guest.get_by_label("Organización").fill("Dirección de Educación")
    guest.get_by_label("Correo electrónico de la persona invitada").fill(GUEST_EMAIL)
    guest.get_by_role("button", name="Invitar a la persona").click()
    expect(page.locator("#invitees")).to_contain_text(GUEST)
    page.locator("#send").get_by_role("button", name="Enviar la convocatoria").click()
    expect(page.locator("#invitees")).not_to_contain_text("Todavía no se envió")
    guest_row = MeetingInvitation.objects.get(meeting=meeting, guest_email=GUEST_EMAIL)
    assert guest_row.sent_at is not None
    # The guest's e-mail is in the outbox (sent by the jobs), with the calendar invitation.
    email = OutgoingEmail.objects.get(address=GUEST_EMAIL, kind="coordination.convocation")
    assert email.attachment_name.endswith(".ics") and "METHOD:REQUEST" in email.attachment_content
    sign_out(page)

    # The focal point of Salud, on a phone: the agenda is there, and the proposal form.
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "focal.loja")
    page.goto(f"{live_server.url}/mesa/reuniones/{meeting.pk}/")
    first_item = meeting.agenda.order_by("order").first()
    assert first_item is not None
    expect(page.locator("#agenda")).to_contain_text(first_item.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    proposals = page.locator("#proposals")
    proposals.get_by_label("Punto que propone").fill(PROPOSAL)
    proposals.get_by_label("Por qué debería tratarse").fill("Lo pidieron las familias en la consulta de octubre.")
    proposals.get_by_role("button", name="Proponer").click()
    expect(page.locator("#proposals")).to_contain_text(PROPOSAL)
    assert AgendaProposal.objects.filter(meeting=meeting, title=PROPOSAL, status="proposed").exists()
    sign_out(page)

    # The coordinator sees it among the members' proposals, with the form to answer it.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/mesa/reuniones/{meeting.pk}/")
    proposal = page.locator("#proposals li", has_text=PROPOSAL)
    expect(proposal).to_contain_text("Fernando Ochoa")
    expect(proposal.get_by_role("button", name="Responder")).to_be_visible()
