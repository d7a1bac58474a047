"""The push's JSON API: who reaches it, and the token is write-only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ronda.core import sealing
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.tablero import push
from ronda.tablero.models import PushLog, PushTarget
from ronda.tablero.tests.dhis2_catalogue import build
from ronda.tablero.tests.test_push import ONLY_NATIONAL_MANAGERS, TOKEN
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db
API = "/api/v1/tablero"


@pytest.fixture
def target(world: World) -> PushTarget:
    return push.save_target(
        actor=SYSTEM,
        country=world.country,
        base_url="https://dhis2.example.org",
        token=TOKEN,
        id_scheme="CODE",
        mapping={"dataElements": {"VAC": "MIN_VAC"}},
        is_enabled=True,
    )


def bearer(user: Any) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_the_push_api_is_for_the_country_s_catalogue_managers(world: World, target: PushTarget) -> None:
    cat = build(world)
    base = f"{API}/dhis2-push/{world.country.pk}"
    check_access_matrix(world, url=base, expected=ONLY_NATIONAL_MANAGERS, api=True)
    check_access_matrix(world, url=f"{base}/pushes", expected=ONLY_NATIONAL_MANAGERS, api=True)
    check_access_matrix(
        world,
        url=base,
        method="put",
        data={"base_url": "https://dhis2.example.org/hmis", "id_scheme": "UID"},
        expected=ONLY_NATIONAL_MANAGERS,
        api=True,
        state=lambda: list(PushTarget.objects.values_list("version", "base_url", "token")),
    )
    started = {role: 404 for role in Role.values} | {Role.ADMIN: 202, Role.SECRETARIAT: 202}
    check_access_matrix(
        world,
        url=f"{base}/pushes",
        method="post",
        data={"data_set_id": cat.data_set.pk, "period": "202401"},
        expected=started,
        api=True,
        state=lambda: PushLog.objects.count(),
    )
    log = PushLog.objects.first()
    assert log is not None
    check_access_matrix(world, url=f"{API}/dhis2-pushes/{log.pk}", expected=ONLY_NATIONAL_MANAGERS, api=True)
    # The token survived the PUTs that sent none.
    target.refresh_from_db()
    assert sealing.unseal(target.token) == TOKEN and target.base_url == "https://dhis2.example.org/hmis"


def test_the_token_is_write_only(world: World, target: PushTarget) -> None:
    client = Client()
    headers = bearer(world.home[Role.SECRETARIAT])
    base = f"{API}/dhis2-push/{world.country.pk}"
    read = client.get(base, **headers)
    assert read.status_code == 200 and read.json()["has_token"] is True
    assert read.json()["mapping"] == {"dataElements": {"VAC": "MIN_VAC"}}
    body = {"base_url": "https://dhis2.example.org", "token": "another-secret-9", "version": read.json()["version"]}
    changed = client.put(base, json.dumps(body), content_type="application/json", **headers)
    assert changed.status_code == 200
    stale = client.put(base, json.dumps(body), content_type="application/json", **headers)
    assert stale.status_code == 409  # the version read is no longer the current one
    for answer in (read, changed, client.get(f"{base}/pushes", **headers)):
        assert TOKEN not in answer.content.decode() and "another-secret-9" not in answer.content.decode()
    target.refresh_from_db()
    assert "another-secret-9" not in target.token and sealing.unseal(target.token) == "another-secret-9"


def test_an_unknown_kind_in_the_mapping_is_refused(world: World, target: PushTarget) -> None:
    answer = Client().put(
        f"{API}/dhis2-push/{world.country.pk}",
        json.dumps({"base_url": "https://dhis2.example.org", "mapping": {"indicators": {"A": "B"}}}),
        content_type="application/json",
        **bearer(world.home[Role.SECRETARIAT]),
    )
    assert answer.status_code == 422
    too_long = Client().put(
        f"{API}/dhis2-push/{world.country.pk}",
        json.dumps({"base_url": "https://dhis2.example.org", "mapping": {"dataElements": {"VAC": "X" * 121}}}),
        content_type="application/json",
        **bearer(world.home[Role.SECRETARIAT]),
    )
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "mapping"
