"""axe-core (WCAG 2.1 A and AA rules) on the pages each kind of user works with, on a desktop and a phone.

The demo data fills the pages the way a municipality would. A violation fails the test with the
rule, the page and the offending elements, so it can be fixed where it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from ronda.accounts.models import User
from ronda.accounts.selectors import active_memberships
from ronda.consultations.models import Consultation
from ronda.coordination import services as coordination_services
from ronda.coordination.models import Agreement, Meeting, MeetingInvitation, RsvpStatus
from ronda.coordination.services import convocation
from ronda.coordination.services import documents as coordination_documents
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.council.models import CouncilRequest
from ronda.evaluation.models import Evaluation
from ronda.improvement.models import AssessmentRound, PilotProject
from ronda.links.models import MeasureLink
from ronda.notifications.models import OutgoingEmail
from ronda.planning import services as planning_services
from ronda.planning.models import LocalPlan, Measure
from ronda.territory.models import OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", verbosity=0)


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")


def violations(page: Any, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return violations_here(page, url)


def violations_here(page: Any, url: str) -> list[str]:
    """axe on the page as it is now (after a form was sent, say)."""
    page.evaluate(AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert len(result["passes"]) > 10, url  # axe really ran its rules on this page
    return [
        f"{url}: {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_the_check_finds_violations(browser: Any) -> None:
    """The harness itself: a page with an unlabelled field and an image without text fails."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<html lang="es"><title>x</title><main><img src="a.png"><input type="text"></main></html>')
    page.evaluate(AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert {"image-alt", "label"} <= {v["id"] for v in result["violations"]}
    context.close()


def coordinator_pages(base: str) -> list[str]:
    plan = LocalPlan.objects.get(org_unit__code="EC-1101")
    measure = Measure.objects.filter(plan=plan).order_by("code").first()
    meeting = Meeting.objects.filter(body__org_unit__code="EC-1101").order_by("scheduled_at").first()
    agreement = Agreement.objects.filter(body__org_unit__code="EC-1101").first()
    request = CouncilRequest.objects.filter(council__org_unit__code="EC-1101").first()
    assert measure and meeting and agreement and request
    paths = [
        "/",
        "/plan/planes/",
        f"/plan/planes/{plan.pk}/",
        f"/plan/medidas/{measure.pk}/",
        "/mesa/",
        "/mesa/acuerdos/",
        "/mesa/reuniones/",
        f"/mesa/reuniones/{meeting.pk}/",
        f"/mesa/acuerdos/{agreement.pk}/",
        "/consejo/",
        "/informes/",
        "/territorio/",
    ]
    return [base + p for p in paths]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_coordinator_and_public_pages_have_no_wcag_violations(
    browser: Any, live_server: Any, demo: None, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    found: list[str] = []
    for url in [f"{live_server.url}/cuentas/entrar/", f"{live_server.url}/publico/EC-1101/"]:
        found += violations(page, url)
    found += violations(page, f"{live_server.url}/publico/EC-1101/ninos/")
    sign_in(page, live_server, "coord.loja")
    for url in coordinator_pages(live_server.url):
        found += violations(page, url)
    context.close()
    assert not found, "\n".join(found)


def test_focal_point_pages_have_no_wcag_violations(browser: Any, live_server: Any, demo: None) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, "focal.loja")
    measure = Measure.objects.filter(plan__org_unit__code="EC-1101", responsible_area__name="Salud").first()
    assert measure is not None
    found: list[str] = []
    for path in ("/", "/plan/mis-medidas/", f"/plan/medidas/{measure.pk}/avance/", "/mesa/acuerdos/"):
        found += violations(page, live_server.url + path)
    context.close()
    assert not found, "\n".join(found)


# --- The pages of issue #13 ---------------------------------------------------------------------------
# Each is checked by axe at a desk and on a 360 px phone, where it must not scroll sideways either.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
MUNICIPALITY = "EC-1101"
GUEST_EMAIL = "patricia.armijos@example.org"  # the demo's guest of the coming meeting
# The deepest elements that stick out on the right of the screen, outside any scrolling box (a table
# in a .table-wrap may scroll inside its box; the page must not).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; }
    return false; };
  const out = [...document.body.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > width + 1
    && !scrolls(el));
  return out.filter((el) => !out.some((o) => o !== el && el.contains(o))).slice(0, 3).map((el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
}"""


def checked(page: Any, url: str | None = None) -> list[str]:
    """axe's violations on the page at ``url`` (None: the page as it is now) and, on a phone, a page
    wider than the screen."""
    if url is None:
        url = page.url
        found = violations_here(page, url)
    else:
        found = violations(page, url)
    viewport = page.viewport_size
    if viewport is not None and viewport["width"] <= PHONE["width"]:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > viewport["width"] + 1:
            found.append(f"{url}: {width} px wide on a {viewport['width']} px screen -> {page.evaluate(OVERFLOWING)}")
    return found


def person(username: str) -> Actor:
    user = User.objects.get(username=username)
    return actor_for(user, active_memberships(user)[0])


def pdf(name: str) -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@dataclass(frozen=True)
class Convened:
    meeting: Meeting
    guest_token: str
    document_pk: int
    report_pk: int


@pytest.fixture
def convened(demo: None, settings: Any, tmp_path: Path) -> Convened:
    """The demo's coming meeting convened (the guest's private link read back from their e-mail), some
    invitees' answers, the focal point's proposal; a document of the body, an annex, and a figure of
    the focal point waiting for the coordinator's validation — what the pages show on a working day."""
    settings.MEDIA_ROOT = tmp_path / "media"
    meeting = Meeting.objects.get(
        body__org_unit__code=MUNICIPALITY, scheduled_at__gt=timezone.now(), status="scheduled"
    )
    convocation.send_convocation(actor=SYSTEM, meeting=meeting, base_url="https://ronda.example.org")
    email = OutgoingEmail.objects.get(address=GUEST_EMAIL, kind="coordination.convocation")
    token = re.search(r"/mesa/convocatoria/([\w-]+)/", email.body)
    assert token is not None
    focal = person("focal.loja")
    invitation = MeetingInvitation.objects.get(meeting=meeting, member__user__username="focal.loja")
    convocation.answer_invitation(actor=focal, invitation=invitation, answer=RsvpStatus.YES)
    others = MeetingInvitation.objects.filter(meeting=meeting, member__isnull=False, member__user__isnull=True)
    for other, answer in zip(others.order_by("pk"), (RsvpStatus.NO, RsvpStatus.MAYBE), strict=False):
        convocation.answer_invitation(actor=SYSTEM, invitation=other, answer=answer)
    coordination_services.propose_agenda_item(
        actor=focal,
        meeting=meeting,
        title="Presentar el mapa de actores sociales de Motupe",
        reason="Lo pidieron las familias en la consulta de octubre.",
    )
    document = coordination_documents.add_body_document(
        actor=SYSTEM,
        body=meeting.body,
        kind="decree",
        title="Decreto de creación de la mesa",
        reference="Decreto 045-2024",
        dated=timezone.localdate(),
        upload=pdf("decreto.pdf"),
    )
    coordination_documents.add_meeting_annex(
        actor=SYSTEM, meeting=meeting, title="Informe de salud", upload=pdf("informe.pdf")
    )
    measure = salud_measure()
    report = planning_services.submit_budget_execution(
        actor=focal, measure=measure, year=timezone.localdate().year, executed="1500", note="Primer semestre."
    )
    return Convened(meeting=meeting, guest_token=token.group(1), document_pk=document.pk, report_pk=report.pk)


def salud_measure() -> Measure:
    measure = (
        Measure.objects.filter(plan__org_unit__code=MUNICIPALITY, responsible_area__name="Salud")
        .order_by("code")
        .first()
    )
    assert measure is not None
    return measure


def issue13_coordinator_pages(convened: Convened) -> list[str]:
    municipality = OrgUnit.objects.get(code=MUNICIPALITY)
    plan = LocalPlan.objects.get(org_unit__code=MUNICIPALITY)
    meeting = convened.meeting
    evaluation = Evaluation.objects.get(plan=plan)
    consultation = Consultation.objects.filter(municipality=municipality).order_by("held_on").first()
    first_round = AssessmentRound.objects.filter(municipality=municipality).order_by("held_on").first()
    pilot = PilotProject.objects.filter(municipality=municipality).first()
    link = MeasureLink.objects.filter(org_unit=municipality, council_request__isnull=False).first()
    assert consultation and first_round and pilot and link
    return [
        # Coordination: the body, the convened meeting, its invitees, reminders, documents, calendar
        "/mesa/",
        f"/mesa/reuniones/{meeting.pk}/",
        f"/mesa/reuniones/{meeting.pk}/convocatoria/",
        "/mesa/recordatorios/",
        "/mesa/documentos/nuevo/",
        f"/mesa/documentos/{convened.document_pk}/editar/",
        f"/mesa/documentos/{convened.document_pk}/version/",
        f"/mesa/reuniones/{meeting.pk}/anexos/nuevo/",
        f"/mesa/calendario/{timezone.localdate().year}/",
        # Planning: co-responsibility, the focal points' figures for validation, plan alerts
        f"/plan/planes/{plan.pk}/compromisos/",
        f"/plan/planes/{plan.pk}/validaciones/",
        f"/plan/cifras/{convened.report_pk}/revisar/",
        f"/plan/planes/{plan.pk}/alertas/",
        "/plan/alertas/",
        # Consultations and the map of social actors
        "/consultas/",
        f"/consultas/{municipality.pk}/",
        f"/consultas/{municipality.pk}/nueva/",
        f"/consultas/consulta/{consultation.pk}/",
        f"/consultas/consulta/{consultation.pk}/editar/",
        f"/consultas/{municipality.pk}/actores/",
        f"/consultas/{municipality.pk}/actores/mapa/",
        f"/consultas/{municipality.pk}/actores/nuevo/",
        # Evaluation
        f"/evaluacion/planes/{plan.pk}/",
        f"/evaluacion/{evaluation.pk}/",
        f"/evaluacion/planes/{plan.pk}/nueva/",
        f"/evaluacion/{evaluation.pk}/editar/",
        f"/evaluacion/{evaluation.pk}/valoraciones/",
        f"/evaluacion/{evaluation.pk}/recomendaciones/nueva/",
        # Improvement: the self-assessment, its rounds, the team, the pilots
        "/mejora/",
        f"/mejora/{municipality.pk}/",
        f"/mejora/{municipality.pk}/lista/",
        f"/mejora/{municipality.pk}/rondas/nueva/",
        f"/mejora/rondas/{first_round.pk}/",
        f"/mejora/rondas/{first_round.pk}/puntajes/",
        f"/mejora/{municipality.pk}/comparacion/",
        f"/mejora/{municipality.pk}/equipo/",
        f"/mejora/{municipality.pk}/equipo/nuevo/",
        f"/mejora/pilotos/{pilot.pk}/",
        f"/mejora/{municipality.pk}/pilotos/nuevo/",
        # Links to the plan (/enlaces/ takes the forms of these pages' panels)
        f"/consejo/solicitudes/{link.council_request_id}/",
        f"/plan/medidas/{link.measure_id}/",
        # The municipality's identity
        f"/territorio/unidades/{municipality.pk}/identidad/",
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_issue13_coordinator_pages_have_no_wcag_violations(
    browser: Any, live_server: Any, convened: Convened, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, "coord.loja")
    found: list[str] = []
    for path in issue13_coordinator_pages(convened):
        found += checked(page, live_server.url + path)
    context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_issue13_focal_point_pages_have_no_wcag_violations(
    browser: Any, live_server: Any, convened: Convened, viewport: dict[str, int]
) -> None:
    """The Salud focal point, seated on the body: home, the meeting with the agenda and the proposal
    form (and their own proposal), what their area answers for, and a figure to report."""
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, "focal.loja")
    meeting = convened.meeting
    found: list[str] = []
    for path in ("/", f"/mesa/reuniones/{meeting.pk}/", "/plan/compromisos/"):
        found += checked(page, live_server.url + path)
    # The proposal form is on the meeting's page; sent empty, it answers with its errors there.
    page.goto(f"{live_server.url}/mesa/reuniones/{meeting.pk}/")
    proposals = page.locator("#proposals")
    proposals.get_by_label("Punto que propone").fill(" ")
    proposals.get_by_role("button", name="Proponer").click()
    page.wait_for_load_state()
    assert "#proposals" in page.url
    found += checked(page)
    found += checked(page, f"{live_server.url}/plan/medidas/{salud_measure().pk}/ejecucion/")
    context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_issue13_public_pages_have_no_wcag_violations(
    browser: Any, live_server: Any, convened: Convened, viewport: dict[str, int]
) -> None:
    """Nobody signed in: the public plan page with its published evaluation, and the guest's answer page
    before and after answering."""
    assert Evaluation.objects.filter(org_unit__code=MUNICIPALITY, status="published").exists()
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    found = checked(page, f"{live_server.url}/publico/{MUNICIPALITY}/")
    rsvp = f"{live_server.url}/mesa/convocatoria/{convened.guest_token}/"
    found += checked(page, rsvp)
    page.locator("main input[name=rsvp][value=yes]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    found += checked(page)
    assert MeetingInvitation.objects.get(meeting=convened.meeting, guest_email=GUEST_EMAIL).rsvp == RsvpStatus.YES
    context.close()
    assert not found, "\n".join(found)


# --- The public certification pages (issue #14 item 6) ------------------------------------------------
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_certification_public_pages_have_no_wcag_violations(
    browser: Any, live_server: Any, demo: None, viewport: dict[str, int]
) -> None:
    """Nobody signed in: the verification form, the answer for a valid certificate (Alajuela's, from
    the demo), the list of recognised municipalities (filtered too) and their map."""
    from ronda.certification.models import Certificate

    certificate = Certificate.objects.get(cycle__org_unit__code="CR-201", revoked_on=None)
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    found: list[str] = []
    for path in (
        "/certificacion/verificar/",
        f"/certificacion/verificar/{certificate.code}/",
        "/certificacion/reconocidos/",
        "/certificacion/reconocidos/?pais=CR&marco=cai-cr",
        "/certificacion/reconocidos/mapa/",
    ):
        found += checked(page, live_server.url + path)
    context.close()
    assert not found, "\n".join(found)


# --- The certification pages of each role (issue #14) -------------------------------------------------
def certification_pages() -> dict[str, list[str]]:
    """Per demo login, the certification pages they work on: the secretariat's workspace and its forms,
    the evaluator's assignment, the coordinator's cycle and its forms, the frameworks."""
    from ronda.certification.models import Assignment, Certificate, Cycle, Framework, Requirement

    heredia = Cycle.objects.get(org_unit__code="CR-401")
    san_jose = Cycle.objects.get(org_unit__code="CR-101")
    recognised = Certificate.objects.get(cycle__org_unit__code="CR-201", revoked_on=None)
    framework = Framework.objects.get(code="cai-cr", status="published")
    document = Requirement.objects.filter(framework=framework, kind="document").first()
    assert document is not None
    assignment = Assignment.objects.get(cycle=heredia)
    return {
        "secretaria.cr": [
            "/certificacion/",
            "/certificacion/secretaria/",
            f"/certificacion/ciclos/{heredia.pk}/revision/",
            f"/certificacion/ciclos/{heredia.pk}/evaluadores/",
            f"/certificacion/ciclos/{heredia.pk}/audiencia/",
            "/certificacion/convocatorias/",
            "/certificacion/convocatorias/nueva/",
            f"/certificacion/certificados/{recognised.pk}/revocar/",
            "/certificacion/marcos/",
            f"/certificacion/marcos/{framework.pk}/",
        ],
        "evaluadora.cr": [
            "/",
            "/certificacion/evaluaciones/",
            f"/certificacion/evaluaciones/{assignment.pk}/",
        ],
        "coord.sanjose": [
            "/",
            "/certificacion/",
            f"/certificacion/ciclos/{san_jose.pk}/",
            f"/certificacion/ciclos/{san_jose.pk}/compromiso/",
            f"/certificacion/ciclos/{san_jose.pk}/documentos/{document.pk}/",
            f"/certificacion/ciclos/{san_jose.pk}/enviar/",
        ],
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_certification_pages_of_each_role_have_no_wcag_violations(
    browser: Any, live_server: Any, demo: None, viewport: dict[str, int]
) -> None:
    found: list[str] = []
    for username, paths in certification_pages().items():
        context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server, username)
        for path in paths:
            found += checked(page, live_server.url + path)
        context.close()
    assert not found, "\n".join(found)
