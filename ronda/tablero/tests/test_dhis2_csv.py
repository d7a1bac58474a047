"""dataValueSets in DHIS2's CSV: import (header row, positions, id schemes, strategies, the summary)
and the streamed export (no spreadsheet formula guard: a machine format)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.models import DataValue
from ronda.tablero.tests.dhis2_catalogue import basic, build, save

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
HEADER = (
    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,"
    "followup,deleted\n"
)


@pytest.fixture
def cat(world):
    return build(world)


def post_csv(user, text, *, query="", content_type="application/csv"):
    return Client().post(
        f"{BASE}/dataValueSets{query}", data=text.encode(), content_type=content_type, **basic(user.username)
    )


def export(user, query, **extra):
    response = Client().get(f"{BASE}/dataValueSets{query}", **basic(user.username), **extra)
    assert response.status_code == 200, response.content
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_csv_with_a_header_imports_and_answers_the_json_summary(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.uid
    text = (
        HEADER
        + f"{cat.vac.uid},202401,{unit},HllvX50cXC0,HllvX50cXC0,12,,,first,false,\n"
        + f"{cat.cases.uid},202401,{unit},{cat.female.uid},,3,,,,,\n"
    )
    response = post_csv(user, text)
    assert response.status_code == 200, response.json()
    assert response.json()["response"]["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    stored = DataValue.objects.get(data_element=cat.vac)
    assert stored.value == 12 and stored.comment == "first"
    # text/csv too; a repeat is ignored, an empty value or deleted=true deletes.
    again = post_csv(user, text, content_type="text/csv").json()["response"]["importCount"]
    assert again == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    gone = HEADER + f"{cat.vac.uid},202401,{unit},,,12,,,,,true\n"
    assert post_csv(user, gone).json()["response"]["importCount"]["deleted"] == 1
    assert not DataValue.objects.filter(data_element=cat.vac, deleted=False).exists()


def test_without_a_header_the_first_row_is_a_value_only_when_asked(cat):
    user = cat.world.home[Role.COORDINATOR]
    line = f"{cat.vac.uid},202402,{cat.world.municipality.uid},,,7\n"
    # DHIS2's default (firstRowIsHeader=true): the only line is taken for the header.
    skipped = post_csv(user, line).json()["response"]["importCount"]
    assert skipped == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
    taken = post_csv(user, line, query="?firstRowIsHeader=false").json()["response"]["importCount"]
    assert taken["imported"] == 1
    assert DataValue.objects.get(data_element=cat.vac, period__iso="202402").value == 7


def test_a_header_in_another_order_is_read_by_name_and_codes_work(cat):
    user = cat.world.home[Role.COORDINATOR]
    text = f"Value,OrgUnit,Period,DataElement,CategoryOptionCombo\n4,{cat.world.municipality.code},202403,CASOS,M\n"
    response = post_csv(user, text, query="?idScheme=CODE")
    assert response.status_code == 200, response.json()
    assert DataValue.objects.get(data_element=cat.cases, option_combo=cat.male).value == 4


def test_csv_conflicts_have_positions_counted_from_the_first_value(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.uid
    text = (
        HEADER
        + f"{cat.vac.uid},202401,{unit},,,5,,,,,\n"
        + f"NoSuchDE001,202401,{unit},,,1,,,,,\n"
        + f"{cat.vac.uid},2024W5,{unit},,,1,,,,,\n"
        + f"{cat.vac.uid},202401,{cat.world.other_municipality.uid},,,1,,,,,\n"
    )
    response = post_csv(user, text)
    assert response.status_code == 409
    inner = response.json()["response"]
    assert inner["status"] == "WARNING"
    codes = {c["errorCode"]: c["indexes"] for c in inner["conflicts"]}
    assert codes == {"E7610": [1], "E7611": [2], "E7612": [3]}
    assert inner["importCount"]["imported"] == 1


def test_csv_dry_run_and_strategies(cat):
    user = cat.world.home[Role.COORDINATOR]
    text = HEADER + f"{cat.vac.uid},202401,{cat.world.municipality.uid},,,5,,,,,\n"
    dry = post_csv(user, text, query="?dryRun=true").json()["response"]
    assert dry["importCount"]["imported"] == 1 and dry["importOptions"]["dryRun"] is True
    assert not DataValue.objects.exists()
    assert post_csv(user, text, query="?importStrategy=UPDATE").json()["response"]["importCount"]["ignored"] == 1
    assert post_csv(user, text, query="?importStrategy=CREATE").json()["response"]["importCount"]["imported"] == 1
    assert post_csv(user, text, query="?importStrategy=DELETE").json()["response"]["importCount"]["deleted"] == 1
    assert post_csv(user, text, query="?importStrategy=NEVER").status_code == 409


@pytest.mark.parametrize(
    "body",
    [b'dataelement,value\n"unterminated,1\n' + b"x" * 10, b"\xff\xfe\x00d\x00a", "á".encode("latin-1") + b",1\n"],
)
def test_an_unreadable_csv_is_a_409_error_summary(cat, body):
    response = Client().post(
        f"{BASE}/dataValueSets",
        data=body,
        content_type="application/csv",
        **basic(cat.world.home[Role.COORDINATOR].username),
    )
    assert response.status_code == 409
    summary = response.json()
    assert summary["status"] == "ERROR" and summary["response"]["description"].startswith("The import process failed")


def test_the_export_streams_dhis2_csv_without_the_formula_guard(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality
    save(cat, cat.vac, cat.default, unit, "202401", 9)
    save(cat, cat.cases, cat.female, unit, "202401", 2)
    save(cat, cat.vac, cat.default, cat.world.other_municipality, "202401", 99)  # other country: never exported
    DataValue.objects.filter(data_element=cat.vac, org_unit=unit).update(comment="=SUM(A1)")
    query = f"?dataSet={cat.data_set.uid}&period=202401&orgUnit={unit.uid}"
    rows = export(user, query, HTTP_ACCEPT="application/csv")
    assert rows[0] == HEADER.strip().split(",")
    body = sorted(rows[1:])
    assert len(body) == 2
    by_element = {r[0]: r for r in body}
    vac = by_element[cat.vac.uid]
    assert vac[1:6] == ["202401", unit.uid, "HllvX50cXC0", "HllvX50cXC0", "9"]
    assert vac[8] == "=SUM(A1)"  # as stored: no apostrophe
    assert by_element[cat.cases.uid][3] == cat.female.uid
    # The .csv suffix, and codes.
    coded = export(user, f".csv{query}&idScheme=CODE")
    assert sorted((r[0], r[3], r[5]) for r in coded[1:]) == [("CASOS", "F", "2"), ("VAC", "default", "9")]


def test_the_csv_round_trips_through_the_import(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality
    save(cat, cat.cases, cat.male, unit, "202405", 6)
    query = f"?dataSet={cat.data_set.uid}&period=202405&orgUnit={unit.uid}"
    text = b"".join(Client().get(f"{BASE}/dataValueSets.csv{query}", **basic(user.username)).streaming_content)
    assert post_csv(user, text.decode()).json()["response"]["importCount"]["ignored"] == 1
    changed = text.decode().replace(",6,", ",8,")
    assert post_csv(user, changed).json()["response"]["importCount"]["updated"] == 1
    assert DataValue.objects.get().value == 8


def test_the_csv_export_keeps_the_errors_of_the_json_one(cat):
    user = cat.world.home[Role.COORDINATOR]
    response = Client().get(f"{BASE}/dataValueSets.csv?period=202401&orgUnit=x", **basic(user.username))
    assert response.status_code == 409 and response.json()["errorCode"] == "E2001"
    other = cat.world.other_municipality.uid
    response = Client().get(
        f"{BASE}/dataValueSets.csv?dataSet={cat.data_set.uid}&period=202401&orgUnit={other}", **basic(user.username)
    )
    assert response.status_code == 409 and response.json()["errorCode"] == "E2012"


def test_random_csv_bodies_never_answer_500(cat):
    import random

    rng = random.Random(10)  # noqa: S311 - a fixed seed for test input, nothing secret
    user = cat.world.home[Role.COORDINATOR]
    pieces = [",", "\n", '"', "\r", "\x00", "é", cat.vac.uid, "202401", cat.world.municipality.uid, "5", "-1", "true"]
    for _ in range(40):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        response = post_csv(user, text, query=rng.choice(["", "?firstRowIsHeader=false", "?idScheme=CODE"]))
        assert response.status_code in (200, 409), (text, response.content)
        assert response.json()["response"]["responseType"] == "ImportSummary"
