"""Access matrices of every DHIS2 route (Bearer tokens; Basic and ApiToken are the same actor, see
test_dhis2_api): every role at home and away, and anonymous."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.models import DataValue
from ronda.tablero.tests.dhis2_catalogue import basic, build, save
from ronda.testing import check_access_matrix

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
EVERYONE = dict.fromkeys(Role.values, 200)
# Who sees the municipality A-M: everybody but the defender (anchored at a community below it) and
# the evaluator (who reads only their certification assignments, nothing of the Tablero).
SEES_MUNICIPALITY = {**EVERYONE, Role.DEFENDER: 404, Role.EVALUATOR: 404}
# Values of a unit the actor does not read are DHIS2's 409 conflict (an import summary), not 404.
READS_VALUES = {**SEES_MUNICIPALITY, Role.DEFENDER: 409, Role.EVALUATOR: 409}
WRITERS = (Role.ADMIN, Role.SECRETARIAT, Role.COORDINATOR, Role.AREA_FOCAL)


def test_system_info_me_and_metadata_lists_answer_every_signed_in_user(world):
    for url in (f"{BASE}/system/info", f"{BASE}/40/me.json", f"{BASE}/dataElements.json", f"{BASE}/organisationUnits"):
        check_access_matrix(world, url=url, expected=EVERYONE, api=True, away=200)


def test_a_single_org_unit_is_404_outside_the_scope(world):
    check_access_matrix(
        world, url=f"{BASE}/organisationUnits/{world.municipality.uid}", expected=SEES_MUNICIPALITY, api=True
    )


def test_data_value_sets(world):
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 5)
    query = f"dataSet={cat.data_set.uid}&period=202401&orgUnit={world.municipality.uid}"
    check_access_matrix(
        world,
        url=f"{BASE}/dataValueSets?{query}",
        expected=READS_VALUES,
        api=True,
        away=409,
    )
    body = {
        "dataSet": cat.data_set.uid,
        "period": "202402",
        "orgUnit": world.municipality.uid,
        "dataValues": [{"dataElement": cat.vac.uid, "value": "7"}],
    }
    check_access_matrix(
        world,
        url=f"{BASE}/dataValueSets",
        method="post",
        data=body,
        expected={role: 200 if role in WRITERS else 409 for role in Role.values},
        api=True,
        away=409,
        state=lambda: list(DataValue.objects.values_list("value", "deleted")),
    )


def test_data_values(world):
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 5)
    query = f"de={cat.vac.uid}&pe=202401&ou={world.municipality.uid}"
    check_access_matrix(world, url=f"{BASE}/dataValues?{query}", expected=READS_VALUES, api=True, away=409)
    writers = {role: 201 if role in WRITERS else 409 for role in Role.values}
    check_access_matrix(
        world,
        url=f"{BASE}/dataValues?{query}&value=6",
        method="post",
        expected=writers,
        api=True,
        away=409,
        state=lambda: list(DataValue.objects.values_list("value", "deleted")),
    )

    def again(_world):
        save(cat, cat.vac, cat.default, world.municipality, "202401", 5)  # each attempt has a value to delete

    check_access_matrix(
        world,
        url=f"{BASE}/dataValues?{query}",
        method="delete",
        data=again,
        expected={role: 204 if role in WRITERS else 409 for role in Role.values},
        api=True,
        away=409,
    )


def test_analytics(world):
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 5)
    url = f"{BASE}/analytics?dimension=dx:{cat.vac.uid}&dimension=pe:202401&dimension=ou:{world.municipality.uid}"
    # Anonymous: the public scope, which answers published indicators only (test_dhis2_analytics).
    check_access_matrix(world, url=url, expected=READS_VALUES, api=True, away=409, anonymous=409)


def test_unknown_paths_are_404_for_everybody(world):
    check_access_matrix(
        world, url=f"{BASE}/nothingHere", expected=dict.fromkeys(Role.values, 404), api=True, anonymous=404
    )
    for method in ("post", "put", "delete"):
        check_access_matrix(
            world,
            url=f"{BASE}/nothingHere",
            method=method,
            expected=dict.fromkeys(Role.values, 404),
            api=True,
            anonymous=404,
        )


def test_metadata_answers_every_signed_in_user_with_their_own_scope(world):
    check_access_matrix(world, url=f"{BASE}/metadata?dataElements=true", expected=EVERYONE, api=True, away=200)


def test_an_async_import_task_is_read_by_whoever_started_it_and_admins(world, django_capture_on_commit_callbacks):
    cat = build(world)
    owner = world.home[Role.COORDINATOR]
    body = {
        "dataSet": cat.data_set.uid,
        "period": "202401",
        "orgUnit": world.municipality.uid,
        "dataValues": [{"dataElement": cat.vac.uid, "value": "5"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = Client().post(
            f"{BASE}/dataValueSets?async=true",
            data=json.dumps(body),
            content_type="application/json",
            **basic(owner.username),
        )
    assert started.status_code == 200
    task = started.json()["response"]["id"]
    # Only the coordinator who started it (and an administrator) read it; the same role elsewhere,
    # or anybody else in the municipality, gets 404 as for a task that does not exist.
    expected = {role: 404 for role in Role.values} | {Role.COORDINATOR: 200, Role.ADMIN: 200}
    for kind in ("tasks", "taskSummaries"):
        check_access_matrix(
            world, url=f"{BASE}/system/{kind}/DATAVALUE_IMPORT/{task}", expected=expected, api=True, away=404
        )


def test_an_evaluator_signs_in_but_lists_nothing_of_the_tablero(world):
    # An evaluator reads only their certification assignments: DHIS2 clients see empty lists.
    cat = build(world)
    save(cat, cat.vac, cat.default, world.municipality, "202401", 5)
    evaluator = world.home[Role.EVALUATOR]
    lists = {
        "dataElements.json": "dataElements",
        "dataSets.json": "dataSets",
        "indicators.json": "indicators",
        "categoryOptionCombos.json": "categoryOptionCombos",
        "organisationUnits": "organisationUnits",
        "metadata?dataElements=true": "dataElements",
    }
    for path, key in lists.items():
        response = Client().get(f"{BASE}/{path}", **basic(evaluator.username))
        assert response.status_code == 200, path
        assert response.json()[key] == [], path
