"""The certification API (issue #14 item 9) for every role: readers read, the municipality's
coordinator prepares its cycle, the secretariat reviews and decides, the public verifies a code.
Bad input is a 422 with the services' Spanish messages, a stale version a 409, and nothing refused
changes the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ronda.accounts.selectors import active_memberships
from ronda.certification import services
from ronda.certification.models import (
    Call,
    Certificate,
    Cycle,
    CycleStage,
    EvidenceStatus,
    Framework,
    InformationRequest,
    Outcome,
    Requirement,
    Submission,
    SubmittedEvidence,
    Verdict,
)
from ronda.certification.tests.conftest import DEFINITION, committed, heard, person
from ronda.certification.tests.test_cycle import in_review, judge_all, submitted, upload_act
from ronda.core.roles import Role
from ronda.core.tenancy import actor_for
from ronda.testing import World, api_token, check_access_matrix

pytestmark = pytest.mark.django_db

API = "/api/v1/certification"
ROLES = list(Role.values)
NONE = {r: 404 for r in ROLES}
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)
# The same roles elsewhere read lists (empty or not) and the published frameworks.
READERS_AWAY = {"secretariat": 200, "coordinator": 200, "supervisor": 200, "analyst": 200}


def written() -> tuple[Any, ...]:
    return (
        Call.objects.count(),
        Cycle.objects.count(),
        sum(Cycle.objects.values_list("version", flat=True)),
        Submission.objects.count(),
        InformationRequest.objects.count(),
        sum(InformationRequest.objects.values_list("version", flat=True)),
        sum(Verdict.objects.values_list("version", flat=True)),
        Verdict.objects.count(),
        Certificate.objects.count(),
        Certificate.objects.exclude(revoked_on=None).count(),
    )


def call_api(world: World, method: str, url: str, data: dict[str, Any] | None = None, role: str = "coordinator") -> Any:
    token = api_token(world.home[role])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if data is None:
        return getattr(Client(), method)(url, **headers)
    return getattr(Client(), method)(url, data, content_type="application/json", **headers)


def cycle_version(cycle: Cycle) -> Any:
    return lambda _world: {"version": Cycle.objects.get(pk=cycle.pk).version}


def with_commitment(world: World, cycle: Cycle) -> Cycle:
    return services.record_commitment(
        actor=person(world),
        cycle=cycle,
        expected_version=None,
        resolution_on=dt.date(2026, 1, 10),
        resolution_reference="Acuerdo 12-2026",
        agreement_signed_on=dt.date(2026, 1, 20),
        liaison_name="Laura Enlace",
        liaison_position="Directora de Desarrollo Social",
    )


def open_call(world: World, framework: Framework, *, opens: int = -10, closes: int = 30) -> Call:
    today = timezone.localdate()
    return services.open_call(
        actor=person(world, "secretariat"),
        framework=framework,
        org_unit=world.country,
        title="Convocatoria 2026",
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(days=closes),
    )


def recognised(world: World, cycle: Cycle) -> Certificate:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.RECOGNISED,
        category=cycle.framework.categories.get(code="oro"),
        expected_version=None,
    )
    return Certificate.objects.get(cycle=cycle)


# --- Access ------------------------------------------------------------------------------------------
def test_reading_frameworks_calls_and_cycles(world: World, framework: Framework, cycle: Cycle) -> None:
    open_call(world, framework)
    check_access_matrix(world, url=f"{API}/frameworks", expected=READERS, away=READERS_AWAY, api=True)
    check_access_matrix(world, url=f"{API}/frameworks/{framework.pk}", expected=READERS, away=READERS_AWAY, api=True)
    check_access_matrix(world, url=f"{API}/calls", expected=READERS, away=READERS_AWAY, api=True)
    # An evaluator lists the cycles assigned to them (none here).
    check_access_matrix(
        world,
        url=f"{API}/cycles",
        expected=dict(READERS, evaluator=200),
        away=dict(READERS_AWAY, evaluator=200),
        api=True,
    )
    # One cycle is its municipality's: the neighbouring coordinator, the other country's secretariat,
    # a supervisor elsewhere do not see it.
    check_access_matrix(world, url=f"{API}/cycles/{cycle.pk}", expected=READERS, api=True)
    check_access_matrix(world, url=f"{API}/cycles/{cycle.pk}/submissions", expected=READERS, api=True)


def test_reading_a_submission(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    submission = Submission.objects.get(cycle=cycle)
    check_access_matrix(world, url=f"{API}/submissions/{submission.pk}", expected=READERS, api=True)


def test_opening_a_call(world: World, framework: Framework) -> None:
    data = {
        "framework_id": framework.pk,
        "org_unit_id": world.country.pk,
        "title": "Convocatoria 2027",
        "opens_on": "2027-01-01",
        "closes_on": "2027-03-31",
    }
    check_access_matrix(
        world,
        url=f"{API}/calls",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=201, secretariat=201),
        state=written,
    )
    assert Call.objects.filter(framework=framework, org_unit=world.country, title="Convocatoria 2027").count() == 2


def test_starting_a_cycle(world: World, framework: Framework) -> None:
    data = {"org_unit_id": world.municipality.pk, "framework_id": framework.pk}
    # The administrator starts it first: the coordinator then finds one in progress.
    check_access_matrix(
        world,
        url=f"{API}/cycles",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=201, coordinator=422),
        state=written,
    )
    assert Cycle.objects.filter(org_unit=world.municipality, framework=framework).count() == 1


def test_recording_the_commitment(world: World, cycle: Cycle) -> None:
    def data(_world: World) -> dict[str, Any]:
        return {"version": Cycle.objects.get(pk=cycle.pk).version, "liaison_name": "Laura Enlace"}

    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/commitment",
        method="patch",
        data=data,
        api=True,
        expected=dict(NONE, admin=200, coordinator=200),
        state=written,
    )
    assert Cycle.objects.get(pk=cycle.pk).liaison_name == "Laura Enlace"


def test_entering_the_candidacy(world: World, cycle: Cycle) -> None:
    with_commitment(world, cycle)
    # The administrator enters it; the coordinator then finds it entered already.
    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/candidacy",
        method="post",
        data=cycle_version(cycle),
        api=True,
        expected=dict(NONE, admin=200, coordinator=422),
        state=written,
    )
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.CANDIDACY


def test_submitting(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    upload_act(world, cycle)
    # The administrator submits it; the file is then the secretariat's and the coordinator's
    # submission is refused by the policy (404: nothing for them to submit).
    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/submit",
        method="post",
        data=cycle_version(cycle),
        api=True,
        expected=dict(NONE, admin=201, coordinator=404),
        state=written,
    )
    assert Submission.objects.filter(cycle=cycle).count() == 1


def test_answering_a_request_for_information(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    asked = services.request_information(
        actor=person(world, "secretariat"),
        cycle=Cycle.objects.get(pk=cycle.pk),
        text="Falta el acta.",
        expected_version=None,
    )

    def data(_world: World) -> dict[str, Any]:
        return {"version": InformationRequest.objects.get(pk=asked.pk).version, "answer": "Adjuntamos el acta."}

    check_access_matrix(
        world,
        url=f"{API}/information-requests/{asked.pk}/answer",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=200, coordinator=200),
        state=written,
    )
    assert InformationRequest.objects.get(pk=asked.pk).answer == "Adjuntamos el acta."


def test_taking_for_review(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/take",
        method="post",
        data=cycle_version(cycle),
        api=True,
        expected=dict(NONE, admin=200, secretariat=422),  # the secretariat finds it taken
        state=written,
    )
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.IN_REVIEW


def test_giving_a_verdict(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    requirement = Requirement.objects.get(framework=cycle.framework, code="resultados")
    data = {"requirement_id": requirement.pk, "value": "met"}
    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/verdicts",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=200, secretariat=200),  # the second replaces the first
        state=written,
    )
    assert Verdict.objects.get(cycle=cycle, requirement=requirement).version == 2


def test_asking_for_information(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)

    def data(_world: World) -> dict[str, Any]:
        return {"version": Cycle.objects.get(pk=cycle.pk).version, "text": "Envíen el acta firmada."}

    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/information-requests",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=201, secretariat=422),  # no longer in review
        state=written,
    )
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.INFO_REQUESTED


def test_deciding(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    judge_all(world, Cycle.objects.get(pk=cycle.pk))
    category = cycle.framework.categories.get(code="plata")

    def data(_world: World) -> dict[str, Any]:
        return {"version": Cycle.objects.get(pk=cycle.pk).version, "outcome": "recognised", "category_id": category.pk}

    # The administrator decides; a decided cycle is no longer the secretariat's to review (404).
    check_access_matrix(
        world,
        url=f"{API}/cycles/{cycle.pk}/decision",
        method="post",
        data=data,
        api=True,
        expected=dict(NONE, admin=200, secretariat=404),
        state=written,
    )
    assert Certificate.objects.get(cycle=cycle).cycle.category == category


def test_revoking_a_certificate(world: World, cycle: Cycle) -> None:
    certificate = recognised(world, cycle)
    check_access_matrix(
        world,
        url=f"{API}/certificates/{certificate.pk}/revoke",
        method="post",
        data={"reason": "Datos falseados."},
        api=True,
        expected=dict(NONE, admin=200, secretariat=422),  # already revoked
        state=written,
    )
    assert Certificate.objects.get(pk=certificate.pk).revoked_on == timezone.localdate()


def test_everyone_verifies_a_code_without_a_token(world: World, cycle: Cycle) -> None:
    certificate = recognised(world, cycle)
    check_access_matrix(
        world,
        url=f"{API}/verify/{certificate.code}",
        expected=dict.fromkeys(ROLES, 200),
        away=200,
        anonymous=200,
        api=True,
    )


# --- What the endpoints say -------------------------------------------------------------------------
def test_the_framework_detail_has_stages_requirements_and_categories(world: World, framework: Framework) -> None:
    body = call_api(world, "get", f"{API}/frameworks/{framework.pk}").json()
    assert [s["code"] for s in body["stages"]] == ["compromiso", "gestion"]
    mesa = body["stages"][1]["requirements"][0]
    assert mesa == {
        **mesa,
        "code": "mesa",
        "kind": "computed",
        "rule": "coordination.body_meets",
        "params": {"min_meetings": 1},
        "mandatory": True,
    }
    assert body["stages"][1]["requirements"][2]["mandatory"] is False
    assert [c["code"] for c in body["categories"]] == ["oro", "plata"]


def test_framework_filters(world: World, framework: Framework) -> None:
    draft = services._create_edition(DEFINITION, edition=2, status="draft")
    body = call_api(world, "get", f"{API}/frameworks?code=prueba-a", role="secretariat").json()
    assert {row["id"] for row in body["results"]} == {framework.pk, draft.pk}  # its own country's draft too
    body = call_api(world, "get", f"{API}/frameworks?code=prueba-a&status=published", role="secretariat").json()
    assert [row["id"] for row in body["results"]] == [framework.pk]
    body = call_api(world, "get", f"{API}/frameworks?code=prueba-a").json()
    assert [row["id"] for row in body["results"]] == [framework.pk]  # a coordinator reads no draft
    assert call_api(world, "get", f"{API}/frameworks?edition=1").status_code == 422


def test_call_filters(world: World, framework: Framework) -> None:
    current = open_call(world, framework)
    open_call(world, framework, opens=-100, closes=-50)
    today = timezone.localdate().isoformat()
    body = call_api(world, "get", f"{API}/calls?framework_id={framework.pk}&open_on={today}").json()
    assert [row["id"] for row in body["results"]] == [current.pk]
    assert call_api(world, "get", f"{API}/calls?framework_id={framework.pk}").json()["count"] == 2
    for bad in ("5", "2026-13-01", "1800-01-01"):
        assert call_api(world, "get", f"{API}/calls?open_on={bad}").status_code == 422, bad


def test_cycle_filters(world: World, framework: Framework, cycle: Cycle) -> None:
    other = Framework.objects.exclude(pk=framework.pk).first()
    assert other is not None  # a shipped framework
    body = call_api(world, "get", f"{API}/cycles?stage=commitment", role="secretariat").json()
    assert [row["id"] for row in body["results"]] == [cycle.pk]
    assert body["results"][0]["org_unit_name"] == "Municipio A"
    assert call_api(world, "get", f"{API}/cycles?stage=decided", role="secretariat").json()["count"] == 0
    by_unit = call_api(world, "get", f"{API}/cycles?org_unit_id={world.municipality.pk}&framework_id={framework.pk}")
    assert by_unit.json()["count"] == 1
    assert call_api(world, "get", f"{API}/cycles?framework_id={other.pk}").json()["count"] == 0
    assert call_api(world, "get", f"{API}/cycles?stage=nope").status_code == 422


def test_the_coordinator_prepares_and_submits(world: World, framework: Framework) -> None:
    created = call_api(
        world, "post", f"{API}/cycles", {"org_unit_id": world.municipality.pk, "framework_id": framework.pk}
    )
    assert created.status_code == 201, created.json()
    cycle_id = created.json()["id"]
    body = call_api(world, "get", f"{API}/cycles/{cycle_id}").json()
    assert body["stage"] == "commitment" and body["evidence_source"] == "live"
    statuses = {item["requirement_code"]: item["status"] for item in body["evidence"]}
    assert statuses == {**statuses, "acuerdo": "not_met", "acta": "missing", "resultados": "for_review"}
    patch = {
        "version": body["version"],
        "resolution_on": "2026-01-10",
        "resolution_reference": "Acuerdo 12-2026",
        "agreement_signed_on": "2026-01-20",
        "liaison_name": "Laura Enlace",
    }
    body = call_api(world, "patch", f"{API}/cycles/{cycle_id}/commitment", patch).json()
    assert body["liaison_name"] == "Laura Enlace" and body["resolution_on"] == "2026-01-10"
    assert {i["requirement_code"]: i["status"] for i in body["evidence"]}["acuerdo"] == "met"
    call = open_call(world, framework)
    entered = call_api(
        world, "post", f"{API}/cycles/{cycle_id}/candidacy", {"version": body["version"], "call_id": call.pk}
    )
    assert entered.status_code == 200 and entered.json()["stage"] == "candidacy"
    assert entered.json()["call_id"] == call.pk
    cycle = Cycle.objects.get(pk=cycle_id)
    upload_act(world, cycle)
    version = Cycle.objects.get(pk=cycle_id).version
    sent = call_api(world, "post", f"{API}/cycles/{cycle_id}/submit", {"version": version, "note": "Primera"})
    assert sent.status_code == 201, sent.json()
    submission = Submission.objects.get(cycle_id=cycle_id)
    acta = next(i for i in sent.json()["evidence"] if i["requirement_code"] == "acta")
    frozen = SubmittedEvidence.objects.get(submission=submission, requirement__code="acta")
    assert acta["status"] == EvidenceStatus.PROVIDED and acta["document_version_id"] == frozen.document_id
    # Once submitted, the cycle shows what was frozen, not the live evidence.
    body = call_api(world, "get", f"{API}/cycles/{cycle_id}", role="secretariat").json()
    assert body["stage"] == "submitted" and body["evidence_source"] == "submission"
    assert body["evidence_submission_id"] == submission.pk
    assert [i["requirement_code"] for i in body["evidence"]] == ["acuerdo", "acta", "mesa", "resultados", "informe"]
    listed = call_api(world, "get", f"{API}/cycles/{cycle_id}/submissions").json()
    assert [row["id"] for row in listed["results"]] == [submission.pk] and listed["results"][0]["note"] == "Primera"
    one = call_api(world, "get", f"{API}/submissions/{submission.pk}", role="analyst").json()
    assert one["number"] == 1 and len(one["evidence"]) == 5


def test_the_secretariat_reviews_and_recognises(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    body = call_api(world, "get", f"{API}/cycles/{cycle.pk}", role="secretariat").json()
    taken = call_api(world, "post", f"{API}/cycles/{cycle.pk}/take", {"version": body["version"]}, role="secretariat")
    assert taken.status_code == 200 and taken.json()["stage"] == "in_review"
    for requirement in Requirement.objects.filter(framework=cycle.framework, mandatory=True):
        given = call_api(
            world,
            "post",
            f"{API}/cycles/{cycle.pk}/verdicts",
            {"requirement_id": requirement.pk, "value": "met"},
            role="secretariat",
        )
        assert given.status_code == 200 and given.json()["requirement_code"] == requirement.code
    heard(world, cycle)  # the decision waits for the children's council's hearing
    version = Cycle.objects.get(pk=cycle.pk).version
    oro = cycle.framework.categories.get(code="oro")
    decided = call_api(
        world,
        "post",
        f"{API}/cycles/{cycle.pk}/decision",
        {"version": version, "outcome": "recognised", "category_id": oro.pk},
        role="secretariat",
    )
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["stage"] == "decided" and body["outcome"] == "recognised" and body["category_name"] == "Sello de oro"
    assert len(body["verdicts"]) == 4 and body["certificate"]["valid_until"] == body["valid_until"]
    code = body["certificate"]["code"]
    verified = Client().get(f"{API}/verify/{code.lower()}")
    assert verified.status_code == 200
    assert verified.json() == {
        "status": "valid",
        "municipality": "Municipio A",
        "framework": "Marco de prueba del país A",
        "category": "Sello de oro",
        "issued_on": body["decided_on"],
        "valid_until": body["valid_until"],
    }
    assert "no-store" in verified["Cache-Control"] and verified["X-Robots-Tag"] == "noindex"
    revoked = call_api(
        world, "post", f"{API}/certificates/{body['certificate']['id']}/revoke", {"reason": "Error"}, role="secretariat"
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_on"] == timezone.localdate().isoformat()
    assert Client().get(f"{API}/verify/{code}").json()["status"] == "revoked"
    assert Client().get(f"{API}/verify/AAAA-BBBB-CCCC-DDDD").json() == {
        "status": "unknown",
        "municipality": "",
        "framework": "",
        "category": "",
        "issued_on": None,
        "valid_until": None,
    }


def test_information_requested_answered_and_submitted_again(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    version = Cycle.objects.get(pk=cycle.pk).version
    asked = call_api(
        world,
        "post",
        f"{API}/cycles/{cycle.pk}/information-requests",
        {"version": version, "text": "Envíen el acta firmada."},
        role="secretariat",
    )
    assert asked.status_code == 201, asked.json()
    body = call_api(world, "get", f"{API}/cycles/{cycle.pk}").json()
    assert body["stage"] == "info_requested" and body["information_requests"][0]["text"] == "Envíen el acta firmada."
    assert body["evidence_source"] == "submission"
    early = call_api(world, "post", f"{API}/cycles/{cycle.pk}/submit", {"version": body["version"]})
    assert early.status_code == 422 and "Responda" in early.json()["errors"][0]["message"]
    request_id = asked.json()["id"]
    answered = call_api(
        world, "post", f"{API}/information-requests/{request_id}/answer", {"version": 1, "answer": "Adjunta."}
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "Adjunta."
    again = call_api(world, "post", f"{API}/cycles/{cycle.pk}/submit", {"version": body["version"]})
    assert again.status_code == 201 and again.json()["number"] == 2


def test_an_evaluator_reads_only_the_frozen_file_once_independent(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    reviewing = Cycle.objects.get(pk=cycle.pk)
    requirement = Requirement.objects.get(framework=cycle.framework, code="resultados")
    services.record_verdict(
        actor=person(world, "secretariat"), cycle=reviewing, requirement_id=requirement.pk, value="met"
    )
    assignment = services.assign_evaluator(
        actor=person(world, "secretariat"), cycle=reviewing, evaluator=world.home["evaluator"]
    )
    url = f"{API}/cycles/{cycle.pk}"
    before = call_api(world, "get", url, role="evaluator").json()
    assert before["evidence"] == [] and before["evidence_submission_id"] is None and before["verdicts"] == []
    assert call_api(world, "get", f"{API}/cycles", role="evaluator").json()["count"] == 1
    submission = Submission.objects.get(cycle=cycle)
    assert call_api(world, "get", f"{API}/submissions/{submission.pk}", role="evaluator").status_code == 404
    user = world.home["evaluator"]
    services.accept_assignment(
        actor=actor_for(user, active_memberships(user)[0]), assignment=assignment, expected_version=None
    )
    after = call_api(world, "get", url, role="evaluator").json()
    assert after["evidence_submission_id"] == submission.pk and len(after["evidence"]) == 5
    assert after["verdicts"] == []  # the secretariat's verdicts are never the evaluator's reading
    assert call_api(world, "get", f"{API}/submissions/{submission.pk}", role="evaluator").status_code == 200
    assert len(call_api(world, "get", url, role="secretariat").json()["verdicts"]) == 1
    assert call_api(world, "get", url).json()["verdicts"] == []  # the municipality's: not during the review


# --- Bad input ----------------------------------------------------------------------------------------
def test_a_submission_with_a_missing_document_is_refused(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    before = written()
    refused = call_api(
        world, "post", f"{API}/cycles/{cycle.pk}/submit", {"version": Cycle.objects.get(pk=cycle.pk).version}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "__all__", "message": "La candidatura está incompleta. Falta: acta (Acta del concejo)."}
    ]
    assert written() == before


def test_a_verdict_on_another_frameworks_requirement_is_refused(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    foreign = Requirement.objects.exclude(framework=cycle.framework).first()
    assert foreign is not None  # the shipped frameworks' requirements
    refused = call_api(
        world,
        "post",
        f"{API}/cycles/{cycle.pk}/verdicts",
        {"requirement_id": foreign.pk, "value": "met"},
        role="secretariat",
    )
    assert refused.status_code == 422
    assert {
        "field": "requirement_id",
        "message": "Este requisito no forma parte del marco del ciclo.",
    } in refused.json()["errors"]
    requirement = Requirement.objects.get(framework=cycle.framework, code="resultados")
    unexplained = call_api(
        world,
        "post",
        f"{API}/cycles/{cycle.pk}/verdicts",
        {"requirement_id": requirement.pk, "value": "partly"},
        role="secretariat",
    )
    assert unexplained.status_code == 422 and unexplained.json()["errors"][0]["field"] == "comment"
    bad_value = call_api(
        world,
        "post",
        f"{API}/cycles/{cycle.pk}/verdicts",
        {"requirement_id": requirement.pk, "value": "maybe"},
        role="secretariat",
    )
    assert bad_value.status_code == 422 and bad_value.json()["errors"][0]["field"] == "value"
    assert not Verdict.objects.exists()


def test_an_expired_call_is_refused(world: World, framework: Framework, cycle: Cycle) -> None:
    with_commitment(world, cycle)
    closed = open_call(world, framework, opens=-100, closes=-50)
    version = Cycle.objects.get(pk=cycle.pk).version
    refused = call_api(world, "post", f"{API}/cycles/{cycle.pk}/candidacy", {"version": version, "call_id": closed.pk})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "call_id" and error["message"].startswith("Esta convocatoria está cerrada")
    unknown = call_api(world, "post", f"{API}/cycles/{cycle.pk}/candidacy", {"version": version, "call_id": 999999})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "call_id"
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.COMMITMENT


def test_bad_calls_and_cycles_are_refused(world: World, framework: Framework, cycle: Cycle) -> None:
    data = {
        "framework_id": framework.pk,
        "org_unit_id": world.country.pk,
        "title": "Convocatoria",
        "opens_on": "2027-03-01",
        "closes_on": "2027-01-01",
    }
    backwards = call_api(world, "post", f"{API}/calls", data, role="secretariat")
    assert backwards.status_code == 422
    assert backwards.json()["errors"] == [
        {"field": "closes_on", "message": "La convocatoria no puede cerrar antes de abrir."}
    ]
    assert call_api(world, "post", f"{API}/calls", {**data, "opens_on": 5}, role="secretariat").status_code == 422
    assert call_api(world, "post", f"{API}/calls", {**data, "extra": 1}, role="secretariat").status_code == 422
    twice = call_api(
        world, "post", f"{API}/cycles", {"org_unit_id": world.municipality.pk, "framework_id": framework.pk}
    )
    assert twice.status_code == 422
    assert twice.json()["errors"] == [
        {"field": "framework_id", "message": "El municipio ya tiene un ciclo de este marco en curso."}
    ]
    null = call_api(world, "patch", f"{API}/cycles/{cycle.pk}/commitment", {"version": 1, "liaison_name": None})
    assert null.status_code == 422 and null.json()["errors"][0]["field"] == "liaison_name"
    future = call_api(
        world, "patch", f"{API}/cycles/{cycle.pk}/commitment", {"version": 1, "resolution_on": "2099-01-01"}
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "resolution_on"
    assert not Call.objects.exists() and Cycle.objects.get(pk=cycle.pk).version == 1


def test_a_decision_needs_a_category_of_the_framework(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    judge_all(world, Cycle.objects.get(pk=cycle.pk))
    version = Cycle.objects.get(pk=cycle.pk).version
    url = f"{API}/cycles/{cycle.pk}/decision"
    missing = call_api(world, "post", url, {"version": version, "outcome": "recognised"}, role="secretariat")
    assert missing.status_code == 422
    assert {"field": "category_id", "message": "Elija una categoría de este marco."} in missing.json()["errors"]
    other = Framework.objects.exclude(pk=cycle.framework_id).filter(status="published").first()
    assert other is not None
    foreign = other.categories.first()
    assert foreign is not None
    wrong = call_api(
        world, "post", url, {"version": version, "outcome": "recognised", "category_id": foreign.pk}, role="secretariat"
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "category_id"
    no_reasons = call_api(world, "post", url, {"version": version, "outcome": "not_yet"}, role="secretariat")
    assert no_reasons.status_code == 422 and no_reasons.json()["errors"][0]["field"] == "reasons"
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.IN_REVIEW and not Certificate.objects.exists()


def test_stale_versions_are_conflicts(world: World, cycle: Cycle) -> None:
    stale = Cycle.objects.get(pk=cycle.pk).version
    call_api(world, "patch", f"{API}/cycles/{cycle.pk}/commitment", {"version": stale, "liaison_name": "Laura"})
    conflict = call_api(
        world, "patch", f"{API}/cycles/{cycle.pk}/commitment", {"version": stale, "liaison_name": "Otra"}
    )
    assert conflict.status_code == 409 and "Recargue" in conflict.json()["message"]
    assert Cycle.objects.get(pk=cycle.pk).liaison_name == "Laura"
    submitted(world, cycle)
    taken = call_api(world, "post", f"{API}/cycles/{cycle.pk}/take", {"version": stale}, role="secretariat")
    assert taken.status_code == 409 and Cycle.objects.get(pk=cycle.pk).stage == CycleStage.SUBMITTED
    services.take_for_review(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None
    )
    requirement = Requirement.objects.get(framework=cycle.framework, code="resultados")
    url = f"{API}/cycles/{cycle.pk}/verdicts"
    first = call_api(world, "post", url, {"requirement_id": requirement.pk, "value": "met"}, role="secretariat")
    assert first.json()["version"] == 1
    second = call_api(
        world,
        "post",
        url,
        {"requirement_id": requirement.pk, "value": "not_met", "comment": "No", "version": 1},
        role="secretariat",
    )
    assert second.status_code == 200 and second.json()["version"] == 2
    late = call_api(
        world, "post", url, {"requirement_id": requirement.pk, "value": "met", "version": 1}, role="secretariat"
    )
    assert late.status_code == 409 and Verdict.objects.get(cycle=cycle).value == "not_met"


def test_unknown_query_parameters_are_refused(world: World, framework: Framework, cycle: Cycle) -> None:
    for url in (
        f"{API}/frameworks/{framework.pk}?x=1",
        f"{API}/cycles/{cycle.pk}?x=1",
        f"{API}/cycles?x=1",
        f"{API}/calls?x=1",
        f"{API}/cycles/{cycle.pk}/submissions?x=1",
    ):
        assert call_api(world, "get", url).status_code == 422, url
    assert Client().get(f"{API}/verify/AAAA?x=1").status_code == 422
