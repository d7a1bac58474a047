"""The case route on a phone (issue #11, item 12): in Chromium at 360 px, a defender registers a child
(the duplicate warning appears), opens a case, plans and records a family visit and refers the case to
the Junta Cantonal with the family's consent. No page scrolls sideways on the way."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ronda.cases.models import Case, CaseViolation, Child, Referral, VisitStatus
from ronda.cases.tests.factories import TODAY, make_child, taxonomy
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.testing import World, login

CHROMIUM = os.environ.get("RONDA_CHROMIUM", "/usr/bin/chromium")
WIDTH = 360


@pytest.fixture
def phone(live_server: Any) -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run browser tests"
        if os.environ.get("RONDA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="es-ES")
        yield context
        context.close()
        browser.close()


def _fits(page: Any) -> None:
    """Nothing wider than the phone: the page never scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_defender_registers_opens_visits_and_refers_on_a_phone(phone: Any, live_server: Any, world: World) -> None:
    types = taxonomy(world.country)
    make_child(world)  # Xiomara Belén Quizhpe Sarango, registered before
    defender = world.home[Role.DEFENDER]
    client = login(Client(), defender)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    phone.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = phone.new_page()
    base = live_server.url

    # 1. Registration: a sister with almost the same name and another birth date; Ronda shows the
    #    possible duplicate first, and the defender confirms a new child.
    page.goto(base + "/casos/ninos/registrar/")
    _fits(page)
    page.fill("[name=first_names]", "Xiomara")
    page.fill("[name=paternal_surname]", "Quishpe")
    page.fill("[name=maternal_surname]", "Sarango")
    page.select_option("[name=sex]", "female")
    page.fill("[name=birth_date]", dt.date(TODAY.year - 10, 3, 4).isoformat())
    page.locator("form:has([name=first_names]) .actions button[type=submit]").click()
    warning = page.locator("section.warning[role=alert]")
    warning.wait_for()
    assert "Quizhpe" in warning.inner_text()  # the defender registered the other child: shown by name
    _fits(page)
    page.click("button[name=confirmed_new]")
    page.wait_for_url(re.compile(r"/casos/ninos/\d+/$"))
    child = Child.objects.get(paternal_surname="Quishpe")
    assert page.url.endswith(f"/casos/ninos/{child.pk}/")

    # 2. A case for her: physical violence, which must be referred to the protection board in 72 hours.
    page.click(f"a[href$='/casos/nuevo/?nino={child.pk}']")
    page.wait_for_url("**/casos/nuevo/**")
    _fits(page)
    page.check(f"[name=violation_types][value='{types['physical'].pk}']")
    page.check("[name=risk][value=high]")
    page.select_option("[name=reporter_type]", "neighbour")
    page.fill("[name=facts_date]", (TODAY - dt.timedelta(days=2)).isoformat())
    page.fill("[name=description]", "Un vecino oyó gritos y golpes en la casa el domingo.")
    page.locator("form:has([name=description]) button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/casos/\d+/$"))
    case = Case.objects.get(child=child)
    assert page.url.endswith(f"/casos/{case.pk}/")
    assert case.risk == "high" and case.owner == defender
    _fits(page)

    # 3. A family visit, planned and then recorded.
    page.click("#visits-h ~ details summary")
    page.fill("form[action$='/visitas/nueva/'] [name$=planned_for]", TODAY.isoformat())
    page.click("form[action$='/visitas/nueva/'] button[type=submit]")
    page.wait_for_url(f"**/casos/{case.pk}/**")
    page.click("a[href*='/casos/visitas/']")
    page.wait_for_url(re.compile(r"/casos/visitas/\d+/$"))
    _fits(page)
    page.fill("[name=done_on]", TODAY.isoformat())
    page.fill("[name=findings]", "La madre reconoce los golpes; el niño está en la escuela y come bien.")
    page.locator("form:has([name=findings]) button[type=submit]").first.click()
    page.wait_for_url(f"**/casos/{case.pk}/**")
    assert case.visits.get().status == VisitStatus.DONE

    # 4. The referral to the Junta Cantonal, with the family's consent.
    page.click(f"a[href$='/casos/{case.pk}/derivaciones/nueva/']")
    page.wait_for_url("**/derivaciones/nueva/")
    _fits(page)
    page.select_option("[name=institution]", str(world.institution.pk))
    page.fill("[name=reason]", "Violencia física en el hogar: medidas de protección.")
    page.check("[name=consent_to_services]")
    page.check("[name=consent_to_sharing]")
    page.select_option("[name=consent_given_by]", "caregiver")
    page.locator("form:has([name=reason]) button[type=submit]").first.click()
    page.wait_for_url(f"**/casos/{case.pk}/**")
    assert world.institution.name in page.locator("#referrals-h").locator("..").inner_text()
    _fits(page)

    referral = Referral.objects.get(case=case)
    assert referral.institution == world.institution and referral.consent_to_sharing
    # The referral fulfilled the mandatory one, and every opening of the case was logged.
    assert CaseViolation.objects.get(case=case).referral == referral
    assert AccessEvent.objects.filter(target_type="cases.case", target_id=str(case.pk), actor=defender).count() >= 4
