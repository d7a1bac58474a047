"""The DHIS2 API's plumbing, identity and metadata reads: routes, auth, WebMessages, scope, paging."""

from __future__ import annotations

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.tests.dhis2_catalogue import basic, build
from ronda.testing import api_token, assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"


@pytest.fixture
def cat(world):
    return build(world)


def token_header(user, scheme="ApiToken"):
    return {"HTTP_AUTHORIZATION": f"{scheme} {api_token(user)}"}


def get(url, user=None, **headers):
    if user is not None:
        headers = {**basic(user.username), **headers}
    return Client().get(url, **headers)


# --- Plumbing and auth --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/system/info", "/system/info.json", "/40/system/info", "/29/system/info.json"])
def test_system_info_answers_with_or_without_version_and_suffix(cat, path):
    response = get(BASE + path, cat.world.home[Role.COORDINATOR])
    assert response.status_code == 200
    body = response.json()
    assert body["version"].startswith("2.40.") and body["calendar"] == "iso8601"
    assert len(body["serverDate"]) == 23  # yyyy-MM-ddTHH:mm:ss.SSS


def test_every_credential_kind_works(cat):
    user = cat.world.home[Role.COORDINATOR]
    assert get(f"{BASE}/me", user).json()["username"] == user.username
    assert get(f"{BASE}/me", **token_header(user)).json()["username"] == user.username
    assert get(f"{BASE}/me", **token_header(user, "Bearer")).json()["username"] == user.username


@pytest.mark.parametrize(
    "header",
    ["Basic !!!", "Basic " + "Y29vcmRpbmF0b3IuaG9tZTp3cm9uZw==", "ApiToken nope", "Bearer ", "Digest abc"],
)
def test_wrong_credentials_get_a_401_web_message(cat, header):
    response = Client().get(f"{BASE}/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {
        "httpStatus": "Unauthorized",
        "httpStatusCode": 401,
        "status": "ERROR",
        "message": "Unauthorized",
    }


def test_anonymous_gets_401_and_a_session_is_not_enough(cat, client):
    assert client.get(f"{BASE}/me").status_code == 401
    # (a role without a second factor: the web middleware sends the others to verification first)
    client.force_login(cat.world.home[Role.SECRETARIAT])
    assert client.get(f"{BASE}/me").status_code == 401


def test_basic_auth_respects_the_sign_in_lockout(cat, settings):
    settings.RONDA_SIGNIN_THROTTLE = True
    user = cat.world.home[Role.COORDINATOR]
    statuses = [get(f"{BASE}/me", **basic(user.username, "wrong")).status_code for _ in range(12)]
    assert statuses[0] == 401 and 429 in statuses
    # Locked out even with the right password now.
    assert get(f"{BASE}/me", user).status_code == 429


def test_posts_need_no_csrf_token_and_unknown_paths_are_json_404s(cat):
    client = Client(enforce_csrf_checks=True)
    user = cat.world.home[Role.COORDINATOR]
    response = client.post(f"{BASE}/dataValueSets", data="{}", content_type="application/json", **basic(user.username))
    assert response.status_code == 200
    missing = client.get(f"{BASE}/nothingHere", **basic(user.username))
    assert missing.status_code == 404 and missing.json()["httpStatusCode"] == 404
    assert client.get(f"{BASE}/me/", **basic(user.username)).status_code == 404  # no slash redirect


def test_me_names_the_membership_unit(cat):
    body = get(f"{BASE}/me?fields=id,username,organisationUnits", cat.world.home[Role.COORDINATOR]).json()
    assert set(body) == {"id", "username", "organisationUnits"}
    assert body["organisationUnits"] == [{"id": cat.world.municipality.uid}]
    full = get(f"{BASE}/me.json", cat.world.home[Role.COORDINATOR]).json()
    assert "F_DATAVALUE_ADD" in full["authorities"]
    assert "F_DATAVALUE_ADD" not in get(f"{BASE}/me", cat.world.home[Role.ANALYST]).json()["authorities"]


# --- Metadata -----------------------------------------------------------------------------------


def test_org_units_have_dhis2_paths_levels_parents_and_children(cat):
    w = cat.world
    url = f"{BASE}/organisationUnits/{w.municipality.uid}?fields=id,level,path,parent,children,ancestors[name]"
    body = get(url, w.home[Role.COORDINATOR]).json()
    assert body["level"] == 3
    assert body["path"] == f"/{w.country.uid}/{w.region.uid}/{w.municipality.uid}"
    assert body["parent"] == {"id": w.region.uid}  # above the scope: a bare reference
    assert body["children"] == [{"id": w.community.uid}]
    assert body["ancestors"] == [{"id": w.country.uid}, {"id": w.region.uid}]


def test_org_unit_level_and_parent_params_and_the_client_tree_call(cat):
    w = cat.world
    secretariat = w.home[Role.SECRETARIAT]
    level3 = get(f"{BASE}/organisationUnits?level=3&fields=id,name&paging=false", secretariat).json()
    assert "pager" not in level3
    assert {o["id"] for o in level3["organisationUnits"]} == {
        w.municipality.uid,
        w.region.children.get(code="A-M2").uid,
    }
    children = get(f"{BASE}/organisationUnits?parent={w.municipality.uid}", secretariat).json()
    assert [o["id"] for o in children["organisationUnits"]] == [w.community.uid]
    tree = get(
        f"{BASE}/organisationUnits?level=1&fields=id,displayName,level,children[id,displayName,level,children]",
        secretariat,
    ).json()["organisationUnits"]
    assert tree[0]["id"] == w.country.uid and tree[0]["children"][0]["id"] == w.region.uid
    assert tree[0]["children"][0]["children"][0].keys() == {"id"}


def test_scope_an_away_user_sees_nothing_of_the_other_country(cat):
    w = cat.world
    away = w.away[Role.SECRETARIAT]  # secretariat of country B
    units = get(f"{BASE}/organisationUnits?paging=false", away).json()["organisationUnits"]
    assert w.municipality.uid not in {u["id"] for u in units}
    assert get(f"{BASE}/organisationUnits/{w.municipality.uid}", away).status_code == 404
    elements = get(f"{BASE}/dataElements?fields=code&paging=false", away).json()["dataElements"]
    assert [e["code"] for e in elements] == ["B_ELEM"]
    assert get(f"{BASE}/dataElements/{cat.vac.uid}", away).status_code == 404
    home = get(f"{BASE}/dataElements?fields=code&paging=false", w.home[Role.COORDINATOR]).json()["dataElements"]
    assert {e["code"] for e in home} == {"VAC", "CASOS"}


def test_the_pager_envelope(cat):
    user = cat.world.home[Role.ADMIN]
    first = get(f"{BASE}/organisationUnits?pageSize=4&fields=id", user).json()
    pager = first["pager"]
    assert pager["page"] == 1 and pager["pageSize"] == 4 and pager["total"] == 10 and pager["pageCount"] == 3
    assert "page=2" in pager["nextPage"] and "prevPage" not in pager
    last = get(f"{BASE}/organisationUnits?pageSize=4&page=3&fields=id", user).json()
    assert (
        len(last["organisationUnits"]) == 2
        and "nextPage" not in last["pager"]
        and "page=2" in last["pager"]["prevPage"]
    )
    empty = get(f"{BASE}/indicators?filter=code:eq:NONE", user).json()
    assert empty["pager"]["pageCount"] == 1 and empty["indicators"] == []
    huge = get(f"{BASE}/organisationUnits?pageSize=99999999", user).json()
    assert huge["pager"]["pageSize"] == 1000


def test_data_elements_data_sets_and_combinations(cat):
    user = cat.world.home[Role.COORDINATOR]
    element = get(
        f"{BASE}/dataElements/{cat.cases.uid}.json?fields=id,valueType,aggregationType,categoryCombo[id,categories[code]],"
        "dataSetElements[dataSet[id,name,periodType]]",
        user,
    ).json()
    assert element["valueType"] == "INTEGER_ZERO_OR_POSITIVE" and element["aggregationType"] == "SUM"
    assert element["categoryCombo"] == {"id": cat.combo.uid, "categories": [{"code": "SEXO"}]}
    assert element["dataSetElements"] == [
        {"dataSet": {"id": cat.data_set.uid, "name": "Protección mensual", "periodType": "Monthly"}}
    ]
    data_set = get(f"{BASE}/dataSets/{cat.data_set.uid}", user).json()
    assert data_set["organisationUnits"] == [{"id": cat.world.municipality.uid}]  # level 3, in the coordinator's scope
    assert data_set["expiryDays"] == 15
    cocs = get(f"{BASE}/categoryOptionCombos?fields=id,name,categoryCombo&paging=false", user).json()
    ids = {c["id"] for c in cocs["categoryOptionCombos"]}
    assert {cat.female.uid, cat.male.uid, "HllvX50cXC0"} <= ids
    combos = get(f"{BASE}/categoryCombos?filter=id:eq:bjDvmb4bfuf&fields=id,isDefault", user).json()
    assert combos["categoryCombos"] == [{"id": "bjDvmb4bfuf", "isDefault": True}]
    indicator = get(f"{BASE}/indicators/{cat.rate.uid}?fields=numerator,denominator,decimals", user).json()
    assert indicator == {"numerator": f"#{{{cat.vac.uid}}}", "denominator": f"#{{{cat.cases.uid}}}", "decimals": 1}
    levels = get(f"{BASE}/organisationUnitLevels?fields=level,name&paging=false", user).json()
    assert [lv["level"] for lv in levels["organisationUnitLevels"]] == [1, 2, 3, 4]
    assert get(f"{BASE}/categories?fields=code", user).json()["categories"] == [{"code": "SEXO"}]
    options = get(f"{BASE}/categoryOptions?fields=code&order=code:desc", user).json()["categoryOptions"]
    assert options == [{"code": "M"}, {"code": "F"}]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("fields=id[", 400, "E7651"),
        ("filter=name:zz:x", 409, "E2035"),
        ("filter=name", 409, "E2014"),
        ("page=abc", 409, "E1119"),
        ("order=name:sideways", 409, "E2015"),
    ],
)
def test_bad_list_parameters_are_web_messages(cat, query, status, code):
    response = get(f"{BASE}/dataElements?{query}", cat.world.home[Role.COORDINATOR])
    assert response.status_code == status
    assert response.json()["errorCode"] == code


def test_the_org_unit_list_does_not_grow_in_queries(cat, world):
    from ronda.territory.models import Level
    from ronda.testing import make_unit

    user = world.home[Role.ADMIN]

    made = iter(range(10_000))

    def add(n):
        for _ in range(n):
            make_unit(f"X{next(made)}", Level.COMMUNITY, world.municipality)

    assert_queries_do_not_grow(
        Client(),
        f"{BASE}/organisationUnits?fields=id,parent[name],children&paging=false",
        add,
        ceiling=12,
        extra=basic(user.username),
    )
    assert_queries_do_not_grow(
        Client(),
        f"{BASE}/dataSets?fields=*&paging=false",
        add,
        ceiling=14,
        extra=basic(user.username),
    )
