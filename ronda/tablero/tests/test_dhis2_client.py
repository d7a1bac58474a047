"""Ronda's DHIS2 API driven by a client library Ronda did not write (``dhis2-client``, HISP Centre),
over HTTP against a live server: Basic and ApiToken, paging, the org-unit tree, a data value set in
and out, a conflict, single values, analytics and the client's latest-period helper."""

from __future__ import annotations

import pytest
from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError

from ronda.core.roles import Role
from ronda.tablero.tests.dhis2_catalogue import build
from ronda.testing import PASSWORD, api_token, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dhis2_client_library_against_a_live_ronda(live_server):
    world = build_world()
    cat = build(world)
    user = world.home[Role.COORDINATOR]
    base = f"{live_server.url}/dhis2"
    by_token = DHIS2Client(base, token=api_token(user), retries=0)
    client = DHIS2Client(base, username=user.username, password=PASSWORD, retries=0, default_page_size=1)
    try:
        assert by_token.get_system_info()["version"].startswith("2.40.")
        assert by_token.get_current_user(fields="id,username")["username"] == user.username
        assert client.get_current_user(fields="id,username")["username"] == user.username

        # Paging: one element per page, the client follows pager.pageCount.
        codes = {e["code"] for e in client.get_data_elements(fields="id,name,code")}
        assert codes == {"VAC", "CASOS"}
        level3 = list(client.get_organisation_units(level=3, fields="id,name"))
        assert [u["id"] for u in level3] == [world.municipality.uid]

        payload = {
            "dataSet": cat.data_set.uid,
            "period": "202401",
            "orgUnit": world.municipality.uid,
            "dataValues": [
                {"dataElement": cat.vac.uid, "categoryOptionCombo": cat.default.uid, "value": "12"},
                {"dataElement": cat.cases.uid, "categoryOptionCombo": cat.female.uid, "value": "4"},
            ],
        }
        summary = client.post_data_value_set(payload)
        assert summary["response"]["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
        assert client.post_data_value_set(payload)["response"]["importCount"]["ignored"] == 2

        bad = {
            "dataValues": [
                {"dataElement": "NoSuchDE001", "period": "202401", "orgUnit": world.municipality.uid, "value": "1"}
            ]
        }
        with pytest.raises(DHIS2HTTPError) as caught:
            client.post_data_value_set(bad)
        assert caught.value.status_code == 409
        assert caught.value.payload["response"]["conflicts"][0]["errorCode"] == "E7610"

        got = client.get_data_value_set(
            {"dataSet": cat.data_set.uid, "period": "202401", "orgUnit": world.municipality.uid}
        )
        assert sorted(v["value"] for v in got["dataValues"]) == ["12", "4"]

        client.set_data_value(cat.vac.uid, "202402", world.municipality.uid, 13, co=cat.default.uid)
        assert client.get_data_value(cat.vac.uid, "202402", world.municipality.uid, co=cat.default.uid) in (
            ["13"],
            "13",
        )
        client.delete_data_value(cat.vac.uid, "202402", world.municipality.uid, co=cat.default.uid)

        rows = client.get_analytics_data(dx=[cat.vac.uid], pe="202401", ou=world.municipality.uid)["rows"]
        assert rows == [[cat.vac.uid, "202401", world.municipality.uid, "12"]]

        latest = client.analytics_latest_period_for_level(cat.vac.uid, 3)
        assert latest["existing"]["id"] == "202401" and latest["next"]["id"] == "202402"
    finally:
        by_token.close()
        client.close()
