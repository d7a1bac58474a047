"""``POST dataValueSets?async=true`` as a background job, and the task endpoints that follow it."""

from __future__ import annotations

import contextlib
import json

import pytest
from django.test import Client
from django.urls import reverse

from ronda.core.jobs import JobRefused
from ronda.core.roles import Role
from ronda.tablero.models import DataValue, ImportStatus, ValueImport
from ronda.tablero.tests.dhis2_catalogue import basic, build
from ronda.testing import login

pytestmark = pytest.mark.django_db

BASE = "/dhis2/api"


@pytest.fixture
def cat(world):
    return build(world)


def value_set(cat, values):
    return {
        "dataSet": cat.data_set.uid,
        "period": "202401",
        "orgUnit": cat.world.municipality.uid,
        "dataValues": values,
    }


def post_async(user, body, *, query="", content_type="application/json"):
    data = json.dumps(body) if isinstance(body, dict) else body
    return Client().post(
        f"{BASE}/dataValueSets?async=true{query}", data=data, content_type=content_type, **basic(user.username)
    )


def tasks(user, uid):
    return Client().get(f"{BASE}/system/tasks/DATAVALUE_IMPORT/{uid}", **basic(user.username))


def summary(user, uid):
    return Client().get(f"{BASE}/system/taskSummaries/DATAVALUE_IMPORT/{uid}", **basic(user.username))


def test_an_async_import_answers_the_job_then_runs_and_reports(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    body = value_set(
        cat,
        [{"dataElement": cat.vac.uid, "value": "5"}, {"dataElement": "NoSuchDE001", "value": "1"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_async(user, body)
    assert response.status_code == 200
    message = response.json()
    assert message["httpStatus"] == "OK" and message["status"] == "OK"
    assert message["message"] == "Initiated dataValueImport"
    job = message["response"]
    assert job["jobType"] == "DATAVALUE_IMPORT" and len(job["id"]) == 11
    assert job["relativeNotifierEndpoint"] == f"/api/system/tasks/DATAVALUE_IMPORT/{job['id']}"
    assert job["created"]
    # The job ran (immediately, on commit): the value is there, the conflict reported.
    assert DataValue.objects.get(data_element=cat.vac).value == 5
    notes = tasks(user, job["id"]).json()
    assert notes[0]["completed"] is True and notes[0]["message"] == "Import done"
    assert all(n["category"] == "DATAVALUE_IMPORT" for n in notes) and not any(n["completed"] for n in notes[1:])
    result = summary(user, job["id"]).json()
    assert result["responseType"] == "ImportSummary" and result["status"] == "WARNING"
    assert result["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert result["importOptions"]["async"] is True
    assert [c["errorCode"] for c in result["conflicts"]] == ["E7610"]
    stored = ValueImport.objects.get()
    assert stored.status == ImportStatus.APPLIED and stored.requested_by == user
    assert stored.report["applied"]["imported"] == 1


def test_only_the_person_who_started_it_or_an_admin_reads_the_task(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=True):
        uid = post_async(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}])).json()["response"]["id"]
    for other in (cat.world.away[Role.COORDINATOR], cat.world.home[Role.ANALYST], cat.world.home[Role.SECRETARIAT]):
        assert tasks(other, uid).status_code == 404
        assert summary(other, uid).status_code == 404
    admin = cat.world.home[Role.ADMIN]
    assert tasks(admin, uid).status_code == 200
    assert summary(admin, uid).json()["status"] == "SUCCESS"
    assert tasks(user, "NoSuchTask1").status_code == 404
    assert Client().get(f"{BASE}/system/tasks/DATAVALUE_IMPORT/{uid}").status_code == 401


def test_a_queued_job_is_not_completed_and_has_no_summary_yet(cat):
    user = cat.world.home[Role.COORDINATOR]
    uid = post_async(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}])).json()["response"]["id"]
    notes = tasks(user, uid).json()
    assert [n["completed"] for n in notes] == [False]
    assert summary(user, uid).json() == {}
    assert not DataValue.objects.exists()


def test_async_csv_dry_run_and_an_unreadable_body(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    header = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
    text = f"{header}{cat.vac.uid},202401,{cat.world.municipality.uid},,,7\n"
    with django_capture_on_commit_callbacks(execute=True):
        uid = post_async(user, text, query="&dryRun=true", content_type="application/csv").json()["response"]["id"]
    result = summary(user, uid).json()
    assert result["importCount"]["imported"] == 1 and result["importOptions"]["dryRun"] is True
    assert not DataValue.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        bad = post_async(user, "{not json").json()["response"]["id"]
    assert summary(user, bad).json()["status"] == "ERROR"
    notes = tasks(user, bad).json()
    assert notes[0]["level"] == "ERROR" and notes[0]["completed"] is True


def test_what_is_refused_at_once(cat):
    user = cat.world.home[Role.COORDINATOR]
    body = value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}])
    assert post_async(user, body, query="&importStrategy=SOMETIMES").status_code == 409
    assert post_async(user, body, query="&idScheme=WHATEVER").json()["errorCode"] == "E7001"
    assert post_async(user, "x", content_type="text/plain").status_code == 415
    refused = post_async(cat.world.home[Role.ANALYST], body)
    assert refused.status_code == 409 and refused.json()["status"] == "ERROR"
    assert not ValueImport.objects.exists()


def test_a_job_whose_person_can_no_longer_act_fails(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        uid = post_async(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}])).json()["response"]["id"]
    user.is_active = False
    user.save()
    for callback in callbacks:
        with contextlib.suppress(JobRefused):  # the task ends FAILED
            callback()
    stored = ValueImport.objects.get()
    assert stored.status == ImportStatus.FAILED
    assert not DataValue.objects.exists()
    admin = cat.world.home[Role.ADMIN]
    assert tasks(admin, uid).json()[0]["level"] == "ERROR"
    assert summary(admin, uid).json()["status"] == "ERROR"


def test_the_async_import_shows_on_ronda_s_own_import_page(cat, django_capture_on_commit_callbacks):
    user = cat.world.home[Role.COORDINATOR]
    with django_capture_on_commit_callbacks(execute=True):
        post_async(user, value_set(cat, [{"dataElement": cat.vac.uid, "value": "5"}]))
    stored = ValueImport.objects.get()
    client = login(Client(), user)
    assert client.get(reverse("tablero:imports")).status_code == 200
    page = client.get(reverse("tablero:import_detail", args=[stored.pk]))
    assert page.status_code == 200
    assert "dataValueSets.json" in page.content.decode()
