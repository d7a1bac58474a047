"""Consultations in a real browser at 360 px: the coordinator records a consultation citing the plan and
opens the map of social actors; no page scrolls sideways, and the consultation shows on the measure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from ronda.consultations.models import Consultation, SocialActor
from ronda.consultations.tests.conftest import Planning, build_planning
from ronda.testing import World, login, phone_browser

WIDTH = 360


@pytest.fixture
def phone(live_server: Any) -> Iterator[Any]:
    yield from phone_browser(WIDTH)


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (page.url, width)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_coordinator_records_a_consultation_on_a_phone(phone: Any, live_server: Any, world: World) -> None:
    from ronda.consultations import services
    from ronda.core.tenancy import SYSTEM

    home: Planning = build_planning(world.municipality, world.area)
    for i, (interest, influence) in enumerate((("high", "high"), ("low", "medium"), ("medium", "low"))):
        services.record_actor(
            actor=SYSTEM,
            municipality=world.municipality,
            name=f"Organización comunitaria con un nombre bastante largo {i}",
            kind="community",
            interest=interest,
            influence=influence,
            relationship="to_engage",
            contact_name="Persona de contacto",
            contact_email=f"contacto{i}@example.org",
        )
    client = login(Client(), world.home["coordinator"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    phone.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = phone.new_page()
    base = live_server.url
    page.goto(f"{base}/consultas/{world.municipality.pk}/nueva/")
    _fits(page)
    page.get_by_label("Tema").fill("Camino a la escuela")
    page.get_by_label("Público").select_option("school")
    page.get_by_label("Método").select_option("workshop")
    page.get_by_label("Niñas de 6 a 11").fill("12")
    page.get_by_label("Lo que dijeron").fill("Piden un cruce seguro frente a la escuela.")
    page.get_by_label(home.measure.title, exact=False).check()
    page.locator("form[method=post] .actions button[type=submit]").click()
    page.wait_for_url("**/consultas/consulta/**")
    _fits(page)
    consultation = Consultation.objects.get()
    assert (consultation.girls_6_11, list(consultation.measures.all())) == (12, [home.measure])
    for path in (
        f"/consultas/{world.municipality.pk}/",
        f"/consultas/{world.municipality.pk}/actores/",
        f"/consultas/{world.municipality.pk}/actores/mapa/",
        f"/plan/medidas/{home.measure.pk}/",
    ):
        page.goto(base + path)
        _fits(page)
    assert "Camino a la escuela" in page.content()
    assert SocialActor.objects.count() == 3
