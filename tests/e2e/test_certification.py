"""Issue #14: San José's coordinator uploads the council's act and submits the candidacy; the Costa Rican
secretariat takes it, judges every requirement on the frozen evidence, hears the children's council,
weighs its view and recognises the canton; anyone then verifies the certificate's code, on a phone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")


def a_pdf(tmp_path) -> str:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "acta-concejo.pdf"
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_canton_submits_the_secretariat_recognises_and_the_public_verifies(page, live_server, demo, tmp_path) -> None:
    from ronda.certification.models import Certificate, Cycle, CycleStage, Requirement, RequirementKind

    cycle = Cycle.objects.get(org_unit__code="CR-101", framework__code="cai-cr")
    assert cycle.stage == CycleStage.CANDIDACY
    base = live_server.url

    # The coordinator: the self-assessment says what blocks the submission; the act is uploaded.
    sign_in(page, live_server, "coord.sanjose")
    page.goto(f"{base}/certificacion/ciclos/{cycle.pk}/")
    expect(page.locator("main")).to_contain_text("impide el envío")
    for requirement in Requirement.objects.filter(framework=cycle.framework, kind=RequirementKind.DOCUMENT):
        page.goto(f"{base}/certificacion/ciclos/{cycle.pk}/documentos/{requirement.pk}/")
        page.locator("input[name=upload]").set_input_files(a_pdf(tmp_path))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/certificacion/ciclos/{cycle.pk}/")
    page.goto(f"{base}/certificacion/ciclos/{cycle.pk}/enviar/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/certificacion/ciclos/{cycle.pk}/")
    cycle.refresh_from_db()
    assert cycle.stage == CycleStage.SUBMITTED and cycle.submissions.count() == 1
    page.context.clear_cookies()

    # The secretariat: the queue shows it; take it, judge, hear, weigh, decide.
    sign_in(page, live_server, "secretaria.cr")
    page.goto(f"{base}/certificacion/secretaria/")
    expect(page.locator("main")).to_contain_text("San José")
    review = f"{base}/certificacion/ciclos/{cycle.pk}/revision/"
    page.goto(review)
    page.get_by_role("button", name="Tomar para revisión").click()
    page.wait_for_url(f"{review}*")
    for requirement in Requirement.objects.filter(framework=cycle.framework):
        page.locator(f"select[name=value_{requirement.pk}]").select_option("met")
    page.get_by_role("button", name="Guardar los dictámenes").click()
    page.wait_for_url(f"{review}*")
    page.goto(f"{base}/certificacion/ciclos/{cycle.pk}/audiencia/")
    page.locator("input[name=held_on]").fill(timezone.localdate().isoformat())
    page.locator("input[name=children_12_17]").fill("9")
    page.locator("textarea[name=children_view]").fill("Pidieron más espacios para jugar y que los escuchen.")
    page.locator("input[name=overall][value=favourable]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{review}*")
    hearing = cycle.hearings.get()
    page.goto(f"{base}/certificacion/audiencias/{hearing.pk}/ponderar/")
    page.locator("textarea[name=weighed]").fill("Su opinión favorable sostiene el reconocimiento.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{review}*")
    page.goto(review)
    decision = page.locator("#decision")
    decision.get_by_label("Reconocido").check()
    decision.get_by_label("Categoría de reconocimiento").select_option(index=1)
    decision.get_by_label("Fecha de la decisión").fill(timezone.localdate().isoformat())
    decision.get_by_role("button", name="Registrar la decisión").click()
    page.wait_for_url(f"{review}*")
    cycle.refresh_from_db()
    assert cycle.is_recognised, page.locator("main").inner_text()
    certificate = Certificate.objects.get(cycle=cycle)
    pdf = page.request.get(f"{base}/certificacion/certificados/{certificate.pk}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.context.clear_cookies()

    # Anyone, on a phone, types the code from the paper.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/certificacion/verificar/")
    page.locator("input[name=codigo]").fill(certificate.code.lower())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("San José")
    expect(page.locator("main")).to_contain_text("vigente")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{base}/certificacion/reconocidos/")
    expect(page.locator("main")).to_contain_text("San José")
