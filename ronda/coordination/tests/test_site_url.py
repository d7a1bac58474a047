"""Issue #13 item 2: the links of the convocation e-mails are absolute without a request, through
``RONDA_SITE_URL``; the reminders the job sends link members to the meeting's page and tell guests,
whose private link cannot be rebuilt, to use the one of their convocation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ronda.coordination import notifications as coordination_kinds
from ronda.coordination.models import Meeting
from ronda.coordination.services import convocation
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_convocation import GUEST_EMAIL, Convened, coming_meeting, invite_everyone
from ronda.coordination.tests.test_convocation_reminders import MINUTE, run_job
from ronda.core.tenancy import SYSTEM
from ronda.notifications.models import OutgoingEmail
from ronda.testing import World

pytestmark = pytest.mark.django_db

SITE = "https://ronda.loja.gob.ec"
GUEST_HINT = "To answer whether you will attend, or to change your answer, use your convocation's link."


@pytest.fixture
def invited(world: World, co: Coordination) -> Convened:
    return invite_everyone(world, co, coming_meeting(co))


def page_of(meeting: Meeting) -> str:
    return reverse("coordination:meeting_detail", args=[meeting.pk])


def sent(kind: str, **lookup: object) -> OutgoingEmail:
    return OutgoingEmail.objects.get(kind=kind, **lookup)


@override_settings(RONDA_SITE_URL=SITE)
def test_a_reminder_sent_by_the_job_links_members_to_the_meeting_through_the_site_url(
    world: World, invited: Convened
) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=3) + MINUTE) == 4
    reminder = coordination_kinds.KIND_REMINDER
    for role in ("area_focal", "coordinator"):
        body = sent(reminder, recipient=world.home[role]).body
        assert SITE + page_of(meeting) in body, role
    with translation.override("es"):
        hint = gettext(GUEST_HINT)
    # The guest's private link is kept as a hash only: the reminder says where to find it, and links nothing.
    guest = sent(reminder, address=GUEST_EMAIL).body
    assert hint in guest and "http" not in guest
    # A member without a Ronda user cannot open the meeting's page: no link, and no guest's advice.
    paper = sent(reminder, address=invited.with_email.email).body
    assert "http" not in paper and hint not in paper


@override_settings(RONDA_SITE_URL=SITE + "/")
def test_a_convocation_sent_without_a_request_links_through_the_site_url(world: World, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    convocations = coordination_kinds.KIND_CONVOCATION
    assert SITE + page_of(meeting) in sent(convocations, recipient=world.home["area_focal"]).body
    guest = sent(convocations, address=GUEST_EMAIL).body
    assert re.search(re.escape(SITE) + r"/\S+/inv_\S+", guest)
    assert SITE + "//" not in guest  # the setting's trailing slash is not doubled


@override_settings(RONDA_SITE_URL="")
def test_without_the_setting_development_links_to_localhost(world: World, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting)
    assert run_job(meeting.scheduled_at - dt.timedelta(days=3) + MINUTE) == 4
    reminder = sent(coordination_kinds.KIND_REMINDER, recipient=world.home["coordinator"])
    assert "http://localhost:8000" + page_of(meeting) in reminder.body


@override_settings(RONDA_SITE_URL=SITE)
def test_the_address_of_the_request_still_wins_when_there_is_one(world: World, invited: Convened) -> None:
    meeting = invited.meeting
    convocation.send_convocation(actor=SYSTEM, meeting=meeting, base_url="https://otra.example.org/")
    body = sent(coordination_kinds.KIND_CONVOCATION, recipient=world.home["coordinator"]).body
    assert "https://otra.example.org" + page_of(meeting) in body and SITE not in body
