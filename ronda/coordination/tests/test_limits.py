"""The limits on the coordination body's long texts (``coordination/limits.py``): every path refuses
a text over its limit, writes nothing, and accepts one at the limit; older, longer texts still show."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.coordination import limits, services
from ronda.coordination.forms import AgreementForm, BodyForm, CommissionForm, MinutesForm, NoteForm
from ronda.coordination.models import Agreement, Commission, CoordinationBody, Meeting
from ronda.coordination.tests.conftest import Coordination
from ronda.coordination.tests.test_views import db_state
from ronda.core.errors import too_long_message
from ronda.core.tenancy import SYSTEM
from ronda.territory.models import Level
from ronda.testing import World, api_token, login, make_unit

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coordination"


def _due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=20)).isoformat()


def _agreement_post(co: Coordination, text: str) -> dict[str, Any]:
    return {"text": text, "owner_area": co.education.pk, "due_date": _due(), "status": "pending"}


def _api(client: Client, method: str, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


# --- Forms ------------------------------------------------------------------------------
def test_the_forms_bound_every_long_text(co: Coordination) -> None:
    fields = [
        (AgreementForm(body=co.body).fields["text"], limits.AGREEMENT),
        (NoteForm().fields["text"], limits.NOTE),
        (MinutesForm(meeting=co.meeting).fields["minutes_text"], limits.DISCUSSION),
        (CommissionForm(body=co.body).fields["purpose"], limits.PURPOSE),
        (BodyForm().fields["safeguarding_protocol"], limits.PROTOCOL),
    ]
    for field, limit in fields:
        assert field.max_length == limit
        assert field.widget.attrs["maxlength"] == str(limit)  # the textarea's attribute the counter reads


def test_a_newline_counts_once_in_a_form(co: Coordination) -> None:
    at_limit = "a\r\n" * (limits.AGREEMENT // 2)  # 2,000 characters as the page counts them
    form = AgreementForm(_agreement_post(co, at_limit), body=co.body)
    assert form.is_valid(), form.errors
    assert "\r" not in form.cleaned_data["text"]


def test_an_agreement_over_its_limit_is_refused_on_the_page(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:agreement_create", args=[co.meeting.pk])
    assert f'maxlength="{limits.AGREEMENT}"' in client.get(url).content.decode()
    before = db_state()
    response = client.post(url, _agreement_post(co, "x" * (limits.AGREEMENT + 1)))
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert db_state() == before
    accepted = client.post(url, _agreement_post(co, "y" * limits.AGREEMENT))
    assert accepted.status_code == 302
    assert Agreement.objects.filter(text="y" * limits.AGREEMENT).exists()


def test_minutes_over_their_limit_are_refused_on_the_page(world: World, co: Coordination) -> None:
    client = login(Client(), world.home["coordinator"])
    url = reverse("coordination:minutes_edit", args=[co.meeting.pk])
    before = db_state()
    data = {"minutes_text": "m" * (limits.DISCUSSION + 1), "version": co.meeting.version}
    response = client.post(url, data)
    assert response.status_code == 200 and "minutes_text" in response.context["form"].errors
    assert db_state() == before
    assert client.post(url, {**data, "minutes_text": "m" * limits.DISCUSSION}).status_code == 302
    assert Meeting.objects.get(pk=co.meeting.pk).minutes_text == "m" * limits.DISCUSSION


# --- API --------------------------------------------------------------------------------
def test_the_api_refuses_an_agreement_over_its_limit(world: World, co: Coordination) -> None:
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['coordinator'])}"}
    body = {"body_id": co.body.pk, "text": "x" * (limits.AGREEMENT + 1), "owner_area_id": co.education.pk}
    body["due_date"] = _due()
    before = db_state()
    created = _api(client, "post", f"{BASE}/agreements", headers, body)
    patched = _api(
        client,
        "patch",
        f"{BASE}/agreements/{co.agreement.pk}",
        headers,
        {"version": co.agreement.version, "text": "x" * (limits.AGREEMENT + 1)},
    )
    note = _api(
        client, "post", f"{BASE}/agreements/{co.agreement.pk}/notes", headers, {"text": "n" * (limits.NOTE + 1)}
    )
    for response in (created, patched, note):
        assert response.status_code == 422, response.content
        error = response.json()["errors"][0]
        assert error["field"] == "text"
    with translation.override(created.headers.get("Content-Language", "es")):
        assert created.json()["errors"][0]["message"] == too_long_message(limits.AGREEMENT)  # names the limit
    assert db_state() == before
    ok = _api(client, "post", f"{BASE}/agreements", headers, {**body, "text": "y" * limits.AGREEMENT})
    assert ok.status_code == 201, ok.content


# --- Services ---------------------------------------------------------------------------
def test_the_services_refuse_texts_over_their_limit(world: World, co: Coordination) -> None:
    before = db_state()
    calls = [
        (
            "text",
            lambda: services.create_agreement(
                actor=SYSTEM,
                body=co.body,
                text="x" * (limits.AGREEMENT + 1),
                owner_area=co.education,
                due_date=timezone.localdate(),
            ),
        ),
        (
            "text",
            lambda: services.update_agreement(
                actor=SYSTEM, agreement=co.agreement, expected_version=None, text="x" * (limits.AGREEMENT + 1)
            ),
        ),
        (
            "text",
            lambda: services.add_agreement_note(
                actor=SYSTEM, agreement=co.agreement, text="n" * (limits.NOTE + 1), author=world.home["coordinator"]
            ),
        ),
        (
            "minutes_text",
            lambda: services.save_minutes(
                actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="m" * (limits.DISCUSSION + 1)
            ),
        ),
        (
            "purpose",
            lambda: services.create_commission(
                actor=SYSTEM, body=co.body, name="Comisión larga", purpose="p" * (limits.PURPOSE + 1)
            ),
        ),
        (
            "safeguarding_protocol",
            lambda: services.update_body(
                actor=SYSTEM, body=co.body, expected_version=None, safeguarding_protocol="s" * (limits.PROTOCOL + 1)
            ),
        ),
        (
            "safeguarding_protocol",
            lambda: services.create_body(
                actor=SYSTEM,
                org_unit=make_unit("A-N", Level.MUNICIPALITY, world.municipality.parent, "Municipio N"),
                name="Otra mesa",
                safeguarding_protocol="s" * (limits.PROTOCOL + 1),
            ),
        ),
    ]
    for field, call in calls:
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            call()
        assert field in exc.value.message_dict, (field, exc.value)
        assert exc.value.message_dict[field][0].startswith("Shorten this text to ")
    assert db_state() == before


def test_the_services_accept_texts_at_their_limit(world: World, co: Coordination) -> None:
    agreement = services.create_agreement(
        actor=SYSTEM,
        body=co.body,
        text="x" * limits.AGREEMENT,
        owner_area=co.education,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    note = services.add_agreement_note(
        actor=SYSTEM, agreement=agreement, text="n" * limits.NOTE, author=world.home["coordinator"]
    )
    commission = services.create_commission(actor=SYSTEM, body=co.body, name="Comisión", purpose="p" * limits.PURPOSE)
    body = services.update_body(
        actor=SYSTEM, body=co.body, expected_version=None, safeguarding_protocol="s" * limits.PROTOCOL
    )
    meeting = services.save_minutes(
        actor=SYSTEM, meeting=co.meeting, expected_version=None, minutes_text="m" * limits.DISCUSSION
    )
    assert len(agreement.text) == limits.AGREEMENT and len(note.text) == limits.NOTE
    assert len(Commission.objects.get(pk=commission.pk).purpose) == limits.PURPOSE
    assert len(CoordinationBody.objects.get(pk=body.pk).safeguarding_protocol) == limits.PROTOCOL
    assert len(Meeting.objects.get(pk=meeting.pk).minutes_text) == limits.DISCUSSION


# --- Texts saved before the limits ------------------------------------------------------
def test_an_older_longer_agreement_shows_and_is_edited_only_by_shortening_it(world: World, co: Coordination) -> None:
    long_text = "Acuerdo extenso. " * 2_300  # some 39,000 characters, saved before the limit
    Agreement.objects.filter(pk=co.agreement.pk).update(text=long_text)
    client = login(Client(), world.home["coordinator"])
    page = client.get(reverse("coordination:agreement_detail", args=[co.agreement.pk])).content.decode()
    assert long_text.strip()[:2_000] in page
    # Its follow-up (status only) goes on: the text is not what changes.
    followed = services.update_agreement(
        actor=SYSTEM, agreement=co.agreement, expected_version=None, status="in_progress"
    )
    assert followed.status == "in_progress" and followed.text == long_text
    # The edit form shows it, and refuses to save it until it is shortened.
    url = reverse("coordination:agreement_edit", args=[co.agreement.pk])
    assert long_text.strip()[:2_000] in client.get(url).content.decode()
    data = {**_agreement_post(co, long_text), "version": followed.version, "status": "in_progress"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "text" in refused.context["form"].errors
    assert Agreement.objects.get(pk=co.agreement.pk).text == long_text
    shortened = client.post(url, {**data, "text": long_text[: limits.AGREEMENT]})
    assert shortened.status_code == 302
    assert Agreement.objects.get(pk=co.agreement.pk).text == long_text[: limits.AGREEMENT].strip()
