"""The planning API: access matrix of every endpoint, versions (409), validation (422), filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ronda.core.models import AuditAction, AuditEvent
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo import tiny_pdf, tiny_png
from ronda.planning.models import LocalPlan, Measure, PlanChange, ProgressUpdate
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = dict.fromkeys(ROLES, 404)
READERS = {**NONE, "admin": 200, "secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}
MEASURE_READERS = {**READERS, "area_focal": 200}
LIST_AWAY = {"secretariat": 200, "coordinator": 200, "analyst": 200, "supervisor": 200}


def call(client: Client, world: World, role: str, method: str, url: str, body: Any = None) -> Any:
    token = api_token(world.home[role])
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_plans_list_matrix(world: World, plan: LocalPlan) -> None:
    check_access_matrix(world, url="/api/v1/planning/plans", expected=READERS, api=True, away=LIST_AWAY)


def test_plan_detail_matrix(world: World, plan: LocalPlan) -> None:
    check_access_matrix(world, url=f"/api/v1/planning/plans/{plan.pk}", expected=READERS, api=True)


def test_measures_list_matrix(world: World, plan: LocalPlan) -> None:
    check_access_matrix(
        world,
        url="/api/v1/planning/measures",
        expected=MEASURE_READERS,
        api=True,
        away={**LIST_AWAY, "area_focal": 200},
    )


@pytest.mark.parametrize(("key", "focal"), [("M-1", 200), ("M-2", 404)])
def test_measure_detail_and_updates_matrix(world: World, plan: LocalPlan, key: str, focal: int) -> None:
    measure = plan.measures.get(code=key)
    expected = {**READERS, "area_focal": focal}
    check_access_matrix(world, url=f"/api/v1/planning/measures/{measure.pk}", expected=expected, api=True)
    check_access_matrix(world, url=f"/api/v1/planning/measures/{measure.pk}/updates", expected=expected, api=True)


def test_evidence_matrix(world: World, measure: Measure) -> None:
    update = services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        percent=5,
        justification="x",
        files=[SimpleUploadedFile("foto.png", tiny_png())],
    )
    evidence = update.evidence.get()
    check_access_matrix(world, url=f"/api/v1/planning/evidence/{evidence.pk}", expected=MEASURE_READERS, api=True)


def test_patch_measure_matrix_refused_writes_nothing(world: World, measure: Measure) -> None:
    expected = {**NONE, "admin": 200, "coordinator": 200}

    def state() -> tuple[Any, ...]:
        m = Measure.objects.get(pk=measure.pk)
        return m.title, m.version, PlanChange.objects.count(), AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/api/v1/planning/measures/{measure.pk}",
        method="patch",
        data=lambda w: {
            "version": Measure.objects.get(pk=measure.pk).version,
            "title": "Medida por API",
            "change": {"why": "Ajuste", "approved_by": "Mesa técnica"},
        },
        expected=expected,
        api=True,
        state=state,
    )
    assert Measure.objects.get(pk=measure.pk).title == "Medida por API"


@pytest.mark.parametrize(("key", "focal"), [("M-1", 201), ("M-2", 404)])
def test_create_update_matrix_refused_writes_nothing(world: World, plan: LocalPlan, key: str, focal: int) -> None:
    measure = plan.measures.get(code=key)
    expected = {**NONE, "admin": 201, "coordinator": 201, "area_focal": focal}

    def state() -> tuple[Any, ...]:
        return ProgressUpdate.objects.count(), Measure.objects.get(pk=measure.pk).version, AuditEvent.objects.count()

    check_access_matrix(
        world,
        url=f"/api/v1/planning/measures/{measure.pk}/updates",
        method="post",
        data=lambda w: {
            "version": Measure.objects.get(pk=measure.pk).version,
            "percent": "25.5",
            "justification": "Avance por API",
        },
        expected=expected,
        api=True,
        state=state,
    )


def test_plan_detail_has_the_tree_with_rolled_up_progress(client: Client, world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=40, justification="x")
    body = call(client, world, "analyst", "get", f"/api/v1/planning/plans/{plan.pk}").json()
    assert body["progress"] == 10.0 and body["status"] == "approved"
    line = body["lines"][0]
    assert line["progress"] == 10.0 and line["objectives"][0]["progress"] == 10.0
    assert [m["code"] for m in line["objectives"][0]["measures"]] == ["M-1", "M-2"]
    assert body["budget_by_year"][0] == {"year": 2025, "planned": 4000.0, "executed": 200.0}
    assert {a["area"] for a in body["budget_by_area"]} == {"Salud", "Educación"}


def test_measure_filters_and_scoping(client: Client, world: World, plan: LocalPlan, other_plan: LocalPlan) -> None:
    everything = call(client, world, "coordinator", "get", "/api/v1/planning/measures").json()
    assert everything["count"] == 2
    by_area = call(client, world, "coordinator", "get", f"/api/v1/planning/measures?area={world.area.pk}").json()
    assert [m["code"] for m in by_area["results"]] == ["M-1"]
    assert call(client, world, "coordinator", "get", "/api/v1/planning/measures?status=completed").json()["count"] == 0
    by_plan = call(client, world, "admin", "get", f"/api/v1/planning/measures?plan={other_plan.pk}").json()
    assert by_plan["count"] == 2 and {m["plan_id"] for m in by_plan["results"]} == {other_plan.pk}
    mine = call(client, world, "area_focal", "get", "/api/v1/planning/measures").json()
    assert [m["code"] for m in mine["results"]] == ["M-1"]
    for query in ("status=done", "bogus=1", "limit=0"):
        assert call(client, world, "coordinator", "get", f"/api/v1/planning/measures?{query}").status_code == 422


def test_patch_with_a_stale_version_is_409(client: Client, world: World, measure: Measure) -> None:
    url = f"/api/v1/planning/measures/{measure.pk}"
    change = {"why": "Ajuste", "approved_by": "Mesa"}
    first = call(client, world, "coordinator", "patch", url, {"version": 1, "title": "Uno", "change": change})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = call(client, world, "coordinator", "patch", url, {"version": 1, "title": "Dos", "change": change})
    assert second.status_code == 409 and second.json()["message"]
    assert Measure.objects.get(pk=measure.pk).title == "Uno"


def test_patch_validation_is_422_with_fields(client: Client, world: World, measure: Measure) -> None:
    url = f"/api/v1/planning/measures/{measure.pk}"
    no_change = call(client, world, "coordinator", "patch", url, {"version": 1, "end_date": "2027-01-31"})
    assert no_change.status_code == 422
    assert {e["field"] for e in no_change.json()["errors"]} >= {"change_why", "change_approved_by"}
    outside = call(
        client,
        world,
        "coordinator",
        "patch",
        url,
        {"version": 1, "end_date": "2030-01-31", "change": {"why": "x", "approved_by": "y"}},
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "end_date"
    negative = call(
        client,
        world,
        "coordinator",
        "patch",
        url,
        {"version": 1, "budgets": [{"year": 2025, "planned": "10", "executed": "-1"}]},
    )
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "executed_2025"
    unknown = call(client, world, "coordinator", "patch", url, {"version": 1, "colour": "red"})
    assert unknown.status_code == 422
    foreign_area = call(
        client, world, "coordinator", "patch", url, {"version": 1, "responsible_area_id": world.other_area.pk}
    )
    assert foreign_area.status_code == 422
    assert Measure.objects.get(pk=measure.pk).version == 1


def test_create_update_validates_and_conflicts(client: Client, world: World, measure: Measure) -> None:
    url = f"/api/v1/planning/measures/{measure.pk}/updates"
    created = call(client, world, "area_focal", "post", url, {"version": 1, "percent": 30, "justification": "Hecho"})
    assert created.status_code == 201
    body = created.json()
    assert body["percent"] == 30.0 and body["author"] == "area_focal.home" and body["evidence"] == []
    assert (
        call(client, world, "area_focal", "post", url, {"version": 1, "percent": 40, "justification": "x"}).status_code
        == 409
    )
    too_much = call(client, world, "area_focal", "post", url, {"version": 2, "percent": 150, "justification": "x"})
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "percent"
    empty = call(client, world, "area_focal", "post", url, {"version": 2, "percent": 50, "justification": " "})
    assert empty.status_code == 422
    assert ProgressUpdate.objects.count() == 1
    measure.refresh_from_db()
    assert measure.progress == Decimal("30.00")
    history = call(client, world, "coordinator", "get", url).json()
    assert history["count"] == 1 and history["results"][0]["justification"] == "Hecho"


def test_evidence_listed_and_downloaded_through_the_api(client: Client, world: World, measure: Measure) -> None:
    services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        percent=5,
        justification="x",
        files=[SimpleUploadedFile("foto.png", tiny_png())],
    )
    listed = call(client, world, "area_focal", "get", f"/api/v1/planning/measures/{measure.pk}/updates").json()
    evidence = listed["results"][0]["evidence"][0]
    assert evidence["content_type"] == "image/png" and evidence["name"] == "foto.png"
    response = call(client, world, "area_focal", "get", evidence["download"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "query",
    ["measures?plan=99999999999999999999999", "plans?municipality=99999999999999999999999", "measures?area=0"],
)
def test_out_of_range_ids_are_422_not_500(client: Client, world: World, plan: LocalPlan, query: str) -> None:
    assert call(client, world, "admin", "get", f"/api/v1/planning/{query}").status_code == 422


def test_huge_path_ids_are_404(client: Client, world: World) -> None:
    for path in ("plans/99999999999999999999999", "measures/99999999999999999999999/updates"):
        assert call(client, world, "admin", "get", f"/api/v1/planning/{path}").status_code == 404


def _upload(
    client: Client, world: World, role: str, measure: Measure, files: list[SimpleUploadedFile], **fields: Any
) -> Any:
    data: dict[str, Any] = {
        "version": Measure.objects.get(pk=measure.pk).version,
        "percent": "40",
        "justification": "Con foto",
    }
    data.update(fields)
    data["evidence"] = files
    return client.post(
        f"/api/v1/planning/measures/{measure.pk}/updates/with-evidence",
        data,
        HTTP_AUTHORIZATION=f"Bearer {api_token(world.home[role])}",
    )


def test_progress_with_evidence_through_the_api(client: Client, world: World, measure: Measure) -> None:
    pdf = SimpleUploadedFile("acta.pdf", tiny_pdf())
    response = _upload(client, world, "area_focal", measure, [SimpleUploadedFile("foto.png", tiny_png()), pdf])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent"] == 40.0 and sorted(e["content_type"] for e in body["evidence"]) == [
        "application/pdf",
        "image/png",
    ]
    download = client.get(
        body["evidence"][0]["download"], HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['coordinator'])}"
    )
    assert download.status_code == 200
    assert Measure.objects.get(pk=measure.pk).progress == Decimal("40.00")


def _writes(measure: Measure) -> tuple[int, int, int]:
    # Every call signs in with a fresh token (an audited "token issued"): count the other events.
    events = AuditEvent.objects.exclude(action=AuditAction.TOKEN_ISSUE).count()
    return ProgressUpdate.objects.count(), Measure.objects.get(pk=measure.pk).version, events


def test_bad_evidence_refuses_the_whole_report_in_spanish(client: Client, world: World, measure: Measure) -> None:
    before = _writes(measure)
    text = SimpleUploadedFile("notas.png", b"esto no es una imagen")
    response = _upload(client, world, "area_focal", measure, [SimpleUploadedFile("foto.png", tiny_png()), text])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "evidence" and "no es una foto" in errors[0]["message"]
    stale = _upload(client, world, "area_focal", measure, [SimpleUploadedFile("foto.png", tiny_png())], version=99)
    assert stale.status_code == 409
    missing = _upload(client, world, "area_focal", measure, [])
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "evidence"
    assert _writes(measure) == before


def test_a_fake_or_encrypted_pdf_is_refused_through_the_api(client: Client, world: World, measure: Measure) -> None:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secreto")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    before = _writes(measure)
    for upload in (
        SimpleUploadedFile("acta.pdf", b"%PDF-1.4 this is just a text file\n", content_type="application/pdf"),
        SimpleUploadedFile("acta.pdf", encrypted.getvalue(), content_type="application/pdf"),
        SimpleUploadedFile("foto.png", tiny_png() + tiny_pdf()),
    ):
        response = _upload(client, world, "area_focal", measure, [upload])
        assert response.status_code == 422, response.content
        errors = response.json()["errors"]
        assert errors[0]["field"] == "evidence" and upload.name in errors[0]["message"]
    assert _writes(measure) == before


@pytest.mark.parametrize(("key", "focal"), [("M-1", 201), ("M-2", 404)])
def test_progress_with_evidence_matrix(world: World, plan: LocalPlan, key: str, focal: int) -> None:
    measure = plan.measures.get(code=key)
    expected = {role: 404 for role in ROLES} | {"admin": 201, "coordinator": 201, "area_focal": focal}
    for role, status in expected.items():
        before = ProgressUpdate.objects.count()
        response = _upload(Client(), world, role, measure, [SimpleUploadedFile("foto.png", tiny_png())])
        assert response.status_code == status, (role, response.content)
        assert ProgressUpdate.objects.count() == before + (1 if status == 201 else 0)
    for role, user in world.away.items():  # the same role in another municipality or country
        response = Client().post(
            f"/api/v1/planning/measures/{measure.pk}/updates/with-evidence",
            {"version": 1, "percent": "1", "justification": "x", "evidence": [SimpleUploadedFile("f.png", tiny_png())]},
            HTTP_AUTHORIZATION=f"Bearer {api_token(user)}",
        )
        assert response.status_code == 404, role
    anonymous = Client().post(f"/api/v1/planning/measures/{measure.pk}/updates/with-evidence", {"version": 1})
    assert anonymous.status_code == 401
    assert ProgressUpdate.objects.count() == (2 if focal == 201 else 1) + 1


def test_patch_null_is_refused_where_a_value_is_required(client: Client, world: World, measure: Measure) -> None:
    url = f"/api/v1/planning/measures/{measure.pk}"
    before = Measure.objects.get(pk=measure.pk)
    response = call(client, world, "coordinator", "patch", url, {"version": 1, "title": None, "budgets": None})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "budgets"}
    assert "nulo" in response.json()["errors"][0]["message"]
    after = Measure.objects.get(pk=measure.pk)
    assert (after.title, after.version) == (before.title, before.version)
    # null still unlinks the improvement opportunity, and leaving a field out keeps it.
    change = {"what": "Sin oportunidad de origen", "why": "Revisión", "approved_by": "Concejo"}
    body = {"version": 1, "source_opportunity_id": None, "change": change}
    unlink = call(client, world, "coordinator", "patch", url, body)
    assert unlink.status_code == 200, unlink.json()
    assert unlink.json()["title"] == before.title
