"""Ronda's own 404 page under DEBUG too (issue 8, item 8): ``make run`` must not show Django's
yellow debug page listing every URL pattern. The test client runs with DEBUG off by default;
these tests turn it on, as ``make run`` does (Django reads settings.DEBUG when it answers)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from ronda.testing import World, login

pytestmark = pytest.mark.django_db

DJANGO_DEBUG_PAGE = "Using the URLconf defined in"


def _assert_ronda_404(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 404
    body = response.content.decode()
    assert DJANGO_DEBUG_PAGE not in body
    assert "int:pk" not in body  # no list of URL patterns
    assert "No encontramos esa página" in body
    assert f'href="{reverse("core:home")}"' in body  # a way home


@override_settings(DEBUG=True)
def test_unknown_page_under_debug_is_ronda_404(client: Client, world: World, caplog) -> None:
    login(client, world.home["coordinator"])
    with caplog.at_level(logging.INFO, logger="ronda.errors"):
        response = client.get("/no-existe/")
    _assert_ronda_404(response)
    assert "<nav" in response.content.decode()  # the layout, with the navigation of a signed-in person
    assert "/no-existe/" in caplog.text  # the details go to the console


@override_settings(DEBUG=True)
def test_refused_object_under_debug_is_ronda_404(client: Client, world: World, caplog) -> None:
    # The defender does not see the municipality: the view raises Http404.
    login(client, world.home["defender"])
    with caplog.at_level(logging.INFO, logger="ronda.errors"):
        response = client.get(reverse("territory:unit_detail", args=[world.municipality.pk]))
    _assert_ronda_404(response)
    assert "Http404" in caplog.text


@override_settings(DEBUG=True)
def test_missing_object_under_debug_is_ronda_404(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    _assert_ronda_404(client.get(reverse("territory:unit_detail", args=[999999])))


@override_settings(DEBUG=True)
def test_unknown_page_without_slash_still_redirects_under_debug(client: Client, world: World) -> None:
    # CommonMiddleware's APPEND_SLASH sees the 404 and adds the slash, as without DEBUG.
    login(client, world.home["admin"])
    response = client.get("/territorio")
    assert response.status_code == 301
    assert response["Location"] == "/territorio/"


@override_settings(DEBUG=True)
def test_api_under_debug_still_answers_json(client: Client, world: World) -> None:
    from ronda.testing import api_token

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(world.home['admin'])}"}
    for path in ("/api/v1/no-existe", "/api/v1/org-units/999999"):
        response = client.get(path, **auth)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert DJANGO_DEBUG_PAGE not in response.content.decode()


def test_without_debug_nothing_changes(client: Client, world: World) -> None:
    login(client, world.home["defender"])
    _assert_ronda_404(client.get(reverse("territory:unit_detail", args=[world.municipality.pk])))
    _assert_ronda_404(client.get("/no-existe/"))
