"""Issue #9 item 15: the minutes and the coordination pages do not guess a person's gender, and
their statuses agree with their nouns ("Acta aprobada", "Cancelado" for an agreement)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.coordination import pdf, selectors, services
from ronda.coordination.models import AgreementStatus, Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.core.tenancy import SYSTEM
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


def test_the_acta_names_who_presents_an_item_without_guessing_a_gender(co: Coordination) -> None:
    services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Acta.")
    held = selectors.meeting_record(Meeting.objects.all()).get(pk=co.meeting.pk)
    with translation.override("es"):
        html = pdf.render_minutes_html(held)
    # Fabiola presents the items: "presentado por Fabiola" took her for a man.
    assert f"a cargo de {co.focal_member.full_name}" in html
    assert "presentado por" not in html and "presentada por" not in html


def test_the_minutes_badge_says_acta_aprobada(world: World, co: Coordination) -> None:
    services.save_minutes(actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="Acta.")
    held = Meeting.objects.get(pk=co.meeting.pk)
    services.approve_minutes(actor=SYSTEM, meeting=held, expected_version=None, approved_at=co.later_meeting)
    client = login(Client(), world.home["analyst"])
    page = client.get(reverse("coordination:meeting_detail", args=[co.meeting.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert '<span class="badge ok">Aprobada</span>' in page.content.decode()


def test_a_cancelled_agreement_is_cancelado_and_an_overdue_one_vencido(co: Coordination) -> None:
    agreement = co.agreement
    agreement.status = AgreementStatus.CANCELLED
    with translation.override("es"):
        html = render_to_string("coordination/partials/agreement_status.html", {"a": agreement})
    assert '<span class="badge">Cancelado</span>' in html
    agreement.status = AgreementStatus.PENDING
    agreement.due_date = timezone.localdate() - dt.timedelta(days=3)
    with translation.override("es"):
        html = render_to_string("coordination/partials/agreement_status.html", {"a": agreement})
    assert "Pendiente" in html and '<span class="badge bad">Vencido</span>' in html


def test_the_minutes_file_name_says_each_word_once(co: Coordination) -> None:
    co.meeting.body.org_unit.name = "Acta Municipal de Año Nuevo"  # a name that repeats the document's kind
    day = timezone.localtime(co.meeting.scheduled_at).date().isoformat()
    assert pdf.minutes_filename(co.meeting) == f"acta-municipal-de-año-nuevo-{day}.pdf"
