"""Protection and alternative care in a real browser (issue #12, item 12): in Chromium at 360 px, the
officer of the municipal DIF opens the file of a community case transferred to the office, records a
protective measure, records the gatekeeping decision, places the child with a foster family the
matching suggests, and — once the measure's review falls due — sees the alert on the home page. No
page scrolls sideways on the way."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from ronda.cases import route
from ronda.cases.tests.factories import make_case
from ronda.core.models import AccessEvent
from ronda.core.roles import Role
from ronda.protection.models import CareSetting, FosterStatus, FosterType, Placement, ProtectionFile, ProtectiveMeasure
from ronda.protection.services import resources as resource_services
from ronda.protection.tests.factories import TODAY, act, measure_type, protection_world
from ronda.testing import World, login, phone_browser

WIDTH = 360
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def phone(live_server: Any) -> Iterator[Any]:
    yield from phone_browser(WIDTH)


def _fits(page: Any) -> None:
    """Nothing wider than the phone: the page never scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


def _approved_family(officer: Any, unit: Any) -> Any:
    applied = TODAY - dt.timedelta(days=60)
    family = resource_services.register_foster_family(
        actor=officer,
        unit=unit,
        code="FA-021",
        type=FosterType.VOLUNTARY,
        contact_name="Rosa Pérez",
        capacity=2,
        applied_on=applied,
    )
    family = resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.EVALUATED, on=applied, expected_version=family.version
    )
    resource_services.record_training(actor=officer, family=family, topic="Crianza positiva", held_on=applied, hours=8)
    family.refresh_from_db()
    family = resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.TRAINED, on=applied, expected_version=family.version
    )
    return resource_services.move_foster_family(
        actor=officer, family=family, to_status=FosterStatus.APPROVED, on=applied, expected_version=family.version
    )


def _save(page: Any) -> None:
    page.locator("form[method=post] .actions button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_opens_a_transferred_case_measures_places_and_sees_the_review_alert(
    phone: Any, live_server: Any, world: World
) -> None:
    pw = protection_world(world)
    kind = measure_type(world, is_urgent=False, ratification_days=None)
    case = make_case(world, description="La niña pasa las noches sola.")
    case = route.transfer_to_protection(
        actor=act(world.home[Role.DEFENDER]),
        case=case,
        expected_version=case.version,
        institution=pw.municipal_office,
        reason="Se requiere una medida de protección especial.",
        consent_to_sharing=True,
        consent_given_by="caregiver",
    )
    family = _approved_family(act(pw.officer), world.municipality)
    client = login(Client(), pw.officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    phone.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = phone.new_page()
    base = live_server.url

    # 1. The case transferred to the office waits for its file; the officer opens it.
    page.goto(base + "/proteccion/expedientes/desde-caso/")
    _fits(page)
    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(re.compile(r"/desde-caso/\d+/$"))
    _fits(page)
    page.get_by_role("button", name="Abrir el expediente de protección").click()
    page.wait_for_url(re.compile(r"/proteccion/expedientes/\d+/"))
    file = ProtectionFile.objects.get(from_case=case)
    assert file.child_id == case.child_id and file.officer == pw.officer
    assert file.number in page.locator("h1").inner_text() or file.number in page.content()
    _fits(page)

    # 2. A protective measure, reviewed every month.
    page.get_by_role("link", name="Registrar una medida").click()
    page.select_option("[name=type]", str(kind.pk))
    page.fill("[name=issuing_authority]", "Procuraduría de Protección")
    page.fill("[name=issued_on]", TODAY.isoformat())
    page.fill("[name=legal_basis]", "LGDNNA, art. 123")
    page.fill("[name=review_interval_months]", "1")
    _fits(page)
    _save(page)
    page.wait_for_url(re.compile(rf"/proteccion/expedientes/{file.pk}/"))
    measure = ProtectiveMeasure.objects.get(file=file)
    assert measure.next_review_on is not None and measure.next_review_on > TODAY

    # 3. The gatekeeping decision: a voluntary foster family, with the alternatives considered.
    page.get_by_role("link", name=re.compile("valoración de ingreso", re.IGNORECASE)).first.click()
    page.select_option("[name=setting]", CareSetting.VOLUNTARY_FOSTER)
    page.fill("[name=decided_on]", TODAY.isoformat())
    page.check("[name=alternatives][value=family_support]")
    page.fill("[name=alternatives_note]", "La familia extensa vive en otro estado y no puede recibirla.")
    page.fill("[name=necessity]", "La niña pasa las noches sola desde hace semanas.")
    page.fill("[name=suitability]", "Una familia de acogida le permite seguir en su escuela.")
    page.fill("[name=decided_by]", "Comité técnico del DIF")
    _save(page)
    page.wait_for_url(re.compile(rf"/proteccion/expedientes/{file.pk}/"))

    # 4. The placement: the matching suggests the family, the officer places the child with it.
    page.get_by_role("link", name="Registrar un acogimiento").click()
    page.select_option("#id_setting_pick", CareSetting.VOLUNTARY_FOSTER)
    page.get_by_role("button", name=re.compile("familias que podrían recibir")).click()
    suggestions = page.locator("section[aria-labelledby=suggestions-h]")
    suggestions.wait_for()
    assert "FA-021" in suggestions.inner_text()
    _fits(page)
    page.select_option("[name=setting]", CareSetting.VOLUNTARY_FOSTER)
    page.fill("[name=start_on]", TODAY.isoformat())
    page.select_option("[name=foster_family]", str(family.pk))
    gatekeeping = page.locator("[name=gatekeeping] option").nth(1).get_attribute("value")
    page.select_option("[name=gatekeeping]", gatekeeping)
    page.fill("[name=contact_plan]", "Visitas de la madre los sábados, acompañadas.")
    _save(page)
    page.wait_for_url(re.compile(rf"/proteccion/expedientes/{file.pk}/"))
    placement = Placement.objects.get(file=file)
    assert (placement.foster_family, placement.end_on) == (family, None)
    assert "FA-021" in page.content()
    assert AccessEvent.objects.filter(actor=pw.officer, target_type="protection.protectionfile").exists()

    # 5. The review falls due: the next day after it, the home page raises the alert.
    page.goto(base + "/")
    assert file.number not in page.locator("main").inner_text()
    day_after = dt.datetime.combine(measure.next_review_on + dt.timedelta(days=1), dt.time(12), tzinfo=LOCAL)
    with time_machine.travel(day_after, tick=False):
        # A month later the idle session has expired: the officer signs in again.
        cookie = login(Client(), pw.officer).cookies[settings.SESSION_COOKIE_NAME]
        phone.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page.goto(base + "/")
        main = page.locator("main").inner_text()
        assert file.number in main
        _fits(page)
