"""Pages a shared cache may keep set no cookie for anonymous visitors, and the language switch
still works for them; for signed-in people it stays CSRF-checked like every other form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ronda.core.roles import Role
from ronda.testing import World, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["core:home", "accountability:public_index"])
def test_anonymous_cacheable_pages_set_no_csrf_cookie(client: Client, world: World, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()


def test_the_public_plan_page_sets_no_cookie(client: Client, world: World) -> None:
    response = client.get(reverse("accountability:public_plan", args=[world.municipality.code]))
    assert response.status_code in (200, 404)
    assert not response.cookies


def test_an_anonymous_visitor_switches_language_without_a_token() -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/publico/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_signed_in_person_needs_the_token_to_switch_language(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    login(browser, world.home[Role.ANALYST])
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
