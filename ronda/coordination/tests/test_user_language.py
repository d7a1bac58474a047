"""Issue #13 item 2: each invitee reads the convocation, its invitation (.ics) and the reminders in
their own language (``User.language``); guests and members without a Ronda user in the site's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation

from ronda.accounts import services as accounts_services
from ronda.coordination import notifications as coordination_kinds
from ronda.coordination.services import convocation
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_convocation import (
    GUEST_EMAIL,
    Convened,
    actor,
    calendar_of,
    coming_meeting,
    invite_everyone,
    sent_to,
)
from ronda.coordination.tests.test_convocation_reminders import MINUTE, run_job
from ronda.core.tenancy import SYSTEM
from ronda.notifications.models import OutgoingEmail
from ronda.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(world: World, co: Coordination) -> Convened:
    return invite_everyone(world, co, coming_meeting(co))


def speaks(user: Any, language: str) -> None:
    accounts_services.set_own_language(actor=actor(user), language=language)


def summary_of(message: Any) -> str:
    (event,) = calendar_of(message).walk("VEVENT")
    return str(event["SUMMARY"])


def test_each_member_reads_the_convocation_in_their_language_and_guests_in_the_sites(
    world: World, co: Coordination, invited: Convened, django_capture_on_commit_callbacks: Any
) -> None:
    english, spanish = world.home["area_focal"], world.home["coordinator"]
    speaks(english, "en")
    speaks(spanish, "es")
    # The coordinator's own page is in English: what is active where the send happens changes nothing.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert convocation.send_convocation(actor=actor(spanish), meeting=invited.meeting) == 4
    assert len(mail.outbox) == 4
    body = co.body.name

    (to_english,) = sent_to(english.email)
    assert to_english.subject.startswith("Convocation: Ordinary meeting of " + body)
    assert f"You are called to the Ordinary meeting of {body}." in to_english.body
    assert "Date and time:" in to_english.body and "Fecha y hora" not in to_english.body
    assert summary_of(to_english) == f"Ordinary meeting — {body}"  # the .ics speaks English too

    (to_spanish,) = sent_to(spanish.email)
    assert to_spanish.subject.startswith("Convocatoria: Reunión Ordinaria de " + body)
    assert f"Se le convoca a la Reunión Ordinaria de {body}." in to_spanish.body
    assert "Fecha y hora:" in to_spanish.body and "Date and time" not in to_spanish.body
    assert summary_of(to_spanish) == f"Reunión Ordinaria — {body}"

    # A guest and a member without a Ronda user have no language of their own: the site's (Spanish).
    for address in (GUEST_EMAIL, invited.with_email.email):
        (message,) = sent_to(address)
        assert message.subject.startswith("Convocatoria:"), address
        assert summary_of(message).startswith("Reunión Ordinaria")


def test_the_site_language_is_the_guests_and_of_whoever_chose_none(world: World, invited: Convened) -> None:
    guest = convocation.recipient_of(invited.guest)
    member = convocation.recipient_of(
        invited.meeting.invitations.select_related("member__user").get(member__user=world.home["coordinator"])
    )
    assert convocation.language_of(guest) == convocation.language_of(member) == "es"
    with override_settings(LANGUAGE_CODE="en"):
        assert convocation.language_of(guest) == convocation.language_of(member) == "en"
    speaks(world.home["coordinator"], "en")
    member.user.refresh_from_db()  # type: ignore[union-attr]
    assert convocation.language_of(member) == "en"
    assert convocation.language_of(guest) == "es"


def test_the_reminders_follow_each_persons_language(world: World, invited: Convened) -> None:
    speaks(world.home["area_focal"], "en")
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=3) + MINUTE) == 4
    reminders = OutgoingEmail.objects.filter(kind=coordination_kinds.KIND_REMINDER)
    english = reminders.get(recipient=world.home["area_focal"])
    spanish = reminders.get(recipient=world.home["coordinator"])
    guest = reminders.get(address=GUEST_EMAIL)
    assert english.subject.startswith("Reminder: Ordinary meeting of") and "is in 3 days" in english.body
    assert spanish.subject.startswith("Recordatorio:") and guest.subject.startswith("Recordatorio:")
