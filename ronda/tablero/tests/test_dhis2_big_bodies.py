"""A dataValueSets POST bigger than Django's in-memory limit: read as a stream, in chunks, all or nothing.

A country's month is a million values (~130 MB of JSON). The body is spooled to disk
(``views.body_file``), JSON is read with ijson and CSV line by line, and the values are imported
``CHUNK`` at a time in one transaction. Here the limits are lowered so that a few values cross them.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ronda.core.roles import Role
from ronda.tablero.dhis2 import datavaluesets
from ronda.tablero.models import DataValue
from ronda.tablero.tests.dhis2_catalogue import basic, build

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"
MONTHS = [f"2024{m:02d}" for m in range(1, 13)]


@pytest.fixture
def cat(world, settings, monkeypatch):
    # Every body in these tests is "big": beyond what request.body may hold, read in chunks of 2.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    monkeypatch.setattr(datavaluesets, "CHUNK", 2)
    return build(world)


def post(user, data, *, query="", content_type="application/json"):
    if not isinstance(data, str | bytes):
        data = json.dumps(data)
    return Client().post(f"{BASE}/dataValueSets{query}", data=data, content_type=content_type, **basic(user.username))


def stored(cat):
    return sorted(
        (v.period.iso, v.value)
        for v in DataValue.objects.filter(data_element=cat.vac, org_unit=cat.world.municipality, deleted=False)
    )


def values(cat, months=MONTHS):
    return [{"dataElement": cat.vac.uid, "period": m, "value": str(i + 1)} for i, m in enumerate(months)]


def test_a_json_body_beyond_the_memory_limit_is_imported_in_chunks(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = {"dataSet": cat.data_set.uid, "orgUnit": cat.world.municipality.uid, "dataValues": values(cat)}
    assert len(json.dumps(body)) > 200 * 4
    response = post(user, body)
    assert response.status_code == 200, response.json()
    assert response.json()["response"]["importCount"] == {"imported": 12, "updated": 0, "ignored": 0, "deleted": 0}
    assert [iso for iso, _v in stored(cat)] == MONTHS


def test_keys_after_the_values_still_apply_to_them(cat):
    """DHIS2's clients write the header first; a body that names its unit after the values is read
    with a second pass, not misread."""
    user = cat.world.home[Role.COORDINATOR]
    text = json.dumps({"dataValues": values(cat), "orgUnit": cat.world.municipality.uid, "dataSet": cat.data_set.uid})
    response = post(user, text)
    assert response.status_code == 200, response.json()
    assert len(stored(cat)) == 12


def test_a_body_broken_half_way_writes_nothing(cat):
    """The first chunks are valid and would be written; the body breaks after them: nothing stays."""
    user = cat.world.home[Role.COORDINATOR]
    text = json.dumps({"orgUnit": cat.world.municipality.uid, "dataValues": values(cat)})
    broken = text[: text.rindex('{"dataElement"')] + '{"dataElement": '
    response = post(user, broken)
    assert response.status_code == 409
    summary = response.json()["response"]
    assert summary["status"] == "ERROR" and summary["description"].startswith("The import process failed")
    assert stored(cat) == []


def test_a_nul_in_a_streamed_value_refuses_the_set(cat):
    user = cat.world.home[Role.COORDINATOR]
    items = values(cat)
    items[-1]["comment"] = "a\x00b"
    response = post(user, {"orgUnit": cat.world.municipality.uid, "dataValues": items})
    assert response.status_code == 409
    assert "NUL" in response.json()["response"]["description"]
    assert stored(cat) == []


def test_a_csv_body_beyond_the_memory_limit_is_read_line_by_line(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.uid
    lines = ["dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"]
    lines += [f"{cat.vac.uid},{m},{unit},,,{i + 1}" for i, m in enumerate(MONTHS)]
    response = post(user, "\n".join(lines), content_type="application/csv")
    assert response.status_code == 200, response.json()
    assert [v for _iso, v in stored(cat)] == sorted(range(1, 13))


def test_a_csv_that_is_not_utf8_half_way_writes_nothing(cat):
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.uid
    lines = [f"{cat.vac.uid},{m},{unit},,,{i + 1}" for i, m in enumerate(MONTHS)]
    body = ("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n" + "\n".join(lines)).encode()
    body += b"\n" + f"{cat.vac.uid},202301,{unit},,,1,Peñas".encode("latin-1")
    response = post(user, body, content_type="application/csv")
    assert response.status_code == 409
    assert "UTF-8" in response.json()["response"]["description"]
    assert stored(cat) == []


def test_a_body_over_the_import_limit_is_413_before_anything_is_read(cat, settings):
    settings.RONDA_IMPORT_MAX_BYTES = 1000
    user = cat.world.home[Role.COORDINATOR]
    body = {"orgUnit": cat.world.municipality.uid, "dataValues": values(cat) * 3}
    response = post(user, body)
    assert response.status_code == 413
    assert response.json()["httpStatusCode"] == 413
    assert stored(cat) == []


def test_adx_is_read_whole_and_limited(cat, monkeypatch):
    monkeypatch.setattr(datavaluesets, "ADX_MAX_BYTES", 300)
    user = cat.world.home[Role.COORDINATOR]
    unit = cat.world.municipality.code
    groups = "".join(
        f'<group orgUnit="{unit}" period="{m}"><dataValue dataElement="{cat.vac.code}" value="1"/></group>'
        for m in MONTHS
    )
    adx = f'<adx xmlns="urn:ihe:qrph:adx:2015">{groups}</adx>'
    response = post(user, adx, content_type="application/adx+xml")
    assert response.status_code == 409
    assert "ADX" in response.json()["response"]["description"] and "JSON" in response.json()["response"]["description"]
    assert stored(cat) == []


def test_an_async_import_of_a_big_body_stores_it_and_imports_it(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    body = {"orgUnit": cat.world.municipality.uid, "dataValues": values(cat)}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(user, body, query="?async=true")
    assert response.status_code == 200
    uid = response.json()["response"]["id"]
    summary = Client().get(f"{BASE}/system/taskSummaries/DATAVALUE_IMPORT/{uid}", **basic(user.username)).json()
    assert summary["importCount"]["imported"] == 12
    assert len(stored(cat)) == 12


def test_the_same_key_in_two_chunks_is_a_conflict_as_in_one(cat):
    """Chunks of 2: the repeat comes in another chunk than the first, and is still refused."""
    user = cat.world.home[Role.COORDINATOR]
    items = [*values(cat, MONTHS[:3]), {"dataElement": cat.vac.uid, "period": MONTHS[0], "value": "99"}]
    response = post(user, {"orgUnit": cat.world.municipality.uid, "dataValues": items})
    assert response.status_code == 409
    summary = response.json()["response"]
    assert summary["rejectedIndexes"] == [3]
    assert summary["conflicts"][0]["errorCode"] == "E7619" and summary["conflicts"][0]["indexes"] == [3]
    assert stored(cat)[0] == (MONTHS[0], 1)
