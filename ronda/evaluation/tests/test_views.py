"""Every evaluation page and method for every role, at home, away and anonymous; the plan page's
slot; the final report made by the job; the public page showing only what is published."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ronda.core.roles import Role
from ronda.evaluation import documents, services
from ronda.evaluation.models import Assessment, Evaluation, EvaluationReport, Recommendation, ReportStatus
from ronda.evaluation.tests.conftest import CONCLUSIONS, SUMMARY, completed, person, published, recommend
from ronda.planning import contracts as planning_contracts
from ronda.planning.models import ImprovementOpportunity, LocalPlan, SituationAnalysis
from ronda.planning.tests.conftest import build_plan
from ronda.territory.models import Area, AreaKind
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)
MANAGERS = dict(NONE, admin=200, coordinator=200)
MANAGERS_REDIRECT = dict(NONE, admin=302, coordinator=302)
EVERYONE = {r: 200 for r in ROLES}


def written() -> tuple[Any, ...]:
    return (
        Evaluation.objects.count(),
        sum(Evaluation.objects.values_list("version", flat=True)),
        Assessment.objects.count(),
        Recommendation.objects.count(),
        Recommendation.objects.filter(carried_to__isnull=False).count(),
        EvaluationReport.objects.count(),
        ImprovementOpportunity.objects.count(),
    )


def ready_report(evaluation: Evaluation) -> EvaluationReport:
    report = EvaluationReport.objects.create(evaluation=evaluation, language="es", status=ReportStatus.READY)
    report.file.save("evaluacion.pdf", ContentFile(b"%PDF-1.7 stub"), save=False)
    report.download_name = "evaluacion.pdf"
    report.finished_at = timezone.now()
    report.save()
    return report


def test_plan_evaluations_and_detail(world: World, evaluation: Evaluation) -> None:
    check_access_matrix(world, url=reverse("evaluation:plan_evaluations", args=[evaluation.plan_id]), expected=READERS)
    check_access_matrix(world, url=reverse("evaluation:detail", args=[evaluation.pk]), expected=READERS)


def test_create(world: World, plan: LocalPlan) -> None:
    url = reverse("evaluation:create", args=[plan.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    data = {"title": "Evaluación final", "kind": "internal", "timing": "midterm", "summary": SUMMARY}
    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS_REDIRECT, state=written)
    assert Evaluation.objects.filter(plan=plan).count() == 2


def test_create_for_a_draft_plan_shows_the_error(world: World) -> None:
    education = Area.objects.create(org_unit=world.municipality, kind=AreaKind.EDUCATION, name="Educación")
    draft = build_plan(world.municipality, world.area, education, approve=False)
    client = login(Client(), world.home["coordinator"])
    response = client.post(
        reverse("evaluation:create", args=[draft.pk]),
        {"title": "E", "kind": "internal", "timing": "midterm"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert not Evaluation.objects.exists()
    assert response.context["form"].non_field_errors()


def test_edit(world: World, evaluation: Evaluation) -> None:
    url = reverse("evaluation:edit", args=[evaluation.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)

    def data(_world: World) -> dict[str, Any]:
        current = Evaluation.objects.get(pk=evaluation.pk)
        return {
            "title": "Evaluación revisada",
            "kind": "participatory",
            "timing": "midterm",
            "questions": "¿Uno?\n¿Dos?",
            "summary": SUMMARY,
            "conclusions": CONCLUSIONS,
            "version": current.version,
        }

    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS_REDIRECT, state=written)
    evaluation.refresh_from_db()
    assert (evaluation.title, evaluation.questions, evaluation.version) == (
        "Evaluación revisada",
        ["¿Uno?", "¿Dos?"],
        2,  # the coordinator sent the same values again: nothing changed, no new version
    )


def test_assess(world: World, evaluation: Evaluation) -> None:
    url = reverse("evaluation:assess", args=[evaluation.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    line = planning_contracts.plan_progress(evaluation.plan).lines[0]
    data = {f"line_{line.line.pk}_rating": "partly", f"line_{line.line.pk}_comment": "Avance desigual"}
    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS_REDIRECT, state=written)
    assert list(Assessment.objects.values_list("line_id", "rating")) == [(line.line.pk, "partly")]


def test_recommendation_create(world: World, evaluation: Evaluation) -> None:
    url = reverse("evaluation:recommendation_create", args=[evaluation.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)
    data = {
        "title": "Más brigadas",
        "priority": "high",
        "goal_area": "services",
        "horizon": "short",
        "area": world.area.pk,
    }
    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS_REDIRECT, state=written)
    assert Recommendation.objects.filter(evaluation=evaluation, area=world.area).count() == 2


def test_complete_and_publish(world: World, evaluation: Evaluation) -> None:
    def version(_world: World) -> dict[str, Any]:
        return {"version": Evaluation.objects.get(pk=evaluation.pk).version}

    url = reverse("evaluation:complete", args=[evaluation.pk])
    check_access_matrix(world, url=url, method="post", data=version, expected=MANAGERS_REDIRECT, state=written)
    evaluation.refresh_from_db()
    assert evaluation.status == "completed"
    url = reverse("evaluation:publish", args=[evaluation.pk])
    check_access_matrix(world, url=url, method="post", data=version, expected=MANAGERS_REDIRECT, state=written)
    evaluation.refresh_from_db()
    assert evaluation.status == "published"


def test_carry(world: World, evaluation: Evaluation, next_analysis: SituationAnalysis) -> None:
    recommend(evaluation), recommend(evaluation, "Ejecutar el presupuesto a tiempo")
    completed(evaluation)
    url = reverse("evaluation:carry", args=[evaluation.pk])
    check_access_matrix(world, url=url, expected=MANAGERS)

    def data(_world: World) -> dict[str, Any]:
        pending = Recommendation.objects.filter(carried_to__isnull=True).order_by("id").first()
        return {"analysis": next_analysis.pk, "recommendations": [pending.pk if pending else 0]}

    check_access_matrix(world, url=url, method="post", data=data, expected=MANAGERS_REDIRECT, state=written)
    assert ImprovementOpportunity.objects.filter(analysis=next_analysis).count() == 2


def test_report_request_and_file(world: World, evaluation: Evaluation) -> None:
    url = reverse("evaluation:report_request", args=[evaluation.pk])
    check_access_matrix(world, url=url, method="post", expected=MANAGERS_REDIRECT, state=written)
    report = ready_report(evaluation)
    check_access_matrix(world, url=reverse("evaluation:report_file", args=[report.pk]), expected=READERS)


def test_public_report_only_for_published_evaluations(world: World, evaluation: Evaluation) -> None:
    report = ready_report(evaluation)
    url = reverse("evaluation:public_report", args=[evaluation.pk])
    check_access_matrix(world, url=url, expected=NONE, anonymous=404)
    published(evaluation)
    check_access_matrix(world, url=url, expected=EVERYONE, away=200, anonymous=200)
    assert Client().get(url).getvalue() == b"%PDF-1.7 stub"
    assert report.pk


def test_the_plan_page_shows_the_evaluations(world: World, evaluation: Evaluation) -> None:
    page = reverse("planning:plan_detail", args=[evaluation.plan_id])
    response = login(Client(), world.home["supervisor"]).get(page)
    assert evaluation.title in response.content.decode()
    assert reverse("evaluation:create", args=[evaluation.plan_id]) not in response.content.decode()
    response = login(Client(), world.home["coordinator"]).get(page)
    assert reverse("evaluation:create", args=[evaluation.plan_id]) in response.content.decode()


def test_the_public_page_shows_only_published_evaluations(
    world: World, evaluation: Evaluation, other_evaluation: Evaluation
) -> None:
    public = reverse("accountability:public_plan", args=[world.municipality.code])
    recommend(evaluation, "Recomendación pública")
    assert SUMMARY not in Client().get(public).content.decode()
    completed(evaluation)
    assert SUMMARY not in Client().get(public).content.decode()
    published(evaluation)
    page = Client().get(public).content.decode()
    assert SUMMARY in page and "Recomendación pública" in page
    assert reverse("evaluation:public_report", args=[evaluation.pk]) not in page  # no report yet
    ready_report(evaluation)
    page = Client().get(public).content.decode()
    assert reverse("evaluation:public_report", args=[evaluation.pk]) in page
    # Another municipality's evaluation, even published, is on its own page only.
    published(other_evaluation)
    assert "Evaluación B" not in page
    assert (
        "Evaluación B"
        in Client().get(reverse("accountability:public_plan", args=[world.other_municipality.code])).content.decode()
    )


def test_the_job_renders_a_pdf_with_the_narrative(
    world: World, evaluation: Evaluation, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    line = planning_contracts.plan_progress(evaluation.plan).lines[0]
    services.save_assessments(
        actor=person(world),
        evaluation=evaluation,
        items=[
            services.AssessmentInput(rating="partly", comment="Avance desigual en las parroquias", line_id=line.line.pk)
        ],
    )
    recommend(evaluation, "Llevar los servicios a las parroquias rurales")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(actor=person(world), evaluation=evaluation)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.status
    data = report.file.read()
    assert data.startswith(b"%PDF")
    assert report.download_name.endswith(".pdf")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True, text=True).stdout  # noqa: S603
    flat = " ".join(text.split())
    for expected in ("parroquias rurales", "Avance desigual en las parroquias", "ejecutar antes el presupuesto"):
        assert expected in flat, expected
    assert "El plan avanza en la mayoría de sus líneas" in flat


def test_a_refused_job_marks_the_report_failed(
    world: World, evaluation: Evaluation, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[Any] = []
    monkeypatch.setattr(documents, "render_pdf", lambda e: rendered.append(e) or b"%PDF stub")
    coordinator = person(world)
    membership = coordinator.membership
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(actor=coordinator, evaluation=evaluation)
    # The coordinator lost the membership before the worker ran: the job is refused, the report failed.
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    for callback in callbacks:
        callback()  # the immediate backend runs the job, and records its refusal (JobRefused) as its result
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not rendered
