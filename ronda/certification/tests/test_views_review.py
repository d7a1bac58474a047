"""The secretariat's workspace pages (issue #14 items 2 and 4): the queue, the review of a cycle with
its verdicts, requests and decision, the calls, the revocation of a certificate. Every route and
method for every role; the forms' happy paths change the cycle; bad input shows the service's
Spanish message and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ronda.certification import services
from ronda.certification.models import (
    Assignment,
    Call,
    Certificate,
    Cycle,
    CycleStage,
    Finding,
    Framework,
    Hearing,
    InformationRequest,
    Outcome,
    Requirement,
    Verdict,
)
from ronda.certification.tests.conftest import committed, pdf_bytes, person
from ronda.core.models import AuditEvent
from ronda.core.roles import Role
from ronda.territory.models import Level
from ronda.testing import World, check_access_matrix, login, make_unit

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
SECRETARIAT = dict(NONE, admin=200, secretariat=200)
SECRETARIAT_REDIRECT = dict(NONE, admin=302, secretariat=302)
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)


# --- Helpers -------------------------------------------------------------------------------------------
def submitted(world: World, cycle: Cycle) -> Cycle:
    committed(world, cycle)
    requirement = Requirement.objects.get(framework=cycle.framework, code="acta")
    upload = SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf")
    services.add_document(actor=person(world), cycle=cycle, requirement=requirement, title="Acta", upload=upload)
    services.submit(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    return Cycle.objects.get(pk=cycle.pk)


def in_review(world: World, cycle: Cycle) -> Cycle:
    submitted(world, cycle)
    services.take_for_review(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None
    )
    return Cycle.objects.get(pk=cycle.pk)


def judge_all(world: World, cycle: Cycle) -> None:
    for requirement in Requirement.objects.filter(framework=cycle.framework, mandatory=True):
        services.record_verdict(
            actor=person(world, "secretariat"), cycle=cycle, requirement_id=requirement.pk, value="met"
        )


def heard(world: World, cycle: Cycle, *, weighed: str = "Pesó en la categoría.") -> Hearing:
    hearing = services.record_hearing(
        actor=person(world, "secretariat"),
        cycle=cycle,
        held_on=timezone.localdate(),
        children_6_11=4,
        children_12_17=7,
        children_view="Queremos más parques.",
        overall="favourable",
    )
    if weighed:
        services.weigh_hearing(
            actor=person(world, "secretariat"), hearing=hearing, weighed=weighed, expected_version=None
        )
    return Hearing.objects.get(pk=hearing.pk)


def requirement(framework: Framework, code: str) -> Requirement:
    return Requirement.objects.get(framework=framework, code=code)


def written() -> tuple[Any, ...]:
    return (
        sum(Cycle.objects.values_list("version", flat=True)),
        Verdict.objects.count(),
        sum(Verdict.objects.values_list("version", flat=True)),
        InformationRequest.objects.count(),
        Call.objects.count(),
        Certificate.objects.count(),
        Certificate.objects.filter(revoked_on__isnull=False).count(),
        Assignment.objects.count(),
        Hearing.objects.count(),
        sum(Hearing.objects.values_list("version", flat=True)),
        AuditEvent.objects.count(),
    )


def secretariat(world: World) -> Client:
    return login(Client(), world.home["secretariat"])


def page(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def municipality_cycle(world: World, framework: Framework, code: str, *, stage: str, submitted_at: Any = None) -> Cycle:
    """Another municipality of the home region with a cycle at ``stage`` (the stage set directly:
    a fixture for lists, not a walk through the services)."""
    unit = make_unit(code, Level.MUNICIPALITY, world.region, f"Cantón {code}")
    cycle = services.start_cycle(actor=person(world, "admin"), org_unit=unit, framework=framework)
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage, submitted_at=submitted_at)
    return Cycle.objects.get(pk=cycle.pk)


# --- The workspace ----------------------------------------------------------------------------------------
def test_workspace_access(world: World) -> None:
    check_access_matrix(world, url=reverse("certification:workspace"), expected=SECRETARIAT, away={"secretariat": 200})


def test_the_queue_is_the_secretariats_candidacies_longest_waiting_first(
    world: World, framework: Framework, cycle: Cycle
) -> None:
    submitted(world, cycle)  # today
    now = timezone.now()
    older = municipality_cycle(
        world, framework, "A-OLD", stage=CycleStage.IN_REVIEW, submitted_at=now - dt.timedelta(days=12)
    )
    asked = municipality_cycle(
        world, framework, "A-ASK", stage=CycleStage.INFO_REQUESTED, submitted_at=now - dt.timedelta(days=5)
    )
    municipality_cycle(world, framework, "A-PREP", stage=CycleStage.CANDIDACY)
    other = services.start_cycle(
        actor=person(world, "admin"),
        org_unit=world.other_municipality,
        framework=Framework.objects.get(code="cfci"),
    )
    Cycle.objects.filter(pk=other.pk).update(stage=CycleStage.SUBMITTED, submitted_at=now)

    html = page(secretariat(world), reverse("certification:workspace"))
    order = [html.index(name) for name in ("Cantón A-OLD", "Cantón A-ASK", "Municipio A")]
    assert order == sorted(order)
    assert "Cantón A-PREP" not in html.split('id="preparing-h"')[0]  # preparing: counted below, not queued
    assert world.other_municipality.name not in html  # another country's secretariat holds it
    assert "12 days" in html or "12 días" in html
    assert reverse("certification:review", args=[older.pk]) in html

    # Filtered by stage (validated: an unknown stage is an error on the form, not a 500).
    html = page(secretariat(world), reverse("certification:workspace"), stage=CycleStage.INFO_REQUESTED)
    assert "Cantón A-ASK" in html and "Cantón A-OLD" not in html and "Municipio A<" not in html
    response = secretariat(world).get(reverse("certification:workspace"), {"stage": "decided", "call": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"stage", "call"}
    assert response.context["page"].paginator.count == 3
    assert asked.pk


def test_the_queue_filters_by_call_and_shows_evaluator_and_hearing(
    world: World, framework: Framework, cycle: Cycle
) -> None:
    call = services.open_call(
        actor=person(world, "secretariat"),
        framework=framework,
        org_unit=world.country,
        title="Convocatoria 2026",
        opens_on=timezone.localdate() - dt.timedelta(days=30),
        closes_on=timezone.localdate() + dt.timedelta(days=30),
    )
    in_call = municipality_cycle(world, framework, "A-CALL", stage=CycleStage.SUBMITTED, submitted_at=timezone.now())
    Cycle.objects.filter(pk=in_call.pk).update(call=call)
    submitted(world, cycle)
    html = page(secretariat(world), reverse("certification:workspace"), call=call.pk)
    assert "Cantón A-CALL" in html and "Convocatoria 2026" in html
    assert "Municipio A<" not in html
    # A call the secretariat does not read is not a choice.
    other_call = services.open_call(
        actor=person(world, "secretariat", away=True),
        framework=Framework.objects.get(code="cfci"),
        org_unit=world.other_country,
        title="Convocatoria B",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    response = secretariat(world).get(reverse("certification:workspace"), {"call": other_call.pk})
    assert "call" in response.context["form"].errors


def test_the_workspace_counts_preparing_cycles_and_lists_expiring_recognitions(
    world: World, framework: Framework
) -> None:
    today = timezone.localdate()
    municipality_cycle(world, framework, "A-P1", stage=CycleStage.COMMITMENT)
    municipality_cycle(world, framework, "A-P2", stage=CycleStage.CANDIDACY)
    municipality_cycle(world, framework, "A-P3", stage=CycleStage.CANDIDACY)
    soon = municipality_cycle(world, framework, "A-SOON", stage=CycleStage.DECIDED)
    later = municipality_cycle(world, framework, "A-LATER", stage=CycleStage.DECIDED)
    oro = framework.categories.get(code="oro")
    Cycle.objects.filter(pk=soon.pk).update(
        outcome=Outcome.RECOGNISED, category=oro, valid_until=today + dt.timedelta(days=40)
    )
    Cycle.objects.filter(pk=later.pk).update(
        outcome=Outcome.RECOGNISED, category=oro, valid_until=today + dt.timedelta(days=400)
    )
    response = secretariat(world).get(reverse("certification:workspace"))
    assert response.context["preparing_total"] == 3
    assert [n for _label, n in response.context["preparing"]] == [1, 2]
    assert [(c.pk, left) for c, left in response.context["expiring"]] == [(soon.pk, 40)]
    html = response.content.decode()
    assert "Cantón A-SOON" in html and "Cantón A-LATER" not in html


def test_the_workspace_takes_the_same_queries_however_many_rows(
    world: World, framework: Framework, django_assert_max_num_queries: Any
) -> None:
    now = timezone.now()
    for n in range(2):
        municipality_cycle(world, framework, f"A-Q{n}", stage=CycleStage.SUBMITTED, submitted_at=now)
    client = secretariat(world)
    client.get(reverse("certification:workspace"))  # the session and the membership warm up
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("certification:workspace")).status_code == 200
    for n in range(2, 14):
        cycle = municipality_cycle(world, framework, f"A-Q{n}", stage=CycleStage.IN_REVIEW, submitted_at=now)
        if n % 2:
            call = Call.objects.create(
                framework=framework, org_unit=world.country, title=f"C{n}", opens_on=now.date(), closes_on=now.date()
            )
            Cycle.objects.filter(pk=cycle.pk).update(call=call)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("certification:workspace"))
    assert len(response.context["rows"]) == 14


# --- The review page ---------------------------------------------------------------------------------------
def test_review_access(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    check_access_matrix(world, url=reverse("certification:review", args=[cycle.pk]), expected=SECRETARIAT)


def test_the_review_page_shows_the_frozen_evidence_beside_the_verdicts(
    world: World, framework: Framework, cycle: Cycle
) -> None:
    cycle = in_review(world, cycle)
    html = page(secretariat(world), reverse("certification:review", args=[cycle.pk]))
    for code in ("acuerdo", "acta", "mesa", "resultados", "informe"):
        assert f'name="value_{requirement(framework, code).pk}"' in html
        assert f'name="comment_{requirement(framework, code).pk}"' in html
    day = cycle.submissions.get().computed_on
    assert day.strftime("%d/%m/%Y") in html or day.strftime("%m/%d/%Y") in html
    assert reverse("certification:cycle", args=[cycle.pk]) + "?vivo=1" in html
    assert "Laura Enlace" not in html  # the liaison's name is the municipality's, not evidence
    assert reverse("certification:review_decide", args=[cycle.pk]) in html
    assert reverse("certification:review_take", args=[cycle.pk]) not in html  # already in review


def test_take_for_review(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    html = page(secretariat(world), reverse("certification:review", args=[cycle.pk]))
    assert reverse("certification:review_take", args=[cycle.pk]) in html
    assert "review_verdicts" not in html and 'name="value_' not in html  # no verdicts before the review

    def version(_world: World) -> dict[str, Any]:
        return {"version": Cycle.objects.get(pk=cycle.pk).version}

    url = reverse("certification:review_take", args=[cycle.pk])
    check_access_matrix(world, url=url, method="post", data=version, expected=SECRETARIAT_REDIRECT, state=written)
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.IN_REVIEW


def test_verdicts_in_one_form(world: World, framework: Framework, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    url = reverse("certification:review_verdicts", args=[cycle.pk])
    results = requirement(framework, "resultados")
    mesa = requirement(framework, "mesa")
    data = {f"value_{results.pk}": "met", f"value_{mesa.pk}": "partly", f"comment_{mesa.pk}": "Una sola sesión."}
    check_access_matrix(world, url=url, method="post", data=data, expected=SECRETARIAT_REDIRECT, state=written)
    verdicts = dict(Verdict.objects.filter(cycle=cycle).values_list("requirement__code", "value"))
    assert verdicts == {"resultados": "met", "mesa": "partly"}
    # The same values sent again change nothing (no new version).
    assert sum(Verdict.objects.values_list("version", flat=True)) == 2

    # A change of one row, with the version the form showed.
    current = Verdict.objects.get(cycle=cycle, requirement=mesa)
    response = secretariat(world).post(
        url, {f"value_{mesa.pk}": "met", f"comment_{mesa.pk}": "", f"version_{mesa.pk}": current.version}
    )
    assert response.status_code == 302
    assert Verdict.objects.get(pk=current.pk).value == "met"


def test_a_not_met_verdict_without_a_comment_writes_nothing(world: World, framework: Framework, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    client = secretariat(world)  # signing in is audited: before the snapshot
    before = written()
    acta, results = requirement(framework, "acta"), requirement(framework, "resultados")
    response = client.post(
        reverse("certification:review_verdicts", args=[cycle.pk]),
        {f"value_{acta.pk}": "met", f"value_{results.pk}": "not_met", f"comment_{results.pk}": "  "},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Explique el motivo: el municipio lee el comentario." in html
    assert list(response.context["verdicts_form"].errors) == [f"comment_{results.pk}"]
    assert written() == before  # not even the row that was right


def test_request_information(world: World, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    url = reverse("certification:review_request", args=[cycle.pk])

    def empty(_world: World) -> dict[str, Any]:
        return {"info-text": "", "info-version": Cycle.objects.get(pk=cycle.pk).version}

    # Refused input for every role (the happy path is one-shot: it moves the cycle on).
    check_access_matrix(world, url=url, method="post", data=empty, expected=SECRETARIAT, state=written)
    assert not InformationRequest.objects.exists()
    response = secretariat(world).post(url, {"info-text": "Envíen el acta firmada.", "info-version": cycle.version})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.INFO_REQUESTED
    html = page(secretariat(world), reverse("certification:review", args=[cycle.pk]))
    assert "Envíen el acta firmada." in html
    assert reverse("certification:review_decide", args=[cycle.pk]) not in html
    services.answer_information(
        actor=person(world), request=InformationRequest.objects.get(), answer="Adjuntada.", expected_version=None
    )
    assert "Adjuntada." in page(secretariat(world), reverse("certification:review", args=[cycle.pk]))


def test_decide_refuses_unjudged_requirements_and_writes_nothing(
    world: World, framework: Framework, cycle: Cycle
) -> None:
    cycle = in_review(world, cycle)
    oro = framework.categories.get(code="oro")
    url = reverse("certification:review_decide", args=[cycle.pk])

    def decision(_world: World) -> dict[str, Any]:
        return {
            "decision-outcome": "recognised",
            "decision-category": oro.pk,
            "decision-decided_on": timezone.localdate().isoformat(),
            "decision-version": Cycle.objects.get(pk=cycle.pk).version,
        }

    check_access_matrix(world, url=url, method="post", data=decision, expected=SECRETARIAT, state=written)
    client = secretariat(world)
    before = written()
    response = client.post(url, decision(world))
    assert "Emita primero un dictamen sobre cada requisito obligatorio: acuerdo, acta, mesa, resultados." in (
        response.content.decode()
    )
    assert written() == before
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.IN_REVIEW


def test_decide_recognises_and_issues_the_certificate(world: World, framework: Framework, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    judge_all(world, cycle)
    heard(world, cycle)
    oro = framework.categories.get(code="oro")
    response = secretariat(world).post(
        reverse("certification:review_decide", args=[cycle.pk]),
        {
            "decision-outcome": "recognised",
            "decision-category": oro.pk,
            "decision-reasons": "",
            "decision-decided_on": timezone.localdate().isoformat(),
            "decision-version": Cycle.objects.get(pk=cycle.pk).version,
        },
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.outcome, cycle.category) == (CycleStage.DECIDED, Outcome.RECOGNISED, oro)
    certificate = Certificate.objects.get(cycle=cycle)
    html = page(secretariat(world), reverse("certification:review", args=[cycle.pk]))
    assert certificate.code in html and "Sello de oro" in html
    assert reverse("certification:certificate_revoke", args=[certificate.pk]) in html
    assert 'name="value_' not in html  # verdicts are read only once decided
    # A verdict sent from a page left open: a message, nothing written.
    before = written()
    results = requirement(framework, "resultados")
    response = secretariat(world).post(
        reverse("certification:review_verdicts", args=[cycle.pk]),
        {f"value_{results.pk}": "not_met", f"comment_{results.pk}": "Tarde."},
    )
    assert response.status_code == 302
    assert written()[:-1] == before[:-1]  # (the sign-in is audited)


def test_decide_not_yet_needs_reasons(world: World, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    judge_all(world, cycle)
    heard(world, cycle)
    url = reverse("certification:review_decide", args=[cycle.pk])
    data = {
        "decision-outcome": "not_yet",
        "decision-decided_on": timezone.localdate().isoformat(),
        "decision-version": cycle.version,
    }
    response = secretariat(world).post(url, data)
    assert response.status_code == 200 and "decision-reasons" in response.content.decode()
    assert response.context["decision_form"].errors["reasons"]
    response = secretariat(world).post(url, {**data, "decision-reasons": "Falta el plan aprobado."})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.outcome, cycle.reasons) == (Outcome.NOT_YET, "Falta el plan aprobado.")
    assert not Certificate.objects.exists()


# --- Calls ---------------------------------------------------------------------------------------------------
def test_calls_list(world: World, framework: Framework) -> None:
    today = timezone.localdate()
    services.open_call(
        actor=person(world, "secretariat"),
        framework=framework,
        org_unit=world.region,
        title="Convocatoria regional",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
    )
    url = reverse("certification:calls")
    check_access_matrix(
        world,
        url=url,
        expected=READERS,
        away={"secretariat": 200, "coordinator": 200, "supervisor": 200, "analyst": 200},
    )
    html = page(login(Client(), world.home["analyst"]), url)
    assert "Convocatoria regional" in html
    assert reverse("certification:call_create") not in html  # the analyst reads, it does not open calls
    assert "Convocatoria regional" not in page(login(Client(), world.away["secretariat"]), url)
    assert reverse("certification:call_create") in page(secretariat(world), url)


def test_call_create(world: World, framework: Framework) -> None:
    url = reverse("certification:call_create")
    check_access_matrix(world, url=url, expected=SECRETARIAT, away={"secretariat": 200})
    response = secretariat(world).get(url)
    territories = set(response.context["form"].fields["org_unit"].queryset)
    assert territories == {world.country, world.region}
    frameworks = set(response.context["form"].fields["framework"].queryset)
    assert framework in frameworks and Framework.objects.get(code="cfci") in frameworks
    assert not [f for f in frameworks if f.country_code not in ("", "A")]
    today = timezone.localdate()
    data = {
        "framework": framework.pk,
        "org_unit": world.country.pk,
        "title": "Convocatoria nacional 2027",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=60)).isoformat(),
    }
    # The other country's secretariat may not choose country A: the form refuses, nothing written.
    check_access_matrix(
        world,
        url=url,
        method="post",
        data=data,
        expected=SECRETARIAT_REDIRECT,
        away={"secretariat": 200},
        state=written,
    )
    assert Call.objects.filter(title="Convocatoria nacional 2027", org_unit=world.country).count() == 2


def test_a_call_closing_before_it_opens_is_refused(world: World, framework: Framework) -> None:
    today = timezone.localdate()
    client = secretariat(world)
    before = written()
    response = client.post(
        reverse("certification:call_create"),
        {
            "framework": framework.pk,
            "org_unit": world.region.pk,
            "title": "Convocatoria al revés",
            "opens_on": today.isoformat(),
            "closes_on": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "La convocatoria no puede cerrar antes de abrir." in response.content.decode()
    assert written() == before


# --- Revoking a certificate ------------------------------------------------------------------------------
@pytest.fixture
def certificate(world: World, framework: Framework, cycle: Cycle) -> Certificate:
    cycle = in_review(world, cycle)
    judge_all(world, cycle)
    heard(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.RECOGNISED,
        category=framework.categories.get(code="plata"),
        expected_version=None,
    )
    return Certificate.objects.get(cycle=cycle)


def test_revoke_a_certificate(world: World, certificate: Certificate) -> None:
    url = reverse("certification:certificate_revoke", args=[certificate.pk])
    check_access_matrix(world, url=url, expected=SECRETARIAT)
    html = page(secretariat(world), url)
    assert certificate.code in html and 'name="reason"' in html
    # Without a reason: refused for every role (the happy path is one-shot).
    check_access_matrix(world, url=url, method="post", data={"reason": " "}, expected=SECRETARIAT, state=written)
    assert Certificate.objects.get(pk=certificate.pk).revoked_on is None
    response = secretariat(world).post(url, {"reason": "Datos falsos en la candidatura."})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_on == timezone.localdate()
    assert services.verify(certificate.code).status == services.REVOKED
    # Revoked: the confirmation page goes back to the review; a second revocation is refused.
    assert secretariat(world).get(url).status_code == 302
    response = secretariat(world).post(url, {"reason": "Otra vez."})
    assert response.status_code == 200
    assert "Este certificado ya está revocado." in response.content.decode()


# --- Evaluators and the children's hearing ---------------------------------------------------------------
def test_assign_an_evaluator(world: World, cycle: Cycle) -> None:
    cycle = submitted(world, cycle)
    url = reverse("certification:assign_evaluator", args=[cycle.pk])
    check_access_matrix(world, url=url, expected=SECRETARIAT)
    evaluator = world.home["evaluator"]
    response = secretariat(world).get(url)
    assert list(response.context["form"].fields["evaluator"].queryset) == [evaluator]
    # Refused for every role: a report due in the past (the happy path is one-shot).
    past = {"evaluator": evaluator.pk, "due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    check_access_matrix(world, url=url, method="post", data=past, expected=SECRETARIAT, state=written)
    response = secretariat(world).post(url, past)
    assert response.status_code == 200 and response.context["form"].errors["due_on"]
    due = timezone.localdate() + dt.timedelta(days=20)
    response = secretariat(world).post(url, {"evaluator": evaluator.pk, "due_on": due.isoformat()})
    assert response.status_code == 302
    assignment = Assignment.objects.get(cycle=cycle)
    assert (assignment.evaluator, assignment.due_on) == (evaluator, due)
    assert not secretariat(world).get(url).context["form"].fields["evaluator"].queryset.exists()
    html = page(secretariat(world), reverse("certification:workspace"))
    assert "Asignada" in html  # la persona evaluadora


def test_the_review_shows_the_evaluators_findings_once_reported(
    world: World, framework: Framework, cycle: Cycle
) -> None:
    cycle = in_review(world, cycle)
    assignment = services.assign_evaluator(
        actor=person(world, "secretariat"), cycle=cycle, evaluator=world.home["evaluator"]
    )
    url = reverse("certification:review", args=[cycle.pk])
    evaluator = person(world, "evaluator")
    html = page(secretariat(world), url)
    assert "Waiting for the declaration of independence" in html or "Esperando la declaración" in html
    services.accept_assignment(actor=evaluator, assignment=assignment, expected_version=None)
    for r in Requirement.objects.filter(framework=framework, mandatory=True):
        services.record_finding(
            actor=evaluator,
            assignment=assignment,
            requirement_id=r.pk,
            value="partly" if r.code == "mesa" else "met",
            comment="La mesa sesionó una sola vez." if r.code == "mesa" else "",
        )
    assert "La mesa sesionó una sola vez." not in page(secretariat(world), url)  # not before the report
    # Deciding waits for the evaluator's report.
    judge_all(world, cycle)
    heard(world, cycle)
    response = secretariat(world).post(
        reverse("certification:review_decide", args=[cycle.pk]),
        {
            "decision-outcome": "not_yet",
            "decision-reasons": "Falta el informe.",
            "decision-decided_on": timezone.localdate().isoformat(),
            "decision-version": Cycle.objects.get(pk=cycle.pk).version,
        },
    )
    refusals = response.context["decision_form"].non_field_errors()
    assert any("report" in e or "informe" in e for e in refusals), refusals
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.IN_REVIEW
    services.submit_report(
        actor=evaluator,
        assignment=Assignment.objects.get(pk=assignment.pk),
        report="Informe de verificación.",
        recommendation="recognise",
        expected_version=None,
    )
    html = page(secretariat(world), url)
    assert "La mesa sesionó una sola vez." in html and "Informe de verificación." in html
    assert Finding.objects.filter(assignment=assignment).count() == 4


def test_record_a_hearing(world: World, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    url = reverse("certification:hearing_create", args=[cycle.pk])
    check_access_matrix(world, url=url, expected=SECRETARIAT)
    nobody = {
        "held_on": timezone.localdate().isoformat(),
        "children_6_11": "0",
        "children_12_17": "0",
        "children_view": "Nada.",
        "overall": "mixed",
    }
    check_access_matrix(world, url=url, method="post", data=nobody, expected=SECRETARIAT, state=written)
    assert not Hearing.objects.exists()
    response = secretariat(world).post(url, {**nobody, "children_6_11": "3", "children_view": "Más parques."})
    assert response.status_code == 302
    hearing = Hearing.objects.get(cycle=cycle)
    assert (hearing.children, hearing.overall, hearing.weighed) == (3, "mixed", "")
    html = page(secretariat(world), reverse("certification:review", args=[cycle.pk]))
    assert "Más parques." in html and reverse("certification:hearing_weigh", args=[hearing.pk]) in html


def test_weigh_a_hearing(world: World, cycle: Cycle) -> None:
    cycle = in_review(world, cycle)
    hearing = heard(world, cycle, weighed="")
    url = reverse("certification:hearing_weigh", args=[hearing.pk])
    check_access_matrix(world, url=url, expected=SECRETARIAT)

    def data(_world: World) -> dict[str, Any]:
        return {
            "weighed": "Su opinión favorable sostiene la categoría.",
            "version": Hearing.objects.get(pk=hearing.pk).version,
        }

    check_access_matrix(world, url=url, method="post", data=data, expected=SECRETARIAT_REDIRECT, state=written)
    hearing.refresh_from_db()
    assert hearing.weighed == "Su opinión favorable sostiene la categoría."
    assert "Su opinión favorable sostiene la categoría." in page(
        secretariat(world), reverse("certification:review", args=[cycle.pk])
    )
