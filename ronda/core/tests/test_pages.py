from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.models import AuditEvent
from ronda.core.views_helpers import id_param
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db

# The home page, the landing page and the navigation are the portal's: ronda/portal/tests/.


def test_spanish_by_default_and_english_switch(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    spanish = client.get("/").content.decode()
    assert '<html lang="es">' in spanish and "Hola" in spanish
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english and "Hello" in english


def test_healthz_touches_no_database(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get(reverse("core:healthz"))
    assert response.json() == {"status": "ok"}


def test_security_headers(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_spanish_404(client: Client) -> None:
    response = client.get("/no-existe/")
    assert response.status_code == 404
    assert "No encontramos" in response.content.decode()


def test_openapi_schema_lists_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/auth/token", "/api/v1/me", "/api/v1/org-units", "/api/v1/org-units/{unit_id}"]:
        assert path in schema["paths"], path
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content  # the interactive docs load vendored assets only


def test_browser_language_does_not_override_spanish(client: Client, world: World) -> None:
    login(client, world.home["coordinator"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es">' in page


def test_api_honours_accept_language(client: Client, world: World) -> None:
    spanish = client.get("/api/v1/me").json()["message"]
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert spanish != english
    assert english == "Missing, invalid or expired token."


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_unsafe_methods_on_unknown_api_paths_are_json_404(client: Client, world: World, method: str) -> None:
    token = api_token(world.home["coordinator"])
    for path in ("/api/v1/coordination/agreements/null%2Cnull", "/api/v1/no-such-thing", "/api/v2/plans"):
        response = getattr(client, method)(
            path, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"].startswith("application/json")


def test_a_form_without_csrf_token_gets_a_spanish_page_and_saves_nothing(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, world.home["coordinator"])
    before = AuditEvent.objects.count()
    response = client.post(reverse("accounts:password_change"), {"old_password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "El formulario no se pudo enviar" in page and "Nada se guardó" in page
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("coordination:agreement_list", "area"),
        ("coordination:agreement_list", "mesa"),
        ("council:request_list", "area"),
        ("council:request_list", "sesion"),
        ("core:audit", "object"),
    ],
)
@pytest.mark.parametrize("value", ["99999999999999999999999", "-5", "１２", "0"])
def test_ids_in_the_query_string_never_break_a_page(world: World, url: str, param: str, value: str) -> None:
    """Numbers beyond 64 bits used to overflow SQLite's integer (a 500): now they match nothing."""
    client = login(Client(raise_request_exception=False), world.home["admin"])
    response = client.get(reverse(url), {param: value})
    assert response.status_code in (200, 302, 404)  # an unknown body named by ?mesa= is a 404


def test_id_param_accepts_only_database_ids() -> None:
    assert id_param("42") == 42
    assert id_param(str(2**63 - 1)) == 2**63 - 1
    for bad in (None, "", "0", "-1", "1.5", "１２", str(2**63), "99999999999999999999999", " 7"):
        assert id_param(bad) is None, bad
