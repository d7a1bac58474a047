"""Issue #7, findings 5 and 8: ordinary (if odd) input to the planning pages and API is a clear error, never a 500."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo import tiny_png
from ronda.planning.models import LocalPlan, Measure, PlanChange, ProgressUpdate, SituationAnalysis, Workshop
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area
from ronda.testing import World, api_token, login

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999999"  # beyond 64 bits
NUL_MESSAGE = "Este texto contiene un carácter no permitido (NUL)."


@pytest.mark.parametrize("field", ["co_areas", "co_institutions"])
def test_a_co_responsible_id_beyond_64_bits_is_not_a_valid_choice(
    client: Client, world: World, education: Area, field: str
) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    objective = draft.lines.get().objectives.get()
    login(client, world.home["coordinator"])
    before = Measure.objects.count()
    data = {
        "objective": objective.pk,
        "title": "Nueva medida",
        "responsible_area": world.area.pk,
        "horizon": "short",
        "start_date": "2025-03-01",
        "end_date": "2025-12-31",
        "status": "not_started",
        field: [TOO_BIG],
    }
    response = client.post(reverse("planning:measure_create", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith("Escoja una opción válida.")
    assert Measure.objects.count() == before


def test_a_workshop_with_more_participants_than_the_database_holds_is_a_form_error(
    client: Client, world: World, analysis: SituationAnalysis
) -> None:
    login(client, world.home["coordinator"])
    data = {
        "title": "Taller",
        "held_on": "2024-05-01",
        "adult_participants": TOO_BIG,
        "children_0_5": "0",
        "children_6_11": "0",
        "children_12_17": "0",
    }
    response = client.post(reverse("planning:workshop_create", args=[analysis.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["adult_participants"]
    assert not Workshop.objects.exists()


def test_the_workshop_service_refuses_counts_beyond_its_bound(analysis: SituationAnalysis) -> None:
    with pytest.raises(ValidationError) as refused:
        services.add_workshop(
            actor=SYSTEM, analysis=analysis, held_on=dt.date(2024, 5, 1), title="Taller", children_6_11=10**20
        )
    assert "children_6_11" in refused.value.message_dict
    assert not Workshop.objects.exists()


def _patch(client: Client, world: World, measure: Measure, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/v1/planning/measures/{measure.pk}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['coordinator'])}",
    )


def test_a_nul_in_a_nested_body_field_is_422_with_its_path(
    client: Client, world: World, plan: LocalPlan, measure: Measure
) -> None:
    changes = PlanChange.objects.count()
    body = {"version": measure.version, "title": "Otra", "change": {"why": "Ajuste\u0000", "approved_by": "Mesa"}}
    response = _patch(client, world, measure, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "change.why", "message": NUL_MESSAGE}]
    in_a_list = _patch(client, world, measure, {"version": measure.version, "budgets": [{"year": "2025\u0000"}]})
    assert in_a_list.status_code == 422
    assert in_a_list.json()["errors"] == [{"field": "budgets.0.year", "message": NUL_MESSAGE}]
    assert Measure.objects.get(pk=measure.pk).title == measure.title
    assert PlanChange.objects.count() == changes


def test_a_nul_in_a_multipart_api_field_is_422(client: Client, world: World, measure: Measure) -> None:
    response = client.post(
        f"/api/v1/planning/measures/{measure.pk}/updates/with-evidence",
        {
            "version": 1,
            "percent": "40",
            "justification": "Hecho\x00",
            "evidence": [SimpleUploadedFile("f.png", tiny_png())],
        },
        HTTP_AUTHORIZATION=f"Bearer {api_token(world.home['area_focal'])}",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "justification", "message": NUL_MESSAGE}]
    assert not ProgressUpdate.objects.filter(measure=measure, justification__startswith="Hecho").exists()


def test_a_nul_in_the_web_progress_form_is_400(client: Client, world: World, measure: Measure) -> None:
    login(client, world.home["area_focal"])
    response = client.post(
        reverse("planning:progress_create", args=[measure.pk]),
        {"version": measure.version, "percent": "40", "justification": "Hecho\x00"},
    )
    assert response.status_code == 400
    assert not ProgressUpdate.objects.filter(measure=measure, justification__startswith="Hecho").exists()


def test_the_measure_form_reports_a_missing_title_and_a_date_outside_the_plan_in_one_round(
    client: Client, world: World, education: Area
) -> None:
    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    objective = draft.lines.get().objectives.get()
    login(client, world.home["coordinator"])
    before = Measure.objects.count()
    data = {
        "objective": objective.pk,
        "title": "",
        "responsible_area": world.area.pk,
        "horizon": "short",
        "start_date": f"{draft.period_start.year - 1}-03-01",
        "end_date": f"{draft.period_start.year - 2}-12-31",
        "status": "not_started",
    }
    response = client.post(reverse("planning:measure_create", args=[draft.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "start_date", "end_date"}
    assert "El fin no puede ser anterior al inicio." in errors["end_date"]
    assert Measure.objects.count() == before
