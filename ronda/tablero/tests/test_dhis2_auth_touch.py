"""A token used on the DHIS2-compatible API counts as used, as on the JSON API: its "last used"
moves on (shown on "my API tokens"), at most once per ten minutes whichever API carries it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ronda.accounts.models import ApiToken, hash_token
from ronda.core.roles import Role
from ronda.testing import World, api_token

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def last_used(raw: str) -> dt.datetime | None:
    return ApiToken.objects.get(key_hash=hash_token(raw)).last_used_at


def dhis2_me(raw: str, scheme: str = "ApiToken", **headers: str) -> int:
    return Client().get("/dhis2/api/me", HTTP_AUTHORIZATION=f"{scheme} {raw}", **headers).status_code


@pytest.mark.parametrize("scheme", ["ApiToken", "Bearer"])
def test_a_dhis2_call_records_the_use_at_most_every_ten_minutes(world: World, scheme: str) -> None:
    raw = api_token(world.home[Role.COORDINATOR])
    assert last_used(raw) is None
    with time_machine.travel(START, tick=False) as clock:
        assert dhis2_me(raw, scheme) == 200
        assert last_used(raw) == START
        clock.shift(dt.timedelta(minutes=9))
        assert dhis2_me(raw, scheme) == 200
        assert last_used(raw) == START  # within the ten minutes: no write
        clock.shift(dt.timedelta(minutes=2))
        assert dhis2_me(raw, scheme) == 200
        assert last_used(raw) == START + dt.timedelta(minutes=11)


def test_only_the_first_call_writes(world: World) -> None:
    raw = api_token(world.home[Role.COORDINATOR])
    header = {"HTTP_AUTHORIZATION": f"ApiToken {raw}"}
    table = ApiToken._meta.db_table

    def updates_of_the_token() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/dhis2/api/system/info", **header).status_code == 200
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"]]

    assert len(updates_of_the_token()) == 1
    assert updates_of_the_token() == []


def test_both_apis_share_the_ten_minutes(world: World) -> None:
    raw = api_token(world.home[Role.COORDINATOR])
    with time_machine.travel(START, tick=False) as clock:
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
        assert last_used(raw) == START
        clock.shift(dt.timedelta(minutes=5))
        assert dhis2_me(raw) == 200
        assert last_used(raw) == START
        clock.shift(dt.timedelta(minutes=6))
        assert dhis2_me(raw) == 200
        assert last_used(raw) == START + dt.timedelta(minutes=11)


def test_a_refused_call_does_not_count_as_a_use(world: World) -> None:
    raw = api_token(world.home[Role.COORDINATOR])
    # A membership that is not the token user's: 401, as on the JSON API (which does not touch either).
    other = world.away[Role.COORDINATOR].memberships.get()
    assert dhis2_me(raw, HTTP_X_RONDA_MEMBERSHIP=str(other.pk)) == 401
    assert last_used(raw) is None
    ApiToken.objects.filter(key_hash=hash_token(raw)).update(revoked_at=timezone.now())
    assert dhis2_me(raw) == 401
    assert last_used(raw) is None
