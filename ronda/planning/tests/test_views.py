"""Behaviour of the planning pages: the focal point's phone form, evidence, the plan page, changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronda.core.tenancy import SYSTEM
from ronda.planning import services
from ronda.planning.demo import tiny_pdf, tiny_png
from ronda.planning.models import Evidence, LocalPlan, Measure, PlanChange, ProgressUpdate
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, login

pytestmark = pytest.mark.django_db

PDF = tiny_pdf()


def as_user(world: World, role: str) -> Client:
    return login(Client(), world.home[role])


def test_progress_form_is_short_and_phone_friendly(world: World, measure: Measure) -> None:
    response = as_user(world, "area_focal").get(reverse("planning:progress_create", args=[measure.pk]))
    html = response.content.decode()
    # A text input with the decimal keypad: a number input would show "85.00" to a Spanish speaker.
    assert 'name="percent"' in html and 'inputmode="decimal"' in html and 'type="number"' not in html
    assert "<textarea" in html
    assert 'accept="image/*,application/pdf"' in html and "multiple" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="version"' in html and f'value="{measure.version}"' in html
    form = response.context["form"]
    assert [f.name for f in form.visible_fields()] == ["percent", "justification", "photo", "evidence"]
    assert 'capture="environment"' in html  # one tap opens the camera; the other input also takes PDFs


def test_focal_point_records_progress_with_photo_and_pdf_and_coordinator_sees_it(
    world: World, measure: Measure
) -> None:
    focal = as_user(world, "area_focal")
    response = focal.post(
        reverse("planning:progress_create", args=[measure.pk]),
        {
            "percent": "62",
            "justification": "Brigada móvil en Motupe: 48 controles de niño sano.",
            "version": measure.version,
            "photo": SimpleUploadedFile("brigada.png", tiny_png(), content_type="image/png"),
            "evidence": [SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("planning:measure_detail", args=[measure.pk])
    update = ProgressUpdate.objects.get(measure=measure)
    assert update.percent == Decimal("62.00")
    assert sorted(update.evidence.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]

    page = as_user(world, "coordinator").get(reverse("planning:plan_detail", args=[measure.plan_id]))
    html = page.content.decode()
    assert "Brigada móvil en Motupe" in html
    photo = update.evidence.get(content_type="image/png")
    assert reverse("planning:evidence_download", args=[photo.pk]) in html
    # Accessible progress: a <progress> element with a label, and the percentage as text.
    assert '<progress max="100" value="62.00" aria-label="Medida M-1">62 %</progress>' in html
    assert '<span class="meter-value">62 %</span>' in html


def test_wrong_evidence_shows_an_error_and_saves_nothing(world: World, measure: Measure, media_root) -> None:
    response = as_user(world, "area_focal").post(
        reverse("planning:progress_create", args=[measure.pk]),
        {
            "percent": "10",
            "justification": "Con un archivo que no es foto",
            "version": measure.version,
            "evidence": SimpleUploadedFile("foto.png", b"GIF89a not allowed", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert ProgressUpdate.objects.count() == 0 and Evidence.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_second_person_with_the_same_version_gets_a_conflict(world: World, measure: Measure) -> None:
    url = reverse("planning:progress_create", args=[measure.pk])
    version = measure.version
    first = as_user(world, "area_focal").post(url, {"percent": "30", "justification": "Primera", "version": version})
    assert first.status_code == 302
    second = as_user(world, "coordinator").post(url, {"percent": "80", "justification": "Segunda", "version": version})
    assert second.status_code == 200
    assert second.context["form"].non_field_errors()
    measure.refresh_from_db()
    assert measure.progress == Decimal("30.00") and ProgressUpdate.objects.count() == 1


def test_out_of_range_percent_is_a_form_error(world: World, measure: Measure) -> None:
    response = as_user(world, "area_focal").post(
        reverse("planning:progress_create", args=[measure.pk]),
        {"percent": "120", "justification": "x", "version": measure.version},
    )
    assert response.status_code == 200 and response.context["form"].errors["percent"]
    assert ProgressUpdate.objects.count() == 0


def _evidence(measure: Measure, name: str, content: bytes) -> Evidence:
    update = services.record_progress(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        percent=10,
        justification="x",
        files=[SimpleUploadedFile(name, content)],
    )
    return update.evidence.get()


def test_evidence_is_served_only_through_the_policy_with_headers(world: World, measure: Measure) -> None:
    photo = _evidence(measure, "foto de la brigada.png", tiny_png())
    response = as_user(world, "area_focal").get(reverse("planning:evidence_download", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "foto de la brigada.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == tiny_png()
    assert "no-store" in response["Cache-Control"]

    pdf = _evidence(measure, "acta.pdf", PDF)
    response = as_user(world, "coordinator").get(reverse("planning:evidence_download", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    # The stored file has a random name outside any public URL.
    assert "acta" not in pdf.file.name


def test_plan_page_shows_tree_budgets_changes_and_filters(world: World, plan: LocalPlan, education: Area) -> None:
    measure = plan.measures.get(code="M-1")
    services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=40, justification="x")
    services.update_measure(
        actor=SYSTEM,
        measure=Measure.objects.get(pk=measure.pk),
        expected_version=None,
        title="Control de niño sano en parroquias rurales",
        change=services.ChangeRecord(why="Precisión del alcance", approved_by="Mesa técnica, acta 4"),
    )
    client = as_user(world, "coordinator")
    response = client.get(reverse("planning:plan_detail", args=[plan.pk]))
    overview = response.context["overview"]
    # Budget weights 1000 (40 %) and 3000 (0 %): 10 %.
    assert overview.progress == Decimal("10.00")
    first = overview.by_year[0]
    assert (first.key, first.planned, first.executed) == (2025, Decimal("4000"), Decimal("200"))
    html = response.content.decode()
    assert "Precisión del alcance" in html and "Mesa técnica, acta 4" in html
    assert "Resolución 1" in html  # the approval record

    filtered = client.get(
        reverse("planning:plan_detail", args=[plan.pk]), {"area": education.pk}, headers={"HX-Request": "true"}
    )
    assert filtered.templates[0].name == "planning/partials/plan_tree.html"
    shown = [
        r.measure.code
        for line in filtered.context["overview"].shown_lines
        for o in line.shown_objectives
        for r in o.shown
    ]
    assert shown == ["M-2"]
    by_status = client.get(reverse("planning:plan_detail", args=[plan.pk]), {"status": "in_progress"})
    assert by_status.context["overview"].shown_count == 1
    assert by_status.context["overview"].progress == Decimal("10.00")  # filters never change the roll-up


def test_equal_weighting_uses_the_mean(world: World, plan: LocalPlan) -> None:
    LocalPlan.objects.filter(pk=plan.pk).update(weighting="equal")
    measure = plan.measures.get(code="M-1")
    services.record_progress(actor=SYSTEM, measure=measure, expected_version=None, percent=40, justification="x")
    response = as_user(world, "coordinator").get(reverse("planning:plan_detail", args=[plan.pk]))
    assert response.context["overview"].progress == Decimal("20.00")


def test_editing_an_approved_measure_asks_for_the_change_record(world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    client = as_user(world, "coordinator")
    url = reverse("planning:measure_edit", args=[measure.pk])
    form_page = client.get(url).content.decode()
    assert 'name="change_why"' in form_page and 'name="planned_2028"' in form_page
    data = {
        "objective": measure.objective_id,
        "code": "M-1",
        "title": "Medida M-1",
        "responsible_area": measure.responsible_area_id,
        "horizon": "short",
        "start_date": "2025-02-01",
        "end_date": "2029-03-31",
        "status": "not_started",
        "planned_2025": "1000",
        "executed_2025": "100",
        "version": measure.version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "end_date" in errors  # outside the plan period
    data["end_date"] = "2027-03-31"
    response = client.post(url, data)
    assert response.status_code == 200 and "change_why" in response.context["form"].errors
    assert PlanChange.objects.count() == 0
    response = client.post(url, {**data, "change_why": "Retraso de obra", "change_approved_by": "Concejo"})
    assert response.status_code == 302
    change = PlanChange.objects.get()
    assert change.measure_id == measure.pk and change.approved_by == "Concejo"


def test_draft_plan_measure_edit_needs_no_change_record(world: World, education: Area) -> None:
    from ronda.planning.tests.conftest import build_plan

    draft = build_plan(world.municipality, world.area, education, approve=False, prefix="Borrador ")
    measure = draft.measures.get(code="M-1")
    form = as_user(world, "coordinator").get(reverse("planning:measure_edit", args=[measure.pk])).context["form"]
    assert "change_why" not in form.fields


def test_prioritisation_is_a_real_table(world: World, analysis) -> None:
    services.create_opportunity(
        actor=SYSTEM,
        analysis=analysis,
        title="Parques seguros",
        goal_area="family",
        criticality="medium",
        horizon="long",
    )
    response = as_user(world, "analyst").get(reverse("planning:prioritisation", args=[analysis.pk]))
    html = response.content.decode()
    assert "<caption>" in html
    assert html.count('<th scope="col">') == 4  # criticality + three horizons
    assert html.count('<th scope="row">') == 3
    rows = response.context["rows"]
    assert rows[0]["cells"][0]["items"][0].title == "Control de niño sano"
    assert rows[1]["cells"][2]["items"][0].title == "Parques seguros"


def test_opportunity_lists_its_measures_and_measure_shows_its_source(world: World, plan: LocalPlan) -> None:
    measure = plan.measures.get(code="M-1")
    opportunity = measure.source_opportunity
    client = as_user(world, "coordinator")
    html = client.get(reverse("planning:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert reverse("planning:measure_detail", args=[measure.pk]) in html
    html = client.get(reverse("planning:measure_detail", args=[measure.pk])).content.decode()
    assert reverse("planning:opportunity_detail", args=[opportunity.pk]) in html
    # The focal point sees where it comes from, without a link into the diagnosis they cannot open.
    html = as_user(world, "area_focal").get(reverse("planning:measure_detail", args=[measure.pk])).content.decode()
    assert opportunity.title in html
    assert reverse("planning:opportunity_detail", args=[opportunity.pk]) not in html


def test_my_measures_lists_only_the_focal_points_area(world: World, plan: LocalPlan, other_plan: LocalPlan) -> None:
    response = as_user(world, "area_focal").get(reverse("planning:my_measures"))
    assert [m.code for m in response.context["page"]] == ["M-1"]
    assert as_user(world, "area_focal").get(reverse("planning:home")).url == reverse("planning:my_measures")


def _big_plan(world: World, education: Area, measures: int, updates: int) -> LocalPlan:
    plan = services.create_plan(
        actor=SYSTEM,
        org_unit=world.municipality,
        title="Plan grande",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )
    lines = [services.create_line(actor=SYSTEM, plan=plan, title=f"Línea {i}", goal_area="services") for i in range(4)]
    objectives = [services.create_objective(actor=SYSTEM, line=line, title=f"Objetivo {line.order}") for line in lines]
    add_measures(plan, objectives, world.area, education, 0, measures)
    plan = services.change_plan_status(
        actor=SYSTEM,
        plan=plan,
        expected_version=None,
        status="approved",
        approved_on=dt.date(2025, 2, 1),
        approved_by="Concejo",
        approval_reference="R-1",
    )
    for measure in plan.measures.select_related("plan__org_unit"):
        for month in range(1, updates + 1):
            services.record_progress(
                actor=SYSTEM,
                measure=measure,
                expected_version=None,
                percent=month * 5,
                justification=f"Mes {month}",
                reported_on=dt.date(2025, month, 20),
            )
    return plan


def add_measures(plan, objectives, area, education, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    change = services.ChangeRecord(why="Ampliación", approved_by="Concejo")
    for i in range(start, start + count):
        services.create_measure(
            actor=SYSTEM,
            plan=plan,
            objective=objectives[i % len(objectives)],
            code=f"M-{i:02d}",
            title=f"Medida {i}",
            responsible_area=area if i % 2 else education,
            horizon="medium",
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2027, 12, 31),
            budgets=[services.BudgetLine(y, Decimal(1000 + i), Decimal(100)) for y in (2025, 2026, 2027)],
            change=change,
        )


def test_plan_page_query_count_does_not_grow_with_the_plan(
    world: World, education: Area, django_assert_max_num_queries
) -> None:
    plan = _big_plan(world, education, measures=20, updates=3)
    client = as_user(world, "coordinator")
    url = reverse("planning:plan_detail", args=[plan.pk])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.context["overview"].measure_count == 20
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    objectives = [o for line in plan.lines.all() for o in line.objectives.all()]
    add_measures(plan, objectives, world.area, education, 20, 20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["overview"].measure_count == 40
    assert len(large.captured_queries) == len(small.captured_queries)


def test_plan_list_and_diagnosis_pages_render_for_admin(world: World, plan: LocalPlan) -> None:
    client = as_user(world, "admin")
    assert client.get(reverse("planning:plan_list")).status_code == 200
    form = client.get(reverse("planning:plan_create")).context["form"]
    assert "municipality" in form.fields  # an administrator names the municipality
    created = client.post(
        reverse("planning:analysis_create"),
        {"municipality": "B-M", "title": "Diagnóstico B", "period_start": "2024-01-01", "period_end": "2024-12-31"},
    )
    assert created.status_code == 302
    unknown = client.post(
        reverse("planning:analysis_create"),
        {"municipality": "ZZ", "title": "X", "period_start": "2024-01-01", "period_end": "2024-12-31"},
    )
    assert unknown.status_code == 200 and unknown.context["form"].errors["municipality"]


def test_other_areas_of_the_municipality_are_not_the_focal_points(world: World, plan: LocalPlan) -> None:
    culture = Area.objects.create(org_unit=world.municipality, kind=AreaKind.CULTURE, name="Cultura")
    measure = plan.measures.get(code="M-2")
    services.update_measure(
        actor=SYSTEM,
        measure=measure,
        expected_version=None,
        responsible_area=culture,
        change=services.ChangeRecord(why="x", approved_by="y"),
    )
    client = as_user(world, "area_focal")
    assert client.get(reverse("planning:measure_detail", args=[measure.pk])).status_code == 404
    response = client.post(
        reverse("planning:progress_create", args=[measure.pk]),
        {"percent": "50", "justification": "x", "version": Measure.objects.get(pk=measure.pk).version},
    )
    assert response.status_code == 404 and ProgressUpdate.objects.count() == 0
