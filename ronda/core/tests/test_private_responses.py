"""What a signed-in person or an API client is shown is never kept by a browser's or a proxy's cache
(``PrivateResponsesMiddleware``): on a shared office computer the back button must not bring a child's
record back after the session ended."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from ronda.core.middleware import PrivateResponsesMiddleware
from ronda.core.roles import Role
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db


def test_a_signed_in_persons_pages_are_not_stored(client: Client, world: World) -> None:
    login(client, world.home[Role.COORDINATOR])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_apis_answers_are_not_stored(client: Client, world: World) -> None:
    token = api_token(world.home[Role.ANALYST])
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_refused_api_call_is_not_stored_either(client: Client) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_public_pages_keep_their_own_policy(client: Client, world: World) -> None:
    response = client.get(reverse("accountability:public_index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_that_chose_its_policy_keeps_it(rf: RequestFactory, world: World) -> None:
    request = rf.get("/")
    request.user = world.home[Role.COORDINATOR]

    def view(_request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response["Cache-Control"] = "private, max-age=60"
        return response

    assert PrivateResponsesMiddleware(view)(request)["Cache-Control"] == "private, max-age=60"
    assert PrivateResponsesMiddleware(lambda _r: HttpResponse("ok"))(request)["Cache-Control"] == "private, no-store"
