"""A unit's currency and time zone: set on the country, inherited below, overridable by a region."""

from __future__ import annotations

import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone

from ronda.core.tenancy import SYSTEM
from ronda.territory import demo, selectors, services
from ronda.territory.middleware import SESSION_KEY, MunicipalityTimeZoneMiddleware
from ronda.territory.models import Level, OrgUnit
from ronda.territory.selectors import in_time_zone_of
from ronda.testing import World

pytestmark = pytest.mark.django_db


def _set(unit: OrgUnit, **fields: str) -> None:
    OrgUnit.objects.filter(pk=unit.pk).update(**fields)


def test_a_municipality_inherits_its_countrys_currency_and_time_zone(world: World) -> None:
    _set(world.country, currency="USD", time_zone="America/Guayaquil")
    assert selectors.currency_of(world.municipality) == "USD"
    assert selectors.currency_of(world.community) == "USD"
    assert selectors.time_zone_of(world.municipality) == "America/Guayaquil"


def test_the_nearest_unit_that_says_wins(world: World) -> None:
    _set(world.country, currency="MXN", time_zone="America/Mexico_City")
    _set(world.region, time_zone="America/Cancun")  # Quintana Roo keeps its own clock
    assert selectors.time_zone_of(world.municipality) == "America/Cancun"
    assert selectors.currency_of(world.municipality) == "MXN"


@override_settings(TIME_ZONE="America/Costa_Rica")
def test_nothing_set_means_no_currency_and_the_servers_zone(world: World) -> None:
    assert selectors.currency_of(world.municipality) == ""
    assert selectors.currency_of(None) == ""
    assert selectors.time_zone_of(world.municipality) == "America/Costa_Rica"


def test_a_new_country_is_validated(world: World) -> None:
    country = services.create_org_unit(
        actor=SYSTEM,
        code="CR2",
        name="Costa Rica",
        level=Level.COUNTRY,
        parent=None,
        currency="crc",
        time_zone="America/Costa_Rica",
    )
    assert (country.currency, country.time_zone) == ("CRC", "America/Costa_Rica")
    with pytest.raises(ValidationError) as bad:
        services.create_org_unit(
            actor=SYSTEM,
            code="XX",
            name="X",
            level=Level.COUNTRY,
            parent=None,
            currency="US$",
            time_zone="Mars/Olympus",
        )
    assert set(bad.value.message_dict) == {"currency", "time_zone"}
    assert not OrgUnit.objects.filter(code="XX").exists()


def test_the_demo_countries_have_their_currency_and_zone() -> None:
    demo.load_demo()
    loja = OrgUnit.objects.get(code="EC-1101")
    assert (selectors.currency_of(loja), selectors.time_zone_of(loja)) == ("USD", "America/Guayaquil")
    san_jose = OrgUnit.objects.get(code="CR-101")
    assert (selectors.currency_of(san_jose), selectors.time_zone_of(san_jose)) == ("CRC", "America/Costa_Rica")
    tlaxcala = OrgUnit.objects.get(code="MX-29-033")
    assert (selectors.currency_of(tlaxcala), selectors.time_zone_of(tlaxcala)) == ("MXN", "America/Mexico_City")


class _Actor:
    def __init__(self, unit: OrgUnit | None) -> None:
        self.org_unit = unit


def _zone_seen_by_view(request: HttpRequest) -> str:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    MunicipalityTimeZoneMiddleware(view)(request)
    return seen["zone"]


@override_settings(TIME_ZONE="UTC")
def test_the_middleware_runs_the_request_in_the_units_zone_and_remembers_it(world: World) -> None:
    _set(world.country, time_zone="America/Guayaquil")
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[assignment]
    request.actor = _Actor(world.municipality)  # type: ignore[attr-defined]
    assert _zone_seen_by_view(request) == "America/Guayaquil"
    assert request.session[SESSION_KEY] == {"unit": world.municipality.path, "zone": "America/Guayaquil"}
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the response
    # Anonymous or without a unit: the server's zone.
    anonymous = RequestFactory().get("/")
    anonymous.actor = None  # type: ignore[attr-defined]
    assert _zone_seen_by_view(anonymous) == "UTC"
    request.actor = _Actor(None)  # type: ignore[attr-defined]
    assert _zone_seen_by_view(request) == "UTC"


def test_the_currency_tag_looks_a_unit_up_once(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    _set(world.country, currency="CRC")
    unit = OrgUnit.objects.get(pk=world.municipality.pk)
    template = Template("{% load territory %}{% currency_of unit as c %}{{ c }}|{% currency_of unit as d %}{{ d }}")
    with django_assert_num_queries(1):
        assert template.render(Context({"unit": unit})) == "CRC|CRC"
    assert zoneinfo.ZoneInfo(selectors.time_zone_of(unit))  # always a zone the server knows


@override_settings(TIME_ZONE="UTC")
def test_a_job_can_run_in_its_units_zone(world: World) -> None:
    _set(world.country, time_zone="America/Costa_Rica")
    with in_time_zone_of(world.municipality):
        assert timezone.get_current_timezone_name() == "America/Costa_Rica"
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_unit_form_sets_and_validates_currency_and_time_zone(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from ronda.testing import login

    login(client, world.home["coordinator"])
    url = reverse("territory:unit_edit", args=[world.community.pk])
    version = OrgUnit.objects.get(pk=world.community.pk).version
    base = {"code": "A-M-C", "name": "Comunidad A", "is_active": "on", "version": version}
    bad = client.post(url, {**base, "currency": "US$", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 200
    assert {"currency", "time_zone"} <= set(bad.context["form"].errors)
    good = client.post(url, {**base, "currency": "usd", "time_zone": "America/Guayaquil"})
    assert good.status_code == 302
    unit = OrgUnit.objects.get(pk=world.community.pk)
    assert (unit.currency, unit.time_zone) == ("USD", "America/Guayaquil")
