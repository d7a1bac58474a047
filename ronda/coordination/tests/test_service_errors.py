"""Actions that redirect back to their page show a service's refusal as messages, word for word
(one idiom for every view: ``service_errors_on`` then ``flash_errors``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from ronda.coordination import services
from ronda.coordination.models import Agreement, QuestionnaireRound
from ronda.coordination.tests.conftest import Coordination
from ronda.core.errors import ConflictError
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[tuple[str, str]]:
    """The messages shown on the page the action redirected to (a test client's ``follow=True`` response)."""
    assert response.redirect_chain
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _conflict() -> str:
    with translation.override("es"):
        return str(ConflictError())


def test_a_stale_status_change_is_one_error_message(world: World, co: Coordination) -> None:
    services.update_agreement(actor=SYSTEM, agreement=co.agreement, expected_version=1, status="in_progress")
    focal = login(Client(), world.home["area_focal"])
    response = focal.post(
        reverse("coordination:agreement_status", args=[co.agreement.pk]), {"status": "done", "version": 1}, follow=True
    )
    assert _messages(response) == [("error", _conflict())]
    assert Agreement.objects.get(pk=co.agreement.pk).status == "in_progress"


def test_a_refused_status_change_shows_the_services_message(world: World, co: Coordination) -> None:
    focal = login(Client(), world.home["area_focal"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = focal.post(
        reverse("coordination:agreement_status", args=[co.agreement.pk]),
        {"status": "done", "completed_on": tomorrow.isoformat(), "version": co.agreement.version},
        follow=True,
    )
    with translation.override("es"):
        expected = gettext("The fulfilment date cannot be in the future.")
    assert _messages(response) == [("error", expected)]
    assert Agreement.objects.get(pk=co.agreement.pk).status == co.agreement.status


def test_a_stale_round_close_is_one_error_message_and_a_forged_form_none(world: World, co: Coordination) -> None:
    coordinator = login(Client(), world.home["coordinator"])
    url = reverse("coordination:round_close", args=[co.round.pk])
    assert _messages(coordinator.post(url, {"version": co.round.version + 1}, follow=True)) == [("error", _conflict())]
    assert _messages(coordinator.post(url, {}, follow=True)) == []
    assert QuestionnaireRound.objects.get(pk=co.round.pk).is_closed is False
    with translation.override("es"):
        closed = gettext("Round closed.")
    assert _messages(coordinator.post(url, {"version": co.round.version}, follow=True)) == [("success", closed)]
