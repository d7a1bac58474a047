"""dataValueSets (JSON and ADX, in and out, id schemes, strategies, the import summary) and dataValues."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.models import DataValue
from ronda.tablero.tests.dhis2_catalogue import basic, build, save

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
ADX_NS = "urn:ihe:qrph:adx:2015"


@pytest.fixture
def cat(world):
    return build(world)


def post(user, body, *, query="", content_type="application/json"):
    data = json.dumps(body) if not isinstance(body, str | bytes) else body
    return Client().post(f"{BASE}/dataValueSets{query}", data=data, content_type=content_type, **basic(user.username))


def get(user, query):
    """GET dataValueSets; the JSON answer is streamed (a country's year is millions of values)."""
    response = Client().get(f"{BASE}/dataValueSets?{query}", **basic(user.username))
    if response.streaming:
        body = b"".join(response.streaming_content)
        response.json = lambda: json.loads(body)
    return response


def value_set(cat, values, **header):
    return {
        "dataSet": cat.data_set.uid,
        "period": "202401",
        "orgUnit": cat.world.municipality.uid,
        **header,
        "dataValues": values,
    }


def test_a_clean_import_is_200_with_counts_and_a_repeat_is_ignored(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = value_set(
        cat,
        [
            {"dataElement": cat.vac.uid, "categoryOptionCombo": "HllvX50cXC0", "value": "12"},
            {"dataElement": cat.cases.uid, "categoryOptionCombo": cat.female.uid, "value": 3},
            {"dataElement": cat.cases.uid, "categoryOptionCombo": cat.male.uid, "value": "4", "comment": "ok"},
        ],
    )
    response = post(user, body)
    assert response.status_code == 200
    summary = response.json()
    assert summary["httpStatus"] == "OK" and summary["status"] == "OK"
    assert summary["response"]["responseType"] == "ImportSummary" and summary["response"]["status"] == "SUCCESS"
    assert summary["response"]["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["response"]["conflicts"] == [] and summary["response"]["rejectedIndexes"] == []
    again = post(user, body).json()["response"]["importCount"]
    assert again == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
    body["dataValues"][0]["value"] = "13"
    body["dataValues"][1]["value"] = ""
    changed = post(user, body).json()["response"]["importCount"]
    assert changed == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 1}


def test_conflicts_are_a_409_warning_with_positions_and_the_good_values_are_imported(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = value_set(
        cat,
        [
            {"dataElement": cat.vac.uid, "value": "5"},
            {"dataElement": "NoSuchDE001", "value": "1"},
            {"dataElement": cat.vac.uid, "period": "2024W5", "value": "1"},
            {"dataElement": cat.cases.uid, "categoryOptionCombo": cat.female.uid, "value": "tres"},
            {"dataElement": "NoSuchDE001", "value": "2"},
            {"dataElement": cat.vac.uid, "orgUnit": cat.world.other_municipality.uid, "value": "1"},
            {"dataElement": cat.cases.uid, "value": "1"},
            {"dataElement": cat.cases.uid, "categoryOptionCombo": "HllvX50cXC0", "value": "1"},
        ],
    )
    response = post(user, body)
    assert response.status_code == 409
    summary = response.json()
    assert summary["httpStatus"] == "Conflict" and summary["status"] == "WARNING"
    assert summary["message"] == "One more conflicts encountered, please check import summary."
    inner = summary["response"]
    assert inner["status"] == "WARNING"
    assert inner["importCount"] == {"imported": 1, "updated": 0, "ignored": 7, "deleted": 0}
    codes = {c["errorCode"]: c for c in inner["conflicts"]}
    assert codes["E7610"]["indexes"] == [1, 4] and codes["E7610"]["object"] == "NoSuchDE001"
    assert codes["E7610"]["objects"] == {"dataElement": "NoSuchDE001"}
    assert codes["E7611"]["indexes"] == [2]
    assert codes["E7619"]["indexes"] == [3]
    assert codes["E7612"]["indexes"] == [5]  # the other country's unit is not visible
    assert codes["E7630"]["indexes"] == [6]
    assert codes["E7634"]["indexes"] == [7]
    assert inner["rejectedIndexes"] == [1, 2, 3, 4, 5, 6, 7]
    assert DataValue.objects.filter(data_element=cat.vac, value=5).count() == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ('{"dataValues": 5}', "application/json"),
        ("<adx", "application/adx+xml"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><adx xmlns="urn:ihe:qrph:adx:2015"/>', "application/adx+xml"),
    ],
)
def test_an_unreadable_body_is_a_409_error_summary_never_a_500(cat, body, content_type):
    response = post(cat.world.home[Role.COORDINATOR], body, content_type=content_type)
    assert response.status_code == 409
    summary = response.json()
    assert summary["status"] == "ERROR" and summary["response"]["status"] == "ERROR"
    assert summary["response"]["description"].startswith("The import process failed")
    assert summary["response"]["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}


def test_an_unknown_data_set_or_unit_in_the_header_aborts_the_set(cat):
    user = cat.world.home[Role.COORDINATOR]
    value = [{"dataElement": cat.vac.uid, "value": "5"}]
    response = post(user, value_set(cat, value, dataSet="NoSuchDS001"))
    assert response.status_code == 409 and response.json()["status"] == "ERROR"
    assert response.json()["response"]["conflicts"][0]["errorCode"] == "E7600"
    response = post(user, value_set(cat, value, orgUnit=cat.world.other_municipality.uid))
    assert response.json()["response"]["conflicts"][0]["errorCode"] == "E7603"
    assert not DataValue.objects.exists()


def test_unsupported_media_type_is_415(cat):
    response = post(cat.world.home[Role.COORDINATOR], "a,b", content_type="text/plain")
    assert response.status_code == 415 and response.json()["httpStatusCode"] == 415


def test_dry_run_counts_and_writes_nothing(cat):
    user = cat.world.home[Role.COORDINATOR]
    response = post(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}]), query="?dryRun=true")
    assert response.json()["response"]["importCount"]["imported"] == 1
    assert response.json()["response"]["importOptions"]["dryRun"] is True
    assert not DataValue.objects.exists()


def test_import_strategies(cat):
    user = cat.world.home[Role.COORDINATOR]
    first = value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}])
    assert post(user, first, query="?importStrategy=UPDATE").json()["response"]["importCount"]["ignored"] == 1
    assert post(user, first, query="?importStrategy=CREATE").json()["response"]["importCount"]["imported"] == 1
    first["dataValues"][0]["value"] = "6"
    assert post(user, first, query="?strategy=CREATE").json()["response"]["importCount"]["ignored"] == 1
    assert post(user, first, query="?importStrategy=update").json()["response"]["importCount"]["updated"] == 1
    deleted = post(user, first, query="?importStrategy=DELETE").json()["response"]["importCount"]
    assert deleted["deleted"] == 1
    assert not DataValue.objects.filter(deleted=False).exists()
    assert post(user, first, query="?importStrategy=SOMETIMES").status_code == 409


def test_codes_round_trip_in_json(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = {
        "dataSet": "MENSUAL",
        "period": "202402",
        "orgUnit": cat.world.municipality.code,
        "dataValues": [
            {"dataElement": "CASOS", "categoryOptionCombo": "F", "value": "7"},
            {"dataElement": "VAC", "value": "9"},
        ],
    }
    response = post(user, body, query="?idScheme=CODE")
    assert response.status_code == 200, response.json()
    out = get(user, f"dataSet={cat.data_set.uid}&period=202402&orgUnit={cat.world.municipality.uid}&idScheme=CODE")
    values = sorted(out.json()["dataValues"], key=lambda v: v["dataElement"])
    assert [(v["dataElement"], v["categoryOptionCombo"], v["orgUnit"], v["value"]) for v in values] == [
        ("CASOS", "F", "A-M", "7"),
        ("VAC", "default", "A-M", "9"),
    ]
    # A payload's own scheme beats the query string's.
    body["dataValues"] = [{"dataElement": "VAC", "value": "10"}]
    body["dataElementIdScheme"] = "code"
    body["orgUnitIdScheme"] = "CODE"
    body["dataSetIdScheme"] = "CODE"
    assert post(user, body).json()["response"]["importCount"]["updated"] == 1


def test_uids_round_trip_in_json_with_the_dhis2_shape(cat):
    user = cat.world.home[Role.COORDINATOR]
    post(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": 12, "comment": "ajustado"}]))
    out = get(user, f"dataSet={cat.data_set.uid}&period=202401&orgUnit={cat.world.municipality.uid}").json()
    assert out["dataSet"] == cat.data_set.uid and out["period"] == "202401"
    assert out["orgUnit"] == cat.world.municipality.uid
    [value] = out["dataValues"]
    assert value["value"] == "12" and value["comment"] == "ajustado" and value["followup"] is False
    assert value["categoryOptionCombo"] == "HllvX50cXC0" and value["attributeOptionCombo"] == "HllvX50cXC0"
    assert value["storedBy"] == user.username and value["lastUpdated"].endswith("+0000")


def test_adx_round_trip_by_codes(cat):
    user = cat.world.home[Role.COORDINATOR]
    adx = f"""<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="{ADX_NS}" exported="2026-12-01T10:00:00Z">
  <group orgUnit="A-M" period="2024-03-01/P1M" dataSet="MENSUAL">
    <dataValue dataElement="CASOS" SEXO="F" value="4"/>
    <dataValue dataElement="CASOS" SEXO="M" value="5"><annotation>revisado</annotation></dataValue>
    <dataValue dataElement="VAC" value="8"/>
    <dataValue dataElement="CASOS" SEXO="X" value="1"/>
  </group>
</adx>"""
    response = post(user, adx, content_type="application/adx+xml")
    assert response.status_code == 409
    inner = response.json()["response"]
    assert inner["importCount"]["imported"] == 3
    assert inner["conflicts"][0]["errorCode"] == "E7613" and inner["conflicts"][0]["indexes"] == [3]
    out = Client().get(
        f"{BASE}/dataValueSets?dataSet={cat.data_set.uid}&period=202403&orgUnit={cat.world.municipality.uid}",
        HTTP_ACCEPT="application/adx+xml",
        **basic(user.username),
    )
    assert out["Content-Type"].startswith("application/adx+xml")
    root = ET.fromstring(out.content)  # noqa: S314 - our own answer
    [group] = root.findall(f"{{{ADX_NS}}}group")
    assert group.get("orgUnit") == "A-M" and group.get("period") == "2024-03-01/P1M"
    values = {(v.get("dataElement"), v.get("SEXO")): v.get("value") for v in group}
    assert values == {("CASOS", "F"): "4", ("CASOS", "M"): "5", ("VAC", None): "8"}
    # What came out goes back in unchanged.
    again = post(user, out.content, content_type="application/adx+xml").json()["response"]["importCount"]
    assert again == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}


def test_adx_by_uids_and_quarterly_durations_are_periods(cat):
    from ronda.tablero.dhis2.datavaluesets import adx_period, iso_to_adx

    assert adx_period("2024-04-01/P3M") == "2024Q2" and adx_period("2024-01-01/P1Y") == "2024"
    assert adx_period("2024-02-01/P3M") == "2024-02-01/P3M"  # not a quarter: left as is, then refused
    assert iso_to_adx("2024S2") == "2024-07-01/P6M"
    user = cat.world.home[Role.COORDINATOR]
    adx = f"""<adx xmlns="{ADX_NS}"><group orgUnit="{cat.world.municipality.uid}" period="2024-01-01/P1M">
      <dataValue dataElement="{cat.cases.uid}" categoryOptionCombo="{cat.male.uid}" value="2"/></group></adx>"""
    response = post(user, adx, content_type="application/adx+xml", query="?idScheme=UID")
    assert response.status_code == 200, response.json()
    assert DataValue.objects.get(option_combo=cat.male).value == 2


def test_get_needs_data_time_and_place_and_stays_in_scope(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.uid
    assert get(user, f"period=202401&orgUnit={unit}").json()["errorCode"] == "E2001"
    assert get(user, f"dataSet={cat.data_set.uid}&orgUnit={unit}").json()["errorCode"] == "E2002"
    assert get(user, f"dataSet={cat.data_set.uid}&period=202401").json()["errorCode"] == "E2006"
    away = get(user, f"dataSet={cat.data_set.uid}&period=202401&orgUnit={cat.world.other_municipality.uid}")
    assert away.status_code == 409 and away.json()["errorCode"] == "E2012"
    assert get(user, f"dataSet={cat.data_set.uid}&period=2024W99&orgUnit={unit}").status_code == 409
    assert get(user, f"dataSet={cat.data_set.uid}&startDate=nope&endDate=2024&orgUnit={unit}").status_code == 409
    assert get(user, f"dataSet=NoSuchDS001&period=202401&orgUnit={unit}").status_code == 409


def test_get_with_children_and_dates_as_the_client_asks(cat):
    user = cat.world.home[Role.COORDINATOR]
    post(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}]))
    post(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "6"}], orgUnit=cat.world.community.uid))
    post(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "7"}], period="202501"))
    out = get(
        user,
        f"dataElement={cat.vac.uid}&children=true&startDate=2024-01-01&endDate=2024-12-31&paging=false"
        f"&orgUnit={cat.world.municipality.uid}",
    ).json()
    assert sorted(v["value"] for v in out["dataValues"]) == ["5", "6"]
    assert "orgUnit" not in out
    # An away secretariat (country B) gets nothing of country A, even naming its units.
    away = get(
        cat.world.away[Role.SECRETARIAT],
        f"dataElement={cat.vac.uid}&period=202401&orgUnit={cat.world.municipality.uid}",
    )
    assert away.status_code == 409


def test_an_analyst_cannot_write_values(cat):
    response = post(cat.world.home[Role.ANALYST], value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}]))
    assert response.status_code == 409
    assert response.json()["response"]["conflicts"][0]["errorCode"] == "E7617"
    assert not DataValue.objects.exists()


# --- dataValues ----------------------------------------------------------------------------------


def test_single_values_post_get_delete(cat):
    user = cat.world.home[Role.COORDINATOR]
    client = Client()
    auth = basic(user.username)
    query = f"de={cat.cases.uid}&pe=202401&ou={cat.world.municipality.uid}&co={cat.female.uid}"
    response = client.post(
        f"{BASE}/dataValues",
        data=json.dumps(
            {
                "dataElement": cat.cases.uid,
                "period": "202401",
                "orgUnit": cat.world.municipality.uid,
                "categoryOptionCombo": cat.female.uid,
                "value": "13",
            }
        ),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201 and response.content == b""
    assert client.get(f"{BASE}/dataValues?{query}", **auth).json() == ["13"]
    assert client.post(f"{BASE}/dataValues?{query}&value=12", **auth).status_code == 201
    assert client.get(f"{BASE}/dataValues.json?{query}", **auth).json() == ["12"]
    assert client.delete(f"{BASE}/dataValues?{query}", **auth).status_code == 204
    missing = client.get(f"{BASE}/dataValues?{query}", **auth)
    assert missing.status_code == 409 and missing.json()["message"] == "Data value does not exist"
    assert client.delete(f"{BASE}/dataValues?{query}", **auth).status_code == 409


@pytest.mark.parametrize(
    "query",
    [
        "pe=202401",
        "de=NoSuchDE001&pe=202401&ou={ou}",
        "de={de}&pe=2024W1&ou={ou}",
        "de={de}&pe=202401&ou={other}",
        "de={de}&pe=202401&ou={ou}&co=NoSuchCoc01",
        "de={de}&pe=202401&ou={ou}&value=abc",
        "de={de}&pe=209901&ou={ou}&value=1",
    ],
)
def test_single_value_errors_are_409s(cat, query):
    url = f"{BASE}/dataValues?" + query.format(
        de=cat.vac.uid, ou=cat.world.municipality.uid, other=cat.world.other_municipality.uid
    )
    response = Client().post(url, **basic(cat.world.home[Role.COORDINATOR].username))
    assert response.status_code == 409 and response.json()["status"] == "ERROR"
    assert not DataValue.objects.exists()


def test_an_approved_period_refuses_its_values_through_both_endpoints(cat):
    from ronda.core.tenancy import SYSTEM
    from ronda.tablero import entry
    from ronda.tablero import periods as iso_periods

    w = cat.world
    user = w.home[Role.COORDINATOR]
    period = iso_periods.parse("202401")
    entry.submit_period(actor=SYSTEM, data_set=cat.data_set, org_unit=w.municipality, period=period)
    entry.approve_period(actor=SYSTEM, data_set=cat.data_set, org_unit=w.municipality, period=period)
    body = value_set(
        cat,
        [{"dataElement": cat.vac.uid, "value": "5"}, {"dataElement": cat.vac.uid, "value": "6", "period": "202402"}],
    )
    response = post(user, body)
    assert response.status_code == 409
    inner = response.json()["response"]
    assert inner["conflicts"][0]["errorCode"] == "E7642" and inner["conflicts"][0]["indexes"] == [0]
    assert inner["importCount"]["imported"] == 1
    single = Client().post(
        f"{BASE}/dataValues?de={cat.vac.uid}&pe=202401&ou={w.municipality.uid}&value=1", **basic(user.username)
    )
    assert single.status_code == 409
    assert list(DataValue.objects.values_list("period__iso", flat=True)) == ["202402"]


def test_the_value_export_does_not_grow_in_queries(cat):
    from ronda.tablero.tests.dhis2_catalogue import save
    from ronda.territory.models import Level
    from ronda.testing import assert_queries_do_not_grow, make_unit

    w = cat.world
    made = iter(range(10_000))

    def add(n):
        for _ in range(n):
            unit = make_unit(f"Y{next(made)}", Level.COMMUNITY, w.municipality)
            save(cat, cat.vac, cat.default, unit, "202401", 3)
            save(cat, cat.cases, cat.female, unit, "202401", 1)

    for url in (
        f"{BASE}/dataValueSets?dataSet={cat.data_set.uid}&period=202401&orgUnit={w.municipality.uid}&children=true",
        f"{BASE}/dataValueSets.adx?dataSet={cat.data_set.uid}&period=202401&orgUnit={w.municipality.uid}&children=true",
        f"{BASE}/analytics?dimension=dx:{cat.vac.uid};{cat.rate.uid}&dimension=pe:202401&dimension=ou:LEVEL-4",
    ):
        assert_queries_do_not_grow(Client(), url, add, ceiling=20, extra=basic(w.home[Role.COORDINATOR].username))


def test_the_json_export_is_streamed_whole_without_a_cap(cat, monkeypatch):
    """A country's year is millions of values: the JSON dataValueSet is streamed in chunks, every
    value in it (the import's cap of MAX_VALUES per request does not apply to an export)."""
    from ronda.tablero.dhis2 import datavaluesets

    monkeypatch.setattr(datavaluesets, "MAX_VALUES", 1)
    monkeypatch.setattr(datavaluesets, "CSV_CHUNK_ROWS", 1)
    user = cat.world.home[Role.COORDINATOR]
    save(cat, cat.vac, cat.default, cat.world.municipality, "202401", 4)
    save(cat, cat.cases, cat.female, cat.world.municipality, "202401", 2)
    response = Client().get(
        f"{BASE}/dataValueSets?dataSet={cat.data_set.uid}&period=202401&orgUnit={cat.world.municipality.uid}",
        **basic(user.username),
    )
    assert response.status_code == 200 and response.streaming
    out = json.loads(b"".join(response.streaming_content))
    assert list(out) == ["dataSet", "period", "orgUnit", "dataValues"]
    assert sorted(v["value"] for v in out["dataValues"]) == ["2", "4"]


def test_the_export_reads_in_index_order_without_the_units_shapes(cat):
    """A country's year is 12 million rows: ordered as the values' unique index the first row leaves
    at once (no sort of the whole set), and no row carries its unit's map shape or populations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ronda.tablero.tests.dhis2_catalogue import save

    w = cat.world
    save(cat, cat.vac, cat.default, w.community, "202401", 3)
    url = (
        f"{BASE}/dataValueSets.csv?dataSet={cat.data_set.uid}&period=202401&orgUnit={w.municipality.uid}&children=true"
    )
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, **basic(w.home[Role.COORDINATOR].username))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200 and cat.vac.uid.encode() in body
    (values_sql,) = [q["sql"] for q in queries.captured_queries if 'FROM "tablero_datavalue"' in q["sql"]]
    order = values_sql.rsplit("ORDER BY", 1)[1]
    assert order.split(",")[0].strip().endswith('"data_element_id" ASC')
    assert "start_date" not in order
    assert '"territory_orgunit"."geometry"' not in values_sql
    assert '"territory_orgunit"."child_population"' not in values_sql
