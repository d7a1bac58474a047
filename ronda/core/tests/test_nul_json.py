"""A NUL character sent to the DHIS2-compatible API is refused at the edge, as everywhere (test_nul),
but in DHIS2's own error shape: a WebMessage its clients can read, never an HTML page. A JSON body
with one (the escape \\u0000) is refused there too, before a value with it is stored (PostgreSQL
cannot hold NUL in text: a 500 there)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.models import DataValue
from ronda.tablero.tests.dhis2_catalogue import Catalogue, basic, build
from ronda.testing import World, api_token

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
NUL_MESSAGE = "Este texto contiene un carácter no permitido (NUL)."


@pytest.fixture
def cat(world: World) -> Catalogue:
    return build(world)


def coordinator(cat: Catalogue) -> dict[str, str]:
    return basic(cat.world.home[Role.COORDINATOR].username)


def assert_web_message(response: Any, status: int, dev_message: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "httpStatus": {400: "Bad Request", 404: "Not Found"}[status],
        "httpStatusCode": status,
        "status": "ERROR",
        "message": NUL_MESSAGE if status == 400 else "Not Found",
        "devMessage": dev_message,
    }


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{BASE}/organisationUnits?filter=name:ilike:a%00", "filter"),
        (f"{BASE}/40/me.json?fields=%00", "fields"),
        (f"{BASE}/analytics?dimension=dx:a%00b", "dimension"),
        (f"{BASE}/dataValueSets?a%00=1", "a\\u0000"),
    ],
)
def test_nul_in_a_dhis2_query_is_a_400_web_message_before_any_query(
    cat: Catalogue, django_assert_num_queries: Any, url: str, field: str
) -> None:
    with django_assert_num_queries(0):
        response = Client().get(url, **coordinator(cat))
    assert_web_message(response, 400, f"NUL character in {field}")
    # A percent sign is not NUL: the same request is answered.
    assert Client().get(url.replace("%00", "%25"), **coordinator(cat))["Content-Type"].startswith("application/json")


def test_nul_in_a_dhis2_path_is_a_404_web_message(cat: Catalogue) -> None:
    assert_web_message(Client().get(f"{BASE}/dataElements/a%00b"), 404, "NUL character in the path")


def test_nul_in_a_header_or_a_cookie_of_a_dhis2_call(cat: Catalogue) -> None:
    response = Client().get(f"{BASE}/me", HTTP_USER_AGENT="dhis2\x00client", **coordinator(cat))
    assert_web_message(response, 400, "NUL character in headers.User-Agent")
    response = Client().get(f"{BASE}/me", HTTP_COOKIE='sessionid="abc\\000def"', **coordinator(cat))
    assert_web_message(response, 400, "NUL character in cookies.sessionid")


def _value_set(cat: Catalogue, comment: str) -> dict[str, Any]:
    return {
        "dataSet": cat.data_set.uid,
        "period": "202402",
        "orgUnit": cat.world.municipality.uid,
        "dataValues": [{"dataElement": cat.vac.uid, "value": "7", "comment": comment}],
    }


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", ""])
def test_nul_in_a_json_body_is_refused_and_nothing_is_stored(cat: Catalogue, content_type: str) -> None:
    body = json.dumps(_value_set(cat, "a\u0000b"))
    assert "\\u0000" in body
    response = Client().post(f"{BASE}/dataValueSets", body, content_type=content_type, **coordinator(cat))
    assert_web_message(response, 400, "NUL character in body")
    single = json.dumps({"dataElement": cat.vac.uid, "period": "202401", "orgUnit": cat.world.municipality.uid})
    nul_key = single[:-1] + ', "comm\\u0000ent": "x"}'
    response = Client().post(f"{BASE}/dataValues", nul_key, content_type="application/json", **coordinator(cat))
    assert_web_message(response, 400, "NUL character in body")
    assert not DataValue.objects.exists()


@pytest.mark.parametrize("comment", ["\\u0000", "\\\\u0000", "u0000", "\\"])
def test_the_text_backslash_u0000_is_not_nul(cat: Catalogue, comment: str) -> None:
    # JSON-encoded, each is a run of escaped backslashes (an even number) before "u0000": plain text.
    body = json.dumps(_value_set(cat, comment))
    response = Client().post(f"{BASE}/dataValueSets", body, content_type="application/json", **coordinator(cat))
    assert response.status_code == 200, response.content
    assert DataValue.objects.get().comment == comment


def test_nul_in_a_dhis2_form_body_is_a_web_message(cat: Catalogue) -> None:
    query = f"de={cat.vac.uid}&pe=202401&ou={cat.world.municipality.uid}"
    response = Client().post(f"{BASE}/dataValues?{query}", {"value": "3", "comment": "x\x00"}, **coordinator(cat))
    assert_web_message(response, 400, "NUL character in comment")
    assert not DataValue.objects.exists()


def test_a_token_call_is_refused_the_same_way(cat: Catalogue) -> None:
    token = api_token(cat.world.home[Role.COORDINATOR])
    response = Client().get(f"{BASE}/me?fields=%00", HTTP_AUTHORIZATION=f"ApiToken {token}")
    assert_web_message(response, 400, "NUL character in fields")


@pytest.mark.parametrize(
    ("url", "status"),
    [("/api/v1/org-units/a%00b", 404), ("/api/v1/org-units?q=%00", 422), ("/api/v1/me?x=%00", 422)],
)
def test_the_ronda_api_already_answers_json(world: World, url: str, status: int) -> None:
    # Checked while fixing the DHIS2 API: under /api/ every refusal was JSON already (test_nul).
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[Role.ADMIN])}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_pages_keep_the_html_400(client: Client) -> None:
    response = client.get("/publico/?q=%00")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
