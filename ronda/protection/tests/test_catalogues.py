"""The protection catalogues (measure types and supervision standards of MX, EC, CR): loaded once,
never rewritten, through the function and the command; read through ``policies``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ronda.core.models import AuditEvent
from ronda.protection import catalogues, policies
from ronda.protection.models import MeasureType, StandardItem
from ronda.protection.tests.factories import act
from ronda.territory.models import Level, OrgUnit
from ronda.testing import World, make_unit

pytestmark = pytest.mark.django_db


def test_load_is_idempotent_and_keeps_edits(world: World) -> None:
    loaded = catalogues.load("MX", world.country)
    assert len(loaded.measure_types) == len(catalogues.MEXICO_MEASURES)
    assert len(loaded.standards) == len(catalogues.MEXICO_STANDARDS)
    urgent = MeasureType.objects.get(country=world.country, code="mx-urgente-cas")
    assert urgent.is_urgent and urgent.ratification_days == 1 and urgent.places_in_care
    assert "122" in urgent.legal_reference
    assert AuditEvent.objects.filter(target_type="protection.measuretype", actor_username="system").count() == len(
        catalogues.MEXICO_MEASURES
    )

    # An administrator renamed a standard and switched a type off: a second load keeps both.
    StandardItem.objects.filter(country=world.country, code="quejas").update(text="Buzón de quejas")
    MeasureType.objects.filter(pk=urgent.pk).update(is_active=False)
    StandardItem.objects.filter(country=world.country, code="ratio").delete()
    again = catalogues.load("mx", world.country)
    assert [s.code for s in again.standards] == ["ratio"] and again.measure_types == []
    assert StandardItem.objects.get(country=world.country, code="quejas").text == "Buzón de quejas"
    assert not MeasureType.objects.get(pk=urgent.pk).is_active
    assert MeasureType.objects.filter(country=world.country).count() == len(catalogues.MEXICO_MEASURES)


def test_each_country_has_its_own_law(world: World) -> None:
    catalogues.load("EC", world.country)
    catalogues.load("CR", world.other_country)
    ec = {t.code: t for t in MeasureType.objects.filter(country=world.country)}
    assert ec["ec-custodia-emergencia"].ratification_days == 3 and ec["ec-custodia-emergencia"].is_urgent
    assert ec["ec-acogimiento-familiar"].name == "Acogimiento familiar"
    assert ec["ec-acogimiento-institucional"].places_in_care
    cr = {t.code: t for t in MeasureType.objects.filter(country=world.other_country)}
    assert cr["cr-cuido-provisional"].places_in_care and cr["cr-abrigo-temporal"].places_in_care
    assert not any(t.is_urgent for t in cr.values())
    # A country's standards are its own checklist: the officer of country A reads A's only.
    standards = policies.standards_for(world.municipality.path)
    assert standards.count() == len(catalogues.ECUADOR_STANDARDS)
    assert set(standards.values_list("country", flat=True)) == {world.country.pk}
    assert list(policies.visible_measure_types(act(world.home["protection_officer"]))) == list(
        policies.measure_types_for(world.municipality.path)
    )
    codes = [s.code for s in standards]
    assert {"plan-individual", "contacto-familiar", "escolaridad", "salud", "quejas", "ratio", "menores-tres"} <= set(
        codes
    )
    assert {"privacidad", "migrantes"} <= set(codes)
    with pytest.raises(ValueError):
        catalogues.load("AR", world.country)
    with pytest.raises(ValueError):
        catalogues.load("MX", world.region)


def test_command_loads_by_country_code(db: None) -> None:
    mexico = make_unit("MX", Level.COUNTRY, None, "México")
    out = StringIO()
    call_command("load_protection_catalogues", "--country", "MX", stdout=out)
    created = len(catalogues.MEXICO_MEASURES) + len(catalogues.MEXICO_STANDARDS)
    assert out.getvalue().strip().startswith(f"MX: {len(catalogues.MEXICO_MEASURES)} measure types")
    assert (
        MeasureType.objects.filter(country=mexico).count() + StandardItem.objects.filter(country=mexico).count()
        == created
    )
    out = StringIO()
    call_command("load_protection_catalogues", stdout=out)  # every country present; EC and CR are not
    assert out.getvalue().strip() == f"MX: 0 measure types and 0 standards created, {created} already there."
    assert OrgUnit.objects.filter(level=Level.COUNTRY).count() == 1
    with pytest.raises(CommandError):
        call_command("load_protection_catalogues", "--country", "EC")
