"""The municipality's side of a certification cycle in the browser and the cycle page every reader
sees (issue #14 item 2): every route and method for every role, the pages' content, each form's
happy path through the service, and bad input that shows the service's Spanish message and writes
nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from ronda.certification import selectors, services
from ronda.certification.models import (
    Call,
    Certificate,
    Cycle,
    CycleStage,
    Framework,
    InformationRequest,
    Outcome,
    Requirement,
    Submission,
)
from ronda.certification.tests.conftest import committed, pdf_bytes, person
from ronda.certification.tests.test_cycle import in_review, judge_all, submitted, upload_act
from ronda.core.models_documents import Document, DocumentVersion
from ronda.core.roles import Role
from ronda.testing import World, check_access_matrix, login

pytestmark = pytest.mark.django_db

# Built from the roles there are, so a role added later (the evaluator) is refused unless said otherwise.
NONE = dict.fromkeys(Role.values, 404)
READERS = dict(NONE, admin=200, secretariat=200, coordinator=200, supervisor=200, analyst=200)
PREPARERS = dict(NONE, admin=200, coordinator=200)
# The home page lists each reader's own scope: a reader elsewhere gets their own page, not a 404.
READERS_AWAY = dict(NONE, secretariat=200, coordinator=200, supervisor=200, analyst=200)


def written() -> tuple[Any, ...]:
    return (
        Cycle.objects.count(),
        sum(Cycle.objects.values_list("version", flat=True)),
        Submission.objects.count(),
        Document.objects.count(),
        DocumentVersion.objects.count(),
        sum(InformationRequest.objects.values_list("version", flat=True)),
    )


def client_for(world: World, role: str = "coordinator", *, away: bool = False) -> Client:
    return login(Client(), (world.away if away else world.home)[role])


def url(name: str, *args: object) -> str:
    return reverse(f"certification:{name}", args=args)


def text_of(response: Any) -> str:
    return response.content.decode()


def open_a_call(world: World, framework: Framework, *, days: int = 30, title: str = "Convocatoria 2026") -> Call:
    today = timezone.localdate()
    return services.open_call(
        actor=person(world, "secretariat"),
        framework=framework,
        org_unit=world.country,
        title=title,
        opens_on=today - dt.timedelta(days=days),
        closes_on=today + dt.timedelta(days=days),
    )


def info_requested(world: World, cycle: Cycle, text: str = "Envíen el acta firmada.") -> InformationRequest:
    in_review(world, cycle)
    return services.request_information(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), text=text, expected_version=None
    )


def recognised(world: World, cycle: Cycle) -> Cycle:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle)
    services.decide(
        actor=person(world, "secretariat"),
        cycle=cycle,
        outcome=Outcome.RECOGNISED,
        category=cycle.framework.categories.get(code="oro"),
        reasons="Cumple con holgura.",
        expected_version=None,
    )
    return Cycle.objects.get(pk=cycle.pk)


def current_step(page: str) -> str:
    """The label of the step marked ``aria-current`` (exactly one)."""
    found = re.findall(r'<li[^>]*aria-current="step"[^>]*>([^<]+)', page)
    assert len(found) == 1
    return found[0].strip()


def step(index: int) -> str:
    """The label of a step as the page writes it (in the page's language)."""
    with translation.override("es"):
        return str(selectors.STEPS[index][0])


def short(day: dt.date) -> str:
    with translation.override("es"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- Home -------------------------------------------------------------------------------------------------
def test_home_access(world: World) -> None:
    check_access_matrix(world, url=url("home"), expected=READERS, away=READERS_AWAY)


def test_a_coordinator_sees_their_cycles_the_frameworks_and_the_open_calls(world: World, cycle: Cycle) -> None:
    call = open_a_call(world, cycle.framework)
    page = text_of(client_for(world).get(url("home")))
    assert url("cycle", cycle.pk) in page and "Marco de prueba del país A" in page
    assert call.title in page
    # The framework of the cycle in progress has no start button; the global CFCI framework has one.
    cfci = Framework.objects.get(code="cfci")
    buttons = re.findall(r'name="framework" value="(\d+)"', page)
    assert str(cycle.framework.pk) not in buttons and str(cfci.pk) in buttons
    # Costa Rica's framework is not open to a municipality of country A.
    assert str(Framework.objects.get(code="cai-cr").pk) not in buttons
    # Another municipality's coordinator sees neither the cycle nor its link.
    away = text_of(client_for(world, away=True).get(url("home")))
    assert url("cycle", cycle.pk) not in away


def test_the_secretariat_lists_its_scope_by_stage(world: World, cycle: Cycle) -> None:
    client = client_for(world, "secretariat")
    page = client.get(url("home"))
    assert page.status_code == 200 and url("cycle", cycle.pk) in text_of(page) and "Municipio A" in text_of(page)
    assert page.context["workspace_url"] is None or page.context["workspace_url"] in text_of(page)
    assert url("cycle", cycle.pk) in text_of(client.get(url("home"), {"etapa": "commitment"}))
    assert url("cycle", cycle.pk) not in text_of(client.get(url("home"), {"etapa": "decided"}))
    # An unknown stage is no filter at all.
    assert url("cycle", cycle.pk) in text_of(client.get(url("home"), {"etapa": "nada"}))
    assert url("cycle", cycle.pk) not in text_of(client_for(world, "secretariat", away=True).get(url("home")))


def test_the_secretariats_list_is_paged(world: World, framework: Framework) -> None:
    from ronda.territory.models import Level
    from ronda.testing import make_unit

    for i in range(31):
        unit = make_unit(f"A-P{i:02d}", Level.MUNICIPALITY, world.region, f"Municipio P{i:02d}")
        services.start_cycle(actor=person(world, "admin"), org_unit=unit, framework=framework)
    client = client_for(world, "secretariat")
    first = client.get(url("home"))
    assert len(first.context["page"].object_list) == 30 and 'rel="next"' in text_of(first)
    second = client.get(url("home"), {"page": 2})
    assert len(second.context["page"].object_list) == 1


def test_start_a_cycle(world: World, framework: Framework) -> None:
    data = {"framework": framework.pk}
    # The administrator has no municipality of their own; another municipality's coordinator starts
    # a cycle of their own municipality.
    expected = dict(NONE, coordinator=302)
    check_access_matrix(
        world,
        url=url("cycle_start"),
        method="post",
        data=data,
        expected=expected,
        away=dict(NONE, coordinator=302),
        state=written,
    )
    assert set(Cycle.objects.filter(framework=framework).values_list("org_unit__code", flat=True)) == {"A-M", "A-M2"}
    check_access_matrix(
        world, url=url("cycle_start"), expected=dict.fromkeys(Role.values, 405), away=405, anonymous=405
    )


def test_starting_twice_says_so(world: World, cycle: Cycle) -> None:
    response = client_for(world).post(url("cycle_start"), {"framework": cycle.framework.pk}, follow=True)
    assert "ya tiene un ciclo de este marco en curso" in text_of(response)
    assert Cycle.objects.filter(framework=cycle.framework).count() == 1


# --- The cycle page ----------------------------------------------------------------------------------------
def test_cycle_page_access(world: World, cycle: Cycle) -> None:
    check_access_matrix(world, url=url("cycle", cycle.pk), expected=READERS)
    check_access_matrix(world, url=url("cycle", cycle.pk) + "?vivo=1", expected=READERS)


def test_while_preparing_the_page_shows_the_live_self_assessment(world: World, cycle: Cycle) -> None:
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert current_step(page) == step(0)
    assert "Acta del concejo" in page and "Mesa que sesiona" in page
    assert 'class="blocking"' in page  # the act and the commitment block the submission
    assert (
        url("cycle_document_upload", cycle.pk, Requirement.objects.get(framework=cycle.framework, code="acta").pk)
        in page
    )
    assert url("cycle_commitment", cycle.pk) in page
    assert "?vivo=1" not in page  # nothing submitted: the evidence is live already
    # A reader sees the same evidence without the coordinator's links.
    secretariat = text_of(client_for(world, "secretariat").get(url("cycle", cycle.pk)))
    assert "Acta del concejo" in secretariat
    assert url("cycle_commitment", cycle.pk) not in secretariat and "/documentos/" not in secretariat
    committed(world, cycle)
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert "Laura Enlace" in page and "Acuerdo 12-2026" in page
    assert url("cycle_submit", cycle.pk) in page


def test_after_submission_the_page_shows_the_frozen_evidence(world: World, cycle: Cycle) -> None:
    info_requested(world, cycle)
    submission = Submission.objects.get(cycle=cycle)
    # The coordinator uploads a corrected act: the live evidence moves, the frozen one does not.
    upload_act(world, Cycle.objects.get(pk=cycle.pk))
    client = client_for(world)
    frozen = client.get(url("cycle", cycle.pk))
    page = text_of(frozen)
    assert current_step(page) == step(3)
    assert frozen.context["live"] is False and "?vivo=1" in page
    assert short(submission.computed_on) in page
    versions = [item.document.number for group in frozen.context["groups"] for item in group.items if item.document]
    assert versions == [1]
    live = client.get(url("cycle", cycle.pk), {"vivo": "1"})
    assert live.context["live"] is True
    assert [item.document.number for group in live.context["groups"] for item in group.items if item.document] == [2]
    # The document link downloads the version the evidence names.
    version = DocumentVersion.objects.get(number=1)
    assert url("cycle_document_file", cycle.pk, version.pk) in page
    download = client.get(url("cycle_document_file", cycle.pk, version.pk))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_the_document_file_access(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    upload_act(world, Cycle.objects.get(pk=cycle.pk))
    version = DocumentVersion.objects.get()
    check_access_matrix(world, url=url("cycle_document_file", cycle.pk, version.pk), expected=READERS)
    # A version of another owner's document is not reachable through this cycle.
    assert client_for(world).get(url("cycle_document_file", cycle.pk, version.pk + 1000)).status_code == 404


def test_requests_for_information_and_the_verdicts(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle, value="partly")
    asked = services.request_information(
        actor=person(world, "secretariat"), cycle=cycle, text="Envíen el acta firmada.", expected_version=None
    )
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert "Envíen el acta firmada." in page and "Falta evidencia." in page  # the request and a verdict's comment
    assert f'action="{url("cycle_answer", cycle.pk, asked.pk)}"' in page
    secretariat = text_of(client_for(world, "secretariat").get(url("cycle", cycle.pk)))
    assert "Envíen el acta firmada." in secretariat and url("cycle_answer", cycle.pk, asked.pk) not in secretariat


def test_in_review_the_verdicts_are_not_shown_yet(world: World, cycle: Cycle) -> None:
    in_review(world, cycle)
    cycle = Cycle.objects.get(pk=cycle.pk)
    judge_all(world, cycle, value="partly")
    response = client_for(world).get(url("cycle", cycle.pk))
    assert response.context["show_verdicts"] is False and "Falta evidencia." not in text_of(response)


def test_a_decided_cycle_shows_the_decision_and_the_certificate(world: World, cycle: Cycle) -> None:
    cycle = recognised(world, cycle)
    certificate = Certificate.objects.get(cycle=cycle)
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert current_step(page) == step(4)
    assert "Sello de oro" in page and "Cumple con holgura." in page
    assert certificate.code in page and url("verify_code", certificate.code) in page
    assert cycle.valid_until is not None and short(cycle.valid_until) in page
    assert url("cycle_renew", cycle.pk) in page
    analyst = text_of(client_for(world, "analyst").get(url("cycle", cycle.pk)))
    assert certificate.code in analyst and url("cycle_renew", cycle.pk) not in analyst


# --- The commitment ---------------------------------------------------------------------------------------
def commitment_data(cycle: Cycle, **changes: Any) -> dict[str, Any]:
    return {
        "resolution_on": "2026-01-10",
        "resolution_reference": "Acuerdo 12-2026",
        "agreement_signed_on": "2026-01-20",
        "liaison_name": "Laura Enlace",
        "liaison_position": "Directora de Desarrollo Social",
        "version": Cycle.objects.get(pk=cycle.pk).version,
        **changes,
    }


def test_commitment_access_and_happy_path(world: World, cycle: Cycle) -> None:
    target = url("cycle_commitment", cycle.pk)
    check_access_matrix(world, url=target, expected=PREPARERS)
    check_access_matrix(
        world,
        url=target,
        method="post",
        data=lambda _w: commitment_data(cycle),
        expected=dict(NONE, admin=302, coordinator=302),
        state=written,
    )
    cycle.refresh_from_db()
    assert (cycle.resolution_on, cycle.liaison_name, cycle.resolution_reference) == (
        dt.date(2026, 1, 10),
        "Laura Enlace",
        "Acuerdo 12-2026",
    )


def test_commitment_bad_dates_show_the_message_and_write_nothing(world: World, cycle: Cycle) -> None:
    client = client_for(world)
    before = written()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.post(url("cycle_commitment", cycle.pk), commitment_data(cycle, resolution_on=tomorrow))
    assert future.status_code == 200 and "La fecha no puede ser futura." in text_of(future)
    early = client.post(url("cycle_commitment", cycle.pk), commitment_data(cycle, agreement_signed_on="2026-01-01"))
    assert "El compromiso se firma después del acuerdo del concejo que lo aprueba." in text_of(early)
    assert 'class="error-summary"' in text_of(early)
    assert written() == before


def test_a_stale_commitment_form_shows_the_conflict(world: World, cycle: Cycle) -> None:
    stale = commitment_data(cycle)
    committed(world, cycle)
    response = client_for(world).post(url("cycle_commitment", cycle.pk), {**stale, "liaison_name": "Otra persona"})
    assert response.status_code == 200 and "Otra persona modificó este registro" in text_of(response)
    assert Cycle.objects.get(pk=cycle.pk).liaison_name == "Laura Enlace"


def test_the_commitment_is_closed_while_the_secretariat_holds_the_file(world: World, cycle: Cycle) -> None:
    submitted(world, cycle)
    before = written()
    client = client_for(world)
    assert "en manos de la secretaría" in text_of(client.get(url("cycle_commitment", cycle.pk)))
    response = client.post(url("cycle_commitment", cycle.pk), commitment_data(cycle, liaison_name="Otra"))
    assert response.status_code == 200 and "en manos de la secretaría" in text_of(response)
    assert written() == before


# --- The candidacy ------------------------------------------------------------------------------------------
def test_candidacy_access_and_happy_path(world: World, cycle: Cycle) -> None:
    services.record_commitment(
        actor=person(world),
        cycle=cycle,
        expected_version=None,
        resolution_on=dt.date(2026, 1, 10),
        agreement_signed_on=dt.date(2026, 1, 20),
        liaison_name="Laura Enlace",
    )
    call = open_a_call(world, cycle.framework)
    target = url("cycle_candidacy", cycle.pk)
    check_access_matrix(world, url=target, expected=PREPARERS)
    page = text_of(client_for(world).get(target))
    assert f'<option value="{call.pk}"' in page and call.title in page
    # The administrator enters it; the coordinator, a moment later, is told it is entered already.
    check_access_matrix(
        world,
        url=target,
        method="post",
        data=lambda _w: {"call": call.pk, "version": Cycle.objects.get(pk=cycle.pk).version},
        expected=dict(NONE, admin=302, coordinator=200),
        state=written,
    )
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.call_id) == (CycleStage.CANDIDACY, call.pk)


def test_candidacy_without_the_commitment_or_in_a_closed_call_says_why(world: World, cycle: Cycle) -> None:
    client = client_for(world)
    before = written()
    response = client.post(url("cycle_candidacy", cycle.pk), {"call": "", "version": cycle.version})
    assert "Registre primero el acuerdo del concejo" in text_of(response)
    services.record_commitment(
        actor=person(world),
        cycle=cycle,
        expected_version=None,
        resolution_on=dt.date(2026, 1, 10),
        agreement_signed_on=dt.date(2026, 1, 20),
        liaison_name="Laura Enlace",
    )
    today = timezone.localdate()
    closed = services.open_call(
        actor=person(world, "secretariat"),
        framework=cycle.framework,
        org_unit=world.country,
        title="Convocatoria vencida",
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=30),
    )
    assert "Convocatoria vencida" not in text_of(client.get(url("cycle_candidacy", cycle.pk)))  # not offered
    before = written()
    version = Cycle.objects.get(pk=cycle.pk).version
    response = client.post(url("cycle_candidacy", cycle.pk), {"call": closed.pk, "version": version})
    assert response.status_code == 200 and "Esta convocatoria está cerrada" in text_of(response)
    assert written() == before and Cycle.objects.get(pk=cycle.pk).stage == CycleStage.COMMITMENT


# --- Documents -----------------------------------------------------------------------------------------------
def act(cycle: Cycle) -> Requirement:
    return Requirement.objects.get(framework=cycle.framework, code="acta")


def upload_data(_world: World | None = None) -> dict[str, Any]:
    return {"title": "", "upload": SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf")}


def test_document_upload_access_and_happy_path(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    target = url("cycle_document_upload", cycle.pk, act(cycle).pk)
    check_access_matrix(world, url=target, expected=PREPARERS)
    check_access_matrix(
        world,
        url=target,
        method="post",
        data=upload_data,
        expected=dict(NONE, admin=302, coordinator=302),
        state=written,
    )
    document = Document.objects.get()
    # The title defaults to the requirement's; the second upload is a new version of the same document.
    assert (document.kind, document.title, document.versions.count()) == ("acta", "Acta del concejo", 2)
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert "acta.pdf" in page


def test_only_a_document_requirement_of_the_framework_takes_an_upload(world: World, cycle: Cycle) -> None:
    client = client_for(world)
    computed = Requirement.objects.get(framework=cycle.framework, code="mesa")
    assert client.get(url("cycle_document_upload", cycle.pk, computed.pk)).status_code == 404
    other = Requirement.objects.filter(kind="document").exclude(framework=cycle.framework).first()
    assert other is not None  # a shipped framework's document requirement
    assert client.get(url("cycle_document_upload", cycle.pk, other.pk)).status_code == 404


def test_a_bad_file_is_refused_on_the_form(world: World, cycle: Cycle) -> None:
    before = written()
    bad = SimpleUploadedFile("acta.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client_for(world).post(url("cycle_document_upload", cycle.pk, act(cycle).pk), {"upload": bad})
    assert response.status_code == 200 and 'class="error-summary"' in text_of(response)
    assert written() == before


# --- Submission ----------------------------------------------------------------------------------------------
def test_submit_access_and_happy_path(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    upload_act(world, Cycle.objects.get(pk=cycle.pk))
    target = url("cycle_submit", cycle.pk)
    check_access_matrix(world, url=target, expected=PREPARERS)
    # The administrator submits; the coordinator, a moment later, finds the file with the secretariat.
    check_access_matrix(
        world,
        url=target,
        method="post",
        data=lambda _w: {"note": "Todo listo.", "version": Cycle.objects.get(pk=cycle.pk).version},
        expected=dict(NONE, admin=302, coordinator=200),
        state=written,
    )
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.SUBMITTED
    assert Submission.objects.get(cycle=cycle).note == "Todo listo."


def test_submit_lists_what_is_missing_and_refuses(world: World, cycle: Cycle) -> None:
    committed(world, cycle)
    client = client_for(world)
    page = client.get(url("cycle_submit", cycle.pk))
    assert [item.requirement.code for item in page.context["blocking"]] == ["acta"]
    assert url("cycle_document_upload", cycle.pk, act(cycle).pk) in text_of(page)
    before = written()
    version = Cycle.objects.get(pk=cycle.pk).version
    response = client.post(url("cycle_submit", cycle.pk), {"note": "", "version": version})
    assert response.status_code == 200
    assert "La candidatura está incompleta. Falta: acta (Acta del concejo)." in text_of(response)
    assert written() == before and not Submission.objects.exists()


# --- Answers -------------------------------------------------------------------------------------------------
def test_answer_access_and_happy_path(world: World, cycle: Cycle) -> None:
    asked = info_requested(world, cycle)
    target = url("cycle_answer", cycle.pk, asked.pk)
    check_access_matrix(world, url=target, expected=PREPARERS)
    check_access_matrix(
        world,
        url=target,
        method="post",
        data=lambda _w: {
            "answer": "Adjuntamos el acta.",
            "version": InformationRequest.objects.get(pk=asked.pk).version,
        },
        expected=dict(NONE, admin=302, coordinator=302),
        state=written,
    )
    asked.refresh_from_db()
    assert asked.answer == "Adjuntamos el acta." and asked.answered_at is not None
    # Answered, the coordinator submits again: the second submission freezes the evidence anew.
    version = Cycle.objects.get(pk=cycle.pk).version
    client_for(world).post(url("cycle_submit", cycle.pk), {"note": "", "version": version})
    assert Cycle.objects.get(pk=cycle.pk).stage == CycleStage.SUBMITTED
    assert Submission.objects.filter(cycle=cycle).count() == 2


def test_an_empty_answer_and_a_request_of_another_cycle(world: World, cycle: Cycle) -> None:
    asked = info_requested(world, cycle)
    before = written()
    response = client_for(world).post(
        url("cycle_answer", cycle.pk, asked.pk), {"answer": " ", "version": asked.version}
    )
    assert response.status_code == 200 and 'class="error-summary"' in text_of(response)
    assert written() == before
    assert client_for(world).get(url("cycle_answer", cycle.pk, asked.pk + 1000)).status_code == 404


def test_an_answer_when_nobody_asks_says_so(world: World, cycle: Cycle) -> None:
    asked = info_requested(world, cycle)
    services.answer_information(actor=person(world), request=asked, answer="Listo.", expected_version=None)
    services.submit(actor=person(world), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    services.take_for_review(
        actor=person(world, "secretariat"), cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None
    )
    before = written()
    version = InformationRequest.objects.get(pk=asked.pk).version
    response = client_for(world).post(url("cycle_answer", cycle.pk, asked.pk), {"answer": "Otra", "version": version})
    assert response.status_code == 200 and "en manos de la secretaría" in text_of(response)
    assert written() == before


# --- Renewal -------------------------------------------------------------------------------------------------
def test_renew_access_and_happy_path(world: World, cycle: Cycle) -> None:
    cycle = recognised(world, cycle)
    target = url("cycle_renew", cycle.pk)
    # The administrator renews; the coordinator, a moment later, is told a cycle is in progress (302 back).
    check_access_matrix(
        world, url=target, method="post", data={}, expected=dict(NONE, admin=302, coordinator=302), state=written
    )
    renewal = Cycle.objects.get(renewal_of=cycle)
    assert renewal.stage == CycleStage.COMMITMENT and renewal.framework_id == cycle.framework_id
    everyone = dict.fromkeys(Role.values, 405)
    check_access_matrix(world, url=target, expected=everyone, away=405, anonymous=405)
    page = text_of(client_for(world).get(url("cycle", cycle.pk)))
    assert url("cycle", renewal.pk) in page and url("cycle_renew", cycle.pk) not in page


def test_renewing_a_cycle_not_recognised_says_so(world: World, cycle: Cycle) -> None:
    before = written()
    response = client_for(world).post(url("cycle_renew", cycle.pk), follow=True)
    assert "Solo se puede renovar un reconocimiento." in text_of(response)
    assert written() == before
