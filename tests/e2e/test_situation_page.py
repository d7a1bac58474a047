"""The situation report of a municipality's children in a browser: axe-core (WCAG 2.1 A and AA) on a
desktop and a phone, with the demo's figures, and its charts drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", verbosity=0)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}])
def test_the_situation_page_has_no_wcag_violations(
    browser: Any, live_server: Any, demo: None, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="es-ES", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill("coord.loja")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/informes/situacion/")  # one municipality: straight to Loja's
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text().endswith("Loja")
    assert page.locator("svg.tablero-chart").count() > 0
    page.add_script_tag(content=AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert len(result["passes"]) > 10  # axe really ran its rules on this page
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    context.close()
    assert not found, "\n".join(found)
