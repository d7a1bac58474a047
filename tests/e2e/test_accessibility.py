"""axe-core (WCAG 2.1 A and AA rules) on the pages each kind of user works with, on a desktop and a phone.

The demo data fills the pages the way a municipality would. A violation fails the test with the
rule, the page and the offending elements, so it can be fixed where it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ronda.coordination.models import Agreement, Meeting
from ronda.council.models import CouncilRequest
from ronda.planning.models import LocalPlan, Measure

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
