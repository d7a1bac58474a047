"""Sign in as the Loja coordinator, see the home page, switch language, browse on a phone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", verbosity=0)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_coordinator_signs_in_sees_home_and_switches_language(page, live_server, demo) -> None:
    sign_in(page, live_server, "coord.loja")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hola, Carmen")
    assert page.get_by_role("navigation", name="Principal").is_visible()
    assert page.get_by_text("Loja").first.is_visible()
    # The 24 communities of the canton of Loja are counted on the home page.
    assert "24" in page.locator(".stat").nth(0).inner_text()

    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello, Carmen")


def test_wrong_password_shows_generic_spanish_error(page, live_server, demo) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill("coord.loja")
    page.get_by_label("Contraseña").fill("incorrecta-123")
    page.get_by_role("button", name="Iniciar sesión").click()
    assert page.get_by_role("alert").inner_text().startswith("El nombre de usuario o la contraseña no son correctos")


def test_phone_menu_and_keyboard(page, live_server, demo) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "defensor.motupe")
    page.wait_for_url(f"{live_server.url}/")
    # No horizontal scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    menu = page.get_by_role("button", name="Menú")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Directorio de derivación").click()
    page.wait_for_url("**/territorio/instituciones/")
    assert "Junta Cantonal" in page.content()
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Saltar" in focused


def test_territory_browse_and_htmx_search(page, live_server, demo) -> None:
    sign_in(page, live_server, "coord.loja")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/territorio/")
    assert page.get_by_role("heading", level=1).inner_text() == "Loja"
    page.get_by_label("Buscar por nombre o código").fill("Motupe")
    expect(page.locator("#children li")).to_have_count(1)
    assert page.locator("#children li").first.inner_text().startswith("Motupe")
