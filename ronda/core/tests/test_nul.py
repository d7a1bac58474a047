"""Issue #7, finding 5: a NUL character is refused at the edge, before anything reads it.

PostgreSQL cannot hold NUL in text: a lookup or a write with one answered 500 there (SQLite let it
through). Each request below is refused before it reaches a view, so it never touches the database
on either engine: 404 for the path, 400 (a page) or 422 (JSON under /api/) for everything else.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ronda.core.models import AuditEvent
from ronda.testing import PASSWORD, World, api_token, login

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Este texto contiene un carácter no permitido (NUL)."


def assert_refused_page(response: Any, status: int = 400) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert '<html lang="es">' in body
    if status == 400:
        assert "No se pudo procesar la solicitud" in body
    else:
        assert "No encontramos esa página" in body


def assert_refused_json(response: Any, field: str) -> None:
    assert response.status_code == 422
    assert response.json() == {
        "message": "La solicitud tiene campos no válidos.",
        "errors": [{"field": field, "message": NUL_MESSAGE}],
    }


@pytest.mark.parametrize("url", ["/publico/a%00b/", "/publico/a%00b/ninos/"])
def test_nul_in_the_path_is_404_before_any_query(client: Client, django_assert_num_queries: Any, url: str) -> None:
    # /publico/<code>/ needs no sign-in: on PostgreSQL this was an anonymous 500.
    with django_assert_num_queries(0):
        response = client.get(url)
        api = client.get(f"/api{url}")
    assert_refused_page(response, status=404)
    assert api.status_code == 404
    assert api.json() == {"message": "No encontrado."}


@pytest.mark.parametrize(
    "query",
    [
        "/territorio/instituciones/?q=a%00b",
        "/territorio/instituciones/?kind=%00",
        "/cuentas/usuarios/?q=%00",
        "/mesa/acuerdos/?status=pending%00",
        "/auditoria/?a%00b=1",
    ],
)
def test_nul_in_a_page_query_is_400(client: Client, world: World, django_assert_num_queries: Any, query: str) -> None:
    login(client, world.home["admin"])
    with django_assert_num_queries(0):
        response = client.get(query)
    assert_refused_page(response)
    # A percent sign is not NUL.
    assert client.get(query.replace("%00", "%25")).status_code == 200


def test_the_400_page_follows_the_language_cookie(client: Client) -> None:
    client.cookies["ronda_language"] = "en"
    response = client.get("/publico/?q=%00")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="en">' in body and "The request could not be processed" in body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/v1/org-units?q=a%00b", "q"),
        ("/api/v1/org-units?level=1&q=%00", "q"),
        ("/api/v1/coordination/agreements?status=%00", "status"),
    ],
)
def test_nul_in_an_api_query_is_422(client: Client, world: World, query: str, field: str) -> None:
    token = api_token(world.home["admin"])
    response = client.get(query, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_refused_json(response, field)


def test_nul_in_an_api_query_is_refused_before_authentication(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = client.get("/api/v1/org-units?q=%00", HTTP_AUTHORIZATION="Bearer nothing")
    assert_refused_json(response, "q")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "a\u0000b", "password": "x"}, "username"),
        ({"username": "admin.home", "password": f"{PASSWORD}\u0000"}, "password"),
        ({"username": "admin.home", "password": "x", "name": "\u0000"}, "name"),
        ({"username": "admin.home", "password": "x", "user\u0000name": "y"}, "user\\u0000name"),
    ],
)
def test_nul_in_the_token_request_never_reaches_authentication(
    client: Client, world: World, body: dict[str, str], field: str
) -> None:
    # A failed sign-in is written to the database with its username: on PostgreSQL a NUL was a 500.
    with mock.patch("ronda.accounts.api.authenticate", side_effect=AssertionError("authenticate was called")):
        response = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert_refused_json(response, field)
    assert not AuditEvent.objects.exists()


def test_nul_in_a_json_body_that_is_a_string_names_the_body(client: Client) -> None:
    response = client.post("/api/v1/auth/token", json.dumps("a\u0000"), content_type="application/json")
    assert_refused_json(response, "body")
    # The text "\u0000" (a backslash and five characters, escaped in JSON) is not NUL.
    text = client.post(
        "/api/v1/auth/token", json.dumps({"username": "\\u0000", "password": "x"}), content_type="application/json"
    )
    assert text.status_code == 401


def test_nul_in_a_web_form_is_400_and_signs_nobody_in(client: Client, world: World) -> None:
    response = client.post("/cuentas/entrar/", {"username": "admin.home", "password": "x", "next": "/\x00"})
    assert_refused_page(response)
    assert not AuditEvent.objects.exists()


def test_nul_in_a_multipart_web_form_field_is_400(client: Client, world: World) -> None:
    login(client, world.home["admin"])
    upload = SimpleUploadedFile("unidades.csv", b"code,name,level,parent_code\n", content_type="text/csv")
    response = client.post("/territorio/importar/", {"file": upload, "note\x00": "x"})
    assert_refused_page(response)


def test_nul_in_the_session_cookie_is_400(client: Client) -> None:
    # Cookie values are unquoted ("\000" becomes NUL), so this arrives from any browser or script.
    response = client.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert_refused_page(response)
    api = client.get("/api/v1/me", HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert_refused_json(api, "cookies.sessionid")


def test_nul_in_a_header_is_refused(client: Client, world: World) -> None:
    # The sign-in throttling library of the time stored the user agent of a failed sign-in.
    response = client.post("/cuentas/entrar/", {"username": "a", "password": "x"}, HTTP_USER_AGENT="a\x00b")
    assert_refused_page(response)
    api = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "a", "password": "x"}),
        content_type="application/json",
        HTTP_USER_AGENT="a\x00b",
    )
    assert_refused_json(api, "headers.User-Agent")
    assert not AuditEvent.objects.exists()
