"""A slow connection and a phone: htmx forms show that they are saving and never lose what the user
typed meanwhile; the plan page collapses its lines and objectives behind a summary of progress; a
failed form puts an error summary first and focuses it.

The slow connection is simulated by holding the request in a Playwright route until the test has
typed, then letting it through: deterministic, no sleeps and no timing assertions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ronda-demo-2026"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/cuentas/entrar/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")


def axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def test_agenda_form_is_busy_while_saving_and_keeps_what_was_typed_meanwhile(page, live_server, demo) -> None:
    from ronda.coordination.models import Meeting, MinutesStatus

    meeting = (
        Meeting.objects.filter(body__org_unit__code="EC-1101")
        .exclude(minutes_status=MinutesStatus.APPROVED)
        .order_by("pk")
        .first()
    )
    assert meeting is not None
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/mesa/reuniones/{meeting.pk}/")

    held: list[Any] = []
    page.route(re.compile(rf".*/mesa/reuniones/{meeting.pk}/agenda/$"), lambda route: held.append(route))
    form = page.locator(f"form[hx-post$='/reuniones/{meeting.pk}/agenda/']")
    submit = form.get_by_role("button", name="Agregar a la agenda")
    expect(form).to_have_attribute("hx-disabled-elt", "find [type=submit]")

    added = page.locator("#agenda-body ol li").filter(has_text="Informe del primer semestre")
    before = added.count()
    page.locator("#agenda_title").fill("Informe del primer semestre")
    submit.click()
    while not held:  # the request has left the page and is being held, like on a slow connection
        page.wait_for_timeout(50)

    # While in flight: busy, the submit disabled, a visible and announced "Guardando…".
    expect(form).to_have_attribute("aria-busy", "true")
    expect(submit).to_be_disabled()
    expect(form.get_by_role("status")).to_have_text("Guardando…")
    # The user goes on typing the next item.
    page.locator("#agenda_title").fill("Propuesta del consejo infantil sobre parques")
    page.locator("#agenda_minutes_allotted").fill("25")

    held[0].continue_()
    expect(added).to_have_count(before + 1)  # the agenda was re-rendered with the new item
    # The agenda was re-rendered with a fresh form, and what the user typed is still there.
    expect(page.locator("#agenda_title")).to_have_value("Propuesta del consejo infantil sobre parques")
    expect(page.locator("#agenda_minutes_allotted")).to_have_value("25")
    form = page.locator(f"form[hx-post$='/reuniones/{meeting.pk}/agenda/']")
    expect(form).not_to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("button", name="Agregar a la agenda")).to_be_enabled()
    expect(page.locator(".busy-label")).to_have_count(0)
    assert not meeting.agenda.filter(title="Propuesta del consejo infantil sobre parques").exists()


def test_plan_page_collapses_lines_behind_a_summary_on_a_phone(page, live_server, demo) -> None:
    from ronda.planning.models import LocalPlan

    plan = LocalPlan.objects.get(org_unit__code="EC-1101")
    lines = list(plan.lines.order_by("order"))
    assert len(lines) >= 3
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/plan/planes/{plan.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A summary of progress comes first, one row per line, in a scrollable, labelled region.
    summary = page.get_by_role("region", name="Avance por línea estratégica")
    expect(summary).to_have_attribute("tabindex", "0")
    expect(summary.locator("tbody tr")).to_have_count(len(lines))
    first_line = page.locator("details.plan-line").first
    assert summary.evaluate("(el, line) => !!(el.compareDocumentPosition(line) & 4)", first_line.element_handle())

    # The first line is open, the others closed: their measures are not in the way.
    details = page.locator("details.plan-line")
    expect(details).to_have_count(len(lines))
    expect(details.nth(0)).to_have_attribute("open", "")
    expect(details.nth(1)).not_to_have_attribute("open", "")
    expect(details.nth(1).locator("table").first).not_to_be_visible()

    # Keyboard: the summary of a closed line is focusable and opens with Enter.
    second = details.nth(1).locator("summary").first
    second.focus()
    page.keyboard.press("Enter")
    expect(details.nth(1)).to_have_attribute("open", "")

    # A link in the summary opens the line it points to.
    third = lines[2]
    expect(page.locator(f"#line-{third.pk}")).not_to_have_attribute("open", "")
    summary.get_by_role("link", name=re.compile(re.escape(third.title))).click()
    expect(page.locator(f"#line-{third.pk}")).to_have_attribute("open", "")

    # Cards never clip the percentage: every meter fits inside its cell.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('details[open] .meter-value')].filter(v => {
            const cell = v.closest('td, .stat, summary'); if (!cell) return false;
            return v.getBoundingClientRect().right > cell.getBoundingClientRect().right + 1;
        }).map(v => v.closest("td, .stat, summary").textContent.trim().slice(0, 60))"""
    )
    assert clipped == [], clipped
    found = axe_violations(page)
    assert found == [], found


def test_council_status_table_scrolls_in_its_own_box(page, live_server, demo) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/consejo/")
    region = page.get_by_role("region", name="Solicitudes por estado").and_(page.locator(".table-wrap"))
    expect(region).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert region.evaluate("el => el.getBoundingClientRect().right <= el.parentElement.getBoundingClientRect().right")


def test_failed_form_focuses_an_error_summary_linking_to_each_field(page, live_server, demo) -> None:
    sign_in(page, live_server, "coord.loja")
    page.goto(f"{live_server.url}/cuentas/contrasena/")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() >= 2  # every error at once, not one round per field
    first = links.first
    target = first.get_attribute("href")
    assert target and target.startswith("#")
    first.click()
    field = page.locator(target)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby") or ""
    assert f"{target[1:]}_error" in described.split()
    expect(page.locator(f"#{target[1:]}_error")).to_be_visible()
    expect(field).to_have_attribute("required", "")


@pytest.mark.parametrize("username", ["coord.loja", "admin"])  # admin: the longest menu (short labels)
def test_desktop_header_is_one_bar_and_one_row_of_navigation(page, live_server, demo, username) -> None:
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, live_server, username)
    items = page.locator("#site-nav li")
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count())) if box}
    assert len(tops) == 1, tops
    if username == "admin":
        return
    # The secondary links live in the account menu.
    expect(page.get_by_role("link", name="Contraseña")).not_to_be_visible()
    page.locator(".user-menu summary").click()
    expect(page.get_by_role("link", name="Contraseña")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Cerrar sesión"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Contraseña")).not_to_be_visible()
