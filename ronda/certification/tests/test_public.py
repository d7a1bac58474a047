"""The public list and map of recognised municipalities (issue #14 item 6): real certificates, built
through the services (or by the demo loader), read by anyone, signed in or not."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ronda.certification import demo, public, services, views_public
from ronda.certification.models import (
    Certificate,
    Cycle,
    Framework,
    FrameworkStatus,
    HearingView,
    Outcome,
    Requirement,
    RequirementKind,
)
from ronda.certification.tests.conftest import pdf_bytes, person
from ronda.certification.tests.test_cycle import in_review
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.territory import demo as territory_demo
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, assert_queries_do_not_grow, check_access_matrix, login, make_unit

pytestmark = pytest.mark.django_db

LIST = reverse("certification:recognised")
MAP = reverse("certification:recognised_map")


def recognise(cycle: Cycle, *, category: str | None = None) -> Certificate:
    """A cycle taken from its commitment to a recognition, as a municipality and the secretariat do."""
    services.record_commitment(
        actor=SYSTEM,
        cycle=cycle,
        expected_version=None,
        resolution_on=dt.date(2026, 1, 10),
        resolution_reference="Acuerdo 12-2026",
        agreement_signed_on=dt.date(2026, 1, 20),
        liaison_name="Laura Enlace",
        liaison_position="Directora de Desarrollo Social",
    )
    cycle = services.enter_candidacy(
        actor=SYSTEM, cycle=Cycle.objects.get(pk=cycle.pk), call=None, expected_version=None
    )
    for requirement in Requirement.objects.filter(framework=cycle.framework, kind=RequirementKind.DOCUMENT):
        upload = SimpleUploadedFile("acta.pdf", pdf_bytes(), content_type="application/pdf")
        services.add_document(actor=SYSTEM, cycle=cycle, requirement=requirement, title="Acta", upload=upload)
    services.submit(actor=SYSTEM, cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    cycle = services.take_for_review(actor=SYSTEM, cycle=Cycle.objects.get(pk=cycle.pk), expected_version=None)
    for requirement in Requirement.objects.filter(framework=cycle.framework, mandatory=True):
        services.record_verdict(actor=SYSTEM, cycle=cycle, requirement_id=requirement.pk, value="met")
    hearing = services.record_hearing(
        actor=SYSTEM,
        cycle=cycle,
        held_on=timezone.localdate(),
        children_6_11=4,
        children_12_17=7,
        children_view="El consejo pidió más espacios de juego.",
        overall=HearingView.FAVOURABLE,
    )
    services.weigh_hearing(actor=SYSTEM, hearing=hearing, weighed="Se tomó en cuenta.", expected_version=None)
    categories = cycle.framework.categories.order_by("position")
    services.decide(
        actor=SYSTEM,
        cycle=Cycle.objects.get(pk=cycle.pk),
        outcome=Outcome.RECOGNISED,
        category=categories.get(code=category) if category else categories.first(),
        expected_version=None,
    )
    return Certificate.objects.get(cycle=cycle)


def recognised(unit: OrgUnit, framework: Framework, *, category: str | None = None) -> Certificate:
    return recognise(services.start_cycle(actor=SYSTEM, org_unit=unit, framework=framework), category=category)


def ended(certificate: Certificate, *, days_ago: int) -> None:
    """The recognition's validity ended ``days_ago`` days ago (the services date a decision today)."""
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=days_ago))


def cfci() -> Framework:
    return Framework.objects.get(code="cfci", status=FrameworkStatus.PUBLISHED)


VALID, EXPIRED, TABLE = "valid-h", "expired-h", "map-table-h"  # the sections' headings


def section(text: str, heading_id: str) -> str:
    """The HTML of the page's section headed by the <h2> of ``heading_id``, up to its end."""
    start = text.index(f'<h2 id="{heading_id}">')
    return text[start : text.index("</section>", start)]


def label(status: str) -> str:
    """A status as the page words it (in Spanish, once the catalogue has it)."""
    with translation.override("es"):
        return public.status_label(status)


def shapes(svg: str) -> list[str]:
    return re.findall(r'<path [^>]*data-status="(\w+)"', svg)


# --- Access -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [LIST, MAP])
def test_everyone_reads_the_public_pages_and_nobody_posts_to_them(world: World, framework: Framework, url: str) -> None:
    recognised(world.municipality, framework)
    everyone = dict.fromkeys(Role.values, 200)
    check_access_matrix(world, url=url, expected=everyone, away=200, anonymous=200)
    refused = dict.fromkeys(Role.values, 405)
    check_access_matrix(world, url=url, method="post", data={}, expected=refused, away=405, anonymous=405)


@pytest.mark.parametrize("url", [LIST, MAP])
def test_an_anonymous_copy_is_cached_five_minutes_a_signed_in_one_not_at_all(world: World, url: str) -> None:
    anonymous = Client().get(url)
    assert "public" in anonymous["Cache-Control"] and "max-age=300" in anonymous["Cache-Control"]
    client = Client()
    login(client, world.home[Role.COORDINATOR])
    signed_in = client.get(url)
    assert "private" in signed_in["Cache-Control"] and "no-store" in signed_in["Cache-Control"]


# --- What is listed -----------------------------------------------------------------------------------
def test_a_valid_recognition_is_listed_with_its_dates_and_a_link_to_its_verification(
    world: World, framework: Framework
) -> None:
    certificate = recognised(world.municipality, framework, category="oro")
    text = Client().get(LIST).content.decode()
    valid = section(text, VALID)
    assert "Municipio A" in valid and "Marco de prueba del país A" in valid and "Sello de oro" in valid
    assert "País A" in valid and label(public.VALID) in valid
    assert reverse("certification:verify_code", args=[certificate.code]) in valid
    assert certificate.issued_on.strftime("%d/%m/%Y") in valid
    assert certificate.valid_until.strftime("%d/%m/%Y") in valid
    assert "Municipio A" not in section(text, EXPIRED)
    assert "Laura Enlace" not in text and "Directora de Desarrollo Social" not in text  # nothing personal


def test_cycles_in_preparation_or_in_review_are_not_listed(world: World, framework: Framework, cycle: Cycle) -> None:
    in_review(world, cycle)  # Municipio A
    sibling = OrgUnit.objects.get(code="A-M2")
    services.start_cycle(actor=SYSTEM, org_unit=sibling, framework=framework)  # preparing its commitment
    text = Client().get(LIST).content.decode()
    assert "Municipio A" not in text and "Municipio vecino" not in text
    assert "<table" not in section(text, VALID) and "<table" not in section(text, EXPIRED)


def test_an_expired_recognition_moves_to_its_own_section_and_leaves_it_after_a_year(
    world: World, framework: Framework
) -> None:
    certificate = recognised(world.municipality, framework)
    ended(certificate, days_ago=1)
    text = Client().get(LIST).content.decode()
    assert "Municipio A" not in section(text, VALID)
    expired = section(text, EXPIRED)
    assert "Municipio A" in expired and reverse("certification:verify_code", args=[certificate.code]) in expired
    ended(certificate, days_ago=public.EXPIRED_DAYS + 1)
    assert "Municipio A" not in Client().get(LIST).content.decode()


def test_a_recognition_expires_the_day_after_its_last_valid_day(world: World, framework: Framework) -> None:
    certificate = recognised(world.municipality, framework)
    last_day = certificate.valid_until
    with time_machine.travel(dt.datetime.combine(last_day - dt.timedelta(days=30), dt.time(12)), tick=False):
        valid = section(Client().get(LIST).content.decode(), VALID)
        assert "Municipio A" in valid and label(public.EXPIRING) in valid
    with time_machine.travel(dt.datetime.combine(last_day, dt.time(12)), tick=False):
        assert "Municipio A" in section(Client().get(LIST).content.decode(), VALID)
    with time_machine.travel(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(12)), tick=False):
        text = Client().get(LIST).content.decode()
        assert "Municipio A" not in section(text, VALID)
        assert "Municipio A" in section(text, EXPIRED)


def test_a_revoked_recognition_is_not_listed_at_all(world: World, framework: Framework) -> None:
    certificate = recognised(world.municipality, framework)
    services.revoke_certificate(actor=person(world, "secretariat"), certificate=certificate, reason="Error")
    assert "Municipio A" not in Client().get(LIST).content.decode()
    ended(certificate, days_ago=10)  # an expired one that had been revoked is not "expired" either
    assert "Municipio A" not in Client().get(LIST).content.decode()


def test_a_certificate_dated_in_the_future_is_not_valid_yet(world: World, framework: Framework) -> None:
    certificate = recognised(world.municipality, framework)
    Certificate.objects.filter(pk=certificate.pk).update(issued_on=timezone.localdate() + dt.timedelta(days=3))
    text = Client().get(LIST).content.decode()
    assert "Municipio A" not in text


def test_a_renewed_recognition_is_not_shown_as_expired(world: World, framework: Framework) -> None:
    first = recognised(world.municipality, framework)
    ended(first, days_ago=5)
    renewal = services.renew(actor=SYSTEM, cycle=first.cycle)
    second = recognise(renewal)
    text = Client().get(LIST).content.decode()
    assert reverse("certification:verify_code", args=[second.code]) in section(text, VALID)
    assert "Municipio A" not in section(text, EXPIRED)


# --- Filters and pages --------------------------------------------------------------------------------
def test_filters_by_country_and_framework_and_bad_values_are_ignored(world: World, framework: Framework) -> None:
    recognised(world.municipality, framework)
    recognised(world.other_municipality, cfci())
    client = Client()

    def listed(params: dict[str, str]) -> tuple[bool, bool]:
        response = client.get(LIST, params)
        assert response.status_code == 200
        valid = section(response.content.decode(), VALID)
        return "Municipio A" in valid, "Municipio B" in valid

    assert listed({}) == (True, True)
    assert listed({"pais": "A"}) == (True, False)
    assert listed({"pais": "B"}) == (False, True)
    assert listed({"marco": "cfci"}) == (False, True)
    assert listed({"marco": "prueba-a", "pais": "B"}) == (False, False)
    assert listed({"pais": "ZZ", "marco": "<script>"}) == (True, True)  # not an option: ignored
    assert listed({"pais": "A-M"}) == (True, True)  # a municipality's code is not a country
    text = client.get(LIST, {"pais": "B"}).content.decode()
    assert '<option value="B" selected>' in text
    assert f'href="{MAP}?pais=B"' in text  # the map keeps the filters
    map_text = client.get(MAP, {"marco": "cfci"}).content.decode()
    assert shapes(map_text) == [] and "Municipio B" in map_text and "Municipio A" not in map_text


def test_the_list_is_paged_and_sorted_by_municipality(
    world: World, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_public, "PAGE_SIZE", 2)
    for code, name in [("A-Z", "Zarcero"), ("A-B", "Barva"), ("A-C", "Carrillo")]:
        recognised(make_unit(code, Level.MUNICIPALITY, world.region, name), framework)
    recognised(world.municipality, framework)
    client = Client()
    first = section(client.get(LIST).content.decode(), VALID)
    assert first.index("Barva") < first.index("Carrillo") and "Municipio A" not in first and "Zarcero" not in first
    assert "Página 1 de 2" in first and "?pagina=2" in first
    second = section(client.get(LIST, {"pagina": "2"}).content.decode(), VALID)
    assert second.index("Municipio A") < second.index("Zarcero") and "Barva" not in second
    last = section(client.get(LIST, {"pagina": "99"}).content.decode(), VALID)
    assert "Zarcero" in last  # out of range: the last page
    assert client.get(LIST, {"pagina": "x"}).status_code == 200


# --- The map ------------------------------------------------------------------------------------------
def test_the_demo_map_has_one_shape_per_recognised_canton_and_a_legend_in_words() -> None:
    territory_demo.load_demo()
    demo.load_demo()
    response = Client().get(MAP, {"pais": "CR"})
    text = response.content.decode()
    svg = text[text.index("<svg") : text.index("</svg>", text.index('id="recognition-map-t"'))]
    # Alajuela valid, Escazú expiring within 60 days, Cartago expired; Heredia (in review) and San José
    # (preparing its candidacy) are not recognised.
    assert sorted(shapes(svg)) == ["expired", "expiring", "valid"]
    titles = re.findall(r"<path [^>]*><title>([^<]+)</title>", svg)
    assert any(t.startswith(f"Alajuela: {label(public.VALID)}") for t in titles)
    assert any(t.startswith(f"Escazú: {label(public.EXPIRING)}") for t in titles)
    assert any(t.startswith(f"Cartago: {label(public.EXPIRED)}") for t in titles)
    assert not any("Heredia" in t or "San José" in t for t in titles)
    assert re.findall(r'data-legend="(\w+)"', svg) == ["valid", "expiring", "expired"]
    for status in public.STATUSES:
        assert f"{label(status)} (1)</text>" in svg
    # the same in words: the legend and the table
    legend = text[text.index('class="recognition-legend"') :]
    assert all(f"</svg> {label(status)}</li>" in legend for status in public.STATUSES)
    table = section(text, TABLE)
    for name in ("Alajuela", "Escazú", "Cartago"):
        assert f'<th scope="row" class="row-name">{name}</th>' in table
    assert "Heredia" not in table
    listing = section(Client().get(LIST, {"pais": "CR"}).content.decode(), VALID)
    assert "Alajuela" in listing and "Escazú" in listing and label(public.EXPIRING) in listing


def test_a_municipality_without_a_shape_is_in_the_table_not_on_the_map(world: World, framework: Framework) -> None:
    recognised(world.municipality, framework)
    text = Client().get(MAP).content.decode()
    assert shapes(text) == [] and 'id="recognition-map-t"' in text and "<path" not in text
    assert '<th scope="row" class="row-name">Municipio A</th>' in section(text, TABLE)


def test_the_map_reads_geometry_for_the_municipalities_it_draws_only(world: World, framework: Framework) -> None:
    square = {"type": "Polygon", "coordinates": [[[-84, 10], [-83.9, 10], [-83.9, 10.1], [-84, 10]]]}
    OrgUnit.objects.filter(code__in=["A-M", "A-M2", "B-M"]).update(geometry=square)
    recognised(world.municipality, framework)
    today = timezone.localdate()
    items = public.recognitions(public.valid(public.Filters(), today), today, public.countries())
    result = public.recognition_map(items)
    assert len(shapes(result.svg)) == 1 and result.mapped == 1
    assert [u.name for u in result.units] == ["Municipio A"]


# --- Queries ------------------------------------------------------------------------------------------
def _adder(world: World, framework: Framework) -> Any:
    square = {"type": "Polygon", "coordinates": [[[-84, 10], [-83.9, 10], [-83.9, 10.1], [-84, 10]]]}
    made = [0]

    def add_rows(n: int) -> None:
        for _ in range(2 * n):  # as many valid recognitions as expired ones: both sections grow
            made[0] += 1
            unit = make_unit(f"A-Q{made[0]}", Level.MUNICIPALITY, world.region, f"Cantón {made[0]:02d}")
            OrgUnit.objects.filter(pk=unit.pk).update(geometry=square)
            certificate = recognised(unit, framework)
            if made[0] % 2 == 0:
                ended(certificate, days_ago=made[0])

    return add_rows


@pytest.mark.parametrize("url", [LIST, MAP])
def test_the_number_of_queries_does_not_grow_with_the_rows(world: World, framework: Framework, url: str) -> None:
    assert_queries_do_not_grow(
        Client(), url, _adder(world, framework), ceiling=10, rows=2, contains=["Cantón 05", "Cantón 06"]
    )


def test_the_list_takes_a_handful_of_queries(
    world: World, framework: Framework, django_assert_max_num_queries: Any
) -> None:
    _adder(world, framework)(3)
    client = Client()
    with django_assert_max_num_queries(6):
        assert client.get(LIST).status_code == 200
