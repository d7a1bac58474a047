"""The limits on the children's council's long texts (``council/limits.py``): every path refuses a
text over its limit, writes nothing, and accepts one at the limit; older, longer texts still show."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ronda.core.errors import too_long_message
from ronda.core.models import AuditEvent
from ronda.core.tenancy import SYSTEM
from ronda.council import limits, services
from ronda.council.forms import AccountabilityForm, RequestForm, SessionForm, TransitionForm
from ronda.council.models import (
    AccountabilitySession,
    ChildrenCouncil,
    CouncilRequest,
    CouncilSession,
    RequestStatus,
)
from ronda.council.tests.conftest import days_ago
from ronda.council.tests.test_views import request_data
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db

BASE = "/api/v1/council"


def state() -> tuple[Any, ...]:
    return (
        CouncilRequest.objects.count(),
        CouncilSession.objects.count(),
        AccountabilitySession.objects.count(),
        *CouncilRequest.objects.order_by("pk").values_list("version", "description", "answer"),
        AuditEvent.objects.count(),
    )


# --- Forms ------------------------------------------------------------------------------
def test_the_forms_bound_every_long_text(council: ChildrenCouncil) -> None:
    request_form = RequestForm(
        areas=council.org_unit.areas.all(), sessions=CouncilSession.objects.none(), response_days=30, with_answer=True
    )
    fields = [
        (request_form.fields["description"], limits.REQUEST),
        (request_form.fields["answer"], limits.ANSWER),
        (TransitionForm(allowed=()).fields["answer"], limits.ANSWER),
        (SessionForm().fields["topics"], limits.TOPICS),
        (AccountabilityForm().fields["summary"], limits.REPORT),
        (AccountabilityForm().fields["children_questions"], limits.QUESTIONS),
    ]
    for field, limit in fields:
        assert field.max_length == limit
        assert field.widget.attrs["maxlength"] == str(limit)


def test_a_request_over_its_limit_is_refused_on_the_page(
    client: Client, world: World, council: ChildrenCouncil
) -> None:
    login(client, world.home["coordinator"])
    url = reverse("council:request_create")
    assert f'maxlength="{limits.REQUEST}"' in client.get(url).content.decode()
    before = state()
    response = client.post(url, request_data(world, description="x" * (limits.REQUEST + 1)))
    assert response.status_code == 200 and "description" in response.context["form"].errors
    assert state() == before
    at_limit = "Pedimos más columpios.\r\n" * (limits.REQUEST // 23)  # 23 characters a line, as the page counts
    accepted = client.post(url, request_data(world, description=at_limit))
    assert accepted.status_code == 302
    assert CouncilRequest.objects.get().description == at_limit.replace("\r\n", "\n").strip()


def test_an_accountability_report_over_its_limit_is_refused_on_the_page(
    client: Client, world: World, council: ChildrenCouncil
) -> None:
    login(client, world.home["coordinator"])
    data = {"held_on": days_ago(1).isoformat(), "summary": "s" * (limits.REPORT + 1), "attendees": 5}
    before = state()
    response = client.post(reverse("council:accountability_create"), data)
    assert response.status_code == 200 and "summary" in response.context["form"].errors
    assert state() == before


# --- API --------------------------------------------------------------------------------
def test_the_api_refuses_texts_over_their_limit(
    client: Client, world: World, council: ChildrenCouncil, council_request: CouncilRequest
) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['coordinator'])}"}
    body = {"title": "Luces", "description": "x" * (limits.REQUEST + 1), "received_on": days_ago(1).isoformat()}
    before = state()
    created = client.post(f"{BASE}/requests", body, content_type="application/json", **headers)
    url = f"{BASE}/requests/{council_request.pk}"
    patched = client.patch(
        url, {"version": 1, "description": "x" * (limits.REQUEST + 1)}, content_type="application/json", **headers
    )
    answered = client.post(
        f"{url}/transition",
        {"version": 1, "status": "accepted", "answer": "Sí. " * (limits.ANSWER // 4 + 1), "confirm": True},
        content_type="application/json",
        **headers,
    )
    for response, field in ((created, "description"), (patched, "description"), (answered, "answer")):
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == field
    with translation.override(created.headers.get("Content-Language", "es")):
        assert created.json()["errors"][0]["message"] == too_long_message(limits.REQUEST)
    assert state() == before
    ok = client.post(
        f"{BASE}/requests", {**body, "description": "y" * limits.REQUEST}, content_type="application/json", **headers
    )
    assert ok.status_code == 201, ok.content


# --- Services ---------------------------------------------------------------------------
def test_the_services_refuse_texts_over_their_limit(
    world: World, council: ChildrenCouncil, council_request: CouncilRequest, session: CouncilSession
) -> None:
    before = state()
    calls = [
        (
            "description",
            lambda: services.create_request(
                actor=SYSTEM,
                council=council,
                title="T",
                description="d" * (limits.REQUEST + 1),
                received_on=days_ago(1),
            ),
        ),
        (
            "answer",
            lambda: services.update_request(
                actor=SYSTEM, council_request=council_request, expected_version=None, answer="a" * (limits.ANSWER + 1)
            ),
        ),
        (
            "answer",
            lambda: services.transition_request(
                actor=SYSTEM,
                council_request=council_request,
                expected_version=None,
                status=RequestStatus.ACCEPTED,
                answer="a" * (limits.ANSWER + 1),
                confirm_answer=True,
            ),
        ),
        (
            "topics",
            lambda: services.update_session(
                actor=SYSTEM, session=session, expected_version=None, topics="t" * (limits.TOPICS + 1)
            ),
        ),
        (
            "children_questions",
            lambda: services.record_accountability_session(
                actor=SYSTEM,
                council=council,
                held_on=days_ago(1),
                summary="Informe",
                children_questions="q" * (limits.QUESTIONS + 1),
            ),
        ),
    ]
    for field, call in calls:
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            call()
        assert field in exc.value.message_dict, (field, exc.value)
        assert exc.value.message_dict[field][0].startswith("Shorten this text to ")
    assert state() == before


def test_the_services_accept_texts_at_their_limit(council: ChildrenCouncil, session: CouncilSession) -> None:
    created = services.create_request(
        actor=SYSTEM, council=council, title="T", description="d" * limits.REQUEST, received_on=days_ago(1)
    )
    edited = services.update_session(actor=SYSTEM, session=session, expected_version=None, topics="t" * limits.TOPICS)
    report = services.record_accountability_session(
        actor=SYSTEM, council=council, held_on=days_ago(1), summary="s" * limits.REPORT
    )
    assert len(created.description) == limits.REQUEST and len(edited.topics) == limits.TOPICS
    assert len(report.summary) == limits.REPORT


# --- Texts saved before the limits ------------------------------------------------------
def test_an_older_longer_request_shows_and_moves_on_but_is_edited_only_by_shortening_it(
    client: Client, world: World, council_request: CouncilRequest
) -> None:
    long_text = "Queremos bebederos en todas las canchas. " * 100  # 4,100 characters, under the old 5,000
    CouncilRequest.objects.filter(pk=council_request.pk).update(description=long_text.strip())
    login(client, world.home["coordinator"])
    page = client.get(reverse("council:request_detail", args=[council_request.pk])).content.decode()
    assert long_text.strip()[:1_000] in page
    # Routing it, or moving it along, does not touch the text: both go on.
    moved = services.transition_request(
        actor=SYSTEM, council_request=council_request, expected_version=None, status=RequestStatus.UNDER_STUDY
    )
    assert moved.status == RequestStatus.UNDER_STUDY
    with pytest.raises(ValidationError) as exc:
        services.update_request(
            actor=SYSTEM, council_request=moved, expected_version=None, description=long_text + "Y más."
        )
    assert "description" in exc.value.message_dict
    shortened = services.update_request(
        actor=SYSTEM, council_request=moved, expected_version=None, description=long_text[: limits.REQUEST]
    )
    assert shortened.description == long_text[: limits.REQUEST].strip()
